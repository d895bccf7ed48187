import { describe, expect } from 'vitest';
import { notifyChannels } from '../../db/notify';
import { createApiServer, type ApiServer } from '../../server/app';
import { eventually, test, type Harness } from '../support/fixtures';
import { command, createPipeline, ended, trigger, waitForRun } from '../support/pipelines';
import { wsClient, type Subscription, type WsClient } from '../support/subscriptions';

// Subscribers of one operation, variables and role share one execution per event (shared-execution.ts).

const eventsSubscription = `subscription($p: ID) { pipelineEvents(pipelineId: $p) { id type runId at } }`;
const runSubscription = `subscription($id: ID!) {
  pipelineRunUpdated(runId: $id) { id status pipeline { stages { actions { name config } } } }
}`;

interface RunView {
  id: string;
  status: string;
  pipeline: { stages: Array<{ actions: Array<{ name: string; config: { command?: string } }> }> };
}

/** An API of the test's own in this process, so its execution counter can be read. */
async function ownApi(h: Harness): Promise<{ api: ApiServer; url: string }> {
  const api = await createApiServer({
    dataSource: h.dataSource,
    databaseUrl: h.databaseUrl,
    temporal: h.temporal,
    taskQueue: h.taskQueue,
    retryHoldSeconds: 1,
    secretBox: null,
    introspection: false,
    log: () => undefined,
  });
  return { api, url: `http://127.0.0.1:${await api.listen(0)}/graphql` };
}

/** Announces an event of the run as the engine does: a row, then its NOTIFY. */
async function announceEvent(h: Harness, run: { runId: string; pipelineId: string }): Promise<string> {
  const [row]: Array<{ id: string }> = await h.dataSource.query(
    `INSERT INTO pipeline_events (run_id, pipeline_id, event_key, type, stage_name, action_name, message, at)
     VALUES ($1, $2, gen_random_uuid()::text, 'ACTION_SUCCEEDED', 'build', 'compile', NULL, now())
     RETURNING id::text AS id`,
    [run.runId, run.pipelineId],
  );
  await h.dataSource.query('SELECT pg_notify($1, $2)', [
    notifyChannels.events,
    JSON.stringify({ eventId: row!.id, ...run }),
  ]);
  return row!.id;
}

/** Announces events until each subscription has received one: from then on they are all live. */
async function untilLive(
  h: Harness,
  run: { runId: string; pipelineId: string },
  subscriptions: Array<Subscription<{ id: string }>>,
): Promise<void> {
  await eventually(
    async () => {
      await announceEvent(h, run);
      await new Promise((resolve) => setTimeout(resolve, 100));
      return subscriptions.map((s) => ({ received: s.received.length, errors: s.errors }));
    },
    (counts) => counts.every((count) => count.received > 0),
  );
}

describe('shared subscription executions', () => {
  test('subscribers with the same selection and role get one execution per event and identical payloads; other roles execute apart', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, {
      name: 'shared',
      stages: [{ name: 'build', actions: [command('compile', 'echo the-build-command')] }],
    });
    const finished = await waitForRun(h, (await trigger(h, pipeline.id)).id, ended);
    const run = { runId: finished.id, pipelineId: pipeline.id };
    const { api, url } = await ownApi(h);
    const clients: WsClient[] = [];
    try {
      // Two principals of the same role, and a VIEWER.
      const [adminA, adminB, viewer] = await Promise.all([
        h.tokenFor('ADMIN', 'shared-a'),
        h.tokenFor('ADMIN', 'shared-b'),
        h.tokenFor('VIEWER', 'shared-viewer'),
      ]);
      clients.push(...[adminA, adminB, viewer].map((token) => wsClient(url, token)));
      const eventsOf = (client: WsClient) =>
        client.subscribe<{ id: string; type: string; runId: string; at: string }>(eventsSubscription, {
          p: pipeline.id,
        });
      const [a, b] = clients.slice(0, 2).map(eventsOf);
      await untilLive(h, run, [a!, b!]);
      const before = api.subscriptionExecutions();
      const id = await announceEvent(h, run);
      for (const s of [a!, b!]) await s.until((list) => list.some((e) => e.id === id));
      expect(api.subscriptionExecutions() - before).toBe(1);
      expect(a!.received.find((e) => e.id === id)).toEqual(b!.received.find((e) => e.id === id));

      // The VIEWER is a group of its own: the same event costs two executions.
      const v = eventsOf(clients[2]!);
      await untilLive(h, run, [v]);
      const withViewer = api.subscriptionExecutions();
      const next = await announceEvent(h, run);
      for (const s of [a!, b!, v]) await s.until((list) => list.some((e) => e.id === next));
      expect(api.subscriptionExecutions() - withViewer).toBe(2);

      // A run's updates: read once per change, but never the ADMIN's result for the VIEWER (config hidden).
      const runOf = (client: WsClient) => client.subscribe<RunView>(runSubscription, { id: run.runId });
      const [ra, rb, rv] = clients.map(runOf);
      for (const s of [ra!, rb!, rv!]) await s.until((list) => list.length === 1);
      const beforeChange = api.subscriptionExecutions();
      await h.dataSource.query('SELECT pg_notify($1, $2)', [notifyChannels.runs, JSON.stringify(run)]);
      for (const s of [ra!, rb!, rv!]) await s.until((list) => list.length === 2);
      expect(api.subscriptionExecutions() - beforeChange).toBe(2);
      const config = (s: Subscription<RunView>) => s.received[1]!.pipeline.stages[0]!.actions[0]!.config;
      expect(config(ra!).command).toBe('echo the-build-command');
      expect(ra!.received[1]).toEqual(rb!.received[1]);
      expect(config(rv!).command).not.toContain('the-build-command');
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
      await api.close();
    }
  });
});
