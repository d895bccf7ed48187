/**
 * Reads a response body up to `limitBytes` and stops there (the rest is never downloaded): a server that
 * answers with gigabytes must not fill the worker's memory. A body that fails mid-way reads as what came.
 */
export async function readBodyUpTo(
  response: Response,
  limitBytes: number,
): Promise<{ text: string; truncated: boolean }> {
  if (!response.body) return { text: '', truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = limitBytes - size;
      chunks.push(value.length > room ? value.subarray(0, room) : value);
      size += Math.min(value.length, room);
      if (value.length > room) {
        truncated = true;
        break;
      }
    }
  } catch {
    // the connection broke: keep what came
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return { text: Buffer.concat(chunks, size).toString('utf8'), truncated };
}
