import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { eventually, test, testPublicUrl, type Harness } from '../support/fixtures';
import {
  actionOf,
  approval,
  command,
  createPipeline,
  ended,
  trigger,
  waitForRun,
} from '../support/pipelines';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver: records every request; `/flaky` answers 500 twice, `/hang` never answers. */
let server: Server;
let base: string;
const received: Received[] = [];
const hanging: Array<() => void> = [];
const flakyAnswers = [500, 500];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      if (req.url === '/hang') return void hanging.push(() => res.destroy());
      res.statusCode = req.url === '/flaky' ? (flakyAnswers.shift() ?? 200) : 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const close of hanging) close();
  await new Promise((resolve) => server.close(resolve));
});

/** What a receiver does with the README's scheme: recompute the HMAC of "<t>.<body>" and compare. */
function verify(secret: string, header: string | undefined, body: string): boolean {
  const parts = Object.fromEntries((header ?? '').split(',').map((kv) => kv.split('=') as [string, string]));
  if (!parts.t || !parts.v1) return false;
  const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const subscribe = async (h: Harness, input: Record<string, unknown>) => {
  const res = await h.gql<{
    createWebhookSubscription: { id: string; eventTypes: string[]; format: string };
  }>(
    `mutation($i: WebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { id url eventTypes format pipeline { id } createdAt } }`,
    { i: input },
  );
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!.createWebhookSubscription;
};

const deliveries = async (h: Harness, subscriptionId: string) => {
  const res = await h.gql<{
    webhookDeliveries: Array<{
      eventType: string;
      runId: string;
      attempts: number;
      responseStatus: number | null;
      deliveredAt: string | null;
      error: string | null;
    }>;
  }>(
    `query($s: ID!) { webhookDeliveries(subscriptionId: $s) { id eventType runId attempts responseStatus deliveredAt error } }`,
    { s: subscriptionId },
  );
  expect(res.errors).toBeUndefined();
  return res.data!.webhookDeliveries;
};

describe('webhook notifications', () => {
  test('signed deliveries of the subscribed types only, with a run link; retries after 500s; a hung receiver never holds a run', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, {
      name: 'notified',
      stages: [
        { name: 'build', actions: [command('compile', 'true')] },
        { name: 'production', actions: [approval('go-live'), command('deploy', 'true', 2)] },
      ],
    });
    const secret = 'a-shared-secret-of-32-characters';
    const approvals = await subscribe(h, {
      url: `${base}/approvals`,
      secret,
      pipelineId: pipeline.id,
      eventTypes: ['APPROVAL_REQUESTED', 'RUN_SUCCEEDED'],
    });
    const flaky = await subscribe(h, {
      url: `${base}/flaky`,
      secret,
      eventTypes: ['RUN_SUCCEEDED'],
      format: 'slack',
    });
    const hung = await subscribe(h, { url: `${base}/hang`, secret, eventTypes: ['RUN_STARTED'] });

    const run = await trigger(h, pipeline.id);
    const waiting = await waitForRun(
      h,
      run.id,
      (r) => actionOf(r, 'production', 'go-live').status === 'WAITING_FOR_APPROVAL',
    );
    const requested = await eventually(
      async () => received.filter((r) => r.path === '/approvals'),
      (list) => list.length === 1,
      10_000,
    );
    const [first] = requested;
    expect(verify(secret, first!.headers['x-lockstep-signature'] as string, first!.body)).toBe(true);
    expect(
      verify('another-secret-entirely!!', first!.headers['x-lockstep-signature'] as string, first!.body),
    ).toBe(false);
    expect(first!.headers['x-lockstep-event']).toBe('APPROVAL_REQUESTED');
    const body = JSON.parse(first!.body) as {
      deliveryId: string;
      event: { type: string; actionName: string };
      run: { id: string; url: string };
    };
    expect(first!.headers['x-lockstep-delivery']).toBe(body.deliveryId);
    expect(body.event).toMatchObject({ type: 'APPROVAL_REQUESTED', actionName: 'go-live' });
    expect(body.run).toMatchObject({ id: run.id, url: `${testPublicUrl}/runs/${run.id}` });

    // The receiver at /hang never answers its RUN_STARTED delivery; the run goes on regardless.
    await h.gql(
      `mutation($id: ID!) { approveAction(actionRunId: $id) { id } }`,
      { id: actionOf(waiting, 'production', 'go-live').id },
      await h.tokenFor('APPROVER', 'gina'),
    );
    const done = await waitForRun(h, run.id, ended);
    expect(done.status).toBe('SUCCEEDED');
    const hungDeliveries = await deliveries(h, hung.id);
    expect(hungDeliveries).toHaveLength(1);
    expect(hungDeliveries[0]!.deliveredAt).toBeNull();

    const approvalsDelivered = await eventually(
      () => deliveries(h, approvals.id),
      (list) => list.every((d) => d.deliveredAt) && list.length === 2,
    );
    expect(approvalsDelivered.map((d) => d.eventType).sort()).toEqual([
      'APPROVAL_REQUESTED',
      'RUN_SUCCEEDED',
    ]);
    expect(
      approvalsDelivered.every((d) => d.responseStatus === 204 && d.attempts === 1 && d.runId === run.id),
    ).toBe(true);
    expect(received.filter((r) => r.path === '/approvals').map((r) => r.headers['x-lockstep-event'])).toEqual(
      ['APPROVAL_REQUESTED', 'RUN_SUCCEEDED'],
    );

    // /flaky answered 500 twice: the same delivery was retried with backoff until it got through.
    const [flakyDelivery] = await eventually(
      () => deliveries(h, flaky.id),
      (list) => list[0]?.deliveredAt != null,
      30_000,
    );
    expect(flakyDelivery).toMatchObject({
      eventType: 'RUN_SUCCEEDED',
      attempts: 3,
      responseStatus: 200,
      error: null,
    });
    const flakyRequests = received.filter((r) => r.path === '/flaky');
    expect(flakyRequests).toHaveLength(3);
    expect(new Set(flakyRequests.map((r) => r.headers['x-lockstep-delivery'])).size).toBe(1);
    for (const request of flakyRequests) {
      expect(verify(secret, request.headers['x-lockstep-signature'] as string, request.body)).toBe(true);
    }
    const slack = JSON.parse(flakyRequests[0]!.body) as { text: string; blocks: unknown[] };
    expect(slack.text).toContain(`<${testPublicUrl}/runs/${run.id}|Open run #1>`);
    expect(slack.blocks.length).toBeGreaterThan(0);
  });

  test('subscriptions are for admins, validated, listed without their secret, and deletable', async ({
    harness: h,
  }) => {
    const create = `mutation($i: WebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { id } }`;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ url: 'ftp://example.com/hook', secret: 'sixteen-chars-ok!' }, 'input.url'],
      [{ url: `${base}/x`, secret: 'short' }, 'input.secret'],
      [{ url: `${base}/x`, secret: 'sixteen-chars-ok!', format: 'teams' }, 'input.format'],
      [
        { url: `${base}/x`, secret: 'sixteen-chars-ok!', pipelineId: '00000000-0000-0000-0000-000000000000' },
        'input.pipelineId',
      ],
    ];
    for (const [input, field] of cases) {
      const res = await h.gql(create, { i: input });
      expect(res.errors?.[0]?.extensions, field).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const forbidden = await h.gql(
      create,
      { i: { url: `${base}/x`, secret: 'sixteen-chars-ok!' } },
      await h.tokenFor('APPROVER'),
    );
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const created = await subscribe(h, { url: `${base}/listed`, secret: 'listed-secret-value-123' });
    expect(created.format).toBe('lockstep');
    expect(created.eventTypes).toEqual([]);
    const listed = await h.gql<{ webhookSubscriptions: Array<{ id: string }> }>(
      `query { webhookSubscriptions { id url eventTypes format createdAt pipeline { id } } }`,
    );
    expect(JSON.stringify(listed.data)).not.toContain('listed-secret-value-123');
    expect(listed.data!.webhookSubscriptions.map((s) => s.id)).toContain(created.id);
    const removed = await h.gql<{ deleteWebhookSubscription: boolean }>(
      `mutation($id: ID!) { deleteWebhookSubscription(id: $id) }`,
      { id: created.id },
    );
    expect(removed.data!.deleteWebhookSubscription).toBe(true);
    const again = await h.gql(`mutation($id: ID!) { deleteWebhookSubscription(id: $id) }`, {
      id: created.id,
    });
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
