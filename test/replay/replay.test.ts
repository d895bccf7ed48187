import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';

const dir = path.join(__dirname, '..', 'histories');
const files = readdirSync(dir)
  .filter((file) => file.endsWith('.json'))
  .sort();

// Workflow code must replay every recorded history: a change that would break runs in flight fails here.
// The fix is a `patched()` guard in the workflow (workflows/README.md), never a re-recorded history.
describe('recorded workflow histories replay on the current workflow code', () => {
  it('has histories to replay', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'approval-granted.json',
        'approval-proven.json',
        'approval-rejected.json',
        'approval-timeout.json',
        'automatic-retry-succeeds.json',
        'blocked-transition.json',
        'cancelled-while-running.json',
        'deployment-plan-approved.child-1.json',
        'deployment-plan-approved.json',
        'deployment-plan-proven.child-1.json',
        'deployment-plan-proven.json',
        'manual-retry-after-failure.json',
        'two-stages-parallel-outputs.json',
        // Releases: artifacts handed on, a promotion's reused build, a stage refusing an older revision,
        // a gate whose request a newer run made stale.
        'artifacts-flow.json',
        'promoted-run-reuses-build.json',
        'older-than-live-stops.json',
        'superseded-gate-expires.json',
        // Schedules: one tick of a pipeline's Temporal Schedule.
        'scheduled-tick-triggers.json',
        // Decisions and freezes: events written with their state, freeze windows held, ended, overridden.
        'events-after-state.json',
        'freeze-held-released.json',
        'freeze-overridden.json',
        'freeze-held-in-one-step.json',
        // Tracing: the OpenTelemetry workflow interceptors (patch otel-tracing) on a run with a child.
        'traced-deployment-plan-approved.json',
        'traced-deployment-plan-approved.child-1.json',
        // Approval outcomes: a gate's timeout decides TIMED_OUT; a plan approval that needs two approvers.
        'approval-timed-out.json',
        'approval-timed-out-in-one-step.json',
        'plan-approval-two-approvers.json',
        'plan-approval-two-approvers.child-1.json',
        // Decisions after failure: a forged skip refused then a proven one, a stage retried whole, and a
        // rerun that reuses its earlier stages.
        'skip-failed-actions.json',
        'retry-stage.json',
        'rerun-from-stage.json',
        // Commands whose attempts record the action's start and success (patch
        // engine-command-attempt-records-action): outputs, a retried attempt, a cancel while running; their
        // attempts answer `recorded`.
        'attempt-records-action.json',
        'attempt-cancelled-while-running.json',
        // The same two as first recorded, before attempts answered `recorded` (patch
        // engine-attempt-answers-recorded guards the workflow's fallback for workers that do not): both
        // generations replay.
        'attempt-records-action-first.json',
        'attempt-cancelled-while-running-first.json',
      ]),
    );
  });

  it('replays each without a nondeterminism error', async () => {
    const histories = files.map((file) => ({
      workflowId: file.replace(/\.json$/, ''),
      history: historyFromJSON(JSON.parse(readFileSync(path.join(dir, file), 'utf8'))),
    }));
    const results: Array<{ workflowId: string; error: unknown }> = [];
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: { code: inject('workflowBundle') } },
      histories,
    )) {
      results.push({ workflowId: result.workflowId, error: result.error });
    }
    expect(results.map((r) => r.workflowId).sort()).toEqual(histories.map((h) => h.workflowId).sort());
    for (const result of results) expect(result.error, result.workflowId).toBeUndefined();
  });
});
