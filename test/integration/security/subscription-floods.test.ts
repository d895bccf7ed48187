import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'typeorm';
import { describe, expect } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { createDataSource } from '../../../db/data-source';
import { defaultApiLimits, type ApiLimits } from '../../../server/api-limits';
import { createApiServer } from '../../../server/app';
import { relay, relayBuffer } from '../../../web/live-relay';
import { eventually, test, type Harness } from '../../support/fixtures';
import { command, createPipeline, ended, trigger, waitForRun } from '../../support/pipelines';
import { rawGraphqlWs } from '../../support/raw-graphql-ws';
import { wsClient } from '../../support/subscriptions';

/** Issue 13, finding 8: subscriptions must not let one client exhaust the API or the dashboard. */

const eventsSubscription = `subscription($p: ID, $after: ID) { pipelineEvents(pipelineId: $p, afterEventId: $after) { id message } }`;

/** Statements mentioning pipeline_events, as a TypeORM logger sees them. */
class EventReads implements Logger {
  readonly limits: number[] = [];
  logQuery(query: string, parameters?: unknown[]): void {
    const limit = /FROM "pipeline_events".*LIMIT (\d+)/s.exec(query);
    // Catch-up pages; not `max(id)` (where live events start) nor one row (a live event read by id).
    if (limit && limit[1] !== '1' && !/max\(id\)/.test(query)) this.limits.push(Number(limit[1]));
    void parameters;
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

/** An API of its own on the harness's database, with the given limits and its own DataSource. */
async function apiWith(h: Harness, limits: Partial<ApiLimits>, logger?: Logger) {
  const dataSource = createDataSource({ url: h.databaseUrl, poolSize: 3, logger });
  await dataSource.initialize();
  const api = await createApiServer({
    dataSource,
    databaseUrl: h.databaseUrl,
    temporal: h.temporal,
    taskQueue: h.taskQueue,
    retryHoldSeconds: 600,
    secretBox: null,
    introspection: false,
    limits: { ...defaultApiLimits, ...limits },
    log: () => undefined,
  });
  const url = `http://127.0.0.1:${await api.listen(0)}/graphql`;
  return {
    url,
    close: async () => {
      await api.close();
      await dataSource.destroy();
    },
  };
}

/** A finished run to hang events on; `insert` stores `count` events of `bytes` each (announced when `notify`). */
async function floodEvents(h: Harness, notify: boolean) {
  const pipeline = await createPipeline(h, {
    name: `flood-${Math.random().toString(36).slice(2, 8)}`,
    stages: [{ name: 'one', actions: [command('noop', 'true')] }],
  });
  const run = await trigger(h, pipeline.id);
  await waitForRun(h, run.id, ended);
  const insert = async (count: number, bytes: number) => {
    const rows: Array<{ id: string }> = await h.dataSource.query(
      `WITH inserted AS (
         INSERT INTO pipeline_events (run_id, pipeline_id, event_key, type, message, at)
         SELECT $1, $2, 'flood-' || n || '-' || gen_random_uuid(), 'RUN_STARTED', repeat('x', $4), now()
           FROM generate_series(1, $3) AS n
         RETURNING id, run_id, pipeline_id)
       SELECT id::text AS id, CASE WHEN $5 THEN pg_notify('lockstep_events',
         json_build_object('eventId', id::text, 'runId', run_id, 'pipelineId', pipeline_id)::text) END
         FROM inserted ORDER BY inserted.id`,
      [run.id, pipeline.id, count, bytes, notify],
    );
    return rows.map((r) => r.id);
  };
  return { pipelineId: pipeline.id, insert };
}

describe('subscription floods', () => {
  test('one connection, and one token over several, cannot open more subscriptions than allowed', async ({
    harness: h,
  }) => {
    const api = await apiWith(h, { subscriptionsPerConnection: 3, subscriptionsPerToken: 5 });
    const token = await h.tokenFor('VIEWER');
    const first = wsClient(api.url, token);
    const second = wsClient(api.url, token);
    const other = wsClient(api.url, await h.tokenFor('VIEWER', 'someone-else'));
    try {
      const onFirst = [1, 2, 3, 4].map(() => first.subscribe(eventsSubscription));
      await onFirst[3]!.ended;
      expect(onFirst[3]!.errors.flat()).toMatchObject([
        {
          extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
          message: expect.stringMatching(/connection has 3/),
        },
      ]);
      expect(onFirst.slice(0, 3).flatMap((s) => s.errors)).toEqual([]);

      const onSecond = [1, 2, 3].map(() => second.subscribe(eventsSubscription));
      await onSecond[2]!.ended;
      expect(onSecond[2]!.errors.flat()).toMatchObject([
        { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' }, message: expect.stringMatching(/token has 5/) },
      ]);
      expect(onSecond.slice(0, 2).flatMap((s) => s.errors)).toEqual([]);

      // Another token is not affected; a completed subscription frees its place.
      const others = [1, 2, 3].map(() => other.subscribe(eventsSubscription));
      onFirst[0]!.stop();
      const again = first.subscribe(eventsSubscription);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect([...others, again].flatMap((s) => s.errors)).toEqual([]);
    } finally {
      await Promise.all([first.dispose(), second.dispose(), other.dispose()]);
      await api.close();
    }
  });

  test('pipelineEvents(afterEventId: "0") over a large table is read page by page as the client reads, never whole', async ({
    harness: h,
  }) => {
    const reads = new EventReads();
    const api = await apiWith(h, { subscriptionQueueLimit: 100 }, reads);
    const { pipelineId, insert } = await floodEvents(h, false);
    const stored = [
      ...(
        await h.dataSource.query<Array<{ id: string }>>(
          'SELECT e.id::text AS id FROM pipeline_events e WHERE e.pipeline_id = $1 ORDER BY e.id',
          [pipelineId],
        )
      ).map((r) => r.id),
      ...(await insert(3000, 20_000)),
    ];
    const client = await rawGraphqlWs(api.url, { authorization: `Bearer ${h.adminToken}` });
    try {
      client.pause(); // a client that does not read
      client.subscribe('1', eventsSubscription, { p: pipelineId, after: '0' });
      // Reading stops once the client's socket and its queue are full...
      let settled = -1;
      await eventually(
        async () => {
          await new Promise((resolve) => setTimeout(resolve, 1000));
          const now = reads.limits.length;
          const still = now === settled;
          settled = now;
          return still;
        },
        (still) => still,
        30_000,
      );
      const rowsRead = reads.limits.reduce((sum, limit) => sum + limit, 0);
      expect(Math.max(...reads.limits)).toBeLessThanOrEqual(100);
      expect(rowsRead).toBeLessThan(stored.length / 2);
      // ...and goes on as the client reads, to the last event, in order, without gaps.
      client.resume();
      await eventually(
        async () => client.results.get('1')?.length ?? 0,
        (n) => n >= stored.length,
        60_000,
      );
      const ids = client.results
        .get('1')!
        .map((r) => (r as { data: { pipelineEvents: { id: string } } }).data.pipelineEvents.id);
      expect(ids).toEqual(stored);
    } finally {
      client.close();
      await api.close();
    }
  });

  test('a subscriber that stops reading is dropped with close code 4008, not buffered by the server', async ({
    harness: h,
  }) => {
    const api = await apiWith(h, { subscriptionQueueLimit: 20 });
    const { pipelineId, insert } = await floodEvents(h, true);
    const client = await rawGraphqlWs(api.url, { authorization: `Bearer ${h.adminToken}` });
    try {
      client.subscribe('1', eventsSubscription, { p: pipelineId });
      await new Promise((resolve) => setTimeout(resolve, 300));
      client.pause();
      await insert(1500, 20_000); // 30 MB announced live: more than sockets buffer
      await new Promise((resolve) => setTimeout(resolve, 6000)); // the API reads and queues them
      client.resume();
      const closed = await Promise.race([
        client.closed,
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 45_000)),
      ]);
      expect(closed).toMatchObject({ code: 4008, reason: expect.stringMatching(/^Slow consumer/) });
      expect(client.results.get('1')?.length ?? 0).toBeLessThan(1500);
    } finally {
      client.close();
      await api.close();
    }
  });

  test('a /live client that stops reading cannot make the dashboard buffer the API stream without bound', async () => {
    // A stand-in for the API that sends 40 MB as fast as it can.
    const message = JSON.stringify({ type: 'next', id: '1', payload: { data: { x: 'y'.repeat(20_000) } } });
    const api = new WebSocketServer({ port: 0 });
    let apiSocket: WebSocket | undefined;
    api.on('connection', (socket) => {
      apiSocket = socket;
      for (let i = 0; i < 2000; i++) socket.send(message);
    });
    const apiPort = (api.address() as AddressInfo).port;
    // The dashboard's relay, reached by a browser that then stops reading.
    const dashboard = new WebSocketServer({ noServer: true });
    const http = createServer();
    let toBrowser: WebSocket | undefined;
    http.on('upgrade', (req, socket, head) =>
      dashboard.handleUpgrade(req, socket, head, (client) => {
        toBrowser = client;
        relay(client, 'lsk_test', `ws://127.0.0.1:${apiPort}`);
      }),
    );
    await new Promise<void>((resolve) => http.listen(0, resolve));
    const browser = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`);
    try {
      await new Promise((resolve) => browser.once('open', resolve));
      browser.pause();
      browser.send(JSON.stringify({ type: 'connection_init' }));
      await eventually(
        async () => apiSocket?.bufferedAmount ?? 0,
        (unsent) => unsent > 0,
      );
      await new Promise((resolve) => setTimeout(resolve, 2000));
      // The relay holds about its high-water mark, and the rest stays unsent on the API's side.
      expect(toBrowser!.bufferedAmount).toBeLessThan(relayBuffer.highWater + 512 * 1024); // + what was read
      expect(apiSocket!.bufferedAmount).toBeGreaterThan(10 * 1024 * 1024);
    } finally {
      browser.terminate();
      await new Promise((resolve) => http.close(resolve));
      await new Promise((resolve) => api.close(resolve));
    }
  });
});
