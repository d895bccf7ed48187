import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Context } from '../context';

/**
 * Subscriptions whose results are shared: per event, one execution for each group of subscribers with the
 * same document, operation name, variables and role, instead of one per subscriber.
 *
 * graphql-js runs a subscription in two steps: the source stream (the subscription field's `subscribe`,
 * once per subscriber: it checks the caller and picks the events) and, for each event the stream yields,
 * an execution of the selection with the event as root value. The live feeds hand every subscriber of an
 * event the same object (`live-feeds.ts`), so the execution is keyed by that object and by the group:
 * the first subscriber to take the event executes it, the others wait for that result. Each subscriber
 * still has its own stream, so it takes events in its own order, resumes from its own position and
 * replays its own backlog (rows read for one subscriber are objects of their own, never shared).
 *
 * The role is part of the group because results depend on it (an action's config reads as `***` for a
 * VIEWER, fields refused below a role). Nothing else about the caller may change a result: a field that
 * came to depend on who is asking (not only on the role) would have to add it to `groupOf`.
 */
export class SharedExecution {
  /** Executions of subscription events so far, shared or not (tests and the benchmark read it). */
  executions = 0;
  private readonly results = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();

  constructor(
    /** Applied once per execution (error masking), so every subscriber gets the same formatted result. */
    private readonly format: (result: ExecutionResult) => ExecutionResult,
    /** Off: one execution per subscriber and event, as graphql-js does (for the benchmark's "before"). */
    private readonly enabled = true,
  ) {}

  /** graphql-ws's `subscribe`: the subscriber's own source stream, mapped through the shared executions. */
  async subscribe(args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult> | ExecutionResult> {
    const source = await createSourceEventStream(args);
    if (!isAsyncIterable(source)) return source;
    const group = this.enabled ? groupOf(args) : null;
    return mapResults(source[Symbol.asyncIterator](), (payload) => this.resultOf(payload, group, args));
  }

  private resultOf(payload: unknown, group: string | null, args: ExecutionArgs): Promise<ExecutionResult> {
    if (group === null || typeof payload !== 'object' || payload === null) return this.run(payload, args);
    let byGroup = this.results.get(payload);
    if (!byGroup) this.results.set(payload, (byGroup = new Map()));
    let result = byGroup.get(group);
    if (!result) byGroup.set(group, (result = this.run(payload, args)));
    return result;
  }

  private async run(payload: unknown, args: ExecutionArgs): Promise<ExecutionResult> {
    this.executions++;
    return this.format(await execute({ ...args, rootValue: payload }));
  }
}

/** Who may share an execution: the same operation with the same variables, asked with the same role. */
function groupOf(args: ExecutionArgs): string {
  const text = args.document.loc?.source.body ?? JSON.stringify(args.document);
  const role = (args.contextValue as Context).principal?.role ?? 'anonymous';
  return JSON.stringify([text, args.operationName ?? null, canonical(args.variableValues ?? {}), role]);
}

/** Variables with their object keys sorted, so `{a, b}` and `{b, a}` are one group. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
  );
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown> | null)?.[Symbol.asyncIterator] === 'function';
}

/**
 * The source's values through `map`, as an async generator graphql-ws can end: `return` goes straight to
 * the source (an `async function*` would wait for the source's next value before it could return).
 */
function mapResults<T, R>(source: AsyncIterator<T>, map: (value: T) => Promise<R>): AsyncGenerator<R> {
  const mapped = async (result: IteratorResult<T>): Promise<IteratorResult<R>> =>
    result.done ? { value: undefined, done: true } : { value: await map(result.value), done: false };
  const generator: AsyncGenerator<R> = {
    next: () => source.next().then(mapped),
    return: async () => {
      await source.return?.();
      return { value: undefined, done: true };
    },
    throw: async (error: unknown) => {
      if (source.throw) return mapped(await source.throw(error));
      await source.return?.();
      throw error;
    },
    [Symbol.asyncIterator]: () => generator,
  };
  return generator;
}
