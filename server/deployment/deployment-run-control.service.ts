import type { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { activeDeploymentRunStatuses, isIn } from '../../db/domain';
import { DeploymentRunEntity } from '../../db/entities/deployment-run.entity';
import { deploymentRunWorkflowId } from '../../workflows/definitions';
import type { AuthenticatedPrincipal } from '../auth/principal';
import { badInput, conflict, notFound } from '../errors';
import { isUuid, optionalText } from '../graphql/validate';
import { cancelWorkflow, settle } from '../run/run-workflow';

/**
 * Cancels deployment runs started alone (`runDeployment`). Like a pipeline run's cancel: the reason reaches
 * the workflow by signal, then Temporal cancels it; its running plan or apply command learns it at its next
 * heartbeat and its whole process group is killed (workflows/activities/shell.ts). A deployment run of a
 * pipeline run is that run's to cancel.
 */
export class DeploymentRunControlService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly temporal: Client,
  ) {}

  async cancel(
    deploymentRunId: string,
    reason: string | null | undefined,
    principal: AuthenticatedPrincipal,
  ): Promise<DeploymentRunEntity> {
    const runs = this.dataSource.getRepository(DeploymentRunEntity);
    const run = isUuid(deploymentRunId) ? await runs.findOneBy({ id: deploymentRunId }) : null;
    if (!run) throw notFound('deployment run', deploymentRunId);
    if (run.pipelineRunId) {
      throw badInput(
        'deploymentRunId',
        `deployment run ${run.id} belongs to pipeline run ${run.pipelineRunId}: cancel the pipeline run (cancelRun)`,
      );
    }
    if (run.external) {
      throw badInput(
        'deploymentRunId',
        `deployment run ${run.id} was reported from outside: Lockstep runs nothing to cancel`,
      );
    }
    if (!isIn(activeDeploymentRunStatuses, run.status)) {
      throw conflict(`deployment run ${run.id} has already ended (${run.status})`);
    }
    const text = optionalText('reason', reason, 500);
    const handle = this.temporal.workflow.getHandle(deploymentRunWorkflowId(run.id));
    // No workflow behind the row (its start was lost): end the row itself.
    await cancelWorkflow(handle, { reason: text, requestedBy: principal.id }, () =>
      this.dataSource.query(
        `UPDATE deployment_runs SET status = 'CANCELLED', finished_at = now(), failure_reason = $2
          WHERE id = $1 AND status = ANY($3)`,
        [run.id, text ? `cancelled: ${text}` : 'cancelled', activeDeploymentRunStatuses],
      ),
    );
    await settle(
      async () => !isIn(activeDeploymentRunStatuses, (await runs.findOneByOrFail({ id: run.id })).status),
    );
    return runs.findOneByOrFail({ id: run.id });
  }
}
