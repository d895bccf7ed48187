import { In, type DataSource, type EntityManager } from 'typeorm';
import { activeRunStatuses } from '../../db/domain';
import { ActionEntity } from '../../db/entities/action.entity';
import { DeploymentEntity } from '../../db/entities/deployment.entity';
import { EnvironmentEntity } from '../../db/entities/environment.entity';
import { PipelineEntity } from '../../db/entities/pipeline.entity';
import { ServiceEntity } from '../../db/entities/service.entity';
import { StageServiceEntity } from '../../db/entities/stage-service.entity';
import { StageEntity } from '../../db/entities/stage.entity';
import { badInput, conflict, notFound } from '../errors';
import { isUniqueViolation, isUuid } from '../graphql/validate';
import { parsePipelineInput, type PipelineDefinition } from './pipeline-definition';
import { placementsOf } from './placement';
import type { PipelineInput } from './pipeline.types';

/** Checks that what the definition refers to (service, environments, deployments) exists. */
export async function checkReferences(manager: EntityManager, definition: PipelineDefinition): Promise<void> {
  if (definition.serviceId && !(await manager.existsBy(ServiceEntity, { id: definition.serviceId }))) {
    throw badInput('input.serviceId', 'no service has this id');
  }
  const environmentIds = [
    ...new Set(definition.stages.flatMap((s) => (s.environmentId ? [s.environmentId] : []))),
  ];
  const knownEnvironments = new Set(
    (await manager.findBy(EnvironmentEntity, { id: In(environmentIds) })).map((e) => e.id),
  );
  definition.stages.forEach((stage, index) => {
    if (stage.environmentId && !knownEnvironments.has(stage.environmentId)) {
      throw badInput(`input.stages[${index}].environmentId`, 'no environment has this id');
    }
  });
  const deploymentIds = definition.stages.flatMap((stage, s) =>
    stage.actions.flatMap((action, a) =>
      action.kind === 'DEPLOYMENT'
        ? [
            {
              id: String(action.config.deploymentId),
              field: `input.stages[${s}].actions[${a}].config.deploymentId`,
            },
          ]
        : [],
    ),
  );
  const knownDeployments = new Set(
    (await manager.findBy(DeploymentEntity, { id: In(deploymentIds.map((d) => d.id)) })).map((d) => d.id),
  );
  for (const { id, field } of deploymentIds) {
    if (!knownDeployments.has(id)) throw badInput(field, 'no deployment has this id');
  }
}

function newStage(
  manager: EntityManager,
  pipelineId: string,
  stage: PipelineDefinition['stages'][number],
  position: number,
): StageEntity {
  return manager.create(StageEntity, {
    pipelineId,
    name: stage.name,
    position,
    environmentId: stage.environmentId,
    maxParallel: stage.maxParallel,
    transitionEnabled: stage.transitionEnabled,
    transitionReason: null,
    defaultFor: null,
  });
}

/**
 * Saves a stage's actions. In an environment pipeline, `placedService` names the service a DEPLOYMENT action
 * deploys into the pipeline's environment: the action then references that service's placement.
 */
async function saveActions(
  manager: EntityManager,
  stageId: string,
  actions: PipelineDefinition['stages'][number]['actions'],
  placedService: (index: number) => { pipelineId: string; serviceId: string } | undefined = () => undefined,
): Promise<void> {
  await manager.save(
    actions.map((action, index) =>
      manager.create(ActionEntity, {
        ...(placedService(index) ?? { pipelineId: null, serviceId: null }),
        stageId,
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

/** The pipeline, locked for the rest of the transaction: writes of one definition take turns. */
export async function lockPipeline(manager: EntityManager, id: string): Promise<PipelineEntity> {
  const pipeline = isUuid(id)
    ? await manager.findOne(PipelineEntity, { where: { id }, lock: { mode: 'pessimistic_write' } })
    : null;
  if (!pipeline) throw notFound('pipeline', id);
  return pipeline;
}

/**
 * Writes pipeline definitions. Runs never see these writes: each run executes the snapshot it took when it
 * was triggered, so edits, reorders and deletions only shape future runs.
 */
export class PipelineService {
  constructor(private readonly dataSource: DataSource) {}

  async create(input: PipelineInput): Promise<PipelineEntity> {
    const definition = parsePipelineInput(input);
    return this.dataSource.transaction(async (manager) => {
      await checkReferences(manager, definition);
      const pipeline = await this.saveHeader(manager, manager.create(PipelineEntity, {}), definition);
      for (const [position, stage] of definition.stages.entries()) {
        const saved = await manager.save(newStage(manager, pipeline.id, stage, position));
        await saveActions(manager, saved.id, stage.actions);
      }
      return pipeline;
    });
  }

  /**
   * Replaces a pipeline's definition. A stage keeps its identity (and its transition flag, unless the input
   * sets one, and the type it is the default for) when a stage of the same name remains; its actions are
   * replaced. An environment pipeline may have empty stages, and its services are placed where the
   * definition's DEPLOYMENT actions put them, one stage each.
   */
  async update(id: string, input: PipelineInput): Promise<PipelineEntity> {
    const definition = parsePipelineInput(input, { emptyStages: true });
    return this.dataSource.transaction(async (manager) => {
      const pipeline = await lockPipeline(manager, id);
      if (!pipeline.environmentId) parsePipelineInput(input);
      await checkReferences(manager, definition);
      const placements = pipeline.environmentId
        ? await placementsOf(
            manager,
            pipeline.environmentId,
            definition.stages,
            (s, a) => `input.stages[${s}].actions[${a}].config.deploymentId`,
          )
        : null;
      await this.saveHeader(manager, pipeline, definition);
      const existing = new Map(
        (await manager.findBy(StageEntity, { pipelineId: id })).map((stage) => [stage.name, stage]),
      );
      // Placements are written again below, each before the actions that reference it.
      if (placements) await manager.delete(StageServiceEntity, { pipelineId: id });
      const kept = new Set<string>();
      for (const [position, stage] of definition.stages.entries()) {
        const current = existing.get(stage.name);
        const flag = input.stages[position]?.transitionEnabled;
        const saved = await manager.save(
          current
            ? Object.assign(current, {
                position,
                environmentId: stage.environmentId,
                maxParallel: stage.maxParallel,
                ...(flag === null || flag === undefined
                  ? {}
                  : { transitionEnabled: flag, transitionReason: flag ? null : current.transitionReason }),
              })
            : newStage(manager, id, stage, position),
        );
        kept.add(saved.id);
        await manager.delete(ActionEntity, { stageId: saved.id });
        const placed = [...(placements?.stageOfService ?? [])].filter(([, s]) => s === position);
        if (placed.length > 0) {
          await manager.insert(
            StageServiceEntity,
            placed.map(([serviceId]) => ({ pipelineId: id, serviceId, stageId: saved.id })),
          );
        }
        await saveActions(manager, saved.id, stage.actions, (a) => {
          const serviceId = placements?.serviceOfAction.get(`${position}:${a}`);
          return serviceId ? { pipelineId: id, serviceId } : undefined;
        });
      }
      const gone = [...existing.values()].filter((stage) => !kept.has(stage.id)).map((stage) => stage.id);
      if (gone.length > 0) await manager.delete(StageEntity, { id: In(gone) });
      return manager.findOneByOrFail(PipelineEntity, { id });
    });
  }

  /** Puts the pipeline's stages in the given order; `stageIds` must name each of its stages once. */
  async reorderStages(pipelineId: string, stageIds: string[]): Promise<PipelineEntity> {
    return this.dataSource.transaction(async (manager) => {
      await lockPipeline(manager, pipelineId);
      const stages = await manager.findBy(StageEntity, { pipelineId });
      const ids = new Set(stages.map((s) => s.id));
      if (
        stageIds.length !== stages.length ||
        new Set(stageIds).size !== stageIds.length ||
        !stageIds.every((s) => ids.has(s))
      ) {
        throw badInput(
          'stageIds',
          `must list each of the pipeline's ${stages.length} stage ids exactly once`,
        );
      }
      // Positions are unique per pipeline, checked at commit: swapping them inside the transaction is fine.
      for (const [position, stageId] of stageIds.entries()) {
        await manager.update(StageEntity, { id: stageId }, { position });
      }
      await manager.update(PipelineEntity, { id: pipelineId }, { updatedAt: new Date() });
      return manager.findOneByOrFail(PipelineEntity, { id: pipelineId });
    });
  }

  /** Deletes a pipeline with its run history; refused while one of its runs is still going. */
  async delete(id: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      await lockPipeline(manager, id);
      const [open]: Array<{ n: number }> = await manager.query(
        `SELECT count(*)::int AS n FROM pipeline_runs WHERE pipeline_id = $1 AND status = ANY($2)`,
        [id, activeRunStatuses],
      );
      if (open!.n > 0) throw conflict(`the pipeline has ${open!.n} run(s) in progress; cancel them first`);
      await manager.delete(PipelineEntity, { id });
      return true;
    });
  }

  private async saveHeader(
    manager: EntityManager,
    pipeline: PipelineEntity,
    definition: PipelineDefinition,
  ): Promise<PipelineEntity> {
    Object.assign(pipeline, {
      name: definition.name,
      description: definition.description,
      serviceId: definition.serviceId,
      executionMode: definition.executionMode,
      allowOlderThanLive: definition.allowOlderThanLive,
      ...(definition.source === undefined
        ? {}
        : {
            sourceRepository: definition.source?.repository ?? null,
            sourceBranch: definition.source?.branch ?? null,
          }),
    });
    try {
      return await manager.save(pipeline);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`a pipeline named "${definition.name}" already exists`);
      throw error;
    }
  }
}
