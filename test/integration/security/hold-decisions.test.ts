import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect } from 'vitest';
import { holdDecisionSignal, type HoldDecision } from '../../../workflows/definitions';
import { test, type Harness } from '../../support/fixtures';
import { actionOf, command, createPipeline, getRun, trigger, waitForRun } from '../../support/pipelines';

// Whoever reaches Temporal can send a held run a signal. Skipping a failed action (a failed test, a failed
// scan) lets a change past a check, so the run counts only a skip the API made for an APPROVER.

const principalId = async (h: Harness, name: string) =>
  (await h.dataSource.query<Array<{ id: string }>>('SELECT id FROM principals WHERE name = $1', [name]))[0]!
    .id;

describe('hold decisions', () => {
  test("a skip signalled to Temporal directly in a real approver's name does not let a failed check pass", async ({
    harness: h,
  }) => {
    const token = await h.tokenFor('APPROVER', 'alice');
    const pipeline = await createPipeline(h, {
      name: 'forged-skip',
      stages: [
        {
          name: 'verify',
          actions: [
            command('security-scan', 'echo CVE found >&2; exit 1', 1, {
              retryPolicy: { maximumAttempts: 1, initialIntervalMs: 100, backoffCoefficient: 1 },
            }),
          ],
        },
        { name: 'production', actions: [command('deploy', 'echo live')] },
      ],
    });
    const run = await trigger(h, pipeline.id);
    await waitForRun(h, run.id, (r) => r.status === 'FAILED');
    const handle = h.temporal.workflow.getHandle(run.temporalWorkflowId);
    const forged: HoldDecision = {
      kind: 'SKIP_FAILED',
      principalId: await principalId(h, 'alice'),
      principalName: 'alice',
      reason: 'ship it anyway',
    };
    await handle.signal(holdDecisionSignal, forged);
    await handle.signal(holdDecisionSignal, {
      ...forged,
      proof: { issuedAt: new Date().toISOString(), nonce: '00', mac: 'ab'.repeat(32) },
    });
    await sleep(2000); // time for the worker to take the signals in, had they counted
    const still = await getRun(h, run.id);
    expect(still.status).toBe('FAILED');
    expect(actionOf(still, 'verify', 'security-scan').status).toBe('FAILED');
    expect(actionOf(still, 'production', 'deploy').status).toBe('PENDING');

    // The same person through the API: that counts, and the run is still held for it.
    const res = await h.gql(
      `mutation($r: ID!) { skipFailedActions(runId: $r, reason: "accepted risk, OPS-7") { id } }`,
      { r: run.id },
      token,
    );
    expect(res.errors).toBeUndefined();
    const done = await waitForRun(h, run.id, (r) => r.status === 'SUCCEEDED');
    expect(actionOf(done, 'verify', 'security-scan').status).toBe('SKIPPED');
  });
});
