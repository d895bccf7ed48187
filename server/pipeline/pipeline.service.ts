import { In, type DataSource } from 'typeorm';
import { ActionEntity } from '../../db/entities/action.entity';
import { EnvironmentEntity } from '../../db/entities/environment.entity';
import { PipelineEntity } from '../../db/entities/pipeline.entity';
import { ServiceEntity } from '../../db/entities/service.entity';
import { StageEntity } from '../../db/entities/stage.entity';
import { badInput, conflict } from '../errors';
import { isUniqueViolation } from '../graphql/validate';
import { parsePipelineInput } from './pipeline-definition';
import type { PipelineInput } from './pipeline.types';

/** Writes pipeline definitions. */
export class PipelineService {
  constructor(private readonly dataSource: DataSource) {}

  async create(input: PipelineInput): Promise<PipelineEntity> {
    const definition = parsePipelineInput(input);
    return this.dataSource.transaction(async (manager) => {
      if (definition.serviceId && !(await manager.existsBy(ServiceEntity, { id: definition.serviceId }))) {
        throw badInput('input.serviceId', 'no service has this id');
      }
      const environmentIds = [
        ...new Set(definition.stages.flatMap((s) => (s.environmentId ? [s.environmentId] : []))),
      ];
      const known = new Set(
        (await manager.findBy(EnvironmentEntity, { id: In(environmentIds) })).map((e) => e.id),
      );
      definition.stages.forEach((stage, index) => {
        if (stage.environmentId && !known.has(stage.environmentId)) {
          throw badInput(`input.stages[${index}].environmentId`, 'no environment has this id');
        }
      });
      let pipeline: PipelineEntity;
      try {
        pipeline = await manager.save(
          manager.create(PipelineEntity, {
            name: definition.name,
            description: definition.description,
            serviceId: definition.serviceId,
            executionMode: definition.executionMode,
          }),
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(`a pipeline named "${definition.name}" already exists`);
        throw error;
      }
      for (const [position, stage] of definition.stages.entries()) {
        const saved = await manager.save(
          manager.create(StageEntity, {
            pipelineId: pipeline.id,
            name: stage.name,
            position,
            environmentId: stage.environmentId,
            maxParallel: stage.maxParallel,
            transitionEnabled: stage.transitionEnabled,
            transitionReason: null,
          }),
        );
        await manager.save(
          stage.actions.map((action) =>
            manager.create(ActionEntity, {
              stageId: saved.id,
              name: action.name,
              kind: action.kind,
              runOrder: action.runOrder,
              config: action.config,
              timeoutSeconds: action.timeoutSeconds,
              retryMaximumAttempts: action.retryPolicy.maximumAttempts,
              retryInitialIntervalMs: action.retryPolicy.initialIntervalMs,
              retryBackoffCoefficient: action.retryPolicy.backoffCoefficient,
            }),
          ),
        );
      }
      return pipeline;
    });
  }
}
