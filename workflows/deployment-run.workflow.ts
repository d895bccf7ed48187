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
  deploymentPlanSignal,
  planDecisionSignal,
  type Decision,
  type DeploymentPlanNews,
  type DeploymentRunInput,
  type DeploymentRunResult,
} from './definitions';

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
  const gate = new ApprovalGate({
    requiredApprovals: 1,
    allowSelfApproval: false,
    triggeredById: input.triggeredById,
  });
  let waitingForPlan = false;
  setHandler(planDecisionSignal, (decision) => {
    if (waitingForPlan) gate.receive(decision);
  });

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
  const finish = async (status: DeploymentRunResult['status'], failureReason: string | null) => {
    await recordDeploymentChange({ deploymentRunId: id, status, at: now(), failureReason });
    return { status, failureReason };
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
      // Since this patch the plan counts only decisions the API proved (docs/security.md).
      if (patched('verified-decisions')) gate.requireProofs();
      const openedAt = now();
      waitingForPlan = true;
      await recordDeploymentChange({ deploymentRunId: id, status: 'WAITING', at: now() });
      await tellParent({ deploymentRunId: id, waiting: true, decision: null });
      let closing: Decision | null = null;
      while (!gate.closed || gate.pending.length > 0) {
        await condition(() => gate.pending.length > 0 || gate.unproven.length > 0);
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
      const rejected = gate.rejection ? `plan ${describeRejection(gate.rejection)}` : null;
      // Since this patch the deployment run shows the decision before the parent announces it
      // (APPROVAL_GRANTED/REJECTED); before it, the parent heard first.
      if (patched('events-after-state')) {
        const failed = rejected ? await finish('FAILED', rejected) : null;
        if (!failed) await recordDeploymentChange({ deploymentRunId: id, status: 'RUNNING', at: now() });
        await tellParent({ deploymentRunId: id, waiting: false, decision: closing });
        if (failed) return failed;
      } else {
        await tellParent({ deploymentRunId: id, waiting: false, decision: closing });
        if (rejected) return await finish('FAILED', rejected);
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
          failureReason: 'cancelled',
        });
        // The parent may have closed already; it needs no news then.
        if (waitingForPlan)
          await tellParent({ deploymentRunId: id, waiting: false, decision: null }).catch(() => undefined);
      });
    }
    throw error;
  }
}
