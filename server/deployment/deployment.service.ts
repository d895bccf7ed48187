import type { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { insertDeploymentRun } from '../../db/deployment-runs';
import { defaultRetryPolicy } from '../../db/domain';
import { DeploymentRunEntity } from '../../db/entities/deployment-run.entity';
import { DeploymentEntity } from '../../db/entities/deployment.entity';
import { EnvironmentEntity } from '../../db/entities/environment.entity';
import { ServiceEntity } from '../../db/entities/service.entity';
import {
  deploymentRunWorkflowId,
  deploymentRunWorkflowType,
  type DeploymentRunInput,
} from '../../workflows/definitions';
import type { AuthenticatedPrincipal } from '../auth/principal';
import { badInput, conflict, notFound } from '../errors';
import { isUniqueViolation, isUuid } from '../graphql/validate';
import { revisionFact } from '../run/revision';
import type { RevisionInput } from '../run/revision.types';
import { parseDeploymentInput } from './deployment-definition';
import { deploymentSnapshot } from './deployment-snapshot';
import type { DeploymentInput } from './deployment.types';

/** Writes Deployments and starts standalone deployment runs. */
export class DeploymentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly temporal: Client,
    private readonly taskQueue: string,
  ) {}

  async create(input: DeploymentInput): Promise<DeploymentEntity> {
    const definition = parseDeploymentInput(input);
    return this.dataSource.transaction(async (manager) => {
      if (!(await manager.existsBy(ServiceEntity, { id: input.serviceId })))
        throw badInput('input.serviceId', 'no service has this id');
      if (!(await manager.existsBy(EnvironmentEntity, { id: input.environmentId })))
        throw badInput('input.environmentId', 'no environment has this id');
      try {
        return await manager.save(manager.create(DeploymentEntity, definition));
      } catch (error) {
        if (isUniqueViolation(error))
          throw conflict(`a deployment named "${definition.name}" already exists`);
        throw error;
      }
    });
  }

  /** Runs a Deployment on its own: the same workflow a DEPLOYMENT action runs, with no pipeline around it. */
  async run(
    deploymentId: string,
    revisionInput: RevisionInput,
    principal: AuthenticatedPrincipal,
  ): Promise<DeploymentRunEntity> {
    const deployment = isUuid(deploymentId)
      ? await this.dataSource.getRepository(DeploymentEntity).findOneBy({ id: deploymentId })
      : null;
    if (!deployment) throw notFound('deployment', deploymentId);
    const revision = revisionFact('revision', revisionInput);
    const id = randomUUID();
    const workflowId = deploymentRunWorkflowId(id);
    await this.dataSource.transaction((manager) =>
      insertDeploymentRun(manager, {
        id,
        deploymentId: deployment.id,
        serviceId: deployment.serviceId,
        environmentId: deployment.environmentId,
        status: 'RUNNING',
        revision,
        pipelineRunId: null,
        stageRunId: null,
        actionRunId: null,
        triggeredById: principal.id,
        isRollback: false,
        external: false,
        temporalWorkflowId: workflowId,
        startedAt: new Date().toISOString(),
        finishedAt: null,
      }),
    );
    const input: DeploymentRunInput = {
      deploymentRunId: id,
      deployment: deploymentSnapshot(deployment),
      revision,
      triggeredById: principal.id,
      isRollback: false,
      parent: null,
      retryPolicy: defaultRetryPolicy,
      timeoutSeconds: null,
      env: {},
    };
    try {
      await this.temporal.workflow.start(deploymentRunWorkflowType, {
        taskQueue: this.taskQueue,
        workflowId,
        args: [input],
      });
    } catch (error) {
      await this.dataSource.query(
        `UPDATE deployment_runs SET status = 'FAILED', finished_at = now(), failure_reason = $2 WHERE id = $1`,
        [id, 'the deployment run could not be started: Temporal did not accept the workflow'],
      );
      throw error;
    }
    return this.dataSource.getRepository(DeploymentRunEntity).findOneByOrFail({ id });
  }
}
