import { createHash, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { insertDeploymentRun } from '../../db/deployment-runs';
import { deploymentRunStatuses } from '../../db/domain';
import { DeploymentRunEntity } from '../../db/entities/deployment-run.entity';
import { badInput, conflict, notFound } from '../errors';
import { isUuid, requiredText } from '../graphql/validate';
import { revisionFact } from '../run/revision';
import type { ExternalDeploymentInput, IncidentInput } from './dora.types';

export interface IncidentRow {
  id: string;
  serviceId: string;
  title: string;
  openedAt: Date;
  resolvedAt: Date | null;
  external: boolean;
  causedByDeploymentRunId: string | null;
  attribution: 'EXPLICIT' | 'HEURISTIC' | 'EXTERNAL' | 'NONE';
}

const incidentColumns = `id, service_id AS "serviceId", title, opened_at AS "openedAt", resolved_at AS "resolvedAt", external,
  caused_by_deployment_run_id AS "causedByDeploymentRunId", attribution`;

/** The facts DORA is computed from, as reported: deployments made outside Lockstep, and incidents. */
export class DoraService {
  constructor(private readonly dataSource: DataSource) {}

  private async exists(table: 'services' | 'environments' | 'deployment_runs', id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM ${table} WHERE id = $1`, [id]);
    return rows.length > 0;
  }

  /**
   * A deployment made outside Lockstep. Reported twice (same service, environment, start and revision), it
   * is stored once; a later report updates its status and finish (e.g. RUNNING, then SUCCEEDED).
   */
  async recordExternalDeployment(input: ExternalDeploymentInput): Promise<DeploymentRunEntity> {
    if (!(await this.exists('services', input.serviceId)))
      throw badInput('input.serviceId', 'no service has this id');
    if (!(await this.exists('environments', input.environmentId)))
      throw badInput('input.environmentId', 'no environment has this id');
    if (!deploymentRunStatuses.includes(input.status))
      throw badInput('input.status', 'is not a deployment run status');
    const finished = input.status !== 'RUNNING' && input.status !== 'WAITING';
    if (finished && !input.finishedAt)
      throw badInput('input.finishedAt', `is required for a ${input.status} deployment`);
    if (!finished && input.finishedAt)
      throw badInput('input.finishedAt', `must be empty while ${input.status}`);
    if (input.finishedAt && input.finishedAt < input.startedAt)
      throw badInput('input.finishedAt', 'must not be before startedAt');
    if ((input.commits?.length ?? 0) > 1000) throw badInput('input.commits', 'at most 1000 commits');
    const revision = input.revision ? revisionFact('input.revision', input.revision) : null;
    const commits = (input.commits ?? []).map((commit, i) => revisionFact(`input.commits[${i}]`, commit));
    const key = createHash('sha256')
      .update(
        [input.serviceId, input.environmentId, input.startedAt.toISOString(), revision?.sha ?? ''].join('|'),
      )
      .digest('hex');

    const id = await this.dataSource.transaction(async (manager) => {
      const [existing]: Array<{ id: string }> = await manager
        .query(
          `UPDATE deployment_runs SET status = $2, finished_at = $3, is_rollback = $4 WHERE external_key = $1 RETURNING id`,
          [key, input.status, input.finishedAt ?? null, input.isRollback ?? false],
        )
        .then((result: [Array<{ id: string }>, number]) => result[0]);
      const runId = existing?.id ?? randomUUID();
      if (!existing) {
        await insertDeploymentRun(manager, {
          id: runId,
          deploymentId: null,
          serviceId: input.serviceId,
          environmentId: input.environmentId,
          status: input.status,
          revision,
          pipelineRunId: null,
          stageRunId: null,
          actionRunId: null,
          triggeredById: null,
          isRollback: input.isRollback ?? false,
          external: true,
          temporalWorkflowId: null,
          startedAt: input.startedAt.toISOString(),
          finishedAt: input.finishedAt?.toISOString() ?? null,
        });
        await manager.query('UPDATE deployment_runs SET external_key = $2 WHERE id = $1', [runId, key]);
      }
      // The commits it delivered, once each (the revision alone was stored when none were listed).
      for (const commit of commits) {
        await manager.query(
          `INSERT INTO deployment_run_commits (deployment_run_id, sha, committed_at, message, author)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
          [runId, commit.sha, commit.committedAt, commit.message, commit.author],
        );
      }
      if (commits.length > 0 && revision && !commits.some((c) => c.sha === revision.sha)) {
        // Commits were listed: they are the change set, not the revision on its own.
        await manager.query('DELETE FROM deployment_run_commits WHERE deployment_run_id = $1 AND sha = $2', [
          runId,
          revision.sha,
        ]);
      }
      return runId;
    });
    return this.dataSource.getRepository(DeploymentRunEntity).findOneByOrFail({ id });
  }

  /**
   * Opens an incident, deciding once how it is attributed (DORA.md, "Incident attribution"): the deployment
   * named, else none when external, else the latest deployment of the service in the 24 hours before.
   */
  async openIncident(input: IncidentInput, externalKey: string | null = null): Promise<IncidentRow> {
    if (!(await this.exists('services', input.serviceId)))
      throw badInput('input.serviceId', 'no service has this id');
    if (externalKey) {
      const [known]: IncidentRow[] = await this.dataSource.query(
        `SELECT ${incidentColumns} FROM incidents WHERE external_key = $1`,
        [externalKey],
      );
      if (known) return known; // reported again: the incident exists already
    }
    const title = requiredText('input.title', input.title, 300);
    let causedBy: string | null = null;
    let attribution: IncidentRow['attribution'];
    if (input.causedByDeploymentRunId) {
      const [run]: Array<{ service_id: string }> = isUuid(input.causedByDeploymentRunId)
        ? await this.dataSource.query('SELECT service_id FROM deployment_runs WHERE id = $1', [
            input.causedByDeploymentRunId,
          ])
        : [];
      if (!run) throw badInput('input.causedByDeploymentRunId', 'no deployment run has this id');
      if (run.service_id !== input.serviceId)
        throw badInput('input.causedByDeploymentRunId', 'is a deployment of another service');
      causedBy = input.causedByDeploymentRunId;
      attribution = 'EXPLICIT';
    } else if (input.external) {
      attribution = 'EXTERNAL';
    } else {
      const [latest]: Array<{ deployment_run_id: string }> = await this.dataSource.query(
        `SELECT d.id AS deployment_run_id
           FROM deployment_runs d JOIN environments e ON e.id = d.environment_id AND e.tier = 'PRODUCTION'
          WHERE d.service_id = $1 AND d.status = 'SUCCEEDED'
            AND d.finished_at <= $2 AND d.finished_at >= $2::timestamptz - interval '24 hours'
          ORDER BY d.finished_at DESC, d.id DESC LIMIT 1`,
        [input.serviceId, input.openedAt],
      );
      causedBy = latest?.deployment_run_id ?? null;
      attribution = causedBy ? 'HEURISTIC' : 'NONE';
    }
    const [row]: IncidentRow[] = await this.dataSource.query(
      `INSERT INTO incidents (service_id, title, opened_at, external, caused_by_deployment_run_id, attribution, external_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${incidentColumns}`,
      [input.serviceId, title, input.openedAt, input.external ?? false, causedBy, attribution, externalKey],
    );
    return row!;
  }

  /** Resolves an incident reported by webhook, found by the reporting system's own id. */
  async resolveIncidentByKey(externalKey: string, resolvedAt: Date): Promise<IncidentRow> {
    const [known]: Array<{ id: string }> = await this.dataSource.query(
      'SELECT id FROM incidents WHERE external_key = $1',
      [externalKey],
    );
    if (!known) throw notFound('incident', externalKey);
    return this.resolveIncident(known.id, resolvedAt);
  }

  /** A service or environment by its name (systems reporting by webhook know names, not ids). */
  async idByName(table: 'services' | 'environments', name: string): Promise<string | null> {
    const [row]: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM ${table} WHERE name = $1`,
      [name],
    );
    return row?.id ?? null;
  }

  async resolveIncident(id: string, resolvedAt: Date): Promise<IncidentRow> {
    const [incident]: IncidentRow[] = isUuid(id)
      ? await this.dataSource.query(`SELECT ${incidentColumns} FROM incidents WHERE id = $1`, [id])
      : [];
    if (!incident) throw notFound('incident', id);
    if (resolvedAt < incident.openedAt)
      throw badInput('resolvedAt', 'must not be before the incident was opened');
    if (incident.resolvedAt) {
      if (incident.resolvedAt.getTime() === resolvedAt.getTime()) return incident; // the same report again
      throw conflict(`the incident was already resolved at ${incident.resolvedAt.toISOString()}`);
    }
    const [rows]: [IncidentRow[], number] = await this.dataSource.query(
      `UPDATE incidents SET resolved_at = $2 WHERE id = $1 RETURNING ${incidentColumns}`,
      [id, resolvedAt],
    );
    return rows[0]!;
  }

  async incidents(filter: {
    serviceId?: string | null;
    from?: Date | null;
    to?: Date | null;
  }): Promise<IncidentRow[]> {
    if (filter.serviceId && !isUuid(filter.serviceId)) return [];
    return this.dataSource.query(
      `SELECT ${incidentColumns} FROM incidents
        WHERE ($1::uuid IS NULL OR service_id = $1) AND ($2::timestamptz IS NULL OR opened_at >= $2)
          AND ($3::timestamptz IS NULL OR opened_at < $3)
        ORDER BY opened_at DESC, id LIMIT 1000`,
      [filter.serviceId ?? null, filter.from ?? null, filter.to ?? null],
    );
  }
}
