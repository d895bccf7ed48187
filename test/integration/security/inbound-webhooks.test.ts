import { createHmac, randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { webhookSignature } from '../../../db/webhook-signature';
import { test, testWebhookSecret, type Harness } from '../../support/fixtures';

// Reports of deployments made elsewhere feed DORA; whoever can replay or reorder them must not be able to
// rewrite what happened, and no crash may lose one.

const now = () => Math.floor(Date.now() / 1000);

async function post(h: Harness, body: string, headers: Record<string, string>) {
  const response = await fetch(h.apiUrl.replace(/\/graphql$/, '/webhooks/events'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const lockstep = (h: Harness, body: string, delivery = randomUUID(), t = now()) =>
  post(h, body, {
    'x-lockstep-signature': webhookSignature(testWebhookSecret, t, body),
    'x-lockstep-delivery': delivery,
  });

let n = 0;
async function catalog(h: Harness) {
  const names = { service: `reported-${++n}`, environment: `reported-prod-${n}` };
  await h.gql(`mutation($n: String!) { createService(input: { name: $n }) { id } }`, { n: names.service });
  await h.gql(`mutation($n: String!) { createEnvironment(input: { name: $n, tier: PRODUCTION }) { id } }`, {
    n: names.environment,
  });
  return names;
}

/** The deployments of a service as stored, and whether DORA counts each. */
const deploymentsOf = (h: Harness, service: string) =>
  h.dataSource.query<Array<{ status: string; counted: boolean }>>(
    `SELECT d.status, EXISTS (SELECT 1 FROM dora_deployment_facts f WHERE f.deployment_run_id = d.id) AS counted
       FROM deployment_runs d JOIN services s ON s.id = d.service_id WHERE s.name = $1`,
    [service],
  );

const report = (names: { service: string; environment: string }, status: string, extra = {}) =>
  JSON.stringify({
    type: 'deployment.finished',
    service: names.service,
    environment: names.environment,
    status,
    startedAt: '2026-03-02T10:00:00Z',
    revision: { sha: 'c0ffee1', committedAt: '2026-03-02T09:00:00Z' },
    ...extra,
  });

describe('inbound webhooks: replays, reordering and crashes', () => {
  test('a late GitHub in_progress cannot turn a finished deployment back into RUNNING and out of DORA', async ({
    harness: h,
  }) => {
    const names = await catalog(h);
    const event = (state: string) =>
      JSON.stringify({
        deployment_status: { state, created_at: '2026-03-01T10:07:00Z' },
        deployment: { environment: names.environment, created_at: '2026-03-01T10:00:00Z' },
        repository: { name: names.service },
      });
    const send = (state: string) =>
      post(h, event(state), {
        'x-github-event': 'deployment_status',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': `sha256=${createHmac('sha256', testWebhookSecret).update(event(state)).digest('hex')}`,
      });
    expect((await send('success')).body).toMatchObject({ status: 'recorded' });
    expect(await deploymentsOf(h, names.service)).toEqual([{ status: 'SUCCEEDED', counted: true }]);
    const late = await send('in_progress');
    expect(late).toMatchObject({ status: 200, body: { status: 'ignored' } });
    expect(await deploymentsOf(h, names.service)).toEqual([{ status: 'SUCCEEDED', counted: true }]);
    // Nor does a later, different verdict rewrite it.
    expect((await send('failure')).body).toMatchObject({ status: 'ignored' });
    expect(await deploymentsOf(h, names.service)).toEqual([{ status: 'SUCCEEDED', counted: true }]);
  });

  test('a replayed RUNNING report under a new delivery id cannot reopen a finished deployment', async ({
    harness: h,
  }) => {
    const names = await catalog(h);
    const running = report(names, 'RUNNING');
    expect((await lockstep(h, running)).body).toMatchObject({ status: 'recorded' });
    const finished = report(names, 'SUCCEEDED', { finishedAt: '2026-03-02T10:05:00Z' });
    expect((await lockstep(h, finished)).body).toMatchObject({ status: 'recorded' });
    // Captured and sent again, freshly signed, under a delivery id never seen: it changes nothing.
    expect(await lockstep(h, running)).toMatchObject({ status: 200, body: { status: 'ignored' } });
    expect((await lockstep(h, finished)).body).toMatchObject({ status: 'duplicate' });
    expect(await deploymentsOf(h, names.service)).toEqual([{ status: 'SUCCEEDED', counted: true }]);
  });

  test('a captured Lockstep webhook cannot be replayed later: the signature carries a timestamp', async ({
    harness: h,
  }) => {
    const names = await catalog(h);
    const body = report(names, 'SUCCEEDED', { finishedAt: '2026-03-02T10:05:00Z' });
    const stale = await lockstep(h, body, randomUUID(), now() - 600);
    expect(stale).toMatchObject({
      status: 401,
      body: { error: expect.stringContaining('timestamp') as string },
    });
    const future = await lockstep(h, body, randomUUID(), now() + 600);
    expect(future.status).toBe(401);
    // The old form signs the body alone, so a copy replays forever: refused unless an operator allows it.
    const untimed = await post(h, body, {
      'x-lockstep-signature': `sha256=${createHmac('sha256', testWebhookSecret).update(body).digest('hex')}`,
      'x-lockstep-delivery': randomUUID(),
    });
    expect(untimed).toMatchObject({
      status: 401,
      body: { error: expect.stringContaining('no timestamp') as string },
    });
    expect(await deploymentsOf(h, names.service)).toEqual([]);
    expect((await lockstep(h, body)).body).toMatchObject({ status: 'recorded' });
    expect(await deploymentsOf(h, names.service)).toEqual([{ status: 'SUCCEEDED', counted: true }]);
  });

  test('a crash between claiming a delivery id and applying its event loses nothing', async ({
    harness: h,
  }) => {
    const names = await catalog(h);
    const body = report(names, 'SUCCEEDED', { finishedAt: '2026-03-02T10:05:00Z' });
    const delivery = randomUUID();
    // The crash point: applying the event fails after the delivery id was claimed, and the process never gets
    // to clean up after itself (it died), so nothing may depend on a clean-up.
    await h.dataSource.query(`
      CREATE FUNCTION crash_here() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'crashed at %', TG_TABLE_NAME; END $$`);
    await h.dataSource.query(
      'CREATE TRIGGER crash_apply BEFORE INSERT ON deployment_runs FOR EACH ROW EXECUTE FUNCTION crash_here()',
    );
    await h.dataSource.query(
      'CREATE TRIGGER crash_cleanup BEFORE DELETE ON inbound_deliveries FOR EACH ROW EXECUTE FUNCTION crash_here()',
    );
    try {
      expect((await lockstep(h, body, delivery)).status).toBe(500);
    } finally {
      await h.dataSource.query('DROP TRIGGER crash_apply ON deployment_runs');
      await h.dataSource.query('DROP TRIGGER crash_cleanup ON inbound_deliveries');
      await h.dataSource.query('DROP FUNCTION crash_here()');
    }
    // The sender retries the same delivery: it is applied now, not answered "duplicate".
    expect(await lockstep(h, body, delivery)).toMatchObject({ status: 200, body: { status: 'recorded' } });
    expect(await deploymentsOf(h, names.service)).toEqual([{ status: 'SUCCEEDED', counted: true }]);
    expect((await lockstep(h, body, delivery)).body).toMatchObject({ status: 'duplicate' });
  });
});
