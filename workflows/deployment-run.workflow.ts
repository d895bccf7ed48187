import {
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Activities } from './activities';
import { ApprovalGate, describeRejection, now, offerProven, reasonOf } from './workflow-kit';
import {
  activityProfiles,
  cancelReasonSignal,
  deploymentPlanSignal,
  planDecisionSignal,
  type Decision,
  type DeploymentPlanNews,
  type DeploymentRunInput,
  type DeploymentRunResult,
  type PlanApprovalRules,
} from './definitions';

/** The plan approval of a snapshot taken before its options existed: one approver, no timeout. */
const firstPlanRules: PlanApprovalRules = {
  requiredApprovals: 1,
  timeoutSeconds: null,
  allowSelfApproval: false,
};

const { openDeploymentRun, recordDeploymentChange, recordPlanApproval, verifyDecision } =
  proxyLocalActivities<Activities>(activityProfiles.bookkeeping);

/**
 * One run of a Deployment: plan, then (when the Deployment asks for it) a person approves the plan, then
 * apply. It runs alone (`runDeployment`) or as the child of a pipeline run's DEPLOYMENT action; then it tells
 * the parent when its plan waits for approval, so the pipeline run shows WAITING, and the parent turns the
 * outcome into the action's. Failures end the deployment run FAILED (returned, not thrown).
 */
export async function deploymentRunWorkflow(input: DeploymentRunInput): Promise<DeploymentRunResult> {
  const { deployment, parent } = input;
  const id = input.deploymentRunId;
  let gate = new ApprovalGate({ ...firstPlanRules, triggeredById: input.triggeredById });
  let waitingForPlan = false;
  setHandler(planDecisionSignal, (decision) => {
    if (waitingForPlan) gate.receive(decision);
  });
  let cancelReason: string | null = null;
  setHandler(cancelReasonSignal, ({ reason }) => void (cancelReason = reason));

  const tellParent = async (news: DeploymentPlanNews) => {
    if (parent) await getExternalWorkflowHandle(parent.workflowId).signal(deploymentPlanSignal, news);
  };
  const step = (name: 'plan' | 'apply', command: string) => {
    const timeoutSeconds = input.timeoutSeconds ?? activityProfiles.command.defaultTimeoutSeconds;
    const options: ActivityOptions = {
      startToCloseTimeout: `${timeoutSeconds + activityProfiles.command.backstopSeconds} seconds`,
      heartbeatTimeout: activityProfiles.command.heartbeatTimeout,
      retry: {
        maximumAttempts: input.retryPolicy.maximumAttempts + activityProfiles.command.lostWorkerAllowance,
        initialInterval: input.retryPolicy.initialIntervalMs,
        backoffCoefficient: input.retryPolicy.backoffCoefficient,
      },
    };
    return proxyActivities<Activities>(options).runDeploymentStep({
      deploymentRunId: id,
      pipelineId: parent?.pipelineId ?? null,
      environmentId: deployment.environmentId,
      step: name,
      command,
      env: input.env,
      revisionSha: input.revision.sha,
      timeoutSeconds,
      maximumAttempts: input.retryPolicy.maximumAttempts,
      artifacts: input.artifacts,
    });
  };
  const finish = async (
    status: DeploymentRunResult['status'],
    failureReason: string | null,
    more: Pick<DeploymentRunResult, 'planTimedOut'> = {},
  ): Promise<DeploymentRunResult> => {
    await recordDeploymentChange({ deploymentRunId: id, status, at: now(), failureReason });
    return { status, failureReason, ...more };
  };

  await openDeploymentRun({
    id,
    deploymentId: deployment.deploymentId,
    serviceId: deployment.serviceId,
    environmentId: deployment.environmentId,
    revision: input.revision,
    pipelineRunId: parent?.runId ?? null,
    stageRunId: parent?.stageRunId ?? null,
    actionRunId: parent?.actionRunId ?? null,
    triggeredById: input.triggeredById,
    isRollback: input.isRollback,
    temporalWorkflowId: null, // set by whoever knows it: the API for runs alone, null for children
    status: 'RUNNING',
    startedAt: now(),
    artifacts: input.artifacts,
  });
  try {
    if (deployment.planCommand) {
      try {
        await step('plan', deployment.planCommand);
      } catch (error) {
        if (isCancellation(error)) throw error;
        return await finish('FAILED', `plan failed: ${reasonOf(error)}`);
      }
    }
    if (deployment.requirePlanApproval) {
      // Since this patch the plan approval takes a gate's options: approvers, self-approval, a timeout.
      // Runs recorded before it (test/histories/) wait for one decision, with no timer.
      const rules = patched('plan-approval-options') ? (deployment.planApproval ?? firstPlanRules) : null;
      if (rules) gate = new ApprovalGate({ ...rules, triggeredById: input.triggeredById });
      // Since this patch the plan counts only decisions the API proved (docs/security.md).
      if (patched('verified-decisions')) gate.requireProofs();
      const openedAt = now();
      const deadline = rules?.timeoutSeconds ? Date.now() + rules.timeoutSeconds * 1000 : undefined;
      waitingForPlan = true;
      await recordDeploymentChange({
        deploymentRunId: id,
        status: 'WAITING',
        at: now(),
        ...(rules && {
          plan: {
            requiredApprovals: rules.requiredApprovals,
            allowSelfApproval: rules.allowSelfApproval,
            expiresAt: deadline === undefined ? null : new Date(deadline).toISOString(),
          },
        }),
      });
      await tellParent({ deploymentRunId: id, waiting: true, decision: null });
      let closing: Decision | null = null;
      const arrived = () => gate.pending.length > 0 || gate.unproven.length > 0;
      while (!gate.closed || gate.pending.length > 0) {
        const remaining = deadline === undefined ? undefined : deadline - Date.now();
        if (remaining === undefined) await condition(arrived);
        else if (remaining > 0) await condition(arrived, remaining);
        else gate.expire();
        if (gate.unproven.length > 0) {
          await offerProven(gate, (decision) =>
            verifyDecision({ gate: { kind: 'plan', deploymentRunId: id }, decision, openedAt }),
          );
        }
        for (const decision of gate.pending.splice(0)) {
          await recordPlanApproval({ deploymentRunId: id, decision, at: now() });
          closing = decision;
        }
      }
      waitingForPlan = false;
      const news = {
        deploymentRunId: id,
        waiting: false,
        // A timeout closes it even after some approvals: no decision closed it then.
        decision: gate.timedOut ? null : closing,
        ...(gate.timedOut && { timedOut: true }),
      };
      const rejected = gate.rejection ? `plan ${describeRejection(gate.rejection)}` : null;
      const timedOut = gate.timedOut
        ? `plan approval timed out: no decision within ${rules?.timeoutSeconds} s`
        : null;
      const fail = () =>
        rejected ? finish('FAILED', rejected) : finish('FAILED', timedOut, { planTimedOut: true });
      // Since this patch the deployment run shows the decision before the parent announces it
      // (APPROVAL_GRANTED/REJECTED); before it, the parent heard first.
      if (patched('events-after-state')) {
        const failed = rejected || timedOut ? await fail() : null;
        if (!failed) await recordDeploymentChange({ deploymentRunId: id, status: 'RUNNING', at: now() });
        await tellParent(news);
        if (failed) return failed;
      } else {
        await tellParent(news);
        if (rejected || timedOut) return await fail();
        await recordDeploymentChange({ deploymentRunId: id, status: 'RUNNING', at: now() });
      }
    }
    try {
      await step('apply', deployment.applyCommand);
    } catch (error) {
      if (isCancellation(error)) throw error;
      return await finish('FAILED', `apply failed: ${reasonOf(error)}`);
    }
    return await finish('SUCCEEDED', null);
  } catch (error) {
    if (isCancellation(error)) {
      await CancellationScope.nonCancellable(async () => {
        await recordDeploymentChange({
          deploymentRunId: id,
          status: 'CANCELLED',
          at: now(),
          failureReason: cancelReason ? `cancelled: ${cancelReason}` : 'cancelled',
        });
        // The parent may have closed already; it needs no news then.
        if (waitingForPlan)
          await tellParent({ deploymentRunId: id, waiting: false, decision: null }).catch(() => undefined);
      });
    }
    throw error;
  }
}
