import { randomUUID } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect } from 'vitest';
import type { PipelineRunResult } from '../../workflows/definitions';
import { test, type Cluster } from '../support/cluster';
import { eventually } from '../support/fixtures';
import { actionOf, command, createPipeline, getRun, trigger, waitForRun } from '../support/pipelines';
import { processesInGroup, processesMatching, processGroupOf } from '../support/processes';

/**
 * Run semantics 9 (durability): killing the worker, or restarting the Temporal server or PostgreSQL, in the
 * middle of a run loses nothing. Each test has its own cluster of separate processes (support/cluster.ts),
 * so the faults it injects reach no other test file.
 */

// Processes start slowly on a small machine: the worker alone bundles the workflow code for about 10 s.
const faultTimeout = { timeout: 120_000 };
const endedStatuses = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'SUPERSEDED'];
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls the run's row until it ended; read errors (a service still coming back) just mean "not yet". */
async function waitForEnd(c: Cluster, runId: string, timeoutMs = 90_000): Promise<string> {
  return eventually(
    () =>
      c.query<{ status: string }>('SELECT status FROM pipeline_runs WHERE id = $1', [runId]).then(
        (rows) => rows[0]?.status ?? 'missing',
        (error: Error) => `unreadable: ${error.message}`,
      ),
    (status) => endedStatuses.includes(status),
    timeoutMs,
  );
}

/** Waits for the run to end and expects SUCCEEDED, showing the run as the API sees it when it is not. */
async function expectRunSucceeds(c: Cluster, runId: string): Promise<void> {
  const status = await waitForEnd(c, runId);
  if (status === 'SUCCEEDED') return;
  const run = await getRun(c, runId);
  const summary = {
    status: run.status,
    failureReason: run.failureReason,
    actions: run.stages.flatMap((s) =>
      s.actions.map((a) => ({ stage: s.name, action: a.name, status: a.status, attempts: a.attempts })),
    ),
  };
  expect(status, `the run ended ${JSON.stringify(summary)}`).toBe('SUCCEEDED');
}

/** The run succeeded, and Temporal, the API and every row of the run say so. */
async function expectSucceededEverywhere(
  c: Cluster,
  runId: string,
  shape: { stages: number; actions: number },
) {
  const run = await getRun(c, runId);
  expect(run.status).toBe('SUCCEEDED');
  expect(run.temporalWorkflowId).toBe(`pipeline-run-${runId}`);

  const handle = c.temporal.workflow.getHandle(`pipeline-run-${runId}`);
  // The row is written by the workflow's last activity, a moment before the workflow itself completes.
  const status = await eventually(
    async () => (await handle.describe()).status.name,
    (name) => name !== 'RUNNING',
    30_000,
  );
  expect(status).toBe('COMPLETED');
  expect(await handle.result()).toEqual<PipelineRunResult>({ status: 'SUCCEEDED', failureReason: null });

  const runs = await c.query<{ status: string }>('SELECT status FROM pipeline_runs WHERE id = $1', [runId]);
  expect(runs).toEqual([{ status: 'SUCCEEDED' }]);
  const stages = await c.query<{ name: string; status: string }>(
    'SELECT name, status FROM stage_runs WHERE run_id = $1 ORDER BY position',
    [runId],
  );
  expect(stages).toHaveLength(shape.stages);
  for (const stage of stages) expect(stage, `stage ${stage.name}`).toMatchObject({ status: 'SUCCEEDED' });
  const actions = await c.query<{ name: string; status: string }>(
    'SELECT name, status FROM action_runs WHERE run_id = $1 ORDER BY name',
    [runId],
  );
  expect(actions).toHaveLength(shape.actions);
  for (const action of actions)
    expect(action, `action ${action.name}`).toMatchObject({ status: 'SUCCEEDED' });

  const types = (
    await c.query<{ type: string }>('SELECT type FROM pipeline_events WHERE run_id = $1 ORDER BY id', [runId])
  ).map((e) => e.type);
  expect(types[0]).toBe('RUN_STARTED');
  expect(types.at(-1)).toBe('RUN_SUCCEEDED');
  // Every state change reached the database once, and nothing failed on the way.
  expect(types.filter((t) => t === 'STAGE_SUCCEEDED')).toHaveLength(shape.stages);
  expect(types.filter((t) => t === 'ACTION_SUCCEEDED')).toHaveLength(shape.actions);
  expect(types.filter((t) => t.endsWith('_FAILED') || t === 'RUN_CANCELLED')).toEqual([]);
  return run;
}

async function finishedAt(c: Cluster, runId: string): Promise<number> {
  const rows = await c.query<{ finished_at: Date }>('SELECT finished_at FROM pipeline_runs WHERE id = $1', [
    runId,
  ]);
  return rows[0]!.finished_at.getTime();
}

const twoStages = (name: string) => ({
  name,
  stages: [
    { name: 'build', actions: [command('compile', 'sleep 2')] },
    { name: 'deploy', actions: [command('ship', 'sleep 2')] },
  ],
});

describe('durability: a run survives its services going away (run semantics 9)', () => {
  test(
    'worker killed with SIGKILL while a command runs: the command dies with it, a new worker runs it again',
    faultTimeout,
    async ({ startCluster }) => {
      const c = await startCluster({ postgres: 'shared' });
      const marker = `lockstep-fault-${randomUUID()}`;
      const attemptsFile = path.join(c.dir, 'attempts');
      // Each attempt may run as a uid of its own (the worker is root): all of them append to this file.
      await writeFile(attemptsFile, '');
      await chmod(attemptsFile, 0o666);
      // The attempt the worker dies in would sleep for long, so a survivor cannot hide by finishing on its
      // own within the check below; the attempts after it are quick.
      const script = [
        `echo "$$ $LOCKSTEP_ATTEMPT" >> ${attemptsFile}`,
        `if [ "$(wc -l < ${attemptsFile})" -eq 1 ]; then FAULT_MARKER=${marker} sleep 45; else FAULT_MARKER=${marker} sleep 3; fi`,
      ].join('; ');
      const pipeline = await createPipeline(c, {
        name: 'worker-crash',
        stages: [
          { name: 'build', actions: [command('long', script)] },
          { name: 'deploy', actions: [command('ship', 'echo shipped')] },
        ],
      });
      const run = await trigger(c, pipeline.id);
      const attempts = () =>
        readFile(attemptsFile, 'utf8').then(
          (text) => text.trim().split('\n').filter(Boolean),
          () => [],
        );
      const [first] = await eventually(attempts, (lines) => lines.length > 0, 60_000);
      const shellPid = Number(first!.split(' ')[0]);
      // The command runs in a process group of its own: everything in it belongs to this attempt.
      const group = processGroupOf(shellPid);
      expect(group, `process group of the command's shell ${shellPid}`).toBeDefined();
      expect(group).not.toBe(processGroupOf(process.pid));
      const ofKilledAttempt = () => processesInGroup(group!);
      const before = await eventually(
        async () => processesMatching(marker).filter((p) => processGroupOf(p.pid) === group),
        (found) => found.some((p) => p.cmdline === 'sleep 45'),
        10_000,
      );
      expect(before.length).toBeGreaterThan(0);
      expect((await getRun(c, run.id)).status).toBe('RUNNING');

      await c.worker.kill();
      const survivors = eventually(
        async () => ofKilledAttempt(),
        (left) => left.length === 0,
        20_000,
      ).catch(() => ofKilledAttempt());
      await c.worker.start();
      expect
        .soft(await survivors, 'processes of the attempt lost with the killed worker, 20 s after the kill')
        .toEqual([]);

      await expectRunSucceeds(c, run.id);
      const done = await expectSucceededEverywhere(c, run.id, { stages: 2, actions: 2 });
      const long = actionOf(done, 'build', 'long');
      expect(long.attempts.length).toBeGreaterThan(1);
      expect(long.attempts.at(-1)).toMatchObject({ error: null });
      expect((await attempts()).length).toBeGreaterThan(1); // the command really started again
      expect(actionOf(done, 'deploy', 'ship').status).toBe('SUCCEEDED');
    },
  );

  test(
    'Temporal server restarted mid-run: worker and API reconnect by themselves and the run finishes',
    faultTimeout,
    async ({ startCluster }) => {
      const c = await startCluster({ postgres: 'shared' });
      const pipeline = await createPipeline(c, twoStages('temporal-restart'));
      const run = await trigger(c, pipeline.id);
      await waitForRun(c, run.id, (r) => actionOf(r, 'build', 'compile').status === 'RUNNING', 60_000);
      const [workerPid, apiPid] = [c.worker.pid, c.api.pid];

      await c.temporalServer.stop();
      expect(await c.healthy()).toBe(false); // the API sees Temporal gone
      await delay(3000); // the outage itself
      const restartedAt = Date.now();
      await c.temporalServer.start();

      await eventually(() => c.healthy(), Boolean, 60_000);
      await expectRunSucceeds(c, run.id);
      expect(await finishedAt(c, run.id)).toBeGreaterThan(restartedAt); // the restart came mid-run
      await expectSucceededEverywhere(c, run.id, { stages: 2, actions: 2 });
      expect([c.worker.pid, c.api.pid]).toEqual([workerPid, apiPid]); // the same processes throughout
    },
  );

  test(
    'PostgreSQL restarted mid-run: worker and API reconnect by themselves and every row agrees',
    faultTimeout,
    async ({ startCluster }) => {
      const c = await startCluster({ postgres: 'own' });
      const pipeline = await createPipeline(c, twoStages('postgres-restart'));
      const run = await trigger(c, pipeline.id);
      await waitForRun(c, run.id, (r) => actionOf(r, 'build', 'compile').status === 'RUNNING', 60_000);
      const [workerPid, apiPid] = [c.worker.pid, c.api.pid];

      await c.postgres.stop();
      expect(await c.healthy()).toBe(false); // the API sees PostgreSQL gone
      await delay(3000); // the outage itself
      const restartedAt = Date.now();
      await c.postgres.start();

      await eventually(() => c.healthy(), Boolean, 60_000);
      await expectRunSucceeds(c, run.id);
      expect(await finishedAt(c, run.id)).toBeGreaterThan(restartedAt); // the restart came mid-run
      await expectSucceededEverywhere(c, run.id, { stages: 2, actions: 2 });
      expect([c.worker.pid, c.api.pid]).toEqual([workerPid, apiPid]); // the same processes throughout
    },
  );
});
