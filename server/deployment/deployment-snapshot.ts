import type { DeploymentEntity } from '../../db/entities/deployment.entity';
import type { DeploymentSnapshot, PlanApprovalRules } from '../../workflows/definitions';

/** A Deployment's plan approval options as stored. */
export function planApprovalRules(deployment: DeploymentEntity): PlanApprovalRules {
  return {
    requiredApprovals: deployment.planRequiredApprovals,
    timeoutSeconds: deployment.planTimeoutSeconds,
    allowSelfApproval: deployment.planAllowSelfApproval,
  };
}

/** A Deployment as a run takes it along: later edits of the Deployment do not reach runs already started. */
export function deploymentSnapshot(deployment: DeploymentEntity): DeploymentSnapshot {
  return {
    deploymentId: deployment.id,
    name: deployment.name,
    serviceId: deployment.serviceId,
    environmentId: deployment.environmentId,
    planCommand: deployment.planCommand,
    applyCommand: deployment.applyCommand,
    requirePlanApproval: deployment.requirePlanApproval,
    planApproval: planApprovalRules(deployment),
  };
}
