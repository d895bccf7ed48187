import type { ActionPlan, ActionReuse } from '../definitions';
import type { RunContext } from './run-context';
import type { ActionOutcome } from './run-state';

/**
 * An action a promotion or rollback does not execute: an earlier run's action published the artifacts it
 * builds. It ends SKIPPED with the reason and the action run it reuses; its outputs and artifacts flow on
 * as if it had run.
 */
export async function reuseAction(
  run: RunContext,
  action: ActionPlan,
  reuse: ActionReuse,
): Promise<ActionOutcome> {
  await run.projector.action(action.actionRunId, 'SKIPPED', {
    outputs: reuse.outputs,
    skipReason: reuse.reason,
    reusedFromActionRunId: reuse.fromActionRunId,
  });
  return { ok: true, outputs: reuse.outputs, artifacts: reuse.artifacts };
}
