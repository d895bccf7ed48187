import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
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
import { pipelinesUsing, placeDeployment } from '../pipeline/placement';
import { revisionFact } from '../run/revision';
import type { RevisionInput } from '../run/revision.types';
import { deploymentSnapshot } from './deployment-snapshot';
import type { DeploymentInput } from './deployment.types';
import { parseDeploymentInput } from './deployment-definition';

async function checkTargets(
  manager: EntityManager,
  fields: { serviceId: string; environmentId: string },
): Promise<void> {
  if (!(await manager.existsBy(ServiceEntity, { id: fields.serviceId })))
    throw badInput('input.serviceId', 'no service has this id');
  if (!(await manager.existsBy(EnvironmentEntity, { id: fields.environmentId })))
    throw badInput('input.environmentId', 'no environment has this id');
}

async function saveNamed(manager: EntityManager, deployment: DeploymentEntity): Promise<DeploymentEntity> {
  try {
    return await manager.save(deployment);
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`a deployment named "${deployment.name}" already exists`);
    throw error;
  }
}

async function lockDeployment(manager: EntityManager, id: string): Promise<DeploymentEntity> {
  const deployment = isUuid(id)
    ? await manager.findOne(DeploymentEntity, { where: { id }, lock: { mode: 'pessimistic_write' } })
    : null;
  if (!deployment) throw notFound('deployment', id);
  return deployment;
}

const quoted = (names: string[]) => names.map((name) => `pipeline "${name}"`).join(', ');

/** Writes Deployments and starts standalone deployment runs. */
export class DeploymentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly temporal: Client,
    private readonly taskQueue: string,
  ) {}

  /** Creates a Deployment; an environment with a pipeline gets it placed there by its service's type. */
  async create(input: DeploymentInput): Promise<DeploymentEntity> {
    const fields = parseDeploymentInput(input);
    return this.dataSource.transaction(async (manager) => {
      await checkTargets(manager, fields);
      const deployment = await saveNamed(manager, manager.create(DeploymentEntity, fields));
      await placeDeployment(manager, deployment);
      return deployment;
    });
  }

  /**
   * Changes a Deployment; runs already started keep the snapshot they took. Its service or environment
   * cannot change while a pipeline runs it (the pipeline's stages were chosen for that target); once moved,
   * it joins the new environment's pipeline.
   */
  async update(id: string, input: DeploymentInput): Promise<DeploymentEntity> {
    const fields = parseDeploymentInput(input);
    return this.dataSource.transaction(async (manager) => {
      const deployment = await lockDeployment(manager, id);
      await checkTargets(manager, fields);
      const retargeted =
        deployment.serviceId !== fields.serviceId || deployment.environmentId !== fields.environmentId;
      if (retargeted) {
        const users = await pipelinesUsing(manager, deployment.id);
        if (users.length > 0)
          throw conflict(
            `deployment "${deployment.name}" is used by ${quoted(users)}: remove it there before changing its service or environment`,
          );
      }
      const saved = await saveNamed(manager, Object.assign(deployment, fields));
      if (retargeted) await placeDeployment(manager, saved);
      return saved;
    });
  }

  /** Deletes a Deployment; refused while a pipeline uses it. Its past runs stay, without it. */
  async delete(id: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const deployment = await lockDeployment(manager, id);
      const users = await pipelinesUsing(manager, deployment.id);
      if (users.length > 0)
        throw conflict(`deployment "${deployment.name}" is used by ${quoted(users)}: remove it there first`);
      await manager.delete(DeploymentEntity, { id: deployment.id });
      return true;
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
      // Started already (the worker's reconciler found the row first): that is the workflow wanted.
      if (error instanceof WorkflowExecutionAlreadyStartedError)
        return this.dataSource.getRepository(DeploymentRunEntity).findOneByOrFail({ id });
      await this.dataSource.query(
        `UPDATE deployment_runs SET status = 'FAILED', finished_at = now(), failure_reason = $2 WHERE id = $1`,
        [id, 'the deployment run could not be started: Temporal did not accept the workflow'],
      );
      throw error;
    }
    return this.dataSource.getRepository(DeploymentRunEntity).findOneByOrFail({ id });
  }
}
