import { setTimeout as sleep } from 'node:timers/promises';
import type { AuthenticatedPrincipal } from '../server/auth/principal';
import type { BenchEnvironment } from './environment';
import { guarded, trigger } from './runs';

export interface ApprovalLatency {
  /** From sending the approveAction mutation to the COMMAND action's attempt starting (its started_at). */
  toNextAction: number[];
  /** How long the approveAction mutation itself took to answer. */
  mutation: number[];
}

const approveMutation = `mutation($id: ID!) { approveAction(actionRunId: $id) { id status } }`;

/** After the gate is seen waiting, let the workflow finish its own bookkeeping so the gate is idle. */
export const idleGateMs = 100;

async function approveOverHttp(env: BenchEnvironment, token: string, actionRunId: string): Promise<void> {
  const response = await fetch(env.apiUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: approveMutation, variables: { id: actionRunId } }),
  });
  const body = (await response.json()) as { errors?: Array<{ message: string }> };
  if (!response.ok || body.errors?.length) {
    throw new Error(
      `approveAction failed (HTTP ${response.status}): ${body.errors?.map((e) => e.message).join('; ')}`,
    );
  }
}

/** Polls PostgreSQL until the gate waits for approval and its run is WAITING (the last write before the wait). */
async function gateWaiting(env: BenchEnvironment, gateId: string): Promise<void> {
  for (;;) {
    const rows: Array<{ gate: string; run: string }> = await env.dataSource.query(
      `SELECT a.status AS gate, r.status AS run
         FROM action_runs a JOIN pipeline_runs r ON r.id = a.run_id WHERE a.id = $1`,
      [gateId],
    );
    const row = rows[0];
    if (row?.gate === 'WAITING_FOR_APPROVAL' && row.run === 'WAITING') return;
    if (row && !['PENDING', 'WAITING_FOR_APPROVAL'].includes(row.gate))
      throw new Error(`gate ${gateId} is ${row.gate}, not waiting for approval`);
    await sleep(10);
  }
}

/**
 * Latency from an approver's approveAction mutation (GraphQL over HTTP to the in-process API) to the start
 * of the action after the gate. One principal triggers; a different one, with the APPROVER role, approves.
 */
export async function measureApprovalLatency(
  env: BenchEnvironment,
  triggeredBy: AuthenticatedPrincipal,
  options: { warmup: number; samples: number },
): Promise<ApprovalLatency> {
  const pipeline = await env.pipelines.create({
    name: 'bench-approval',
    stages: [
      {
        name: 'production',
        actions: [
          { name: 'go-live', kind: 'APPROVAL', runOrder: 1, config: {} },
          { name: 'deploy', kind: 'COMMAND', runOrder: 2, config: { command: 'true' } },
        ],
      },
    ],
  });
  const approver = await env.tokens.create('bench-approver', 'APPROVER');
  if (approver.principal.id === triggeredBy.id) throw new Error('the approver must not be the triggerer');

  const result: ApprovalLatency = { toNextAction: [], mutation: [] };
  for (let i = 0; i < options.warmup + options.samples; i++) {
    const run = await trigger(env, pipeline.id, triggeredBy);
    const actions = run.plan.stages.flatMap((stage) => stage.actions);
    const gate = actions.find((action) => action.kind === 'APPROVAL');
    const next = actions.find((action) => action.kind === 'COMMAND');
    if (!gate || !next) throw new Error(`run ${run.runId} lacks its gate or its command`);

    await guarded(env, `gate of run ${run.runId}`, gateWaiting(env, gate.actionRunId), 30_000);
    await sleep(idleGateMs);
    const approvedAt = Date.now(); // wall clock: compared with a timestamp the worker wrote
    await approveOverHttp(env, approver.token, gate.actionRunId);
    const answeredAt = Date.now();
    await run.result;

    const attempts: Array<{ started_at: Date }> = await env.dataSource.query(
      'SELECT started_at FROM action_attempts WHERE action_run_id = $1 ORDER BY number LIMIT 1',
      [next.actionRunId],
    );
    const startedAt = attempts[0]?.started_at;
    if (!startedAt) throw new Error(`action ${next.actionRunId} of run ${run.runId} has no attempt`);
    if (i < options.warmup) continue;
    result.toNextAction.push(startedAt.getTime() - approvedAt);
    result.mutation.push(answeredAt - approvedAt);
  }
  return result;
}
