import type { DataSource } from 'typeorm';
import { badInput, conflict, notFound } from '../errors';
import { rowExists } from '../graphql/references';
import { isUuid, requiredText } from '../graphql/validate';
import { incidentColumns, type IncidentRow } from './incident-row';
import type { IncidentInput } from './incident.types';

/** Incidents as reported (by people or by webhook): one of the facts DORA is computed from. */
export class IncidentService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Opens an incident, deciding once how it is attributed (DORA.md, "Incident attribution"): the deployment
   * named, else none when external, else the latest deployment of the service in the 24 hours before.
   * `externalKey` is the reporting system's own id: reported again, the incident exists already.
   */
  async open(input: IncidentInput, externalKey: string | null = null): Promise<IncidentRow> {
    if (!(await rowExists(this.dataSource, 'services', input.serviceId)))
      throw badInput('input.serviceId', 'no service has this id');
    if (externalKey) {
      const [known]: IncidentRow[] = await this.dataSource.query(
        `SELECT ${incidentColumns} FROM incidents WHERE external_key = $1`,
        [externalKey],
      );
      if (known) return known;
    }
    const title = requiredText('input.title', input.title, 300);
    const { causedBy, attribution } = await this.attribute(input);
    const [row]: IncidentRow[] = await this.dataSource.query(
      `INSERT INTO incidents (service_id, title, opened_at, external, caused_by_deployment_run_id, attribution, external_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${incidentColumns}`,
      [input.serviceId, title, input.openedAt, input.external ?? false, causedBy, attribution, externalKey],
    );
    return row!;
  }

  private async attribute(
    input: IncidentInput,
  ): Promise<{ causedBy: string | null; attribution: IncidentRow['attribution'] }> {
    if (input.causedByDeploymentRunId) {
      const [run]: Array<{ service_id: string }> = isUuid(input.causedByDeploymentRunId)
        ? await this.dataSource.query('SELECT service_id FROM deployment_runs WHERE id = $1', [
            input.causedByDeploymentRunId,
          ])
        : [];
      if (!run) throw badInput('input.causedByDeploymentRunId', 'no deployment run has this id');
      if (run.service_id !== input.serviceId)
        throw badInput('input.causedByDeploymentRunId', 'is a deployment of another service');
      return { causedBy: input.causedByDeploymentRunId, attribution: 'EXPLICIT' };
    }
    if (input.external) return { causedBy: null, attribution: 'EXTERNAL' };
    const [latest]: Array<{ deployment_run_id: string }> = await this.dataSource.query(
      `SELECT d.id AS deployment_run_id
         FROM deployment_runs d JOIN environments e ON e.id = d.environment_id AND e.tier = 'PRODUCTION'
        WHERE d.service_id = $1 AND d.status = 'SUCCEEDED'
          AND d.finished_at <= $2 AND d.finished_at >= $2::timestamptz - interval '24 hours'
        ORDER BY d.finished_at DESC, d.id DESC LIMIT 1`,
      [input.serviceId, input.openedAt],
    );
    const causedBy = latest?.deployment_run_id ?? null;
    return { causedBy, attribution: causedBy ? 'HEURISTIC' : 'NONE' };
  }

  async resolve(id: string, resolvedAt: Date): Promise<IncidentRow> {
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

  /** Resolves an incident reported by webhook, found by the reporting system's own id. */
  async resolveByKey(externalKey: string, resolvedAt: Date): Promise<IncidentRow> {
    const [known]: Array<{ id: string }> = await this.dataSource.query(
      'SELECT id FROM incidents WHERE external_key = $1',
      [externalKey],
    );
    if (!known) throw notFound('incident', externalKey);
    return this.resolve(known.id, resolvedAt);
  }
}
