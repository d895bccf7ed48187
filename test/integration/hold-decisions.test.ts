import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { test as base, type Harness } from '../support/fixtures';
import {
  actionOf,
  command,
  createPipeline,
  stageOf,
  trigger,
  waitForRun,
  type RunView,
} from '../support/pipelines';
import { sharedFolder } from '../support/shared-folder';

// Long enough for the decisions below, short enough to see a hold expire.
const test = base.scoped({ retryHoldSeconds: 15 });

const once = { retryPolicy: { maximumAttempts: 1, initialIntervalMs: 100, backoffCoefficient: 1 } };

/** Each action appends its name to `log` in a folder the commands share, so the test counts executions. */
async function countingPipeline(h: Harness, name: string, failing: string) {
  const dir = await sharedFolder(`${name}-`, ['log']);
  const log = path.join(dir, 'log');
  const step = (action: string, runOrder = 1, extra = '') =>
    command(action, `echo ${action} >> ${log}${extra}`, runOrder, once);
  const pipeline = await createPipeline(h, {
    name,
    stages: [
      {
        name: 'build',
        actions: [step('steady'), step(failing, 1, `; test -e ${dir}/fixed`), step('package', 2)],
      },
      { name: 'deploy', actions: [step('ship')] },
    ],
  });
  return {
    pipeline,
    fix: () => writeFile(path.join(dir, 'fixed'), ''),
    executed: async () => (await readFile(log, 'utf8')).split('\n').filter(Boolean).sort(),
  };
}

const held = (r: RunView) => r.status === 'FAILED' && stageOf(r, 'build').status === 'FAILED';

const decide = (h: Harness, mutation: string, runId: string, token?: string, reason?: string) =>
  h.gql<Record<string, { status: string }>>(
    reason === undefined
      ? `mutation($r: ID!) { ${mutation}(runId: $r) { id status } }`
      : `mutation($r: ID!, $why: String!) { ${mutation}(runId: $r, reason: $why) { id status } }`,
    { r: runId, ...(reason === undefined ? {} : { why: reason }) },
    token,
  );

async function events(h: Harness, runId: string) {
  const rows: Array<{ type: string; action_name: string | null; message: string | null }> =
    await h.dataSource.query(
      'SELECT type, action_name, message FROM pipeline_events WHERE run_id = $1 ORDER BY id',
      [runId],
    );
  return rows;
}

async function audit(h: Harness, operation: string) {
  const rows: Array<{ principal_name: string; outcome: string; detail: string | null; target: unknown }> =
    await h.dataSource.query(
      'SELECT principal_name, outcome, detail, target FROM audit_log WHERE operation = $1 ORDER BY id',
      [operation],
    );
  return rows;
}

describe('decisions in the hold after a failure', () => {
  test('skipping the failed actions needs an APPROVER and a reason; they end SKIPPED with who and why, and the run goes on', async ({
    harness: h,
  }) => {
    const { pipeline, executed } = await countingPipeline(h, 'skip', 'unit');
    const run = await trigger(h, pipeline.id);
    await waitForRun(h, run.id, held);

    for (const role of ['VIEWER', 'OPERATOR'] as const) {
      const res = await decide(h, 'skipFailedActions', run.id, await h.tokenFor(role), 'because');
      expect(res.errors?.[0]?.extensions?.code, role).toBe('FORBIDDEN');
    }
    const approver = await h.tokenFor('APPROVER', 'carol');
    const blank = await decide(h, 'skipFailedActions', run.id, approver, '   ');
    expect(blank.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const missing = await h.gql(`mutation($r: ID!) { skipFailedActions(runId: $r) { id } }`, { r: run.id });
    expect(missing.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    const skipped = await decide(h, 'skipFailedActions', run.id, approver, 'flaky test, ticket OPS-42');
    expect(skipped.errors).toBeUndefined();
    const done = await waitForRun(h, run.id, (r) => r.status === 'SUCCEEDED');

    expect(actionOf(done, 'build', 'unit').status).toBe('SKIPPED');
    const detail = await h.gql<{
      pipelineRun: { stages: Array<{ actions: Array<{ name: string; skipReason: string | null }> }> };
    }>(`query($id: ID!) { pipelineRun(id: $id) { stages { actions { name skipReason } } } }`, { id: run.id });
    const reasons = Object.fromEntries(
      detail.data!.pipelineRun.stages.flatMap((s) => s.actions.map((a) => [a.name, a.skipReason])),
    );
    expect(reasons).toEqual({
      steady: null,
      unit: 'skipped by carol: flaky test, ticket OPS-42',
      package: null,
      ship: null,
    });
    expect(actionOf(done, 'build', 'package').status).toBe('SUCCEEDED');
    expect(stageOf(done, 'build').status).toBe('SUCCEEDED');
    expect(actionOf(done, 'deploy', 'ship').status).toBe('SUCCEEDED');
    // The failed action is not run again, what succeeded neither; the later group and stage run once.
    expect(await executed()).toEqual(['package', 'ship', 'steady', 'unit']);

    const evts = await events(h, run.id);
    expect(evts.filter((e) => e.type === 'ACTION_SKIPPED')).toEqual([
      { type: 'ACTION_SKIPPED', action_name: 'unit', message: 'carol: flaky test, ticket OPS-42' },
    ]);
    expect(evts.find((e) => e.type === 'RUN_RESUMED')?.message).toBe(
      'failed actions skipped by carol: flaky test, ticket OPS-42',
    );
    const types = evts.map((e) => e.type);
    expect(types.indexOf('ACTION_SKIPPED')).toBeGreaterThan(types.indexOf('RUN_FAILED'));
    expect(types.at(-1)).toBe('RUN_SUCCEEDED');

    const entries = await audit(h, 'skipFailedActions');
    expect(entries.map((e) => [e.principal_name, e.outcome])).toEqual([
      ['test-viewer', 'DENIED'],
      ['test-operator', 'DENIED'],
      ['carol', 'FAILED'],
      ['carol', 'ALLOWED'],
    ]);
    expect(entries.at(-1)).toMatchObject({ detail: 'flaky test, ticket OPS-42', target: { runId: run.id } });
  });

  test('retrying the stage runs every action of the failed stage again', async ({ harness: h }) => {
    const { pipeline, fix, executed } = await countingPipeline(h, 'stage', 'flaky');
    const run = await trigger(h, pipeline.id);
    await waitForRun(h, run.id, held);
    const viewer = await decide(h, 'retryStage', run.id, await h.tokenFor('VIEWER'));
    expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await fix();
    const operator = await h.tokenFor('OPERATOR', 'olivia');
    const res = await decide(h, 'retryStage', run.id, operator);
    expect(res.errors).toBeUndefined();
    const done = await waitForRun(h, run.id, (r) => r.status === 'SUCCEEDED');
    expect(actionOf(done, 'build', 'steady').status).toBe('SUCCEEDED');
    expect(await executed()).toEqual(['flaky', 'flaky', 'package', 'ship', 'steady', 'steady']);
    expect((await events(h, run.id)).find((e) => e.type === 'RUN_RESUMED')?.message).toBe(
      'retry of the whole stage by olivia',
    );
    expect((await audit(h, 'retryStage')).map((e) => [e.principal_name, e.outcome])).toEqual([
      ['test-viewer', 'DENIED'],
      ['olivia', 'ALLOWED'],
    ]);
  });

  test('retrying the failed actions runs only those again, and says who decided', async ({ harness: h }) => {
    const { pipeline, fix, executed } = await countingPipeline(h, 'failed-only', 'flaky');
    const run = await trigger(h, pipeline.id);
    await waitForRun(h, run.id, held);
    await fix();
    const res = await decide(h, 'retryFailedActions', run.id, await h.tokenFor('OPERATOR', 'oscar'));
    expect(res.errors).toBeUndefined();
    await waitForRun(h, run.id, (r) => r.status === 'SUCCEEDED');
    expect(await executed()).toEqual(['flaky', 'flaky', 'package', 'ship', 'steady']);
    expect((await events(h, run.id)).find((e) => e.type === 'RUN_RESUMED')?.message).toBe(
      'retry of the failed actions by oscar',
    );
  });

  test('a decision after the hold expired answers CONFLICT', async ({ harness: h }) => {
    const { pipeline, executed } = await countingPipeline(h, 'expired', 'unit');
    const run = await trigger(h, pipeline.id);
    await waitForRun(h, run.id, held);
    const ended = await waitForRun(h, run.id, (r) => stageOf(r, 'deploy').status === 'SKIPPED', 40_000);
    await h.temporal.workflow.getHandle(ended.temporalWorkflowId).result();
    const approver = await h.tokenFor('APPROVER');
    for (const [mutation, reason] of [
      ['retryFailedActions', undefined],
      ['retryStage', undefined],
      ['skipFailedActions', 'too late'],
    ] as const) {
      const res = await decide(h, mutation, run.id, approver, reason);
      expect(res.errors?.[0]?.extensions?.code, mutation).toBe('CONFLICT');
      expect(res.errors?.[0]?.message).toContain('hold has expired');
    }
    expect(await executed()).toEqual(['steady', 'unit']);
  });
});
