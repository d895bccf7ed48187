import type { DeploymentEntity } from '../../db/entities/deployment.entity';
import type { DeploymentSnapshot } from '../../workflows/definitions';

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
  };
}
