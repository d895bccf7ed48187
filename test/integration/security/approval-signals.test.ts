import { defaultPayloadConverter } from '@temporalio/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect } from 'vitest';
import { approvalSignal, planDecisionSignal, type ApprovalDecision } from '../../../workflows/definitions';
import { eventually, test, type Harness } from '../../support/fixtures';
import {
  actionOf,
  approval,
  command,
  createPipeline,
  getRun,
  revision,
  trigger,
  waitForRun,
} from '../../support/pipelines';

// Whoever reaches Temporal can send any workflow a signal. A gate must count only decisions the API made
// (it checked the caller's token and role), never one signalled directly in someone's name.

const approve = `mutation($id: ID!) { approveAction(actionRunId: $id) { id status } }`;

async function gatedRun(h: Harness, name: string) {
  const pipeline = await createPipeline(h, {
    name,
    stages: [{ name: 'production', actions: [approval('go-live'), command('deploy', 'echo live', 2)] }],
  });
  const run = await trigger(h, pipeline.id);
  const waiting = await waitForRun(
    h,
    run.id,
    (r) => actionOf(r, 'production', 'go-live').status === 'WAITING_FOR_APPROVAL',
  );
  return { run, gate: actionOf(waiting, 'production', 'go-live') };
}

const principalId = async (h: Harness, name: string) =>
  (await h.dataSource.query<Array<{ id: string }>>('SELECT id FROM principals WHERE name = $1', [name]))[0]!
    .id;

/** Time for the worker to take a signal in, had it counted. */
const settle = () => sleep(2000);

describe('approval signals', () => {
  test("an approval signalled to Temporal directly in a real approver's name does not open a production gate", async ({
    harness: h,
  }) => {
    const token = await h.tokenFor('APPROVER', 'alice');
    const { run, gate } = await gatedRun(h, 'forged-approval');
    const handle = h.temporal.workflow.getHandle(run.temporalWorkflowId);
    const forged: ApprovalDecision = {
      actionRunId: gate.id,
      principalId: await principalId(h, 'alice'),
      principalName: 'alice',
      approved: true,
      comment: 'lgtm',
    };
    await handle.signal(approvalSignal, forged);
    await handle.signal(approvalSignal, {
      ...forged,
      proof: { issuedAt: new Date().toISOString(), nonce: '00', mac: 'ab'.repeat(32) },
    });
    await settle();
    const still = await getRun(h, run.id);
    expect(actionOf(still, 'production', 'go-live')).toMatchObject({
      status: 'WAITING_FOR_APPROVAL',
      approvals: [],
    });
    expect(actionOf(still, 'production', 'deploy').status).toBe('PENDING');

    // The same person through the API: that counts.
    const res = await h.gql(approve, { id: gate.id }, token);
    expect(res.errors).toBeUndefined();
    const done = await waitForRun(h, run.id, (r) => r.status === 'SUCCEEDED');
    expect(actionOf(done, 'production', 'go-live').approvals).toEqual([
      { approved: true, comment: null, principal: { name: 'alice' } },
    ]);
  });

  test("a proof lifted from one decision's signal in a workflow history cannot approve another gate", async ({
    harness: h,
  }) => {
    const token = await h.tokenFor('APPROVER', 'bob');
    const first = await gatedRun(h, 'lifted-proof-1');
    expect((await h.gql(approve, { id: first.gate.id }, token)).errors).toBeUndefined();
    await waitForRun(h, first.run.id, (r) => r.status === 'SUCCEEDED');
    // Anyone who can read Temporal can read the signal as the API sent it, proof included.
    const history = await h.temporal.workflow.getHandle(first.run.temporalWorkflowId).fetchHistory();
    const signalled = history.events!.find(
      (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'approval',
    )!.workflowExecutionSignaledEventAttributes!;
    const lifted = defaultPayloadConverter.fromPayload<ApprovalDecision>(signalled.input!.payloads![0]!);
    // A real proof, made for the first gate and the approver who decided there.
    expect(lifted.actionRunId).toBe(first.gate.id);
    expect(lifted.proof).toEqual({
      issuedAt: expect.any(String),
      nonce: expect.any(String),
      mac: expect.any(String),
    });

    const second = await gatedRun(h, 'lifted-proof-2');
    await h.temporal.workflow
      .getHandle(second.run.temporalWorkflowId)
      .signal(approvalSignal, { ...lifted, actionRunId: second.gate.id });
    await settle();
    expect(actionOf(await getRun(h, second.run.id), 'production', 'go-live').status).toBe(
      'WAITING_FOR_APPROVAL',
    );
    await h.gql(`mutation($id: ID!) { cancelRun(runId: $id) { id } }`, { id: second.run.id });
  });

  test('a plan decision signalled to Temporal directly does not approve a deployment plan', async ({
    harness: h,
  }) => {
    const token = await h.tokenFor('APPROVER', 'carol');
    const ids = async (query: string, name: string) =>
      (await h.gql<Record<string, { id: string }>>(query, { n: name })).data!;
    const { createService: service } = await ids(
      `mutation($n: String!) { createService(input: { name: $n }) { id } }`,
      'planned',
    );
    const { createEnvironment: environment } = await ids(
      `mutation($n: String!) { createEnvironment(input: { name: $n, tier: PRODUCTION }) { id } }`,
      'planned-prod',
    );
    const created = await h.gql<{ createDeployment: { id: string } }>(
      `mutation($i: DeploymentInput!) { createDeployment(input: $i) { id } }`,
      {
        i: {
          name: 'planned',
          serviceId: service!.id,
          environmentId: environment!.id,
          planCommand: 'echo plan',
          applyCommand: 'echo applied',
          requirePlanApproval: true,
        },
      },
    );
    const started = await h.gql<{ runDeployment: { id: string } }>(
      `mutation($d: ID!, $r: RevisionInput!) { runDeployment(deploymentId: $d, revision: $r) { id } }`,
      { d: created.data!.createDeployment.id, r: revision },
    );
    const runId = started.data!.runDeployment.id;
    const status = () =>
      h.dataSource
        .query<Array<{ status: string }>>('SELECT status FROM deployment_runs WHERE id = $1', [runId])
        .then((rows) => rows[0]?.status);
    await eventually(status, (s) => s === 'WAITING');
    await h.temporal.workflow.getHandle(`deployment-run-${runId}`).signal(planDecisionSignal, {
      principalId: await principalId(h, 'carol'),
      principalName: 'carol',
      approved: true,
      comment: null,
    });
    await settle();
    expect(await status()).toBe('WAITING');
    const approved = await h.gql(
      `mutation($id: ID!) { approveDeploymentPlan(deploymentRunId: $id) { id } }`,
      { id: runId },
      token,
    );
    expect(approved.errors).toBeUndefined();
    await eventually(status, (s) => s === 'SUCCEEDED');
  });
});
