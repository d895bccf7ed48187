import DataLoader from 'dataloader';
import { In, type DataSource, type ObjectLiteral } from 'typeorm';
import { ActionAttemptEntity } from '../../db/entities/action-attempt.entity';
import { ActionRunEntity } from '../../db/entities/action-run.entity';
import { ApprovalEntity } from '../../db/entities/approval.entity';
import type { ArtifactEntity } from '../../db/entities/artifact.entity';
import { DeploymentRunEntity } from '../../db/entities/deployment-run.entity';
import { DeploymentEntity } from '../../db/entities/deployment.entity';
import { PipelineRunEntity } from '../../db/entities/pipeline-run.entity';
import { ActionEntity } from '../../db/entities/action.entity';
import { EnvironmentEntity } from '../../db/entities/environment.entity';
import { PipelineScheduleEntity } from '../../db/entities/pipeline-schedule.entity';
import { PipelineEntity } from '../../db/entities/pipeline.entity';
import type { PipelineEventEntity } from '../../db/entities/pipeline-event.entity';
import { PrincipalEntity } from '../../db/entities/principal.entity';
import { ServiceEntity } from '../../db/entities/service.entity';
import { StageRunEntity } from '../../db/entities/stage-run.entity';
import { StageEntity } from '../../db/entities/stage.entity';
import { windowsHoldingRuns, type FreezeWindowRow } from '../../db/freeze/freeze-windows.sql';
import { PlainRows } from './plain-rows';

type Entity<T> = new () => T;

export interface CommitRow {
  sha: string;
  committedAt: Date;
  message: string | null;
  author: string | null;
}

export interface DoraVerdictRow {
  changeFailed: boolean;
  rework: boolean;
  leadTimeSeconds: number | null;
  recoverySeconds: number | null;
}

export interface PlanApprovalRow {
  principalId: string;
  approved: boolean;
  comment: string | null;
  at: Date;
}

/** An artifact's columns as ArtifactEntity names them. */
const artifactColumns = `a.id, a.name, a.version, a.digest, a.uri, a.pipeline_run_id AS "pipelineRunId",
  a.action_run_id AS "actionRunId", a.created_at AS "createdAt"`;

/** Rows of a table without an entity, grouped by the `key` column `sql` selects for the ids in `$1`. */
function rowsBy<T>(dataSource: DataSource, sql: string) {
  return new DataLoader<string, T[]>(async (keys) => {
    const rows: Array<T & { key: string }> = await dataSource.query(sql, [[...keys]]);
    const groups = new Map<string, T[]>(keys.map((k) => [k, []]));
    for (const { key, ...row } of rows) groups.get(key)?.push(row as unknown as T);
    return keys.map((k) => groups.get(k) ?? []);
  });
}

/**
 * Per-request batch loaders: one SQL statement per field per request, whatever the page size.
 */
export function createLoaders(dataSource: DataSource) {
  const byId = <T extends ObjectLiteral & { id: string }>(entity: Entity<T>) =>
    new DataLoader<string, T | null>(async (ids) => {
      const plain = PlainRows.of(dataSource, entity);
      const rows = plain
        ? await plain.where('id', ids)
        : await dataSource.getRepository(entity).findBy({ id: In([...ids]) } as never);
      const found = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => found.get(id) ?? null);
    });

  const groupedBy = <T extends ObjectLiteral, K extends keyof T & string>(
    entity: Entity<T>,
    key: K,
    order: Partial<Record<keyof T & string, 'ASC' | 'DESC'>>,
  ) =>
    new DataLoader<string, T[]>(async (keys) => {
      const plain = PlainRows.of(dataSource, entity);
      const rows = plain
        ? await plain.where(key, keys, order)
        : await dataSource
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
    /** An environment's environment pipeline (at most one). */
    pipelineByEnvironment: new DataLoader<string, PipelineEntity | null>(async (ids) => {
      const rows = await dataSource.getRepository(PipelineEntity).findBy({ environmentId: In([...ids]) });
      const found = new Map(rows.map((row) => [row.environmentId, row]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    /** The services an environment pipeline places in each stage, by name. */
    servicesByStage: rowsBy<ServiceEntity>(
      dataSource,
      `SELECT ss.stage_id AS key, s.id, s.name, s.team, s.type, s.created_at AS "createdAt"
         FROM stage_services ss JOIN services s ON s.id = ss.service_id
        WHERE ss.stage_id = ANY($1) ORDER BY s.name`,
    ),
    /** What people decided while each run was held after a failure (RUN_RESUMED events), oldest first. */
    decisionsByRun: rowsBy<PipelineEventEntity>(
      dataSource,
      `SELECT run_id AS key, id::text AS id, run_id AS "runId", pipeline_id AS "pipelineId", type,
              stage_name AS "stageName", action_name AS "actionName", message, at
         FROM pipeline_events WHERE run_id = ANY($1) AND type = 'RUN_RESUMED' ORDER BY id`,
    ),
    /** How many log lines each action run has (lines are numbered 1..n across its attempts). */
    logLineCountByActionRun: new DataLoader<string, number>(async (ids) => {
      const rows: Array<{ id: string; n: number }> = await dataSource.query(
        `SELECT id, (SELECT COALESCE(max(seq), 0)::int FROM log_lines WHERE action_run_id = a.id) AS n
           FROM unnest($1::uuid[]) AS a(id)`,
        [[...ids]],
      );
      const found = new Map(rows.map((row) => [row.id, row.n]));
      return ids.map((id) => found.get(id) ?? 0);
    }),
    /** The freeze windows holding each run now (docs/run-semantics.md, "Freeze windows"). */
    freezeWindowsHoldingRun: rowsBy<FreezeWindowRow>(dataSource, windowsHoldingRuns.sql),
    deployment: byId(DeploymentEntity),
    deploymentRun: byId(DeploymentRunEntity),
    pipelineRun: byId(PipelineRunEntity),
    /** A DEPLOYMENT action's deployment runs, oldest first (a manual retry runs the Deployment again). */
    schedulesByPipeline: groupedBy(PipelineScheduleEntity, 'pipelineId', { createdAt: 'ASC', id: 'ASC' }),
    deploymentRunsByActionRun: groupedBy(DeploymentRunEntity, 'actionRunId', { startedAt: 'ASC' }),
    commitsByDeploymentRun: rowsBy<CommitRow>(
      dataSource,
      `SELECT deployment_run_id AS key, sha, committed_at AS "committedAt", message, author
         FROM deployment_run_commits WHERE deployment_run_id = ANY($1) ORDER BY committed_at, sha`,
    ),
    /** DORA's verdict on each deployment run (docs/dora.md, "Drill-down"); none for runs that are not deployments. */
    doraByDeploymentRun: rowsBy<DoraVerdictRow>(
      dataSource,
      `SELECT deployment_run_id AS key, change_failed AS "changeFailed", rework,
              lead_time_seconds AS "leadTimeSeconds", recovery_seconds AS "recoverySeconds"
         FROM dora_deployment_facts WHERE deployment_run_id = ANY($1)`,
    ),
    actionRun: byId(ActionRunEntity),
    /** A stage's own deployment runs (and its DEPLOYMENT actions'), oldest first. */
    deploymentRunsByStageRun: groupedBy(DeploymentRunEntity, 'stageRunId', { startedAt: 'ASC' }),
    /** What each run carries, built or received, by name. */
    artifactsByRun: rowsBy<ArtifactEntity>(
      dataSource,
      `SELECT c.run_id AS key, ${artifactColumns} FROM pipeline_run_artifacts c JOIN artifacts a ON a.id = c.artifact_id
        WHERE c.run_id = ANY($1) ORDER BY a.name`,
    ),
    /** What each action run published (a reused action: what its origin published). */
    artifactsByPublisher: rowsBy<ArtifactEntity>(
      dataSource,
      `SELECT a.action_run_id AS key, ${artifactColumns} FROM artifacts a WHERE a.action_run_id = ANY($1) ORDER BY a.name`,
    ),
    artifactsByDeploymentRun: rowsBy<ArtifactEntity>(
      dataSource,
      `SELECT c.deployment_run_id AS key, ${artifactColumns}
         FROM deployment_run_artifacts c JOIN artifacts a ON a.id = c.artifact_id
        WHERE c.deployment_run_id = ANY($1) ORDER BY a.name`,
    ),
    /** The successful deployment before each live one there, with another revision: where a rollback goes. */
    previousDeploymentRun: rowsBy<{ id: string }>(
      dataSource,
      `SELECT l.id AS key, p.id
         FROM deployment_runs l
         CROSS JOIN LATERAL (
           SELECT p.id FROM deployment_runs p
            WHERE p.service_id = l.service_id AND p.environment_id = l.environment_id AND p.status = 'SUCCEEDED'
              AND p.finished_at < l.finished_at AND p.revision_sha IS DISTINCT FROM l.revision_sha
            ORDER BY p.finished_at DESC LIMIT 1) p
        WHERE l.id = ANY($1)`,
    ),
    planApprovalsByDeploymentRun: rowsBy<PlanApprovalRow>(
      dataSource,
      `SELECT deployment_run_id AS key, principal_id AS "principalId", approved, comment, at
         FROM deployment_plan_approvals WHERE deployment_run_id = ANY($1) ORDER BY at`,
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
