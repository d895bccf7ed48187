import { describe, expect, it, vi } from 'vitest';
import { AsyncQueue } from './async-queue';

describe('AsyncQueue', () => {
  it('hands values over in order, then ends after what was queued', async () => {
    const queue = new AsyncQueue<number>();
    queue.push(1);
    queue.push(2);
    queue.close();
    const seen: number[] = [];
    for await (const value of queue) seen.push(value);
    expect(seen).toEqual([1, 2]);
  });

  it('fails and calls onOverflow when a push finds the limit reached, dropping what waited', async () => {
    const overflow = vi.fn();
    const queue = new AsyncQueue<number>(2, overflow);
    queue.push(1);
    queue.push(2);
    expect(overflow).not.toHaveBeenCalled();
    queue.push(3);
    expect(overflow).toHaveBeenCalledOnce();
    expect(queue.isEnded).toBe(true);
    await expect(queue.next()).rejects.toThrow('more than 2 messages were waiting');
  });

  it('never counts a value handed straight to a waiting consumer', async () => {
    const queue = new AsyncQueue<number>(1, () => expect.fail('no overflow'));
    for (let i = 0; i < 5; i++) {
      const next = queue.next();
      queue.push(i);
      await expect(next).resolves.toEqual({ value: i, done: false });
    }
  });

  it('lets a patient producer wait for room instead of overflowing', async () => {
    const queue = new AsyncQueue<number>(3);
    queue.push(1);
    queue.push(2);
    let roomy = false;
    const room = queue.room(2).then(() => (roomy = true));
    await Promise.resolve();
    expect(roomy).toBe(false);
    await queue.next();
    await room;
    expect(roomy).toBe(true);
    // More than the limit: waits for an empty queue only.
    await expect(new AsyncQueue<number>(3).room(10)).resolves.toBeUndefined();
  });

  it('releases waiting producers when the consumer stops', async () => {
    const queue = new AsyncQueue<number>(1);
    queue.push(1);
    const room = queue.room(1);
    await queue.return();
    await expect(room).resolves.toBeUndefined();
    expect(queue.isEnded).toBe(true);
  });
});
