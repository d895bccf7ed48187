import type { DataSource } from 'typeorm';
import { defaultMaxParallel, serviceTypes } from '../../db/domain';
import { DeploymentEntity } from '../../db/entities/deployment.entity';
import { EnvironmentEntity } from '../../db/entities/environment.entity';
import { PipelineEntity } from '../../db/entities/pipeline.entity';
import { StageEntity } from '../../db/entities/stage.entity';
import { badInput, conflict, notFound } from '../errors';
import { isUniqueViolation, isUuid, optionalText } from '../graphql/validate';
import { lockPipeline } from './pipeline.service';
import { placeDeployment } from './placement';

/** The default stages, in order: `0.DEFAULT DATABASE` ... `3.DEFAULT APPLICATION`, each the default for its type. */
export const defaultStages = serviceTypes.map((type, position) => ({
  name: `${position}.DEFAULT ${type}`,
  position,
  defaultFor: type,
}));

/**
 * Environment pipelines: every Deployment into one environment, each service in exactly one stage (the
 * database holds that: `stage_services`). Their stages are edited like any pipeline's (PipelineService).
 */
export class EnvironmentPipelineService {
  constructor(private readonly dataSource: DataSource) {}

  /** Creates the environment's pipeline with the default stages and places every Deployment into it. */
  async create(environmentId: string, name: string | null | undefined): Promise<PipelineEntity> {
    const chosen = optionalText('name', name, 100);
    return this.dataSource.transaction(async (manager) => {
      const environment = isUuid(environmentId)
        ? await manager.findOne(EnvironmentEntity, {
            where: { id: environmentId },
            lock: { mode: 'pessimistic_write' },
          })
        : null;
      if (!environment) throw notFound('environment', environmentId);
      const existing = await manager.findOneBy(PipelineEntity, { environmentId });
      if (existing)
        throw conflict(`environment "${environment.name}" already has a pipeline: "${existing.name}"`);
      let pipeline: PipelineEntity;
      try {
        pipeline = await manager.save(
          manager.create(PipelineEntity, {
            name: chosen ?? `${environment.name} pipeline`,
            description: `Deploys every service of ${environment.name}, stage by stage.`,
            serviceId: null,
            environmentId,
            executionMode: 'QUEUED',
          }),
        );
      } catch (error) {
        if (isUniqueViolation(error))
          throw conflict(`a pipeline named "${chosen ?? `${environment.name} pipeline`}" already exists`);
        throw error;
      }
      await manager.save(
        defaultStages.map((stage) =>
          manager.create(StageEntity, {
            ...stage,
            pipelineId: pipeline.id,
            environmentId,
            maxParallel: defaultMaxParallel,
            transitionEnabled: true,
            transitionReason: null,
          }),
        ),
      );
      const deployments = await manager.find(DeploymentEntity, {
        where: { environmentId },
        order: { name: 'ASC' },
      });
      for (const deployment of deployments) await placeDeployment(manager, deployment);
      return manager.findOneByOrFail(PipelineEntity, { id: pipeline.id });
    });
  }

  /**
   * Moves a service, with each of its DEPLOYMENT actions, to another stage of an environment pipeline: one
   * UPDATE of its placement, which the actions follow (ON UPDATE CASCADE).
   */
  async moveService(pipelineId: string, serviceId: string, toStageId: string): Promise<PipelineEntity> {
    return this.dataSource.transaction(async (manager) => {
      const pipeline = await lockPipeline(manager, pipelineId);
      if (!pipeline.environmentId)
        throw badInput('pipelineId', 'is not an environment pipeline: only those place services in stages');
      if (!isUuid(toStageId) || !(await manager.existsBy(StageEntity, { id: toStageId, pipelineId })))
        throw badInput('toStageId', 'no stage of this pipeline has this id');
      if (!isUuid(serviceId)) throw badInput('serviceId', 'no service of this pipeline has this id');
      let moved: unknown[];
      try {
        [moved] = await manager.query(
          `UPDATE stage_services SET stage_id = $3 WHERE pipeline_id = $1 AND service_id = $2 RETURNING 1`,
          [pipelineId, serviceId, toStageId],
        );
      } catch (error) {
        if (isUniqueViolation(error))
          throw conflict('the stage already has an action of the same name as one of the service’s');
        throw error;
      }
      if (moved.length === 0) throw badInput('serviceId', 'no service of this pipeline has this id');
      await manager.update(PipelineEntity, { id: pipelineId }, { updatedAt: new Date() });
      return manager.findOneByOrFail(PipelineEntity, { id: pipelineId });
    });
  }
}
