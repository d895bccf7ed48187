// Lockstep's typed GraphQL client, for the CLI and for scripts (`import { createClient } from
// 'lockstep/client'`). Documents and their result and variable types are generated from the API's schema
// (generated.ts, `npm run cli:types`); this file only sends them: queries and mutations over HTTP,
// subscriptions over graphql-ws. It imports nothing of the server.
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
import type { Client as SocketClient } from 'graphql-ws';

export * from './generated';

export interface LockstepClientOptions {
  /** The API's GraphQL endpoint, e.g. http://localhost:4000/graphql. */
  url: string;
  /** An API token (`Authorization: Bearer <token>`). */
  token: string;
}

/** An error the API answered with (its `extensions.code` and, for bad input, the field), or a failure to reach it. */
export class LockstepError extends Error {
  constructor(
    message: string,
    /** `UNAUTHENTICATED`, `FORBIDDEN`, `BAD_USER_INPUT`, `NOT_FOUND`, `CONFLICT`, ..., or `UNREACHABLE`. */
    readonly code: string,
    /** For `BAD_USER_INPUT`: the input path at fault, e.g. `input.stages[0].actions[1].config.command`. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'LockstepError';
  }
}

interface GraphQLErrorBody {
  message: string;
  extensions?: { code?: string; field?: string };
}

function errorOf(errors: GraphQLErrorBody[]): LockstepError {
  const [first] = errors;
  return new LockstepError(
    first?.message ?? 'the API answered with an error',
    first?.extensions?.code ?? 'INTERNAL_SERVER_ERROR',
    first?.extensions?.field,
  );
}

type Document<R, V> = DocumentTypeDecoration<R, V> & { toString(): string };

export interface Subscription<R> extends AsyncIterable<R> {
  /** Ends the subscription (and the connection when it was the last one). */
  close(): void;
}

export interface LockstepClient {
  request<R, V>(document: Document<R, V>, variables: V): Promise<R>;
  subscribe<R, V>(document: Document<R, V>, variables: V): Subscription<R>;
  /** Closes the WebSocket connection, if a subscription opened one. */
  close(): Promise<void>;
}

export function createClient({ url, token }: LockstepClientOptions): LockstepClient {
  let socket: Promise<SocketClient> | undefined;

  async function connect(): Promise<SocketClient> {
    // Loaded on first use: commands that do not subscribe start without them.
    const [{ createClient: createWsClient }, webSocketImpl] = await Promise.all([
      import('graphql-ws'),
      globalThis.WebSocket ? Promise.resolve(globalThis.WebSocket) : import('ws').then((m) => m.default),
    ]);
    return createWsClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl,
      connectionParams: { authorization: `Bearer ${token}` },
      lazy: true,
      retryAttempts: 5,
      shouldRetry: () => true,
    });
  }

  return {
    async request(document, variables) {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: document.toString(), variables }),
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        throw new LockstepError(
          `cannot reach the Lockstep API at ${url} (${cause?.code ?? cause?.message ?? String(error)})`,
          'UNREACHABLE',
        );
      }
      let body: { data?: unknown; errors?: GraphQLErrorBody[] };
      try {
        body = (await response.json()) as typeof body;
      } catch {
        throw new LockstepError(`${url} answered ${response.status} without GraphQL`, 'UNREACHABLE');
      }
      if (body.errors?.length) throw errorOf(body.errors);
      if (!response.ok || body.data === undefined || body.data === null)
        throw new LockstepError(`${url} answered ${response.status}`, 'INTERNAL_SERVER_ERROR');
      return body.data as never;
    },

    subscribe<R, V>(document: Document<R, V>, variables: V): Subscription<R> {
      const queue: R[] = [];
      let failure: Error | undefined;
      let done = false;
      let wake: (() => void) | undefined;
      let dispose: (() => void) | undefined;
      const notify = () => {
        wake?.();
        wake = undefined;
      };
      socket ??= connect();
      void socket.then(
        (client) => {
          if (done) return;
          dispose = client.subscribe<R>(
            { query: document.toString(), variables: variables as Record<string, unknown> },
            {
              next: (result) => {
                if (result.errors?.length) failure = errorOf(result.errors as GraphQLErrorBody[]);
                else if (result.data) queue.push(result.data);
                notify();
              },
              error: (error) => {
                failure = socketError(error, url);
                notify();
              },
              complete: () => {
                done = true;
                notify();
              },
            },
          );
        },
        (error: unknown) => {
          failure = socketError(error, url);
          notify();
        },
      );
      return {
        close() {
          done = true;
          dispose?.();
          notify();
        },
        async *[Symbol.asyncIterator]() {
          for (;;) {
            if (queue.length > 0) yield queue.shift()!;
            else if (failure) throw failure;
            else if (done) return;
            else await new Promise<void>((resolve) => (wake = resolve));
          }
        },
      };
    },

    async close() {
      if (socket) await (await socket).dispose();
    },
  };
}

/** graphql-ws reports a refused or lost connection as a close event or an error list. */
function socketError(error: unknown, url: string): LockstepError {
  if (Array.isArray(error)) return errorOf(error as GraphQLErrorBody[]);
  const close = error as { code?: number; reason?: string };
  if (close.code === 4403 || close.code === 4401)
    return new LockstepError(close.reason || 'The API token is not valid or was revoked', 'UNAUTHENTICATED');
  if (typeof close.code === 'number')
    return new LockstepError(
      `the connection to ${url} closed (${close.code} ${close.reason ?? ''})`.trim(),
      'UNREACHABLE',
    );
  return new LockstepError(
    `cannot reach the Lockstep API at ${url} (${error instanceof Error ? error.message : String(error)})`,
    'UNREACHABLE',
  );
}
