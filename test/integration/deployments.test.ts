import { describe, expect } from 'vitest';
import { eventually, test, type Harness } from '../support/fixtures';
import { processesMatching } from '../support/processes';
import {
  actionOf,
  command,
  createPipeline,
  ended,
  eventTypes,
  revision,
  stageOf,
  waitForRun,
} from '../support/pipelines';

const deploymentRunFields = `
  id status isRollback external startedAt finishedAt failureReason
  deployment { id name } service { name } environment { name tier }
  revision { sha } commits { sha committedAt }
  pipelineRun { id number }
  planApprovals { approved comment principal { name } }
  logs { seq step stream text }`;

interface DeploymentRunView {
  id: string;
  status: string;
  isRollback: boolean;
  external: boolean;
  startedAt: string;
  finishedAt: string | null;
  failureReason: string | null;
  deployment: { id: string; name: string } | null;
  service: { name: string };
  environment: { name: string; tier: string };
  revision: { sha: string } | null;
  commits: Array<{ sha: string; committedAt: string }>;
  pipelineRun: { id: string; number: number } | null;
  planApprovals: Array<{ approved: boolean; comment: string | null; principal: { name: string } }>;
  logs: Array<{ seq: number; step: string; stream: string; text: string }>;
}

async function ok<T>(
  h: Harness,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const res = await h.gql<T>(query, variables, token);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!;
}

let counter = 0;
/** A service, a production environment and a Deployment of the one into the other. */
async function catalog(
  h: Harness,
  deployment: { planCommand?: string; applyCommand: string; requirePlanApproval?: boolean },
) {
  const n = ++counter;
  const { createService: service } = await ok<{ createService: { id: string } }>(
    h,
    `mutation($i: ServiceInput!) { createService(input: $i) { id } }`,
    { i: { name: `checkout-${n}`, team: 'payments' } },
  );
  const { createEnvironment: environment } = await ok<{ createEnvironment: { id: string } }>(
    h,
    `mutation($i: EnvironmentInput!) { createEnvironment(input: $i) { id } }`,
    { i: { name: `production-${n}`, tier: 'PRODUCTION' } },
  );
  const { createDeployment: created } = await ok<{ createDeployment: { id: string; name: string } }>(
    h,
    `mutation($i: DeploymentInput!) { createDeployment(input: $i) { id name planCommand applyCommand requirePlanApproval service { id } environment { id } } }`,
    {
      i: { name: `checkout-prod-${n}`, serviceId: service.id, environmentId: environment.id, ...deployment },
    },
  );
  return { serviceId: service.id, environmentId: environment.id, deploymentId: created.id };
}

async function getDeploymentRun(h: Harness, id: string): Promise<DeploymentRunView> {
  return (
    await ok<{ deploymentRun: DeploymentRunView }>(
      h,
      `query($id: ID!) { deploymentRun(id: $id) { ${deploymentRunFields} } }`,
      { id },
    )
  ).deploymentRun;
}

const waitForDeploymentRun = (h: Harness, id: string, done: (run: DeploymentRunView) => boolean) =>
  eventually(() => getDeploymentRun(h, id), done, 30_000);

const approvePlan = `mutation($id: ID!, $c: String) { approveDeploymentPlan(deploymentRunId: $id, comment: $c) { id status planApprovals { approved } } }`;
const rejectPlan = `mutation($id: ID!, $c: String) { rejectDeploymentPlan(deploymentRunId: $id, comment: $c) { id status } }`;

async function triggerWith(h: Harness, pipelineId: string, extra: Record<string, unknown> = {}) {
  return (
    await ok<{ triggerPipeline: { id: string } }>(
      h,
      `mutation($p: ID!, $r: RevisionInput!, $c: [CommitInput!]) { triggerPipeline(pipelineId: $p, revision: $r, commits: $c) { id } }`,
      { p: pipelineId, r: revision, ...extra },
    )
  ).triggerPipeline;
}

describe('Deployments run alone', () => {
  test('plan, plan approval by someone else, apply: logs per step, decisions and the change set recorded', async ({
    harness: h,
  }) => {
    const { deploymentId } = await catalog(h, {
      planCommand: 'echo "plan: 3 to change"',
      applyCommand: 'echo "applying $LOCKSTEP_REVISION"; echo done >&2',
      requirePlanApproval: true,
    });
    const { runDeployment: started } = await ok<{ runDeployment: DeploymentRunView }>(
      h,
      `mutation($d: ID!, $r: RevisionInput!) { runDeployment(deploymentId: $d, revision: $r) { ${deploymentRunFields} } }`,
      { d: deploymentId, r: revision },
    );
    expect(started.status).toBe('RUNNING');
    expect(started.pipelineRun).toBeNull();
    const waiting = await waitForDeploymentRun(h, started.id, (r) => r.status === 'WAITING');
    expect(waiting.logs.map((l) => [l.step, l.text])).toEqual([['plan', 'plan: 3 to change']]);

    // Whoever started it cannot approve its plan; a viewer cannot either.
    const self = await h.gql(approvePlan, { id: started.id });
    expect(self.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const viewer = await h.gql(approvePlan, { id: started.id }, await h.tokenFor('VIEWER'));
    expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const approver = await h.tokenFor('APPROVER', 'dana');
    const approved = await ok<{ approveDeploymentPlan: { planApprovals: unknown[] } }>(
      h,
      approvePlan,
      { id: started.id, c: 'plan looks right' },
      approver,
    );
    expect(approved.approveDeploymentPlan.planApprovals).toHaveLength(1);
    const again = await h.gql(approvePlan, { id: started.id }, approver);
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const done = await waitForDeploymentRun(
      h,
      started.id,
      (r) => r.status !== 'RUNNING' && r.status !== 'WAITING',
    );
    expect(done.status).toBe('SUCCEEDED');
    expect(done.finishedAt).not.toBeNull();
    expect(done.logs.map((l) => [l.step, l.stream, l.text])).toEqual([
      ['plan', 'stdout', 'plan: 3 to change'],
      ['apply', 'stdout', `applying ${revision.sha}`],
      ['apply', 'stderr', 'done'],
    ]);
    expect(done.planApprovals).toEqual([
      { approved: true, comment: 'plan looks right', principal: { name: 'dana' } },
    ]);
    expect(done.commits.map((c) => c.sha)).toEqual([revision.sha]);
    expect(done.environment.tier).toBe('PRODUCTION');
  });

  test('a failing apply fails the deployment run with the command error', async ({ harness: h }) => {
    const { deploymentId } = await catalog(h, { applyCommand: 'echo "no quota left" >&2; exit 3' });
    const { runDeployment: started } = await ok<{ runDeployment: { id: string } }>(
      h,
      `mutation($d: ID!, $r: RevisionInput!) { runDeployment(deploymentId: $d, revision: $r) { id } }`,
      { d: deploymentId, r: revision },
    );
    const done = await waitForDeploymentRun(h, started.id, (r) => r.status === 'FAILED');
    expect(done.failureReason).toBe('apply failed: exit code 3: no quota left');
  });

  test('bad input is refused with codes and stores nothing', async ({ harness: h }) => {
    const { serviceId, environmentId, deploymentId } = await catalog(h, { applyCommand: 'true' });
    const create = `mutation($i: DeploymentInput!) { createDeployment(input: $i) { id } }`;
    const blank = await h.gql(create, { i: { name: 'x', serviceId, environmentId, applyCommand: '  ' } });
    expect(blank.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.applyCommand',
    });
    const approvalWithoutPlan = await h.gql(create, {
      i: { name: 'y', serviceId, environmentId, applyCommand: 'true', requirePlanApproval: true },
    });
    expect(approvalWithoutPlan.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.requirePlanApproval',
    });
    const unknownService = await h.gql(create, {
      i: { name: 'z', serviceId: environmentId, environmentId, applyCommand: 'true' },
    });
    expect(unknownService.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.serviceId',
    });
    const operator = await h.tokenFor('OPERATOR');
    expect(
      (await h.gql(create, { i: { name: 'w', serviceId, environmentId, applyCommand: 'true' } }, operator))
        .errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
    const missing = await h.gql(
      `mutation($d: ID!, $r: RevisionInput!) { runDeployment(deploymentId: $d, revision: $r) { id } }`,
      {
        d: serviceId,
        r: revision,
      },
    );
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const { deployments } = await ok<{ deployments: Array<{ id: string }> }>(
      h,
      `query($s: ID) { deployments(serviceId: $s) { id } }`,
      { s: serviceId },
    );
    expect(deployments.map((d) => d.id)).toEqual([deploymentId]);
  });
});

describe('DEPLOYMENT actions', () => {
  test('run the Deployment as a child workflow; its plan approval makes the run wait', async ({
    harness: h,
  }) => {
    const { serviceId, deploymentId } = await catalog(h, {
      planCommand: 'echo planned',
      applyCommand: 'echo "applied ${VERSION:-no version}"',
      requirePlanApproval: true,
    });
    const pipeline = await createPipeline(h, {
      name: `with-deployment-${counter}`,
      serviceId,
      stages: [
        // Build once, promote the same artifact: the Deployment sees the build's outputs.
        { name: 'build', actions: [command('compile', 'echo VERSION=1.2.3 > "$LOCKSTEP_OUTPUT"')] },
        { name: 'production', actions: [{ name: 'deploy', kind: 'DEPLOYMENT', config: { deploymentId } }] },
      ],
    });
    const commits = [
      { sha: 'c0ffee1', committedAt: '2026-11-20T08:00:00Z' },
      { sha: 'c0ffee2', committedAt: '2026-11-20T09:00:00Z' },
    ];
    const run = await triggerWith(h, pipeline.id, { c: commits });
    const waiting = await waitForRun(
      h,
      run.id,
      (r) => r.status === 'WAITING' && actionOf(r, 'production', 'deploy').status === 'WAITING_FOR_APPROVAL',
    );
    expect(stageOf(waiting, 'production').status).toBe('WAITING');
    const { pipelineRun } = await ok<{
      pipelineRun: {
        stages: Array<{ actions: Array<{ deploymentRun: { id: string; status: string } | null }> }>;
      };
    }>(h, `query($id: ID!) { pipelineRun(id: $id) { stages { actions { deploymentRun { id status } } } } }`, {
      id: run.id,
    });
    const child = pipelineRun.stages[1]!.actions[0]!.deploymentRun!;
    expect(child.status).toBe('WAITING');
    expect(await eventTypes(h, run.id)).toContain('APPROVAL_REQUESTED');

    await ok(h, approvePlan, { id: child.id, c: 'ship it' }, await h.tokenFor('APPROVER', 'erin'));
    const done = await waitForRun(h, run.id, ended);
    expect(done.status).toBe('SUCCEEDED');
    expect(actionOf(done, 'production', 'deploy').status).toBe('SUCCEEDED');
    const deployment = await getDeploymentRun(h, child.id);
    expect(deployment).toMatchObject({
      status: 'SUCCEEDED',
      isRollback: false,
      external: false,
      pipelineRun: { id: run.id },
    });
    expect(deployment.deployment?.id).toBe(deploymentId);
    expect(deployment.commits.map((c) => c.sha)).toEqual(['c0ffee1', 'c0ffee2']);
    expect(deployment.logs.map((l) => l.text)).toEqual(['planned', 'applied 1.2.3']);
    const types = await eventTypes(h, run.id);
    expect(types.filter((t) => t.startsWith('APPROVAL_'))).toEqual([
      'APPROVAL_REQUESTED',
      'APPROVAL_GRANTED',
    ]);
    // The child workflow is a real Temporal child of the run's workflow.
    const description = await h.temporal.workflow.getHandle(`deployment-run-${child.id}`).describe();
    expect(description.status.name).toBe('COMPLETED');
    expect(description.parentExecution?.workflowId).toBe(`pipeline-run-${run.id}`);
  });

  test('a rejected plan fails the action and the run with the rejecter’s comment', async ({ harness: h }) => {
    const { deploymentId } = await catalog(h, {
      planCommand: 'echo planned',
      applyCommand: 'echo never',
      requirePlanApproval: true,
    });
    const pipeline = await createPipeline(h, {
      name: `rejected-plan-${counter}`,
      stages: [
        { name: 'production', actions: [{ name: 'deploy', kind: 'DEPLOYMENT', config: { deploymentId } }] },
      ],
    });
    const run = await triggerWith(h, pipeline.id);
    await waitForRun(h, run.id, (r) => actionOf(r, 'production', 'deploy').status === 'WAITING_FOR_APPROVAL');
    const [row]: Array<{ id: string }> = await h.dataSource.query(
      'SELECT id FROM deployment_runs WHERE pipeline_run_id = $1',
      [run.id],
    );
    await ok(h, rejectPlan, { id: row!.id, c: 'drops a table' }, await h.tokenFor('APPROVER', 'frank'));
    const done = await waitForRun(h, run.id, (r) => r.status === 'FAILED');
    expect(actionOf(done, 'production', 'deploy').status).toBe('FAILED');
    expect(done.failureReason).toBe(
      'stage "production" failed: action "deploy" failed: plan rejected by frank: drops a table',
    );
    expect((await getDeploymentRun(h, row!.id)).status).toBe('FAILED');
    expect(await eventTypes(h, run.id)).toEqual(
      expect.arrayContaining(['APPROVAL_REQUESTED', 'APPROVAL_REJECTED', 'RUN_FAILED']),
    );
  });

  test('a stage with an environment and no DEPLOYMENT action deploys the pipeline’s service itself', async ({
    harness: h,
  }) => {
    const { serviceId, environmentId } = await catalog(h, { applyCommand: 'true' });
    const pipeline = await createPipeline(h, {
      name: `stage-deploys-${counter}`,
      serviceId,
      stages: [
        { name: 'build', actions: [command('compile', 'true')] },
        { name: 'production', environmentId, actions: [command('roll-out', 'echo rolled')] },
      ],
    });
    const done = await waitForRun(h, (await triggerWith(h, pipeline.id)).id, ended);
    expect(done.status).toBe('SUCCEEDED');
    const rows: Array<{ status: string; stage_run_id: string; environment_id: string; finished_at: Date }> =
      await h.dataSource.query(
        'SELECT status, stage_run_id, environment_id, finished_at FROM deployment_runs WHERE pipeline_run_id = $1',
        [done.id],
      );
    expect(rows).toHaveLength(1); // the build stage has no environment: no deployment
    expect(rows[0]).toMatchObject({
      status: 'SUCCEEDED',
      stage_run_id: stageOf(done, 'production').id,
      environment_id: environmentId,
    });
    expect(rows[0]!.finished_at.getTime()).toBe(new Date(stageOf(done, 'production').finishedAt!).getTime());
  });
});

describe('rollback', () => {
  test('re-runs the revision and snapshot of a known-good run, marked as a rollback', async ({
    harness: h,
  }) => {
    const { serviceId, environmentId } = await catalog(h, { applyCommand: 'true' });
    const name = `rollback-${counter}`;
    const definition = (version: string) => ({
      name,
      serviceId,
      stages: [{ name: 'production', environmentId, actions: [command('ship', `echo shipping ${version}`)] }],
    });
    const pipeline = await createPipeline(h, definition('v1'));
    const good = await waitForRun(h, (await triggerWith(h, pipeline.id)).id, ended);
    expect(good.status).toBe('SUCCEEDED');

    await ok(h, `mutation($id: ID!, $i: PipelineInput!) { updatePipeline(id: $id, input: $i) { id } }`, {
      id: pipeline.id,
      i: definition('v2'),
    });
    const newer = await ok<{ triggerPipeline: { id: string } }>(
      h,
      `mutation($p: ID!, $r: RevisionInput!) { triggerPipeline(pipelineId: $p, revision: $r) { id } }`,
      { p: pipeline.id, r: { sha: 'bad0bad0', committedAt: '2026-11-21T10:00:00Z' } },
    );
    const bad = await waitForRun(h, newer.triggerPipeline.id, ended);
    expect(actionOf(bad, 'production', 'ship').logs.map((l) => l.text)).toEqual(['shipping v2']);

    const res = await ok<{ rollback: { id: string; isRollback: boolean; revision: { sha: string } } }>(
      h,
      `mutation($p: ID!, $to: ID!) { rollback(pipelineId: $p, toRunId: $to) { id isRollback revision { sha } } }`,
      { p: pipeline.id, to: good.id },
      await h.tokenFor('OPERATOR'),
    );
    expect(res.rollback).toMatchObject({ isRollback: true, revision: { sha: revision.sha } });
    const rolledBack = await waitForRun(h, res.rollback.id, ended);
    expect(rolledBack.status).toBe('SUCCEEDED');
    expect(actionOf(rolledBack, 'production', 'ship').logs.map((l) => l.text)).toEqual(['shipping v1']); // the known-good snapshot
    const [deployment]: Array<{ is_rollback: boolean; revision_sha: string }> = await h.dataSource.query(
      'SELECT is_rollback, revision_sha FROM deployment_runs WHERE pipeline_run_id = $1',
      [rolledBack.id],
    );
    expect(deployment).toEqual({ is_rollback: true, revision_sha: revision.sha });

    const toFailed = await h.gql(
      `mutation($p: ID!, $to: ID!) { rollback(pipelineId: $p, toRunId: $to) { id } }`,
      {
        p: pipeline.id,
        to: pipeline.id,
      },
    );
    expect(toFailed.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  test('refuses a run that did not succeed', async ({ harness: h }) => {
    const pipeline = await createPipeline(h, {
      name: `rollback-refused-${counter++}`,
      stages: [{ name: 's', actions: [command('x', 'exit 1')] }],
    });
    const failed = await waitForRun(h, (await triggerWith(h, pipeline.id)).id, (r) => r.status === 'FAILED');
    const res = await h.gql(`mutation($p: ID!, $to: ID!) { rollback(pipelineId: $p, toRunId: $to) { id } }`, {
      p: pipeline.id,
      to: failed.id,
    });
    expect(res.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });
});

describe('the definition snapshot', () => {
  test('edits and reorders after a run started change only later runs; deleting waits for runs to end', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, {
      name: `snapshot-${counter++}`,
      stages: [
        { name: 'first', actions: [command('slow', 'sleep 2; echo first-v1')] },
        { name: 'second', actions: [command('after', 'echo second-v1')] },
      ],
    });
    const run = await triggerWith(h, pipeline.id);
    await waitForRun(h, run.id, (r) => stageOf(r, 'first').status === 'RUNNING');
    const updated = await ok<{ updatePipeline: { stages: Array<{ id: string; name: string }> } }>(
      h,
      `mutation($id: ID!, $i: PipelineInput!) { updatePipeline(id: $id, input: $i) { stages { id name } } }`,
      {
        id: pipeline.id,
        i: {
          name: 'snapshot-renamed',
          stages: [
            { name: 'first', actions: [command('slow', 'echo first-v2')] },
            { name: 'second', actions: [command('after', 'echo second-v2')] },
          ],
        },
      },
    );
    // Stages that remain keep their ids (their transition flags with them).
    expect(updated.updatePipeline.stages.map((s) => s.id)).toEqual(pipeline.stages.map((s) => s.id));
    const reordered = await ok<{ reorderStages: { stages: Array<{ name: string; position: number }> } }>(
      h,
      `mutation($p: ID!, $ids: [ID!]!) { reorderStages(pipelineId: $p, stageIds: $ids) { stages { name position } } }`,
      { p: pipeline.id, ids: [...pipeline.stages.map((s) => s.id)].reverse() },
    );
    expect(reordered.reorderStages.stages.map((s) => s.name)).toEqual(['second', 'first']);
    const busy = await h.gql(`mutation($id: ID!) { deletePipeline(id: $id) }`, { id: pipeline.id });
    expect(busy.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const done = await waitForRun(h, run.id, ended);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.stages.map((s) => s.name)).toEqual(['first', 'second']);
    expect(actionOf(done, 'first', 'slow').logs.map((l) => l.text)).toEqual(['first-v1']);
    expect(actionOf(done, 'second', 'after').logs.map((l) => l.text)).toEqual(['second-v1']);
    expect(ms(stageOf(done, 'second').startedAt)).toBeGreaterThanOrEqual(
      ms(stageOf(done, 'first').finishedAt),
    );

    const next = await waitForRun(h, (await triggerWith(h, pipeline.id)).id, ended);
    expect(next.stages.map((s) => s.name)).toEqual(['second', 'first']);
    expect(actionOf(next, 'first', 'slow').logs.map((l) => l.text)).toEqual(['first-v2']);

    const badOrder = await h.gql(
      `mutation($p: ID!, $ids: [ID!]!) { reorderStages(pipelineId: $p, stageIds: $ids) { id } }`,
      {
        p: pipeline.id,
        ids: [pipeline.stages[0]!.id],
      },
    );
    expect(badOrder.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'stageIds' });
    expect(
      (
        await ok<{ deletePipeline: boolean }>(h, `mutation($id: ID!) { deletePipeline(id: $id) }`, {
          id: pipeline.id,
        })
      ).deletePipeline,
    ).toBe(true);
    expect(
      (
        await ok<{ pipeline: unknown }>(h, `query($id: ID!) { pipeline(id: $id) { id } }`, {
          id: pipeline.id,
        })
      ).pipeline,
    ).toBeNull();
  });
});

describe('Temporal visibility and timeouts', () => {
  test('runs carry search attributes for their pipeline and status', async ({ harness: h }) => {
    const pipeline = await createPipeline(h, {
      name: `searchable-${counter++}`,
      stages: [{ name: 's', actions: [command('x', 'true')] }],
    });
    const run = await waitForRun(h, (await triggerWith(h, pipeline.id)).id, ended);
    const found = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const wf of h.temporal.workflow.list({
          query: `LockstepPipelineId = "${pipeline.id}" AND LockstepRunStatus = "SUCCEEDED"`,
        })) {
          ids.push(wf.workflowId);
        }
        return ids;
      },
      (ids) => ids.length > 0,
      15_000,
    );
    expect(found).toEqual([run.temporalWorkflowId]);
  });

  test('a command that outlives its timeout is killed and fails the action as timed out', async ({
    harness: h,
  }) => {
    const marker = `30.${Date.now() % 100000}`;
    const pipeline = await createPipeline(h, {
      name: `timeout-${counter++}`,
      stages: [
        { name: 's', actions: [command('hangs', `echo started; sleep ${marker}`, 1, { timeoutSeconds: 1 })] },
      ],
    });
    const done = await waitForRun(h, (await triggerWith(h, pipeline.id)).id, (r) => r.status === 'FAILED');
    // Failed because it was killed at its timeout, not because it finished: nothing of it runs on.
    expect(
      await eventually(
        async () => processesMatching(`sleep ${marker}`),
        (left) => left.length === 0,
        10_000,
      ),
    ).toEqual([]);
    expect(actionOf(done, 's', 'hangs').attempts).toEqual([{ number: 1, error: 'timed out after 1 s' }]);
    expect(done.failureReason).toBe('stage "s" failed: action "hangs" failed: timed out after 1 s');
  });
});

const ms = (iso: string | null) => new Date(iso!).getTime();
