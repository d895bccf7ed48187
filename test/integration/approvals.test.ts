import { describe, expect } from 'vitest';
import { DecisionProver } from '../../db/decision-proof';
import { SecretBox } from '../../db/secret-box';
import { approvalSignal } from '../../workflows/definitions';
import { test, type Harness } from '../support/fixtures';
import {
  actionOf,
  approval,
  command,
  createPipeline,
  ended,
  eventTypes,
  stageOf,
  trigger,
  waitForRun,
} from '../support/pipelines';

const approve = `mutation($id: ID!, $comment: String) { approveAction(actionRunId: $id, comment: $comment) { id status approvals { approved comment principal { name } } } }`;
const reject = `mutation($id: ID!, $comment: String) { rejectAction(actionRunId: $id, comment: $comment) { id status approvals { approved comment principal { name } } } }`;

async function gatedRun(h: Harness, gateConfig: Record<string, unknown> = {}) {
  const pipeline = await createPipeline(h, {
    name: `gated-${Math.random().toString(36).slice(2, 8)}`,
    stages: [
      { name: 'staging', actions: [command('deploy', 'echo staged')] },
      {
        name: 'production',
        actions: [
          approval('go-live', { instructions: 'check the dashboards', ...gateConfig }),
          command('deploy', 'echo live', 2),
        ],
      },
    ],
  });
  const run = await trigger(h, pipeline.id);
  const waiting = await waitForRun(
    h,
    run.id,
    (r) => r.status === 'WAITING' && actionOf(r, 'production', 'go-live').status === 'WAITING_FOR_APPROVAL',
  );
  return { runId: run.id, gate: actionOf(waiting, 'production', 'go-live'), waiting };
}

describe('approval gates', () => {
  test('wait for an approver, refuse the triggerer and low roles, then let the run go on', async ({
    harness: h,
  }) => {
    const { runId, gate, waiting } = await gatedRun(h);
    expect(waiting.status).toBe('WAITING');
    expect(stageOf(waiting, 'production').status).toBe('WAITING');
    expect(actionOf(waiting, 'production', 'deploy').status).toBe('PENDING');
    expect(await eventTypes(h, runId)).toContain('APPROVAL_REQUESTED');
    const requested = await h.dataSource.query(
      `SELECT message FROM pipeline_events WHERE run_id = $1 AND type = 'APPROVAL_REQUESTED'`,
      [runId],
    );
    expect(requested[0].message).toBe('check the dashboards');

    // The admin triggered the run: no self-approval unless the gate allows it.
    const self = await h.gql(approve, { id: gate.id });
    expect(self.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(self.errors?.[0]?.message).toContain('self-approval');
    for (const role of ['VIEWER', 'OPERATOR'] as const) {
      const res = await h.gql(approve, { id: gate.id }, await h.tokenFor(role));
      expect(res.errors?.[0]?.extensions?.code, role).toBe('FORBIDDEN');
    }

    const approver = await h.tokenFor('APPROVER', 'alice');
    const res = await h.gql<{ approveAction: { approvals: unknown[] } }>(
      approve,
      { id: gate.id, comment: 'dashboards green' },
      approver,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.approveAction.approvals).toEqual([
      { approved: true, comment: 'dashboards green', principal: { name: 'alice' } },
    ]);

    const done = await waitForRun(h, runId, ended);
    expect(done.status).toBe('SUCCEEDED');
    expect(actionOf(done, 'production', 'go-live').status).toBe('SUCCEEDED');
    // Waiting for a person does not restart the clock of the stage or the run.
    expect(stageOf(done, 'production').startedAt).toBe(stageOf(waiting, 'production').startedAt);
    expect(done.startedAt).toBe(waiting.startedAt);
    expect(actionOf(done, 'production', 'deploy').logs.map((l) => l.text)).toEqual(['live']);
    expect(await eventTypes(h, runId)).toEqual(
      expect.arrayContaining(['APPROVAL_REQUESTED', 'APPROVAL_GRANTED', 'RUN_SUCCEEDED']),
    );

    const late = await h.gql(approve, { id: gate.id }, approver);
    expect(late.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  test('need requiredApprovals distinct people; the same person twice is refused', async ({ harness: h }) => {
    const { runId, gate } = await gatedRun(h, { requiredApprovals: 2 });
    const alice = await h.tokenFor('APPROVER', 'alice');
    const bob = await h.tokenFor('ADMIN', 'bob');
    expect((await h.gql(approve, { id: gate.id }, alice)).errors).toBeUndefined();
    const again = await h.gql(approve, { id: gate.id }, alice);
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await waitForRun(h, runId, () => true)).status).toBe('WAITING');
    expect((await h.gql(approve, { id: gate.id }, bob)).errors).toBeUndefined();
    const done = await waitForRun(h, runId, ended);
    expect(done.status).toBe('SUCCEEDED');
    expect(actionOf(done, 'production', 'go-live').approvals.map((a) => a.principal.name)).toEqual([
      'alice',
      'bob',
    ]);
  });

  test('a rejection fails the gate with the comment and stops the line', async ({ harness: h }) => {
    const { runId, gate } = await gatedRun(h);
    const res = await h.gql(
      reject,
      { id: gate.id, comment: 'error budget is spent' },
      await h.tokenFor('APPROVER', 'carol'),
    );
    expect(res.errors).toBeUndefined();
    const done = await waitForRun(h, runId, (r) => r.status === 'FAILED');
    expect(actionOf(done, 'production', 'go-live').status).toBe('REJECTED');
    expect(actionOf(done, 'production', 'deploy').status).toBe('SKIPPED');
    expect(done.failureReason).toBe(
      'stage "production" failed: action "go-live" was rejected by carol: error budget is spent',
    );
    expect(await eventTypes(h, runId)).toEqual(
      expect.arrayContaining(['APPROVAL_REJECTED', 'STAGE_FAILED', 'RUN_FAILED']),
    );
  });

  test('a gate with a timeout ends TIMED_OUT when nobody decides in time', async ({ harness: h }) => {
    const { runId } = await gatedRun(h, { timeoutSeconds: 2 });
    const done = await waitForRun(h, runId, (r) => r.status === 'FAILED', 20_000);
    const gate = actionOf(done, 'production', 'go-live');
    expect(gate.status).toBe('TIMED_OUT'); // nobody rejected it (approval-outcomes.test.ts)
    expect(done.failureReason).toContain('timed out: no decision within 2 s');
    expect(gate.approvals).toEqual([]);
  });

  test('racing and duplicate signals give exactly one outcome', async ({ harness: h, secretKey }) => {
    const { runId, gate } = await gatedRun(h);
    const handle = h.temporal.workflow.getHandle(`pipeline-run-${runId}`);
    const [alice, bob] = await Promise.all([
      h.dataSource.query(`INSERT INTO principals (name, role) VALUES ('alice', 'APPROVER') RETURNING id`),
      h.dataSource.query(`INSERT INTO principals (name, role) VALUES ('bob', 'APPROVER') RETURNING id`),
    ]);
    // Signalled as the API signals them: with its proof (docs/security.md).
    const prover = DecisionProver.from(SecretBox.fromBase64(secretKey));
    const decision = (principal: { id: string }, name: string, approved: boolean) => {
      const claim = { principalId: principal.id, principalName: name, approved, comment: null };
      const proof = prover.prove({ kind: 'approval', runId, actionRunId: gate.id }, claim);
      return { actionRunId: gate.id, ...claim, proof };
    };
    await Promise.all([
      handle.signal(approvalSignal, decision(alice[0], 'alice', true)),
      handle.signal(approvalSignal, decision(alice[0], 'alice', true)),
      handle.signal(approvalSignal, decision(bob[0], 'bob', false)),
    ]);
    const done = await waitForRun(h, runId, ended);
    const rows = await h.dataSource.query('SELECT approved FROM approvals WHERE action_run_id = $1', [
      gate.id,
    ]);
    expect(rows).toHaveLength(1);
    const outcome = actionOf(done, 'production', 'go-live').status;
    expect(outcome).toBe(rows[0].approved ? 'SUCCEEDED' : 'REJECTED');
    expect(done.status).toBe(rows[0].approved ? 'SUCCEEDED' : 'FAILED');
  });
});
