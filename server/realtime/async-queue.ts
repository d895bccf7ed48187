/**
 * A push-to-pull bridge: producers `push` values, one consumer iterates them in order. `close` ends the
 * iteration (after what is queued), `fail` ends it with an error. When the consumer stops early
 * (`return`, e.g. a client unsubscribes), `onClose` runs so the producer can detach.
 *
 * At most `limit` values wait. A producer that can wait (reading a backlog from the database) asks for
 * `room` first; one that cannot (live notifications) pushes, and a push over the limit means the consumer
 * is not keeping up: the queue fails and `onOverflow` runs (the connection is dropped), so a slow reader
 * costs the server a bounded amount of memory.
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  private readonly values: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | null = null;
  private failWaiting: ((error: Error) => void) | null = null;
  private ended = false;
  private error: Error | null = null;
  private readonly cleanups: Array<() => void> = [];
  private readonly roomWaiters: Array<{ count: number; resolve: () => void }> = [];

  constructor(
    private readonly limit = Number.POSITIVE_INFINITY,
    private readonly onOverflow: () => void = () => undefined,
  ) {}

  /** Whether the queue has ended (closed, failed or returned): producers stop reading for it. */
  get isEnded(): boolean {
    return this.ended;
  }

  onClose(cleanup: () => void): void {
    if (this.ended) cleanup();
    else this.cleanups.push(cleanup);
  }

  push(value: T): void {
    if (this.ended) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      this.failWaiting = null;
      resolve({ value, done: false });
    } else if (this.values.length >= this.limit) {
      this.onOverflow();
      this.fail(new Error(`the subscriber did not keep up: more than ${this.limit} messages were waiting`));
    } else {
      this.values.push(value);
    }
  }

  /** Resolves once `count` more values fit under the limit (at once if they do), or when the queue ends. */
  room(count: number): Promise<void> {
    if (this.ended || this.values.length + Math.min(count, this.limit) <= this.limit)
      return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push({ count: Math.min(count, this.limit), resolve }));
  }

  close(): void {
    this.finish();
    this.waiting?.({ value: undefined, done: true });
    this.waiting = null;
  }

  fail(error: Error): void {
    if (this.ended) return;
    this.error = error;
    this.values.length = 0;
    this.finish();
    this.failWaiting?.(error);
    this.waiting = null;
    this.failWaiting = null;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.values.length > 0) {
      const value = this.values.shift() as T;
      this.wakeProducers();
      return Promise.resolve({ value, done: false });
    }
    if (this.error) return Promise.reject(this.error);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    this.wakeProducers();
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failWaiting = reject;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.values.length = 0;
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  private wakeProducers(): void {
    while (this.roomWaiters.length > 0) {
      const first = this.roomWaiters[0]!;
      if (this.values.length + first.count > this.limit) return;
      this.roomWaiters.shift();
      first.resolve();
    }
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    for (const waiter of this.roomWaiters.splice(0)) waiter.resolve();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }
}
