import 'reflect-metadata';
import { DataSource, type Logger } from 'typeorm';
import { ActionAttemptEntity } from './entities/action-attempt.entity';
import { ApprovalEntity } from './entities/approval.entity';
import { ArtifactEntity } from './entities/artifact.entity';
import { DeploymentRunEntity } from './entities/deployment-run.entity';
import { DeploymentEntity } from './entities/deployment.entity';
import { ActionRunEntity } from './entities/action-run.entity';
import { ActionEntity } from './entities/action.entity';
import { ApiTokenEntity } from './entities/api-token.entity';
import { EnvironmentEntity } from './entities/environment.entity';
import { LogLineEntity } from './entities/log-line.entity';
import { PipelineEventEntity } from './entities/pipeline-event.entity';
import { PipelineScheduleEntity } from './entities/pipeline-schedule.entity';
import { PipelineRunEntity } from './entities/pipeline-run.entity';
import { PipelineEntity } from './entities/pipeline.entity';
import { PrincipalEntity } from './entities/principal.entity';
import { ServiceEntity } from './entities/service.entity';
import { StageRunEntity } from './entities/stage-run.entity';
import { StageServiceEntity } from './entities/stage-service.entity';
import { StageEntity } from './entities/stage.entity';
import { Foundation1763769600000 } from './migrations/1763769600000-foundation';
import { Engine1763776800000 } from './migrations/1763776800000-engine';
import { SecretsNotifications1763791200000 } from './migrations/1763791200000-secrets-notifications';
import { Audit1763798400000 } from './migrations/1763798400000-audit';
import { Dora1763805600000 } from './migrations/1763805600000-dora';
import { DoraFacts1763812800000 } from './migrations/1763812800000-dora-facts';
import { DoraLeadHistogram1763820000000 } from './migrations/1763820000000-dora-lead-histogram';
import { Releases1763830800000 } from './migrations/1763830800000-releases';
import { ApiTokenExpiry1763834400000 } from './migrations/1763834400000-api-token-expiry';
import { EnvironmentPipelines1764489600000 } from './migrations/1764489600000-environment-pipelines';
import { Triggers1763829000000 } from './migrations/1763829000000-triggers';
import { FreezeWindows1764576000000 } from './migrations/1764576000000-freeze-windows';
import { AuditLogFilters1764586800000 } from './migrations/1764586800000-audit-log-filters';
import { ApprovalOutcomes1764579600000 } from './migrations/1764579600000-approval-outcomes';
import { DoraDeferredRefresh1764590400000 } from './migrations/1764590400000-dora-deferred-refresh';

export const entities = [
  PrincipalEntity,
  ApiTokenEntity,
  ServiceEntity,
  EnvironmentEntity,
  PipelineEntity,
  StageEntity,
  StageServiceEntity,
  ActionEntity,
  PipelineRunEntity,
  StageRunEntity,
  ActionRunEntity,
  ActionAttemptEntity,
  LogLineEntity,
  PipelineEventEntity,
  ApprovalEntity,
  DeploymentEntity,
  DeploymentRunEntity,
  ArtifactEntity,
  PipelineScheduleEntity,
];

/** Every migration, in order. Listed explicitly so bundlers and tsx load the same set. */
export const migrations = [
  Foundation1763769600000,
  Engine1763776800000,
  SecretsNotifications1763791200000,
  Audit1763798400000,
  Dora1763805600000,
  DoraFacts1763812800000,
  DoraLeadHistogram1763820000000,
  Releases1763830800000,
  ApiTokenExpiry1763834400000,
  EnvironmentPipelines1764489600000,
  Triggers1763829000000,
  FreezeWindows1764576000000,
  AuditLogFilters1764586800000,
  ApprovalOutcomes1764579600000,
  DoraDeferredRefresh1764590400000,
];

export interface DataSourceOptions {
  url: string;
  /** Connections in the pool; the API and worker each keep their own. */
  poolSize?: number;
  applicationName?: string;
  /**
   * Sees every statement TypeORM runs (benchmarks count them); none by default. Not the worker's named
   * statements (named-statement.ts), which go to node-postgres directly.
   */
  logger?: Logger;
  /**
   * PostgreSQL `statement_timeout` of every connection in the pool, in ms: a statement running longer is
   * cancelled (error 57014). The API sets it so no request can hold a connection with a runaway read;
   * unset or 0, statements may run as long as they like (the worker's and migrations' connections).
   */
  statementTimeoutMs?: number;
}

export function createDataSource({
  url,
  poolSize = 10,
  applicationName = 'lockstep',
  logger,
  statementTimeoutMs,
}: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities,
    migrations,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'lockstep_migrations',
    applicationName,
    ...(logger ? { logger, logging: ['query' as const] } : {}),
    extra: {
      max: poolSize,
      connectionTimeoutMillis: 10_000,
      ...(statementTimeoutMs ? { statement_timeout: statementTimeoutMs } : {}),
    },
  });
}

/** Applies pending migrations; returns the names it applied. */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((migration) => migration.name);
}
