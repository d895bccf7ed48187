import { describe, expect, it } from 'vitest';
import { readBodyUpTo } from './bounded-body';

/** A response whose body never ends, counting how much of it was pulled. */
function endless(): { response: Response; pulled: () => number; cancelled: () => boolean } {
  let pulled = 0;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += 1000;
      controller.enqueue(new Uint8Array(1000).fill(120));
    },
    cancel() {
      cancelled = true;
    },
  });
  return { response: new Response(body), pulled: () => pulled, cancelled: () => cancelled };
}

describe('readBodyUpTo', () => {
  it('reads a body that fits whole', async () => {
    expect(await readBodyUpTo(new Response('all good\n'), 1024)).toEqual({
      text: 'all good\n',
      truncated: false,
    });
    expect(await readBodyUpTo(new Response(null), 1024)).toEqual({ text: '', truncated: false });
  });

  it('stops at the limit of an endless body and cancels the rest', async () => {
    const { response, pulled, cancelled } = endless();
    const { text, truncated } = await readBodyUpTo(response, 10_500);
    expect(truncated).toBe(true);
    expect(text).toBe('x'.repeat(10_500));
    expect(pulled()).toBeLessThan(20_000);
    expect(cancelled()).toBe(true);
  });
});
