/**
 * Runs tasks that share a key one at a time, in the order they came; tasks of different keys run freely.
 *
 * Triggers of one pipeline serialize on its row lock anyway (the run number comes from it). Queued here,
 * in memory, the waiting ones hold no pooled connection: a burst of triggers on one pipeline costs one
 * connection per API process instead of exhausting the pool, which would fail other requests (and the
 * burst's own) once they waited out the pool's connection timeout.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with a task running or waiting (for tests). */
  get size(): number {
    return this.tails.size;
  }
}
