import {
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowCancellationType,
  condition,
  isCancellation,
  startChild,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import {
  deploymentRunWorkflowId,
  deploymentRunWorkflowType,
  type ActionPlan,
  type DeploymentRunInput,
  type DeploymentRunResult,
  type StagePlan,
} from '../definitions';
import { describeDecision, now } from '../workflow-kit';
import { bookkeeping } from './local-activities';
import { eventsAfterState } from './projector';
import type { RunContext } from './run-context';

const { openDeploymentRun } = bookkeeping;

/** The failure type of a DEPLOYMENT action whose plan approval timed out: the action ends TIMED_OUT. */
export const planApprovalTimedOut = 'PlanApprovalTimedOut';

/**
 * A DEPLOYMENT action: its Deployment runs as a child workflow, which produces the Deployment Run. While
 * the child's plan waits for approval, the action waits for approval too (and the run shows WAITING).
 */
export async function runDeployment(
  run: RunContext,
  stage: StagePlan,
  action: ActionPlan,
): Promise<{ outputs: Record<string, string> }> {
  const { input, state, projector, waits } = run;
  if (!action.deployment) {
    throw ApplicationFailure.nonRetryable(
      `action "${action.name}" has no deployment snapshot`,
      'InvalidPlan',
    );
  }
  const deploymentRunId = uuid4();
  const where = { stageName: stage.name, actionName: action.name };
  const childInput: DeploymentRunInput = {
    deploymentRunId,
    deployment: action.deployment,
    revision: input.revision,
    triggeredById: input.triggeredById,
    isRollback: input.isRollback,
    parent: {
      workflowId: workflowInfo().workflowId,
      runId: input.runId,
      pipelineId: input.pipelineId,
      stageRunId: stage.stageRunId,
      actionRunId: action.actionRunId,
    },
    retryPolicy: action.retryPolicy,
    timeoutSeconds: action.timeoutSeconds,
    env: { ...state.outputs },
    artifacts: [...state.artifacts.values()],
  };
  const child = await startChild(deploymentRunWorkflowType, {
    workflowId: deploymentRunWorkflowId(deploymentRunId),
    args: [childInput],
    cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  let result: DeploymentRunResult | undefined;
  let failure: Error | undefined;
  const done = (child.result() as Promise<DeploymentRunResult>).then(
    (value) => void (result = value),
    (error: unknown) => void (failure = error instanceof Error ? error : new Error('deployment run failed')),
  );
  let waiting = false;
  const news = () => state.plans.get(deploymentRunId);
  try {
    while (result === undefined && failure === undefined) {
      await condition(
        () => result !== undefined || failure !== undefined || (news()?.waiting ?? false) !== waiting,
      );
      const latest = news();
      if (!latest || latest.waiting === waiting) continue;
      waiting = latest.waiting;
      if (!waiting && latest.timedOut) {
        // Nobody decided in time: the action ends TIMED_OUT once the child returns (runAction).
        await waits.end(stage);
        continue;
      }
      const decision = latest.decision;
      const change = waiting
        ? projector.actionChange(action.actionRunId, 'WAITING_FOR_APPROVAL', {
            event: projector.event('APPROVAL_REQUESTED', {
              ...where,
              message: `plan of deployment "${action.deployment.name}"`,
            }),
          })
        : projector.actionChange(action.actionRunId, 'RUNNING', {
            event: decision
              ? projector.event(decision.approved ? 'APPROVAL_GRANTED' : 'APPROVAL_REJECTED', {
                  ...where,
                  message: describeDecision(decision),
                })
              : undefined,
          });
      // Since this patch the action's change and its event are written with the stage's and the run's
      // status, as one step; before it, on their own first.
      const step = eventsAfterState() ? { changes: [change] } : undefined;
      if (!step) await projector.record(change);
      await (waiting ? waits.begin(stage, step) : waits.end(stage, step));
    }
  } catch (error) {
    // Cancelled: the child is being cancelled with us; wait until it has closed its deployment run.
    if (isCancellation(error)) await CancellationScope.nonCancellable(() => done);
    throw error;
  }
  await done;
  if (waiting) await waits.end(stage);
  if (failure) throw failure;
  if (result!.planTimedOut) {
    throw ApplicationFailure.nonRetryable(
      result!.failureReason ?? 'plan approval timed out',
      planApprovalTimedOut,
    );
  }
  if (result!.status !== 'SUCCEEDED') {
    throw ApplicationFailure.nonRetryable(
      result!.failureReason ?? `deployment ${result!.status}`,
      'DeploymentFailed',
    );
  }
  return { outputs: {} };
}

/**
 * A stage with an environment and no DEPLOYMENT action deploys the pipeline's service there itself: it
 * gets a Deployment Run of its own, open while the stage runs (docs/dora.md, "Deployments").
 */
export async function openStageDeployment(run: RunContext, stage: StagePlan): Promise<string | null> {
  const { input } = run;
  if (!stage.environmentId || !input.serviceId || stage.actions.some((a) => a.kind === 'DEPLOYMENT'))
    return null;
  const deploymentRunId = uuid4();
  await openDeploymentRun({
    id: deploymentRunId,
    deploymentId: null,
    serviceId: input.serviceId,
    environmentId: stage.environmentId,
    revision: input.revision,
    pipelineRunId: input.runId,
    stageRunId: stage.stageRunId,
    actionRunId: null,
    triggeredById: input.triggeredById,
    isRollback: input.isRollback,
    temporalWorkflowId: null,
    status: 'RUNNING',
    startedAt: now(),
    artifacts: [...run.state.artifacts.values()],
  });
  return deploymentRunId;
}
