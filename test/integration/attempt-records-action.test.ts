import { NativeConnection, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { describe, expect, inject } from 'vitest';
import { parseConfig } from '../../main/config';
import { RunService } from '../../server/run/run.service';
import { createActivities } from '../../workflows/activities';
import type { RunChange } from '../../workflows/definitions';
import { createWorkerMetrics } from '../../workflows/metrics/worker-metrics';
import { finishAttempt } from '../../workflows/activities/attempts';
import { recordAttemptChange } from '../../workflows/activities/projection.activity';
import { testPublicUrl, test, type Harness } from '../support/fixtures';
import {
  actionOf,
  command,
  createPipeline,
  ended,
  eventTypes,
  getRun,
  revision,
  trigger,
  waitForRun,
} from '../support/pipelines';

/**
 * A COMMAND's attempt records its action's start and success itself (patch
 * engine-command-attempt-records-action, see RunCommandInput): the run reads as it did when the workflow
 * wrote them, and an attempt's write never overwrites a finish the workflow recorded meanwhile.
 */

type ActionChange = Extract<RunChange, { target: 'action' }>;

const metrics = createWorkerMetrics(new Registry());

async function actionRow(h: Harness, actionRunId: string) {
  const [row]: Array<{ status: string; outputs: Record<string, string> | null; finished_at: Date }> =
    await h.dataSource.query('SELECT status, outputs, finished_at FROM action_runs WHERE id = $1', [
      actionRunId,
    ]);
  return row!;
}

async function eventsWithKey(h: Harness, runId: string, key: string): Promise<number> {
  const [row]: Array<{ n: number }> = await h.dataSource.query(
    'SELECT count(*)::int AS n FROM pipeline_events WHERE run_id = $1 AND event_key = $2',
    [runId, key],
  );
  return row!.n;
}

describe('a command attempt records its action', () => {
  test('started and succeeded, with its outputs, each event once and after its attempt', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, {
      name: 'attempt-records',
      stages: [
        {
          name: 'build',
          actions: [
            command('compile', 'echo VERSION=3.1.0 > "$LOCKSTEP_OUTPUT"'),
            command('flaky', '[ "$LOCKSTEP_ATTEMPT" -gt 1 ]', 2, {
              retryPolicy: { maximumAttempts: 2, initialIntervalMs: 100, backoffCoefficient: 1 },
            }),
          ],
        },
      ],
    });
    const run = await waitForRun(h, (await trigger(h, pipeline.id)).id, ended);
    expect(run.status).toBe('SUCCEEDED');
    const compile = actionOf(run, 'build', 'compile');
    expect(compile.status).toBe('SUCCEEDED');
    expect(compile.outputs).toEqual({ VERSION: '3.1.0' });
    expect(actionOf(run, 'build', 'flaky').attempts.map((a) => a.error === null)).toEqual([false, true]);
    // Every attempt records the start again: the event is still written once.
    expect(await eventTypes(h, run.id)).toEqual([
      'RUN_STARTED',
      'STAGE_STARTED',
      'ACTION_STARTED',
      'ACTION_SUCCEEDED',
      'ACTION_STARTED',
      'ACTION_RETRYING',
      'ACTION_SUCCEEDED',
      'STAGE_SUCCEEDED',
      'RUN_SUCCEEDED',
    ]);
  });

  test('a start or success that arrives after the workflow finished the action otherwise changes nothing', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, {
      name: 'attempt-after-cancel',
      stages: [{ name: 'build', actions: [command('slow', 'sleep 30')] }],
    });
    const { id: runId } = await trigger(h, pipeline.id);
    await waitForRun(h, runId, (r) => actionOf(r, 'build', 'slow').status === 'RUNNING');
    const cancel = `mutation($id: ID!) { cancelRun(runId: $id, reason: "late attempt") { id } }`;
    expect((await h.gql(cancel, { id: runId })).errors).toBeUndefined();
    const run = await waitForRun(h, runId, ended);
    const action = actionOf(run, 'build', 'slow');
    expect(action.status).toBe('CANCELLED');
    const before = await actionRow(h, action.id);

    // As an attempt picked up, or ending, while the workflow recorded the cancel would write them.
    const base = { target: 'action', runId, pipelineId: pipeline.id, actionRunId: action.id } as const;
    const where = { stageName: 'build', actionName: 'slow', message: null };
    const decidedBefore = new Date(before.finished_at.getTime() - 1000).toISOString();
    const start: ActionChange = {
      ...base,
      status: 'RUNNING',
      at: decidedBefore,
      event: { key: 'late:start', type: 'ACTION_STARTED', at: decidedBefore, ...where },
    };
    const endedLater = new Date(before.finished_at.getTime() + 1000).toISOString();
    const success: ActionChange = {
      ...base,
      status: 'SUCCEEDED',
      at: endedLater,
      outputs: { LATE: 'yes' },
      event: { key: 'late:success', type: 'ACTION_SUCCEEDED', at: endedLater, ...where },
    };
    await recordAttemptChange(h.dataSource, metrics, start);
    await recordAttemptChange(h.dataSource, metrics, success);

    expect(await actionRow(h, action.id)).toEqual(before);
    expect(await eventsWithKey(h, runId, 'late:start')).toBe(0);
    expect(await eventsWithKey(h, runId, 'late:success')).toBe(0);
  });

  test('a success from an attempt Temporal gave up on, after the next one began, is not recorded', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, {
      name: 'attempt-superseded',
      stages: [{ name: 'build', actions: [command('compile', 'true')] }],
    });
    const run = await waitForRun(h, (await trigger(h, pipeline.id)).id, ended);
    const action = actionOf(run, 'build', 'compile');
    const before = await actionRow(h, action.id);
    // Attempt 1 was given up on (recorded lost when attempt 2 began); attempt 2 runs now.
    await h.dataSource.query(
      'UPDATE action_attempts SET lost = true WHERE action_run_id = $1 AND number = 1',
      [action.id],
    );
    await h.dataSource.query(
      'INSERT INTO action_attempts (action_run_id, number, execution, started_at) VALUES ($1, 2, 1, now())',
      [action.id],
    );
    const base = {
      target: 'action',
      runId: run.id,
      pipelineId: pipeline.id,
      actionRunId: action.id,
    } as const;
    const at = new Date(before.finished_at.getTime() + 1000).toISOString();
    const late: ActionChange = {
      ...base,
      status: 'SUCCEEDED',
      at,
      outputs: { LATE: 'yes' },
      event: {
        key: 'late:old-attempt',
        type: 'ACTION_SUCCEEDED',
        at,
        stageName: 'build',
        actionName: 'compile',
        message: null,
      },
    };
    await recordAttemptChange(h.dataSource, metrics, late, 1);
    expect(await actionRow(h, action.id)).toEqual(before);
    expect(await eventsWithKey(h, run.id, 'late:old-attempt')).toBe(0);
    const [attempt]: Array<{ lost: boolean }> = await h.dataSource.query(
      'SELECT lost FROM action_attempts WHERE action_run_id = $1 AND number = 1',
      [action.id],
    );
    expect(attempt!.lost).toBe(true);

    // Nor does its failure, had it failed instead: it stays lost and does not count against the policy.
    await finishAttempt(h.dataSource, action.id, 1, 'exit code 1');
    const [failed]: Array<{ lost: boolean; error: string | null }> = await h.dataSource.query(
      'SELECT lost, error FROM action_attempts WHERE action_run_id = $1 AND number = 1',
      [action.id],
    );
    expect(failed).toEqual({ lost: true, error: null });
  });

  test('a worker of an earlier version that records neither: the workflow records both', async ({
    harness: h,
  }) => {
    // A worker from before the patch on the same task queue: its runCommand knows nothing of `start` and
    // `success`, and answers without `recorded`.
    const taskQueue = `old-worker-${randomUUID()}`;
    const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    const config = parseConfig(process.env);
    const activities = createActivities({
      dataSource: h.dataSource,
      temporal: h.temporal,
      commandBaseEnv: config.commandEnv,
      commandUids: config.commandUids,
      logLimitBytes: config.logLimitBytes,
      secretBox: null,
      publicUrl: testPublicUrl,
    });
    const worker = await Worker.create({
      connection,
      taskQueue,
      workflowBundle: { code: inject('workflowBundle') },
      activities: {
        ...activities,
        runCommand: async (input: Parameters<typeof activities.runCommand>[0]) => {
          const { start: _start, success: _success, ...earlier } = input;
          const { recorded: _recorded, ...result } = await activities.runCommand(earlier);
          return result;
        },
      },
    });
    const running = worker.run();
    try {
      const pipeline = await createPipeline(h, {
        name: 'old-worker',
        stages: [{ name: 'build', actions: [command('compile', 'echo VERSION=2 > "$LOCKSTEP_OUTPUT"')] }],
      });
      const [admin]: Array<{ id: string }> = await h.dataSource.query(
        `SELECT id FROM principals WHERE role = 'ADMIN' ORDER BY created_at LIMIT 1`,
      );
      const runs = new RunService(h.dataSource, h.temporal, taskQueue, 600);
      const { id: runId } = await runs.trigger(
        pipeline.id,
        { ...revision, committedAt: new Date(revision.committedAt) },
        null,
        admin!,
      );
      const run = await waitForRun(h, runId, ended);
      expect(run.status).toBe('SUCCEEDED');
      const compile = actionOf(run, 'build', 'compile');
      expect(compile).toMatchObject({ status: 'SUCCEEDED', outputs: { VERSION: '2' } });
      expect(compile.startedAt).not.toBeNull();
      expect(await eventTypes(h, runId)).toEqual([
        'RUN_STARTED',
        'STAGE_STARTED',
        'ACTION_STARTED',
        'ACTION_SUCCEEDED',
        'STAGE_SUCCEEDED',
        'RUN_SUCCEEDED',
      ]);
      expect((await getRun(h, runId)).status).toBe('SUCCEEDED');
    } finally {
      worker.shutdown();
      await running;
      await connection.close();
    }
  });
});
