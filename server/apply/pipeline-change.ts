import type { EntityManager } from 'typeorm';
import { ActionEntity } from '../../db/entities/action.entity';
import type { PipelineEntity } from '../../db/entities/pipeline.entity';
import { StageEntity } from '../../db/entities/stage.entity';
import type { PipelineDefinition } from '../pipeline/pipeline-definition';

/** JSON with object keys sorted: two values are the same when their canonical forms are. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

type Actions = PipelineDefinition['stages'][number]['actions'];

/** Actions in the order they are read back (run order, then name): the order they are written in is not kept. */
const inReadOrder = (actions: Actions) =>
  [...actions].sort((a, b) => a.runOrder - b.runOrder || a.name.localeCompare(b.name));

/** The stored definition of a pipeline, in the shape `parsePipelineInput` gives. */
async function storedDefinition(
  manager: EntityManager,
  pipeline: PipelineEntity,
): Promise<PipelineDefinition> {
  const stages = await manager.find(StageEntity, {
    where: { pipelineId: pipeline.id },
    order: { position: 'ASC' },
  });
  const actions = stages.length
    ? await manager
        .getRepository(ActionEntity)
        .createQueryBuilder('a')
        .where('a.stage_id IN (:...ids)', { ids: stages.map((s) => s.id) })
        .getMany()
    : [];
  return {
    name: pipeline.name,
    description: pipeline.description,
    serviceId: pipeline.serviceId,
    executionMode: pipeline.executionMode,
    allowOlderThanLive: pipeline.allowOlderThanLive,
    source:
      pipeline.sourceRepository && pipeline.sourceBranch
        ? { repository: pipeline.sourceRepository, branch: pipeline.sourceBranch }
        : null,
    stages: stages.map((stage) => ({
      name: stage.name,
      environmentId: stage.environmentId,
      maxParallel: stage.maxParallel,
      transitionEnabled: stage.transitionEnabled,
      actions: inReadOrder(
        actions
          .filter((a) => a.stageId === stage.id)
          .map((a) => ({
            name: a.name,
            kind: a.kind,
            runOrder: a.runOrder,
            config: a.config,
            timeoutSeconds: a.timeoutSeconds,
            retryPolicy: {
              maximumAttempts: a.retryMaximumAttempts,
              initialIntervalMs: a.retryInitialIntervalMs,
              backoffCoefficient: a.retryBackoffCoefficient,
            },
          })),
      ),
    })),
  };
}

/**
 * Whether writing `wanted` over the stored pipeline would change it. What the input leaves unsaid keeps its
 * stored value, as `PipelineService.update` keeps it: the source, and a stage's transition flag (an operator
 * may have closed it; applying a file does not reopen it).
 */
export async function pipelineChanges(
  manager: EntityManager,
  pipeline: PipelineEntity,
  wanted: PipelineDefinition,
  transitionFlags: Array<boolean | null | undefined>,
): Promise<boolean> {
  const stored = await storedDefinition(manager, pipeline);
  const flags = new Map(stored.stages.map((s) => [s.name, s.transitionEnabled]));
  const comparable: PipelineDefinition = {
    ...wanted,
    source: wanted.source === undefined ? stored.source : wanted.source,
    stages: wanted.stages.map((stage, i) => ({
      ...stage,
      transitionEnabled: transitionFlags[i] ?? flags.get(stage.name) ?? true,
      actions: inReadOrder(stage.actions),
    })),
  };
  return canonical(comparable) !== canonical(stored);
}
