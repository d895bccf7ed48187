import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { createDataSource, migrate } from '../../db/data-source';
import { createTestDatabase, graphql } from '../support/fixtures';
import { command, createPipelineMutation, revision, triggerMutation } from '../support/pipelines';
import { startReplicas, type Replicas } from '../support/replicas';
import { sharedFolder } from '../support/shared-folder';
import { wsClient, type Subscription } from '../support/subscriptions';

/**
 * Lockstep scaled out (docs/operations.md, "Running several workers and API processes"): two worker and two
 * API processes on one database, one Temporal server and one task queue run 100 concurrent runs, and one
 * worker is killed (SIGKILL) in the middle of them. Every run succeeds, every action succeeds once, every
 * attempt's side effect happens once, subscribers of both APIs see every event of every run in order, and
 * the pipelines' lanes still hold one run at a time.
 *
 * "Exactly once", for a command whose worker died: Temporal runs the activity again (after its heartbeats
 * stop) as a new attempt with a number of its own, and the dead attempt is recorded as lost. A command is
 * at-least-once across attempts; what Lockstep guarantees is one successful attempt per action, each attempt
 * started once, and the number in $LOCKSTEP_ATTEMPT for a command that wants to make its effect idempotent.
 * So the test counts side effects per (run, action, attempt): one line each, one for the successful attempt,
 * and lines of other attempts only for attempts recorded as lost.
 */

const queuedPipelines = 4;
const runsPerQueuedPipeline = 10;
const parallelRuns = 60;
const totalRuns = queuedPipelines * runsPerQueuedPipeline + parallelRuns;

interface EventView {
  id: string;
  type: string;
  runId: string;
}

const eventsSubscription = `subscription($p: ID, $after: ID) {
  pipelineEvents(pipelineId: $p, afterEventId: $after) { id type runId }
}`;

/** Each action appends `<run> <stage>/<action> <attempt>` to the shared file, then works a little. */
function pipelineInput(name: string, executionMode: 'QUEUED' | 'PARALLEL', effects: string) {
  const step = (action: string) =>
    command(
      action,
      `echo "$LOCKSTEP_RUN_ID $LOCKSTEP_STAGE/$LOCKSTEP_ACTION $LOCKSTEP_ATTEMPT" >> ${effects}; sleep 0.3`,
    );
  return {
    name,
    executionMode,
    stages: [
      { name: 'build', actions: [step('compile'), step('lint')] },
      { name: 'ship', actions: [step('deploy')] },
    ],
  };
}

describe('scale-out', () => {
  it('two workers and two APIs run 100 concurrent runs, one worker killed midway, and lose nothing', async () => {
    const begun = Date.now();
    const database = await createTestDatabase();
    const dataSource = createDataSource({ url: database.url, poolSize: 2, applicationName: 'lockstep-test' });
    await dataSource.initialize();
    const folder = await sharedFolder('lockstep-scale-', ['effects']);
    const effects = path.join(folder, 'effects');
    let replicas: Replicas | undefined;
    const clients: Array<ReturnType<typeof wsClient>> = [];
    let passed = false;
    try {
      await migrate(dataSource);
      replicas = await startReplicas({
        databaseUrl: database.url,
        temporalAddress: inject('temporalAddress'),
        workers: 2,
        apis: 2,
      });
      const r = replicas;
      const gql = (api: number, query: string, variables: Record<string, unknown>) =>
        graphql<Record<string, { id: string }>>(r.apis[api]!.url, query, variables, r.adminToken);

      const pipelines: Array<{ id: string; mode: 'QUEUED' | 'PARALLEL'; runs: number }> = [];
      for (let i = 0; i < queuedPipelines + 1; i++) {
        const mode = i < queuedPipelines ? 'QUEUED' : 'PARALLEL';
        const res = await gql(i % 2, createPipelineMutation, {
          input: pipelineInput(`scale-${i}`, mode, effects),
        });
        expect(res.errors).toBeUndefined();
        pipelines.push({
          id: res.data!.createPipeline!.id,
          mode,
          runs: mode === 'QUEUED' ? runsPerQueuedPipeline : parallelRuns,
        });
      }

      // Both APIs follow every pipeline from its first event, before anything runs.
      const followed: Array<{ api: number; pipelineId: string; subscription: Subscription<EventView> }> = [];
      for (const api of [0, 1]) {
        const client = wsClient(r.apis[api]!.url, r.adminToken);
        clients.push(client);
        for (const pipeline of pipelines)
          followed.push({
            api,
            pipelineId: pipeline.id,
            subscription: client.subscribe<EventView>(eventsSubscription, { p: pipeline.id, after: '0' }),
          });
      }

      // 100 triggers at once, half through each API.
      const triggers = pipelines.flatMap((pipeline) =>
        Array.from({ length: pipeline.runs }, () => pipeline.id),
      );
      const started = Date.now();
      const ready = (started - begun) / 1000;
      const triggered = await Promise.all(
        triggers.map(async (pipelineId, i) => {
          const res = await gql(i % 2, triggerMutation, { pipelineId, revision });
          expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
          return res.data!.triggerPipeline!.id;
        }),
      );
      expect(new Set(triggered).size).toBe(totalRuns);

      // Kill worker 1 once a quarter of the commands ran, while both workers are busy.
      const actions = totalRuns * 3;
      const lines = async () => (await readFile(effects, 'utf8')).split('\n').filter(Boolean);
      await until(async () => (await lines()).length >= actions / 4, 60_000, 'a quarter of the commands ran');
      const killedAt = new Date();
      await r.workers[0]!.kill();
      const finished = await until(
        async () => {
          const rows: Array<{ status: string; n: number }> = await dataSource.query(
            'SELECT status, count(*)::int AS n FROM pipeline_runs GROUP BY status',
          );
          const ended = rows
            .filter((row) => ['SUCCEEDED', 'FAILED', 'CANCELLED', 'SUPERSEDED'].includes(row.status))
            .reduce((sum, row) => sum + row.n, 0);
          return ended === totalRuns ? rows : undefined;
        },
        150_000,
        'every run ended',
      );
      const elapsed = (Date.now() - started) / 1000;
      expect(finished).toEqual([{ status: 'SUCCEEDED', n: totalRuns }]);
      const afterKill: Array<{ n: number }> = await dataSource.query(
        'SELECT count(*)::int AS n FROM pipeline_runs WHERE finished_at > $1',
        [killedAt],
      );
      expect(afterKill[0]!.n, 'the kill came while runs were in flight').toBeGreaterThan(0);

      // Every action succeeded once; every other attempt was lost with the killed worker.
      const attempts: Array<{
        run_id: string;
        stage: string;
        action: string;
        status: string;
        number: number;
        error: string | null;
        lost: boolean;
      }> = await dataSource.query(
        `SELECT a.run_id, s.name AS stage, a.name AS action, a.status, t.number, t.error, t.lost
           FROM action_runs a JOIN stage_runs s ON s.id = a.stage_run_id
           LEFT JOIN action_attempts t ON t.action_run_id = a.id`,
      );
      expect(attempts.filter((a) => a.status !== 'SUCCEEDED')).toEqual([]);
      const key = (runId: string, action: string, attempt: number) => `${runId} ${action} ${attempt}`;
      const successful = attempts.filter((a) => a.error === null && !a.lost);
      const lost = new Set(
        attempts.filter((a) => a.lost).map((a) => key(a.run_id, `${a.stage}/${a.action}`, a.number)),
      );
      const twice = successful.filter(
        (a, i) =>
          successful.findIndex(
            (b) => b.run_id === a.run_id && b.stage === a.stage && b.action === a.action,
          ) !== i,
      );
      expect(twice, 'actions with two successful attempts').toEqual([]);
      expect(successful).toHaveLength(actions);
      expect(attempts.filter((a) => a.error !== null && !a.lost)).toEqual([]);

      // Side effects: one line per attempt that ran; the successful attempt's always, others only if lost.
      const counted = new Map<string, number>();
      for (const line of await lines()) {
        const [runId, action, attempt] = line.split(' ');
        const k = key(runId!, action!, Number(attempt));
        counted.set(k, (counted.get(k) ?? 0) + 1);
      }
      expect(
        [...counted].filter(([, n]) => n !== 1),
        'attempts whose effect happened twice',
      ).toEqual([]);
      for (const a of successful)
        expect(counted.has(key(a.run_id, `${a.stage}/${a.action}`, a.number))).toBe(true);
      const unexplained = [...counted.keys()].filter(
        (k) =>
          !lost.has(k) && !successful.some((a) => key(a.run_id, `${a.stage}/${a.action}`, a.number) === k),
      );
      expect(unexplained, 'effects of attempts neither successful nor lost').toEqual([]);

      // Subscribers of both APIs got each run's events, all of them, in the order they were stored.
      const stored: Array<{ id: string; run_id: string; pipeline_id: string }> = await dataSource.query(
        'SELECT e.id::text AS id, e.run_id, e.pipeline_id FROM pipeline_events e ORDER BY e.id',
      );
      for (const { api, pipelineId, subscription } of followed) {
        const expected = stored.filter((e) => e.pipeline_id === pipelineId);
        const received = await subscription.until((list) => list.length >= expected.length, 30_000);
        expect(received.length, `API ${api + 1}, pipeline ${pipelineId}: no event twice`).toBe(
          expected.length,
        );
        for (const runId of new Set(expected.map((e) => e.run_id))) {
          expect(
            received.filter((e) => e.runId === runId).map((e) => e.id),
            `API ${api + 1}, run ${runId}`,
          ).toEqual(expected.filter((e) => e.run_id === runId).map((e) => e.id));
        }
      }

      // The lanes: a QUEUED pipeline's runs never overlapped, and went in run-number order.
      for (const pipeline of pipelines.filter((p) => p.mode === 'QUEUED')) {
        const runs: Array<{ number: number; started_at: Date; finished_at: Date }> = await dataSource.query(
          'SELECT number, started_at, finished_at FROM pipeline_runs WHERE pipeline_id = $1 ORDER BY started_at',
          [pipeline.id],
        );
        expect(runs.map((run) => run.number)).toEqual(
          [...runs.map((run) => run.number)].sort((a, b) => a - b),
        );
        for (let i = 1; i < runs.length; i++)
          expect(runs[i]!.started_at.getTime()).toBeGreaterThanOrEqual(runs[i - 1]!.finished_at.getTime());
      }
      console.log(
        `scale-out: processes ready in ${ready.toFixed(1)} s; ${totalRuns} runs in ${elapsed.toFixed(1)} s; ` +
          `${lost.size} attempts lost with the killed worker`,
      );
      passed = true;
    } finally {
      for (const client of clients) await client.dispose();
      if (!passed && replicas) console.error(`--- replicas output ---\n${replicas.output()}`);
      await replicas?.stop();
      await dataSource.destroy();
      await database.drop();
      await rm(folder, { recursive: true, force: true });
    }
  }, 240_000);
});

/** Polls `read` until it returns a value; fails naming `what` after `timeoutMs`. */
async function until<T>(
  read: () => Promise<T | undefined | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
