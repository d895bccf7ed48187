import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect } from 'vitest';
import { eventually, ok, test, type Harness } from '../support/fixtures';
import { processesMatching } from '../support/processes';
import {
  actionOf,
  approval,
  createPipeline,
  eventTypes,
  getRun,
  revision,
  trigger,
  waitForRun,
} from '../support/pipelines';

/** Approval outcomes (docs/run-semantics.md, "Approval outcomes"). */

const deploymentRunQuery = `query($id: ID!) { deploymentRun(id: $id) {
  id status failureReason requiredPlanApprovals planApprovals { approved principal { name } }
  approvalRequest { expiresAt } logs { step text } } }`;
interface DeploymentRunView {
  id: string;
  status: string;
  failureReason: string | null;
  requiredPlanApprovals: number | null;
  planApprovals: Array<{ approved: boolean; principal: { name: string } }>;
  approvalRequest: { expiresAt: string | null } | null;
  logs: Array<{ step: string; text: string }>;
}
const getDeploymentRun = async (h: Harness, id: string) =>
  (await ok<{ deploymentRun: DeploymentRunView }>(h, deploymentRunQuery, { id })).deploymentRun;
const waitForDeploymentRun = (h: Harness, id: string, done: (run: DeploymentRunView) => boolean) =>
  eventually(() => getDeploymentRun(h, id), done, 30_000);

const approvePlan = `mutation($id: ID!) { approveDeploymentPlan(deploymentRunId: $id) { id status } }`;
const cancelDeploymentRun = `mutation($id: ID!, $reason: String) {
  cancelDeploymentRun(deploymentRunId: $id, reason: $reason) { id status failureReason finishedAt } }`;
const runDeployment = `mutation($d: ID!, $r: RevisionInput!) { runDeployment(deploymentId: $d, revision: $r) { id } }`;

let counter = 0;
/** A service, a production environment and a Deployment of the one into the other. */
async function deployment(h: Harness, input: Record<string, unknown>): Promise<string> {
  const n = ++counter;
  const { createService } = await ok<{ createService: { id: string } }>(
    h,
    `mutation($i: ServiceInput!) { createService(input: $i) { id } }`,
    { i: { name: `outcomes-${n}` } },
  );
  const { createEnvironment } = await ok<{ createEnvironment: { id: string } }>(
    h,
    `mutation($i: EnvironmentInput!) { createEnvironment(input: $i) { id } }`,
    { i: { name: `outcomes-production-${n}`, tier: 'PRODUCTION' } },
  );
  const { createDeployment } = await ok<{ createDeployment: { id: string } }>(
    h,
    `mutation($i: DeploymentInput!) { createDeployment(input: $i) { id } }`,
    {
      i: {
        name: `outcomes-deploy-${n}`,
        serviceId: createService.id,
        environmentId: createEnvironment.id,
        ...input,
      },
    },
  );
  return createDeployment.id;
}

/** A pipeline whose one stage runs the Deployment, triggered (by the admin); its deployment run waiting. */
async function deployingRun(h: Harness, deploymentId: string) {
  const pipeline = await createPipeline(h, {
    name: `plan-outcomes-${++counter}`,
    stages: [
      { name: 'production', actions: [{ name: 'deploy', kind: 'DEPLOYMENT', config: { deploymentId } }] },
    ],
  });
  const run = await trigger(h, pipeline.id);
  await waitForRun(h, run.id, (r) => actionOf(r, 'production', 'deploy').status === 'WAITING_FOR_APPROVAL');
  const [row]: Array<{ id: string }> = await h.dataSource.query(
    'SELECT id FROM deployment_runs WHERE pipeline_run_id = $1',
    [run.id],
  );
  return { runId: run.id, deploymentRunId: row!.id };
}

describe('an approval gate whose timeout decides', () => {
  test('ends TIMED_OUT with APPROVAL_TIMED_OUT, not REJECTED, and the run holds FAILED', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, {
      name: 'gate-times-out',
      stages: [{ name: 'production', actions: [approval('go-live', { timeoutSeconds: 1 })] }],
    });
    const run = await trigger(h, pipeline.id);
    const done = await waitForRun(h, run.id, (r) => r.status === 'FAILED', 20_000);
    const gate = actionOf(done, 'production', 'go-live');
    expect(gate.status).toBe('TIMED_OUT');
    expect(gate.finishedAt).not.toBeNull();
    expect(done.failureReason).toBe(
      'stage "production" failed: action "go-live" timed out: no decision within 1 s',
    );
    const events = await eventTypes(h, run.id);
    expect(events).toEqual(
      expect.arrayContaining(['APPROVAL_REQUESTED', 'APPROVAL_TIMED_OUT', 'RUN_FAILED']),
    );
    expect(events).not.toContain('APPROVAL_REJECTED');

    // Held for a decision: a retry opens the gate again, and this time someone decides in time.
    await ok(h, `mutation($id: ID!) { retryFailedActions(runId: $id) { id } }`, { id: run.id });
    const reopened = await waitForRun(
      h,
      run.id,
      (r) => actionOf(r, 'production', 'go-live').status === 'WAITING_FOR_APPROVAL',
    );
    await ok(
      h,
      `mutation($id: ID!) { approveAction(actionRunId: $id) { id } }`,
      { id: actionOf(reopened, 'production', 'go-live').id },
      await h.tokenFor('APPROVER', 'gina'),
    );
    expect((await waitForRun(h, run.id, (r) => r.status === 'SUCCEEDED')).status).toBe('SUCCEEDED');
  });
});

describe('plan approval options', () => {
  test('requiredApprovals 2: one approval leaves it waiting, the second lets it apply; no self-approval', async ({
    harness: h,
  }) => {
    const deploymentId = await deployment(h, {
      planCommand: 'echo planned',
      applyCommand: 'echo applied',
      requirePlanApproval: true,
      planApproval: { requiredApprovals: 2 },
    });
    const { deployments } = await ok<{ deployments: Array<{ id: string; planApproval: unknown }> }>(
      h,
      `{ deployments { id planApproval { requiredApprovals timeoutSeconds allowSelfApproval } } }`,
    );
    expect(deployments.find((d) => d.id === deploymentId)?.planApproval).toEqual({
      requiredApprovals: 2,
      timeoutSeconds: null,
      allowSelfApproval: false,
    });

    const { runId, deploymentRunId } = await deployingRun(h, deploymentId);
    const waiting = await getDeploymentRun(h, deploymentRunId);
    expect(waiting).toMatchObject({ status: 'WAITING', requiredPlanApprovals: 2 });
    expect(waiting.approvalRequest?.expiresAt).toBeNull();

    // The admin triggered the run, and this plan does not allow self-approval.
    const self = await h.gql(approvePlan, { id: deploymentRunId });
    expect(self.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    await ok(h, approvePlan, { id: deploymentRunId }, await h.tokenFor('APPROVER', 'erin'));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const halfway = await getRun(h, runId);
    expect(halfway.status).toBe('WAITING');
    expect(actionOf(halfway, 'production', 'deploy').status).toBe('WAITING_FOR_APPROVAL');
    expect((await getDeploymentRun(h, deploymentRunId)).status).toBe('WAITING');

    await ok(h, approvePlan, { id: deploymentRunId }, await h.tokenFor('APPROVER', 'farid'));
    const done = await waitForRun(h, runId, (r) => r.status === 'SUCCEEDED');
    expect(actionOf(done, 'production', 'deploy').status).toBe('SUCCEEDED');
    const applied = await getDeploymentRun(h, deploymentRunId);
    expect(applied.status).toBe('SUCCEEDED');
    expect(applied.planApprovals.map((a) => a.principal.name).sort()).toEqual(['erin', 'farid']);
    expect(applied.logs).toEqual([
      { step: 'plan', text: 'planned' },
      { step: 'apply', text: 'applied' },
    ]);
  });

  test('allowSelfApproval lets whoever started the deployment run approve its plan', async ({
    harness: h,
  }) => {
    const deploymentId = await deployment(h, {
      planCommand: 'echo planned',
      applyCommand: 'echo applied',
      requirePlanApproval: true,
      planApproval: { allowSelfApproval: true },
    });
    const { runDeployment: started } = await ok<{ runDeployment: { id: string } }>(h, runDeployment, {
      d: deploymentId,
      r: revision,
    });
    await waitForDeploymentRun(h, started.id, (r) => r.status === 'WAITING');
    await ok(h, approvePlan, { id: started.id });
    expect((await waitForDeploymentRun(h, started.id, (r) => r.status === 'SUCCEEDED')).status).toBe(
      'SUCCEEDED',
    );
  });

  test('a timeout ends the DEPLOYMENT action TIMED_OUT with APPROVAL_TIMED_OUT', async ({ harness: h }) => {
    const deploymentId = await deployment(h, {
      planCommand: 'echo planned',
      applyCommand: 'echo never',
      requirePlanApproval: true,
      planApproval: { timeoutSeconds: 2 },
    });
    const { runId, deploymentRunId } = await deployingRun(h, deploymentId);
    const waiting = await getDeploymentRun(h, deploymentRunId);
    expect(waiting.status).toBe('WAITING');
    const expiresAt = new Date(waiting.approvalRequest!.expiresAt!).getTime();
    expect(expiresAt).toBeGreaterThan(Date.now() - 5000);
    const { pipelineRun } = await ok<{
      pipelineRun: { stages: Array<{ actions: Array<{ approvalRequest: { expiresAt: string } | null }> }> };
    }>(
      h,
      `query($id: ID!) { pipelineRun(id: $id) { stages { actions { approvalRequest { expiresAt } } } } }`,
      {
        id: runId,
      },
    );
    expect(pipelineRun.stages[0]!.actions[0]!.approvalRequest?.expiresAt).toBe(
      waiting.approvalRequest!.expiresAt,
    );

    const done = await waitForRun(h, runId, (r) => r.status === 'FAILED', 20_000);
    expect(actionOf(done, 'production', 'deploy').status).toBe('TIMED_OUT');
    expect(done.failureReason).toBe(
      'stage "production" failed: action "deploy" timed out: plan approval timed out: no decision within 2 s',
    );
    const events = await eventTypes(h, runId);
    expect(events).toEqual(
      expect.arrayContaining(['APPROVAL_REQUESTED', 'APPROVAL_TIMED_OUT', 'RUN_FAILED']),
    );
    expect(events).not.toContain('APPROVAL_REJECTED');
    const failed = await getDeploymentRun(h, deploymentRunId);
    expect(failed.status).toBe('FAILED');
    expect(failed.failureReason).toBe('plan approval timed out: no decision within 2 s');
    expect(failed.logs.map((l) => l.step)).toEqual(['plan']);
  });

  test('bad options are refused with the field that is wrong', async ({ harness: h }) => {
    const bad = async (input: Record<string, unknown>) =>
      (await h.gql(`mutation($i: DeploymentInput!) { createDeployment(input: $i) { id } }`, { i: input }))
        .errors?.[0]?.extensions;
    const ids = await h.dataSource.query(
      'SELECT service_id AS "serviceId", environment_id AS "environmentId" FROM deployments LIMIT 1',
    );
    const base = { name: 'bad-options', planCommand: 'true', applyCommand: 'true', ...ids[0] };
    expect(
      await bad({ ...base, requirePlanApproval: true, planApproval: { requiredApprovals: 0 } }),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.planApproval.requiredApprovals' });
    expect(
      await bad({ ...base, requirePlanApproval: true, planApproval: { timeoutSeconds: -5 } }),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.planApproval.timeoutSeconds' });
    expect(await bad({ ...base, planApproval: { requiredApprovals: 2 } })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.planApproval',
    });
  });
});

describe('cancelDeploymentRun', () => {
  const scratch = mkdtemp(path.join(os.tmpdir(), 'lockstep-cancel-deployment-'));
  afterAll(async () => rm(await scratch, { recursive: true, force: true }));

  test('kills the running command of a standalone deployment run; it ends CANCELLED with the reason', async ({
    harness: h,
  }) => {
    const dir = await scratch;
    await chmod(dir, 0o777); // commands may run as a uid of their own
    const written = path.join(dir, 'written');
    const marker = `${5000 + Math.floor(Math.random() * 1000)}.${Date.now() % 1000}`;
    const deploymentId = await deployment(h, {
      planCommand: `sleep ${marker}; touch ${written}`,
      applyCommand: `touch ${written}`,
    });
    const { runDeployment: started } = await ok<{ runDeployment: { id: string } }>(h, runDeployment, {
      d: deploymentId,
      r: revision,
    });
    await eventually(
      async () => processesMatching(marker).filter((p) => p.cmdline === `sleep ${marker}`).length,
      (n) => n === 1,
      15_000,
    );

    const viewer = await h.gql(cancelDeploymentRun, { id: started.id }, await h.tokenFor('VIEWER'));
    expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const { cancelDeploymentRun: cancelled } = await ok<{
      cancelDeploymentRun: { status: string; failureReason: string; finishedAt: string | null };
    }>(h, cancelDeploymentRun, { id: started.id, reason: 'wrong revision' }, await h.tokenFor('OPERATOR'));
    expect(cancelled).toMatchObject({ status: 'CANCELLED', failureReason: 'cancelled: wrong revision' });
    expect(cancelled.finishedAt).not.toBeNull();
    expect(
      await eventually(
        async () => processesMatching(marker),
        (left) => left.length === 0,
        15_000,
      ),
    ).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(existsSync(written)).toBe(false);
    const workflow = h.temporal.workflow.getHandle(`deployment-run-${started.id}`);
    expect((await workflow.describe()).status.name).toBe('CANCELLED');

    const again = await h.gql(cancelDeploymentRun, { id: started.id });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  test('a deployment run of a pipeline run is cancelled with its pipeline run', async ({ harness: h }) => {
    const deploymentId = await deployment(h, {
      planCommand: 'echo planned',
      applyCommand: 'echo never',
      requirePlanApproval: true,
    });
    const { runId, deploymentRunId } = await deployingRun(h, deploymentId);
    const refused = await h.gql(cancelDeploymentRun, { id: deploymentRunId });
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.message).toContain(`belongs to pipeline run ${runId}`);
    expect((await getDeploymentRun(h, deploymentRunId)).status).toBe('WAITING');
    await ok(h, `mutation($id: ID!) { cancelRun(runId: $id) { id } }`, { id: runId });
  });
});
