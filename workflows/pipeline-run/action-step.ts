import { ApplicationFailure, isCancellation, patched } from '@temporalio/workflow';
import type { ActionContext, ActionPlan, ArtifactRef, StagePlan } from '../definitions';
import { now, reasonOf } from '../workflow-kit';
import { awaitApproval } from './approval-step';
import { planApprovalTimedOut, runDeployment } from './deployment-step';
import { executeAction } from './execute-action';
import { reuseAction } from './reuse';
import type { RunContext } from './run-context';
import type { ActionOutcome } from './run-state';

/**
 * Runs one action once more (a new execution): an approval waits for its gate; the others are projected
 * RUNNING, then SUCCEEDED or FAILED. A cancellation is not a failure: it goes up to the run.
 */
export async function runAction(
  run: RunContext,
  stage: StagePlan,
  action: ActionPlan,
): Promise<ActionOutcome> {
  const { state, projector } = run;
  state.actionStatus.delete(action.actionRunId);
  const execution = (state.executions.get(action.actionRunId) ?? 0) + 1;
  state.executions.set(action.actionRunId, execution);
  const context: ActionContext = {
    ...run.ids,
    actionRunId: action.actionRunId,
    stageName: stage.name,
    actionName: action.name,
    execution,
  };
  if (action.reuse && patched('reuse-published-actions')) return reuseAction(run, action, action.reuse);
  if (action.kind === 'APPROVAL') return awaitApproval(run, stage, action, context);

  const where = { stageName: stage.name, actionName: action.name };
  const started = projector.actionChange(action.actionRunId, 'RUNNING', {
    event: projector.event('ACTION_STARTED', where),
  });
  // A COMMAND's attempt records the action's start and success itself, in round trips it makes anyway: two
  // local activities and two workflow activations less per action. Runs from before the patch record both
  // here, and replay so.
  const attemptRecords = action.kind === 'COMMAND' && patched('engine-command-attempt-records-action');
  const success = attemptRecords
    ? projector.actionChange(action.actionRunId, 'SUCCEEDED', {
        event: projector.event('ACTION_SUCCEEDED', where),
      })
    : undefined;
  if (!attemptRecords) await projector.record(started);
  try {
    const result: { outputs: Record<string, string>; artifacts?: ArtifactRef[]; recorded?: boolean } =
      action.kind === 'DEPLOYMENT'
        ? await runDeployment(run, stage, action)
        : await executeAction(
            run.input,
            stage,
            { ...context, ...(attemptRecords && { start: started, success }) },
            action,
            state.outputs,
            [...state.artifacts.values()],
          );
    if (!attemptRecords)
      await projector.action(action.actionRunId, 'SUCCEEDED', {
        outputs: result.outputs,
        event: projector.event('ACTION_SUCCEEDED', where),
      });
    else if (!result.recorded && patched('engine-attempt-answers-recorded')) {
      // A worker of an earlier version ran the attempt and recorded neither: both now, in one step. Runs
      // recorded before attempts answered `recorded` (their attempts always recorded both) replay without.
      const at = now();
      await projector.all([
        started,
        { ...success!, at, outputs: result.outputs, event: { ...success!.event!, at } },
      ]);
    }
    return { ok: true, outputs: result.outputs, artifacts: result.artifacts ?? [] };
  } catch (error) {
    if (isCancellation(error)) throw error;
    const reason = reasonOf(error);
    if (error instanceof ApplicationFailure && error.type === planApprovalTimedOut) {
      await projector.action(action.actionRunId, 'TIMED_OUT', {
        failureReason: reason,
        event: projector.event('APPROVAL_TIMED_OUT', { ...where, message: reason }),
      });
      return { ok: false, reason, rejected: false, timedOut: true };
    }
    await projector.action(action.actionRunId, 'FAILED', {
      failureReason: reason,
      event: projector.event('ACTION_FAILED', { ...where, message: reason }),
    });
    return { ok: false, reason, rejected: false };
  }
}
