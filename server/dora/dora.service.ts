import { createHash, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { insertDeploymentRun } from '../../db/deployment-runs';
import { deploymentRunStatuses } from '../../db/domain';
import {
  addDeliveredCommit,
  removeDeliveredCommit,
  setExternalKey,
  updateExternalDeployment,
} from '../../db/dora/external-deployments.sql';
import { latestDeploymentBefore, serviceOfDeploymentRun } from '../../db/dora/incident-attribution.sql';
import {
  incidentByExternalKey,
  incidentById,
  incidentIdByExternalKey,
  incidentsOpened,
  insertIncident,
  resolveIncident,
  type IncidentRow,
} from '../../db/dora/incidents.sql';
import {
  environmentExists,
  environmentIdByName,
  serviceExists,
  serviceIdByName,
} from '../../db/dora/lookups.sql';
import { run } from '../../db/dora/statement';
import { DeploymentRunEntity } from '../../db/entities/deployment-run.entity';
import { badInput, conflict, notFound } from '../errors';
import { isUuid, requiredText } from '../graphql/validate';
import { revisionFact } from '../run/run.service';
import type { ExternalDeploymentInput, IncidentInput } from './dora.types';

/** Lookups by table: reports name services and environments, by id or (webhooks) by name. */
const existsIn = { services: serviceExists, environments: environmentExists };
const idByNameIn = { services: serviceIdByName, environments: environmentIdByName };

/** The facts DORA is computed from, as reported: deployments made outside Lockstep, and incidents. */
export class DoraService {
  constructor(private readonly dataSource: DataSource) {}

  private async exists(table: keyof typeof existsIn, id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const rows = await run(this.dataSource, existsIn[table], { id });
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
      const [[existing]] = await run(manager, updateExternalDeployment, {
        externalKey: key,
        status: input.status,
        finishedAt: input.finishedAt ?? null,
        isRollback: input.isRollback ?? false,
      });
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
        await run(manager, setExternalKey, { deploymentRunId: runId, externalKey: key });
      }
      // The commits it delivered, once each (the revision alone was stored when none were listed).
      for (const commit of commits) {
        await run(manager, addDeliveredCommit, { deploymentRunId: runId, ...commit });
      }
      if (commits.length > 0 && revision && !commits.some((c) => c.sha === revision.sha)) {
        // Commits were listed: they are the change set, not the revision on its own.
        await run(manager, removeDeliveredCommit, { deploymentRunId: runId, sha: revision.sha });
      }
      return runId;
    });
    return this.dataSource.getRepository(DeploymentRunEntity).findOneByOrFail({ id });
  }

  /**
   * Opens an incident, deciding once how it is attributed (docs/dora.md, Incident attribution): the deployment
   * named, else none when external, else the latest deployment of the service in the 24 hours before.
   */
  async openIncident(input: IncidentInput, externalKey: string | null = null): Promise<IncidentRow> {
    if (!(await this.exists('services', input.serviceId)))
      throw badInput('input.serviceId', 'no service has this id');
    if (externalKey) {
      const [known] = await run(this.dataSource, incidentByExternalKey, { externalKey });
      if (known) return known; // reported again: the incident exists already
    }
    const title = requiredText('input.title', input.title, 300);
    let causedBy: string | null = null;
    let attribution: IncidentRow['attribution'];
    if (input.causedByDeploymentRunId) {
      const [cause] = isUuid(input.causedByDeploymentRunId)
        ? await run(this.dataSource, serviceOfDeploymentRun, {
            deploymentRunId: input.causedByDeploymentRunId,
          })
        : [];
      if (!cause) throw badInput('input.causedByDeploymentRunId', 'no deployment run has this id');
      if (cause.service_id !== input.serviceId)
        throw badInput('input.causedByDeploymentRunId', 'is a deployment of another service');
      causedBy = input.causedByDeploymentRunId;
      attribution = 'EXPLICIT';
    } else if (input.external) {
      attribution = 'EXTERNAL';
    } else {
      const [latest] = await run(this.dataSource, latestDeploymentBefore, {
        serviceId: input.serviceId,
        openedAt: input.openedAt,
      });
      causedBy = latest?.deployment_run_id ?? null;
      attribution = causedBy ? 'HEURISTIC' : 'NONE';
    }
    const [row] = await run(this.dataSource, insertIncident, {
      serviceId: input.serviceId,
      title,
      openedAt: input.openedAt,
      external: input.external ?? false,
      causedByDeploymentRunId: causedBy,
      attribution,
      externalKey,
    });
    return row!;
  }

  /** Resolves an incident reported by webhook, found by the reporting system's own id. */
  async resolveIncidentByKey(externalKey: string, resolvedAt: Date): Promise<IncidentRow> {
    const [known] = await run(this.dataSource, incidentIdByExternalKey, { externalKey });
    if (!known) throw notFound('incident', externalKey);
    return this.resolveIncident(known.id, resolvedAt);
  }

  /** A service or environment by its name (systems reporting by webhook know names, not ids). */
  async idByName(table: keyof typeof idByNameIn, name: string): Promise<string | null> {
    const [row] = await run(this.dataSource, idByNameIn[table], { name });
    return row?.id ?? null;
  }

  async resolveIncident(id: string, resolvedAt: Date): Promise<IncidentRow> {
    const [incident] = isUuid(id) ? await run(this.dataSource, incidentById, { id }) : [];
    if (!incident) throw notFound('incident', id);
    if (resolvedAt < incident.openedAt)
      throw badInput('resolvedAt', 'must not be before the incident was opened');
    if (incident.resolvedAt) {
      if (incident.resolvedAt.getTime() === resolvedAt.getTime()) return incident; // the same report again
      throw conflict(`the incident was already resolved at ${incident.resolvedAt.toISOString()}`);
    }
    const [rows] = await run(this.dataSource, resolveIncident, { id, resolvedAt });
    return rows[0]!;
  }

  async incidents(filter: {
    serviceId?: string | null;
    from?: Date | null;
    to?: Date | null;
  }): Promise<IncidentRow[]> {
    if (filter.serviceId && !isUuid(filter.serviceId)) return [];
    return run(this.dataSource, incidentsOpened, {
      serviceId: filter.serviceId ?? null,
      from: filter.from ?? null,
      to: filter.to ?? null,
    });
  }
}
