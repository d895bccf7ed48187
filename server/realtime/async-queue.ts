/**
 * A push-to-pull bridge: producers `push` values, one consumer iterates them in order. `close` ends the
 * iteration (after what is queued), `fail` ends it with an error. When the consumer stops early
 * (`return`, e.g. a client unsubscribes), `onClose` runs so the producer can detach.
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  private readonly values: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | null = null;
  private failWaiting: ((error: Error) => void) | null = null;
  private ended = false;
  private error: Error | null = null;
  private readonly cleanups: Array<() => void> = [];

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
    } else {
      this.values.push(value);
    }
  }

  close(): void {
    this.finish();
    this.waiting?.({ value: undefined, done: true });
    this.waiting = null;
  }

  fail(error: Error): void {
    this.error = error;
    this.finish();
    this.failWaiting?.(error);
    this.waiting = null;
    this.failWaiting = null;
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.values.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.error) return Promise.reject(this.error);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
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

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }
}
