import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { test as base, ok, type Harness } from '../support/fixtures';
import { command, createPipeline, stageOf, trigger, waitForRun } from '../support/pipelines';
import { sharedFolder } from '../support/shared-folder';

// A failed run's hold ends quickly, so it can be rerun.
const test = base.scoped({ retryHoldSeconds: 3 });

const once = { retryPolicy: { maximumAttempts: 1, initialIntervalMs: 100, backoffCoefficient: 1 } };

interface RerunView {
  id: string;
  number: number;
  status: string;
  revision: { sha: string };
  artifacts: Array<{ id: string; name: string; version: string }>;
  stages: Array<{
    id: string;
    name: string;
    status: string;
    actions: Array<{
      id: string;
      name: string;
      status: string;
      skipReason: string | null;
      outputs: Record<string, string> | null;
      reusedFrom: { id: string } | null;
    }>;
  }>;
}

const runQuery = `query($id: ID!) { pipelineRun(id: $id) {
  id number status revision { sha } artifacts { id name version }
  stages { id name status actions { id name status skipReason outputs reusedFrom { id } } } } }`;
const readRun = async (h: Harness, id: string) =>
  (await ok<{ pipelineRun: RerunView }>(h, runQuery, { id })).pipelineRun;
const rerun = `mutation($r: ID!, $s: ID!, $u: Boolean) {
  rerunFromStage(runId: $r, stageRunId: $s, rerunUpstream: $u) { id number status } }`;
const actionIn = (run: RerunView, stage: string, action: string) =>
  run.stages.find((s) => s.name === stage)!.actions.find((a) => a.name === action)!;

/**
 * build publishes an artifact and an output; test uses the output; deploy fails until `ok` exists. Each
 * action appends to `log` in a folder the commands share, so the test sees what executed.
 */
async function setup(h: Harness) {
  const dir = await sharedFolder('rerun-', ['log']);
  const log = path.join(dir, 'log');
  const pipeline = await createPipeline(h, {
    name: 'rerun',
    stages: [
      {
        name: 'build',
        actions: [
          command(
            'compile',
            // n: how many times compile has executed, so each build is told apart.
            `echo compile >> ${log}; n=$(grep -c compile ${log}); echo VERSION=7.$n >> "$LOCKSTEP_OUTPUT"; ` +
              `echo '{"name":"app","version":"7.0.'$n'"}' >> "$LOCKSTEP_ARTIFACTS"`,
            1,
            once,
          ),
        ],
      },
      { name: 'test', actions: [command('unit', `echo "unit $VERSION" >> ${log}`, 1, once)] },
      {
        name: 'deploy',
        actions: [
          command(
            'ship',
            `echo "ship $VERSION $LOCKSTEP_ARTIFACT_APP_VERSION" >> ${log}; test -e ${dir}/ok`,
            1,
            once,
          ),
        ],
      },
    ],
  });
  return {
    pipeline,
    fix: () => writeFile(path.join(dir, 'ok'), ''),
    executed: async () => (await readFile(log, 'utf8')).split('\n').filter(Boolean),
  };
}

describe('rerunFromStage', () => {
  test('a new run from a chosen stage reuses the earlier stages, or runs them all with rerunUpstream', async ({
    harness: h,
  }) => {
    const { pipeline, fix, executed } = await setup(h);
    const first = await trigger(h, pipeline.id);
    await waitForRun(h, first.id, (r) => r.status === 'FAILED');
    const failed = await readRun(h, first.id);
    const deploy = failed.stages.find((s) => s.name === 'deploy')!;

    // While it holds for a decision, the run is still going.
    const early = await h.gql(rerun, { r: first.id, s: deploy.id });
    expect(early.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    await h.temporal.workflow.getHandle(first.temporalWorkflowId).result();
    const viewer = await h.gql(rerun, { r: first.id, s: deploy.id }, await h.tokenFor('VIEWER'));
    expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    await fix();
    const started = await ok<{ rerunFromStage: { id: string; number: number } }>(h, rerun, {
      r: first.id,
      s: deploy.id,
    });
    const second = started.rerunFromStage;
    expect(second.number).toBe(2);
    await waitForRun(h, second.id, (r) => r.status === 'SUCCEEDED');
    const reused = await readRun(h, second.id);
    expect(reused.revision.sha).toBe(failed.revision.sha);
    expect(reused.stages.map((s) => [s.name, s.status])).toEqual([
      ['build', 'SKIPPED'],
      ['test', 'SKIPPED'],
      ['deploy', 'SUCCEEDED'],
    ]);
    for (const [stage, action] of [
      ['build', 'compile'],
      ['test', 'unit'],
    ] as const) {
      const now = actionIn(reused, stage, action);
      expect(now.status).toBe('SKIPPED');
      expect(now.reusedFrom?.id).toBe(actionIn(failed, stage, action).id);
      expect(now.skipReason).toBe('reused from run #1: rerun from stage "deploy"');
    }
    expect(actionIn(reused, 'build', 'compile').outputs).toEqual({ VERSION: '7.1' });
    expect(reused.artifacts.map((a) => [a.name, a.version])).toEqual([['app', '7.0.1']]);
    expect(reused.artifacts[0]!.id).toBe(failed.artifacts[0]!.id);
    // Only ship ran again, with the reused output and artifact.
    expect(await executed()).toEqual(['compile', 'unit 7.1', 'ship 7.1 7.0.1', 'ship 7.1 7.0.1']);

    // A stage of another run is not a stage of this one.
    const wrong = await h.gql(rerun, { r: second.id, s: deploy.id });
    expect(wrong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'stageRunId' });

    // With rerunUpstream every stage runs, from the rerun's own test stage on or not.
    const testStage = reused.stages.find((s) => s.name === 'test')!;
    const third = (
      await ok<{ rerunFromStage: { id: string } }>(h, rerun, { r: second.id, s: testStage.id, u: true })
    ).rerunFromStage;
    const all = await readRun(h, (await waitForRun(h, third.id, (r) => r.status === 'SUCCEEDED')).id);
    expect(all.stages.every((s) => s.status === 'SUCCEEDED')).toBe(true);
    expect(all.stages.flatMap((s) => s.actions).every((a) => a.reusedFrom === null)).toBe(true);
    expect(all.artifacts.map((a) => a.id)).not.toContain(failed.artifacts[0]!.id);
    expect((await executed()).slice(4)).toEqual(['compile', 'unit 7.2', 'ship 7.2 7.0.2']);

    // A rerun of a rerun reuses the action that actually executed.
    const fourth = (
      await ok<{ rerunFromStage: { id: string } }>(h, rerun, {
        r: second.id,
        s: reused.stages.find((s) => s.name === 'deploy')!.id,
      })
    ).rerunFromStage;
    const again = await readRun(h, (await waitForRun(h, fourth.id, (r) => r.status === 'SUCCEEDED')).id);
    expect(actionIn(again, 'build', 'compile').reusedFrom?.id).toBe(actionIn(failed, 'build', 'compile').id);
    expect(stageOf(await waitForRun(h, fourth.id, () => true), 'deploy').status).toBe('SUCCEEDED');

    const audit: Array<{ outcome: string; target: Record<string, string> }> = await h.dataSource.query(
      `SELECT outcome, target FROM audit_log WHERE operation = 'rerunFromStage' AND outcome = 'ALLOWED' ORDER BY id`,
    );
    expect(audit[0]!.target).toMatchObject({ runId: first.id, stageRunId: deploy.id });
  });

  test('a stage that did not succeed is not reused', async ({ harness: h }) => {
    const dir = await sharedFolder('rerun-upstream-');
    const pipeline = await createPipeline(h, {
      name: 'rerun-upstream',
      stages: [
        { name: 'build', actions: [command('compile', `test -e ${dir}/ok`, 1, once)] },
        { name: 'deploy', actions: [command('ship', 'true', 1, once)] },
      ],
    });
    const run = await trigger(h, pipeline.id);
    const failed = await waitForRun(h, run.id, (r) => r.status === 'FAILED');
    await h.temporal.workflow.getHandle(run.temporalWorkflowId).result();
    const res = await h.gql(rerun, { r: run.id, s: stageOf(failed, 'deploy').id });
    expect(res.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(res.errors?.[0]?.message).toContain('stage "build" of run #1 did not succeed');
  });
});
