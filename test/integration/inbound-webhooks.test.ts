import { createHmac, randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { webhookSignature } from '../../db/webhook-signature';
import { test, testWebhookSecret, type Harness } from '../support/fixtures';

const sign = (body: string, secret = testWebhookSecret) =>
  webhookSignature(secret, Math.floor(Date.now() / 1000), body);
/** GitHub signs the body alone: `sha256=<hex>`. */
const githubSign = (body: string) =>
  `sha256=${createHmac('sha256', testWebhookSecret).update(body).digest('hex')}`;

async function post(h: Harness, body: string, headers: Record<string, string>) {
  const response = await fetch(h.apiUrl.replace(/\/graphql$/, '/webhooks/events'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const lockstep = (h: Harness, event: Record<string, unknown>, delivery = randomUUID(), secret?: string) => {
  const body = JSON.stringify(event);
  return post(h, body, { 'x-lockstep-signature': sign(body, secret), 'x-lockstep-delivery': delivery });
};

let n = 0;
async function catalog(h: Harness) {
  const names = { service: `hooked-${++n}`, environment: `hooked-prod-${n}` };
  await h.gql(`mutation($n: String!) { createService(input: { name: $n }) { id } }`, { n: names.service });
  await h.gql(`mutation($n: String!) { createEnvironment(input: { name: $n, tier: PRODUCTION }) { id } }`, {
    n: names.environment,
  });
  return names;
}

const deploymentsOf = async (h: Harness, service: string) =>
  h.dataSource.query<Array<{ status: string; external: boolean; commits: number }>>(
    `SELECT d.status, d.external, (SELECT count(*)::int FROM deployment_run_commits c WHERE c.deployment_run_id = d.id) AS commits
       FROM deployment_runs d JOIN services s ON s.id = d.service_id WHERE s.name = $1`,
    [service],
  );

describe('signed inbound webhooks (POST /webhooks/events)', () => {
  test('Lockstep events: a deployment and an incident opened then resolved, once each however often delivered', async ({
    harness: h,
  }) => {
    const { service, environment } = await catalog(h);
    const deployment = {
      type: 'deployment.finished',
      service,
      environment,
      status: 'SUCCEEDED',
      startedAt: '2024-06-03T10:00:00Z',
      finishedAt: '2024-06-03T10:05:00Z',
      revision: { sha: 'abc1234', committedAt: '2024-06-03T09:00:00Z' },
      commits: [
        { sha: 'abc1233', committedAt: '2024-06-03T08:00:00Z' },
        { sha: 'abc1234', committedAt: '2024-06-03T09:00:00Z' },
      ],
    };
    const delivery = randomUUID();
    const first = await lockstep(h, deployment, delivery);
    expect(first).toMatchObject({ status: 200, body: { status: 'recorded' } });
    const replayed = await lockstep(h, deployment, delivery);
    expect(replayed).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    // The same deployment under a new delivery id (the sender retried) is still stored once.
    expect((await lockstep(h, deployment)).status).toBe(200);
    expect(await deploymentsOf(h, service)).toEqual([{ status: 'SUCCEEDED', external: true, commits: 2 }]);

    const opened = await lockstep(h, {
      type: 'incident.opened',
      incidentId: 'PD-42',
      service,
      title: 'checkout 500s',
      openedAt: '2024-06-03T11:00:00Z',
    });
    expect(opened).toMatchObject({ status: 200, body: { attribution: 'HEURISTIC' } });
    const resolved = await lockstep(h, {
      type: 'incident.resolved',
      incidentId: 'PD-42',
      resolvedAt: '2024-06-03T12:30:00Z',
    });
    expect(resolved.status).toBe(200);
    const incidents = await h.gql<{
      incidents: Array<{
        title: string;
        resolvedAt: string;
        attribution: string;
        causedBy: { id: string } | null;
      }>;
    }>(`{ incidents { title resolvedAt attribution causedBy { id } } }`);
    expect(incidents.data!.incidents).toEqual([
      {
        title: 'checkout 500s',
        resolvedAt: '2024-06-03T12:30:00.000Z',
        attribution: 'HEURISTIC',
        causedBy: { id: first.body.deploymentRunId },
      },
    ]);
  });

  test('GitHub deployment_status events map onto the same facts', async ({ harness: h }) => {
    const { service, environment } = await catalog(h);
    const event = (state: string) =>
      JSON.stringify({
        deployment_status: { state, created_at: '2024-06-04T10:07:00Z' },
        deployment: { sha: 'f00dfeed', environment, created_at: '2024-06-04T10:00:00Z' },
        repository: { name: service },
      });
    const send = (state: string, delivery = randomUUID()) =>
      post(h, event(state), {
        'x-github-event': 'deployment_status',
        'x-github-delivery': delivery,
        'x-hub-signature-256': githubSign(event(state)),
      });
    expect((await send('in_progress')).status).toBe(200);
    expect((await send('success')).status).toBe(200);
    expect((await send('inactive')).body).toMatchObject({ ignored: 'state inactive' });
    expect(await deploymentsOf(h, service)).toEqual([{ status: 'SUCCEEDED', external: true, commits: 0 }]);
  });

  test('refuses what is not signed right, replays nothing, and says why', async ({ harness: h }) => {
    const { service, environment } = await catalog(h);
    const event = {
      type: 'deployment.finished',
      service,
      environment,
      status: 'SUCCEEDED',
      startedAt: '2024-06-05T10:00:00Z',
      finishedAt: '2024-06-05T10:01:00Z',
    };
    const body = JSON.stringify(event);
    const wrong = await post(h, body, {
      'x-lockstep-signature': sign(body, 'another-secret-entirely'),
      'x-lockstep-delivery': randomUUID(),
    });
    expect(wrong.status).toBe(401);
    const missing = await post(h, body, { 'x-lockstep-delivery': randomUUID() });
    expect(missing.status).toBe(401);
    const tampered = await post(h, body.replace('SUCCEEDED', 'FAILED'), {
      'x-lockstep-signature': sign(body),
      'x-lockstep-delivery': randomUUID(),
    });
    expect(tampered.status).toBe(401);
    const malformed = '{"type": "deployment.finished",';
    expect(
      (
        await post(h, malformed, {
          'x-lockstep-signature': sign(malformed),
          'x-lockstep-delivery': randomUUID(),
        })
      ).status,
    ).toBe(400);
    const noDelivery = await post(h, body, { 'x-lockstep-signature': sign(body) });
    expect(noDelivery.status).toBe(400);
    const huge = JSON.stringify({ ...event, padding: 'x'.repeat(300 * 1024) });
    expect(
      (await post(h, huge, { 'x-lockstep-signature': sign(huge), 'x-lockstep-delivery': randomUUID() }))
        .status,
    ).toBe(413);
    const unknown = await lockstep(h, { ...event, service: 'no-such-service' });
    expect(unknown).toMatchObject({ status: 422, body: { error: 'no service is named "no-such-service"' } });
    const badType = await lockstep(h, { type: 'deployment.started' });
    expect(badType.status).toBe(422);
    expect(await deploymentsOf(h, service)).toEqual([]);
    const health = await fetch(h.apiUrl.replace(/\/graphql$/, '/healthz'));
    expect(health.status).toBe(200);
  });
});
