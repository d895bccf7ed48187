import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { eventually, test } from '../support/fixtures';
import { processesMatching } from '../support/processes';
import { sharedFolder } from '../support/shared-folder';
import {
  actionOf,
  command,
  createPipeline,
  ended,
  eventTypes,
  ms,
  stageOf,
  trigger,
  waitForRun,
} from '../support/pipelines';

const retry = `mutation($id: ID!) { retryFailedActions(runId: $id) { id status } }`;
const cancel = `mutation($id: ID!, $reason: String) { cancelRun(runId: $id, reason: $reason) { id status failureReason } }`;

describe('manual retry of the failed actions', () => {
  test('re-runs only what failed in the failed stage, then goes on', async ({ harness: h }) => {
    const dir = await sharedFolder('lockstep-retry-');
    const pipeline = await createPipeline(h, {
      name: 'retry-me',
      stages: [
        {
          name: 'test',
          actions: [
            command('steady', `echo ran >> ${dir}/steady.count`),
            command('flaky', `test -e ${dir}/fixed || { echo "not fixed yet" >&2; exit 1; }`),
            command('report', `echo report >> ${dir}/report.count`, 2),
          ],
        },
        { name: 'deploy', actions: [command('ship', 'echo shipped')] },
      ],
    });
    const run = await trigger(h, pipeline.id);
    const failed = await waitForRun(h, run.id, (r) => r.status === 'FAILED');
    expect(actionOf(failed, 'test', 'report').status).toBe('SKIPPED');
    expect(stageOf(failed, 'deploy').status).toBe('PENDING');

    await writeFile(path.join(dir, 'fixed'), '');
    const res = await h.gql<{ retryFailedActions: { status: string } }>(retry, { id: run.id });
    expect(res.errors).toBeUndefined();
    expect(res.data!.retryFailedActions.status).not.toBe('FAILED');

    const done = await waitForRun(h, run.id, ended);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.failureReason).toBeNull();
    expect(await readFile(path.join(dir, 'steady.count'), 'utf8')).toBe('ran\n'); // succeeded once, never again
    expect(await readFile(path.join(dir, 'report.count'), 'utf8')).toBe('report\n');
    expect(actionOf(done, 'test', 'flaky').attempts).toEqual([
      { number: 1, error: 'exit code 1: not fixed yet' },
      { number: 2, error: null },
    ]);
    expect(actionOf(done, 'deploy', 'ship').status).toBe('SUCCEEDED');
    const types = await eventTypes(h, run.id);
    expect(types.filter((t) => t === 'STAGE_STARTED')).toHaveLength(3); // test, test again, deploy
    expect(types.at(-1)).toBe('RUN_SUCCEEDED');

    const again = await h.gql(retry, { id: run.id });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  test('automatic retries follow the action retry policy, each attempt recorded', async ({ harness: h }) => {
    const dir = await sharedFolder('lockstep-auto-', ['n']);
    const pipeline = await createPipeline(h, {
      name: 'auto-retry',
      stages: [
        {
          name: 'build',
          actions: [
            command('third-time-lucky', `echo x >> ${dir}/n; [ $(wc -l < ${dir}/n) -ge 3 ]`, 1, {
              retryPolicy: { maximumAttempts: 3, initialIntervalMs: 100, backoffCoefficient: 1 },
            }),
          ],
        },
      ],
    });
    const done = await waitForRun(h, (await trigger(h, pipeline.id)).id, ended);
    expect(done.status).toBe('SUCCEEDED');
    expect(actionOf(done, 'build', 'third-time-lucky').attempts).toEqual([
      { number: 1, error: 'exit code 1' },
      { number: 2, error: 'exit code 1' },
      { number: 3, error: null },
    ]);
    expect((await eventTypes(h, done.id)).filter((t) => t === 'ACTION_RETRYING')).toHaveLength(2);
  });
});

describe('cancelling a run', () => {
  test('kills the running command with everything it started and marks the rest CANCELLED', async ({
    harness: h,
  }) => {
    const marker = `${4000 + Math.floor(Math.random() * 1000)}.${Date.now() % 1000}`;
    const pipeline = await createPipeline(h, {
      name: 'cancel-me',
      stages: [
        {
          name: 'build',
          // One group: the sibling that already finished keeps its outcome when the run is cancelled.
          actions: [command('fast', 'true'), command('slow', `sleep ${marker} & sleep ${marker}; wait`)],
        },
        { name: 'deploy', actions: [command('ship', 'echo never')] },
      ],
    });
    const run = await trigger(h, pipeline.id);
    await waitForRun(
      h,
      run.id,
      (r) =>
        actionOf(r, 'build', 'slow').status === 'RUNNING' &&
        actionOf(r, 'build', 'fast').status === 'SUCCEEDED',
    );
    const sleeps = () => processesMatching(marker).filter((p) => p.cmdline === `sleep ${marker}`);
    await eventually(
      async () => sleeps().length,
      (n) => n === 2,
      10_000,
    ); // the shell started two

    const res = await h.gql<{ cancelRun: { status: string; failureReason: string } }>(cancel, {
      id: run.id,
      reason: 'wrong branch',
    });
    expect(res.errors).toBeUndefined();
    const done = await waitForRun(h, run.id, (r) => r.status === 'CANCELLED');
    expect(done.failureReason).toBe('cancelled: wrong branch');
    expect(actionOf(done, 'build', 'fast').status).toBe('SUCCEEDED');
    expect(actionOf(done, 'build', 'slow').status).toBe('CANCELLED');
    expect(stageOf(done, 'deploy').status).toBe('CANCELLED');
    expect(actionOf(done, 'deploy', 'ship').status).toBe('CANCELLED');
    expect(
      await eventually(
        async () => processesMatching(marker),
        (left) => left.length === 0,
        15_000,
      ),
    ).toEqual([]);
    expect((await eventTypes(h, run.id)).at(-1)).toBe('RUN_CANCELLED');
    const handle = h.temporal.workflow.getHandle(done.temporalWorkflowId);
    await expect(handle.result()).rejects.toThrow();
    expect((await handle.describe()).status.name).toBe('CANCELLED');

    const again = await h.gql(cancel, { id: run.id });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  test('a failed run holding for a retry can be cancelled instead', async ({ harness: h }) => {
    const pipeline = await createPipeline(h, {
      name: 'abandon',
      stages: [{ name: 's', actions: [command('x', 'exit 4')] }],
    });
    const run = await trigger(h, pipeline.id);
    await waitForRun(h, run.id, (r) => r.status === 'FAILED');
    expect((await h.gql(cancel, { id: run.id })).errors).toBeUndefined();
    const done = await waitForRun(h, run.id, (r) => r.status === 'CANCELLED');
    expect(actionOf(done, 's', 'x').status).toBe('FAILED'); // what finished keeps its outcome
    expect(ms(done.finishedAt)).toBeGreaterThan(0);
  });
});
