import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Lockstep's webhook signature, the same both ways (the deliveries Lockstep sends, the events it receives):
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. The timestamp is signed with the body, so a
 * receiver refuses a captured request once it is older than its tolerance.
 */
export function webhookSignature(secret: string, timestamp: number, body: string | Buffer): string {
  return `t=${timestamp},v1=${digest(secret, timestamp, body).toString('hex')}`;
}

const digest = (secret: string, timestamp: number, body: string | Buffer) =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();

/** How far a signed timestamp may be from the receiver's clock, either way. */
export const signatureToleranceSeconds = 300;

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

const same = (hex: string, expected: Buffer) => {
  const given = Buffer.from(hex, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
};

/**
 * Checks a `t=...,v1=...` header over the raw body: any `v1` may match (a sender rotating its secret signs
 * with both), and `t` must be within `toleranceSeconds` of `nowSeconds`. With `acceptUntimed`, the old
 * `sha256=<hex HMAC of the body>` form (no timestamp: replayable forever) is accepted too.
 */
export function checkWebhookSignature(
  secret: string,
  header: string | undefined,
  body: Buffer,
  options: { nowSeconds: number; toleranceSeconds?: number; acceptUntimed?: boolean },
): SignatureCheck {
  const value = (header ?? '').trim();
  const untimed = /^sha256=([0-9a-f]{64})$/i.exec(value);
  if (untimed) {
    if (!options.acceptUntimed)
      return {
        ok: false,
        reason: 'the sha256= signature has no timestamp and is no longer accepted: sign t=<unix>,v1=<hex>',
      };
    return same(untimed[1]!, createHmac('sha256', secret).update(body).digest())
      ? { ok: true }
      : { ok: false, reason: 'the signature is wrong' };
  }
  const parts = value.split(',').map((part) => part.trim().split('='));
  const t = parts.find(([key]) => key === 't')?.[1];
  const signatures = parts.filter(([key, hex]) => key === 'v1' && /^[0-9a-f]{64}$/i.test(hex ?? ''));
  if (!t || !/^\d{1,12}$/.test(t) || signatures.length === 0)
    return { ok: false, reason: 'the signature is missing or malformed: expected t=<unix>,v1=<hex>' };
  const timestamp = Number(t);
  const expected = digest(secret, timestamp, body);
  if (!signatures.some(([, hex]) => same(hex!, expected)))
    return { ok: false, reason: 'the signature is wrong' };
  const tolerance = options.toleranceSeconds ?? signatureToleranceSeconds;
  if (Math.abs(options.nowSeconds - timestamp) > tolerance)
    return { ok: false, reason: `the signature's timestamp is more than ${tolerance} s away from now` };
  return { ok: true };
}
