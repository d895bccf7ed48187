import { describe, expect } from 'vitest';
import { test as base } from '../support/fixtures';
import { actionOf, command, createPipeline, stageOf, trigger, waitForRun } from '../support/pipelines';

const test = base.scoped({ retryHoldSeconds: 2 });

describe('the retry hold', () => {
  test('ends: the run stays FAILED, later stages are SKIPPED and a retry is refused', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, {
      name: 'short-hold',
      stages: [
        { name: 'build', actions: [command('broken', 'exit 1')] },
        { name: 'deploy', actions: [command('ship', 'true')] },
      ],
    });
    const run = await trigger(h, pipeline.id);
    const done = await waitForRun(
      h,
      run.id,
      (r) => r.status === 'FAILED' && stageOf(r, 'deploy').status === 'SKIPPED',
      20_000,
    );
    expect(actionOf(done, 'deploy', 'ship').status).toBe('SKIPPED');
    // The run's rows are final a moment before its workflow returns: wait for it, then ask how it closed.
    const handle = h.temporal.workflow.getHandle(done.temporalWorkflowId);
    await handle.result();
    const description = await handle.describe();
    expect(description.status.name).toBe('COMPLETED');
    const res = await h.gql(`mutation($id: ID!) { retryFailedActions(runId: $id) { id } }`, { id: run.id });
    expect(res.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(res.errors?.[0]?.message).toContain('retry hold has expired');
  });
});
