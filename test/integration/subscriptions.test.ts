import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { describe, expect, inject } from 'vitest';
import { eventually, test, type Harness } from '../support/fixtures';
import {
  actionOf,
  command,
  createPipeline,
  ended,
  eventTypes,
  trigger,
  waitForRun,
} from '../support/pipelines';
import { freePort } from '../support/processes';
import { wsClient } from '../support/subscriptions';

interface EventView {
  id: string;
  type: string;
  runId: string;
  pipelineId: string;
  stageName: string | null;
  actionName: string | null;
  message: string | null;
  at: string;
}

const eventsSubscription = `subscription($p: ID, $after: ID) {
  pipelineEvents(pipelineId: $p, afterEventId: $after) { id type runId pipelineId stageName actionName message at }
}`;
const runSubscription = `subscription($id: ID!) {
  pipelineRunUpdated(runId: $id) { id status currentStage { name status } stages { name status actions { name status } } }
}`;
const logsSubscription = `subscription($id: ID!, $after: Int) { actionLogs(actionRunId: $id, afterSeq: $after) { seq stream text } }`;

const twoStages = (name: string) => ({
  name,
  stages: [
    { name: 'build', actions: [command('compile', 'echo one; sleep 0.3; echo two; sleep 0.3; echo three')] },
    { name: 'deploy', actions: [command('ship', 'echo shipped')] },
  ],
});

async function storedEvents(h: Harness, runId: string): Promise<Array<{ id: string; type: string }>> {
  return h.dataSource.query(
    'SELECT e.id::text AS id, e.type FROM pipeline_events e WHERE e.run_id = $1 ORDER BY e.id',
    [runId],
  );
}

async function lastEventId(h: Harness): Promise<string> {
  const [row]: Array<{ last: string }> = await h.dataSource.query(
    'SELECT COALESCE(max(id), 0)::text AS last FROM pipeline_events',
  );
  return row!.last;
}

/** An API process of its own (a replica), against the harness's database and task queue. */
async function apiProcess(h: Harness, secretKey: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'main/api.ts'], {
    cwd: path.resolve(__dirname, '..', '..'),
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: h.databaseUrl,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: h.taskQueue,
      LOCKSTEP_SECRET_KEY: secretKey,
      PORT: String(port),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}/graphql`;
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`the API process exited: ${stderr}`);
      return fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.status,
        () => 0,
      );
    },
    (status) => status === 200,
    60_000,
  );
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

describe('subscriptions', () => {
  test('pipelineEvents, pipelineRunUpdated and actionLogs follow a run live, in order', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, twoStages('live'));
    const ws = wsClient(h.apiUrl, h.adminToken);
    try {
      // From event 0 of a new pipeline: nothing is missed however long the subscription takes to start.
      const events = ws.subscribe<EventView>(eventsSubscription, { p: pipeline.id, after: '0' });
      const all = ws.subscribe<EventView>(eventsSubscription, { after: await lastEventId(h) });
      const run = await trigger(h, pipeline.id);
      const updates = ws.subscribe<{ status: string; currentStage: { name: string } | null }>(
        runSubscription,
        { id: run.id },
      );
      const running = await waitForRun(
        h,
        run.id,
        (r) => actionOf(r, 'build', 'compile').status === 'RUNNING',
      );
      const logs = ws.subscribe<{ seq: number; text: string }>(logsSubscription, {
        id: actionOf(running, 'build', 'compile').id,
        after: 0,
      });

      const received = await events.until((list) => list.some((e) => e.type === 'RUN_SUCCEEDED'));
      const stored = await storedEvents(h, run.id);
      expect(received.map((e) => e.id)).toEqual(stored.map((e) => e.id));
      expect(received.map((e) => e.type)).toEqual(stored.map((e) => e.type));
      expect(received.every((e) => e.runId === run.id && e.pipelineId === pipeline.id)).toBe(true);
      expect(received.find((e) => e.type === 'ACTION_STARTED')).toMatchObject({
        stageName: 'build',
        actionName: 'compile',
      });
      await all.until((list) => list.some((e) => e.type === 'RUN_SUCCEEDED'));

      const statuses = await updates.until((list) => list.at(-1)?.status === 'SUCCEEDED');
      expect(statuses[0]!.status).not.toBe('SUCCEEDED'); // the first message is the run as it was
      expect(statuses.map((s) => s.status)).toContain('RUNNING');

      const lines = await logs.until((list) => list.length === 3);
      expect(lines.map((l) => l.text)).toEqual(['one', 'two', 'three']);
      expect(lines.map((l) => l.seq)).toEqual([1, 2, 3]);

      // A client that reconnects resumes after the last event it saw, without gaps or repeats.
      const resumed = ws.subscribe<EventView>(eventsSubscription, { p: pipeline.id, after: stored[2]!.id });
      const replayed = await resumed.until((list) => list.length === stored.length - 3);
      expect(replayed.map((e) => e.id)).toEqual(stored.slice(3).map((e) => e.id));
      for (const subscription of [events, all, updates, logs, resumed]) subscription.stop();
    } finally {
      await ws.dispose();
    }
  });

  test('two API processes both deliver every event in order to their subscribers', async ({
    harness: h,
    secretKey,
  }) => {
    const [a, b] = await Promise.all([apiProcess(h, secretKey), apiProcess(h, secretKey)]);
    const clients = [wsClient(a.url, h.adminToken), wsClient(b.url, h.adminToken)];
    try {
      const pipeline = await createPipeline(h, twoStages('replicas'));
      const subscriptions = clients.map((c) =>
        c.subscribe<EventView>(eventsSubscription, { p: pipeline.id, after: '0' }),
      );
      const run = await trigger(h, pipeline.id);
      expect((await waitForRun(h, run.id, ended)).status).toBe('SUCCEEDED');
      const stored = await storedEvents(h, run.id);
      for (const subscription of subscriptions) {
        const received = await subscription.until((list) => list.length >= stored.length);
        expect(received.map((e) => e.id)).toEqual(stored.map((e) => e.id));
      }
      expect(stored.map((e) => e.type)).toEqual(await eventTypes(h, run.id));
    } finally {
      for (const client of clients) await client.dispose();
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  test('WebSocket authentication: no token and bad tokens are refused; revoking a token closes its connection', async ({
    harness: h,
  }) => {
    for (const token of [null, 'lsk_not-a-real-token']) {
      const ws = wsClient(h.apiUrl, token);
      const subscription = ws.subscribe(eventsSubscription, {});
      await subscription.ended;
      expect(ws.closes.map((c) => c.code)).toEqual([4403]);
      expect(subscription.received).toEqual([]);
      await ws.dispose();
    }

    const created = await h.gql<{ createApiToken: { token: string; tokenId: string } }>(
      `mutation { createApiToken(name: "watcher", role: VIEWER) { token tokenId } }`,
    );
    const { token, tokenId } = created.data!.createApiToken;
    const ws = wsClient(h.apiUrl, token);
    const pipeline = await createPipeline(h, twoStages('revoked'));
    const subscription = ws.subscribe<EventView>(eventsSubscription, { p: pipeline.id, after: '0' });
    await waitForRun(h, (await trigger(h, pipeline.id)).id, ended);
    await subscription.until((list) => list.some((e) => e.type === 'RUN_SUCCEEDED'));

    const viewer = await h.gql(`mutation($id: ID!) { revokeApiToken(id: $id) }`, { id: tokenId }, token);
    expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const revoked = await h.gql<{ revokeApiToken: boolean }>(
      `mutation($id: ID!) { revokeApiToken(id: $id) }`,
      { id: tokenId },
    );
    expect(revoked.data!.revokeApiToken).toBe(true);
    await subscription.ended;
    expect(ws.closes.at(-1)?.code).toBe(4403);
    expect((await h.gql(`{ viewer { name } }`, {}, token)).errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
    await ws.dispose();
  });
});
