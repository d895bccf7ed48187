import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkWebhookSignature, webhookSignature } from './webhook-signature';

const secret = 'a-webhook-secret-of-some-length';
const body = Buffer.from('{"type":"deployment.finished"}');
const now = 1_800_000_000;

describe('webhook signatures (t=<unix>,v1=<hex>)', () => {
  it('signs "<t>.<body>" and accepts a fresh signature', () => {
    const header = webhookSignature(secret, now, body);
    const hex = createHmac('sha256', secret).update(`${now}.${body.toString()}`).digest('hex');
    expect(header).toBe(`t=${now},v1=${hex}`);
    expect(checkWebhookSignature(secret, header, body, { nowSeconds: now + 299 })).toEqual({ ok: true });
    expect(checkWebhookSignature(secret, header, body, { nowSeconds: now - 299 })).toEqual({ ok: true });
  });

  it('refuses a timestamp outside the tolerance, a wrong secret, another body, another timestamp', () => {
    const header = webhookSignature(secret, now, body);
    expect(checkWebhookSignature(secret, header, body, { nowSeconds: now + 301 }).ok).toBe(false);
    expect(checkWebhookSignature('another-secret', header, body, { nowSeconds: now }).ok).toBe(false);
    expect(checkWebhookSignature(secret, header, Buffer.from('{}'), { nowSeconds: now }).ok).toBe(false);
    const moved = header.replace(`t=${now}`, `t=${now + 1}`);
    expect(checkWebhookSignature(secret, moved, body, { nowSeconds: now }).ok).toBe(false);
    for (const bad of [undefined, '', 't=1', 'v1=00', `t=abc,v1=${'0'.repeat(64)}`])
      expect(checkWebhookSignature(secret, bad, body, { nowSeconds: now }).ok, String(bad)).toBe(false);
  });

  it('accepts any of several v1 signatures (a sender rotating its secret)', () => {
    const header = `${webhookSignature('the-old-secret-value', now, body)},v1=${webhookSignature(secret, now, body).split('v1=')[1]}`;
    expect(checkWebhookSignature(secret, header, body, { nowSeconds: now })).toEqual({ ok: true });
  });

  it('accepts the untimed sha256= form only when told to', () => {
    const legacy = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    expect(checkWebhookSignature(secret, legacy, body, { nowSeconds: now })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('no timestamp') as string,
    });
    expect(checkWebhookSignature(secret, legacy, body, { nowSeconds: now, acceptUntimed: true })).toEqual({
      ok: true,
    });
    expect(
      checkWebhookSignature('another-secret', legacy, body, { nowSeconds: now, acceptUntimed: true }).ok,
    ).toBe(false);
  });
});
