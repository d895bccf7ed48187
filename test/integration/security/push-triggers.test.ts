import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { test } from '../../support/fixtures';
import { push, pushEvent, runsOf, signGithub, sourcedPipeline } from '../../support/github-push';

// A signed GitHub push starts runs (docs/security.md, "Scripts and triggers"): only the holder of
// LOCKSTEP_WEBHOOK_SECRET may do that, once per delivery, and only for the repository a pipeline follows.

describe('push triggers', () => {
  test('a push signed with another secret, or not signed at all, starts no run', async ({ harness: h }) => {
    const pipeline = await sourcedPipeline(h, 'acme/guarded');
    const event = pushEvent('acme/guarded', 'refs/heads/main');
    const forged = await push(h, event, randomUUID(), {
      'x-hub-signature-256': signGithub(JSON.stringify(event), 'an-attackers-guess-at-the-secret'),
    });
    expect(forged.status).toBe(401);
    const unsigned = await push(h, event, randomUUID(), {});
    expect(unsigned.status).toBe(401);
    const tampered = await push(h, { ...event, ref: 'refs/heads/main', after: 'x' }, randomUUID(), {
      'x-hub-signature-256': signGithub(JSON.stringify(event)),
    });
    expect(tampered.status).toBe(401);
    expect(await runsOf(h, pipeline.id)).toEqual([]);
  });

  test('a replayed push delivery starts no second run', async ({ harness: h }) => {
    const pipeline = await sourcedPipeline(h, 'acme/replayed');
    const delivery = randomUUID();
    const event = pushEvent('acme/replayed', 'refs/heads/main');
    expect((await push(h, event, delivery)).body.triggered).toHaveLength(1);
    expect((await push(h, event, delivery)).body).toMatchObject({ status: 'duplicate' });
    expect(await runsOf(h, pipeline.id)).toHaveLength(1);
  });

  test('a push to a look-alike repository or a tag of the same name starts no run', async ({
    harness: h,
  }) => {
    const pipeline = await sourcedPipeline(h, 'acme/shop');
    expect((await push(h, pushEvent('acme/shop-evil', 'refs/heads/main'))).body.triggered).toEqual([]);
    expect((await push(h, pushEvent('evil/shop', 'refs/heads/main'))).body.triggered).toEqual([]);
    expect((await push(h, pushEvent('acme/shop', 'refs/tags/main'))).body.triggered).toEqual([]);
    expect(await runsOf(h, pipeline.id)).toEqual([]);
  });
});
