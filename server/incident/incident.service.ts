import type { DataSource, EntityManager } from 'typeorm';
import { badInput, conflict, notFound } from '../errors';
import { rowExists } from '../graphql/references';
import { isUuid, requiredText } from '../graphql/validate';
import { latestDeploymentBefore, serviceOfDeploymentRun } from '../../db/dora/incident-attribution.sql';
import {
  incidentByExternalKey,
  incidentById,
  incidentIdByExternalKey,
  insertIncident,
  resolveIncident,
  type IncidentRow,
} from '../../db/dora/incidents.sql';
import { run } from '../../db/dora/statement';
import type { IncidentInput } from './incident.types';

/** Incidents as reported (by people or by webhook): one of the facts DORA is computed from. */
export class IncidentService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Opens an incident, deciding once how it is attributed (docs/dora.md, "Incidents"): the deployment
   * named, else none when external, else the latest deployment of the service in the 24 hours before.
   * `externalKey` is the reporting system's own id: reported again, the incident exists already. Runs in
   * `manager`'s transaction when given one (the inbound webhook's, with its delivery claim).
   */
  async open(
    input: IncidentInput,
    externalKey: string | null = null,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<IncidentRow> {
    if (!(await rowExists(manager, 'services', input.serviceId)))
      throw badInput('input.serviceId', 'no service has this id');
    if (externalKey) {
      const [known] = await run(manager, incidentByExternalKey, { externalKey });
      if (known) return known;
    }
    const title = requiredText('input.title', input.title, 300);
    const { causedBy, attribution } = await this.attribute(input, manager);
    const [row] = await run(manager, insertIncident, {
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

  private async attribute(
    input: IncidentInput,
    manager: EntityManager,
  ): Promise<{ causedBy: string | null; attribution: IncidentRow['attribution'] }> {
    if (input.causedByDeploymentRunId) {
      const [cause] = isUuid(input.causedByDeploymentRunId)
        ? await run(manager, serviceOfDeploymentRun, {
            deploymentRunId: input.causedByDeploymentRunId,
          })
        : [];
      if (!cause) throw badInput('input.causedByDeploymentRunId', 'no deployment run has this id');
      if (cause.service_id !== input.serviceId)
        throw badInput('input.causedByDeploymentRunId', 'is a deployment of another service');
      return { causedBy: input.causedByDeploymentRunId, attribution: 'EXPLICIT' };
    }
    if (input.external) return { causedBy: null, attribution: 'EXTERNAL' };
    const [latest] = await run(manager, latestDeploymentBefore, {
      serviceId: input.serviceId,
      openedAt: input.openedAt,
    });
    const causedBy = latest?.deployment_run_id ?? null;
    return { causedBy, attribution: causedBy ? 'HEURISTIC' : 'NONE' };
  }

  async resolve(
    id: string,
    resolvedAt: Date,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<IncidentRow> {
    const [incident] = isUuid(id) ? await run(manager, incidentById, { id }) : [];
    if (!incident) throw notFound('incident', id);
    if (resolvedAt < incident.openedAt)
      throw badInput('resolvedAt', 'must not be before the incident was opened');
    if (incident.resolvedAt) {
      if (incident.resolvedAt.getTime() === resolvedAt.getTime()) return incident; // the same report again
      throw conflict(`the incident was already resolved at ${incident.resolvedAt.toISOString()}`);
    }
    const [rows] = await run(manager, resolveIncident, { id, resolvedAt });
    return rows[0]!;
  }

  /** Resolves an incident reported by webhook, found by the reporting system's own id. */
  async resolveByKey(
    externalKey: string,
    resolvedAt: Date,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<IncidentRow> {
    const [known] = await run(manager, incidentIdByExternalKey, { externalKey });
    if (!known) throw notFound('incident', externalKey);
    return this.resolve(known.id, resolvedAt, manager);
  }
}
