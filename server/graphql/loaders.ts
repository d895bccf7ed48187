import DataLoader from 'dataloader';
import { In, type DataSource, type ObjectLiteral } from 'typeorm';
import { ActionAttemptEntity } from '../../db/entities/action-attempt.entity';
import { ActionRunEntity } from '../../db/entities/action-run.entity';
import { ApprovalEntity } from '../../db/entities/approval.entity';
import { ActionEntity } from '../../db/entities/action.entity';
import { EnvironmentEntity } from '../../db/entities/environment.entity';
import { PipelineEntity } from '../../db/entities/pipeline.entity';
import { PrincipalEntity } from '../../db/entities/principal.entity';
import { ServiceEntity } from '../../db/entities/service.entity';
import { StageRunEntity } from '../../db/entities/stage-run.entity';
import { StageEntity } from '../../db/entities/stage.entity';

type Entity<T> = new () => T;

/**
 * Per-request batch loaders: one SQL statement per field per request, whatever the page size.
 */
export function createLoaders(dataSource: DataSource) {
  const byId = <T extends ObjectLiteral & { id: string }>(entity: Entity<T>) =>
    new DataLoader<string, T | null>(async (ids) => {
      const rows = await dataSource.getRepository(entity).findBy({ id: In([...ids]) } as never);
      const found = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => found.get(id) ?? null);
    });

  const groupedBy = <T extends ObjectLiteral, K extends keyof T & string>(
    entity: Entity<T>,
    key: K,
    order: Partial<Record<keyof T & string, 'ASC' | 'DESC'>>,
  ) =>
    new DataLoader<string, T[]>(async (keys) => {
      const rows = await dataSource
        .getRepository(entity)
        .find({ where: { [key]: In([...keys]) } as never, order: order as never });
      const groups = new Map<string, T[]>(keys.map((k) => [k, []]));
      for (const row of rows) groups.get(String(row[key]))?.push(row);
      return keys.map((k) => groups.get(k) ?? []);
    });

  return {
    service: byId(ServiceEntity),
    environment: byId(EnvironmentEntity),
    principal: byId(PrincipalEntity),
    pipeline: byId(PipelineEntity),
    stagesByPipeline: groupedBy(StageEntity, 'pipelineId', { position: 'ASC' }),
    actionsByStage: groupedBy(ActionEntity, 'stageId', { runOrder: 'ASC', name: 'ASC' }),
    stageRunsByRun: groupedBy(StageRunEntity, 'runId', { position: 'ASC' }),
    actionRunsByStageRun: groupedBy(ActionRunEntity, 'stageRunId', { runOrder: 'ASC', name: 'ASC' }),
    attemptsByActionRun: groupedBy(ActionAttemptEntity, 'actionRunId', { number: 'ASC' }),
    approvalsByActionRun: groupedBy(ApprovalEntity, 'actionRunId', { at: 'ASC' }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
