import type { IncidentAttribution } from '../domain';
import { statement } from './statement';

/** An incident as every statement below returns it. */
export interface IncidentRow {
  id: string;
  serviceId: string;
  title: string;
  openedAt: Date;
  resolvedAt: Date | null;
  external: boolean;
  causedByDeploymentRunId: string | null;
  attribution: IncidentAttribution;
}

export const incidentById = statement<{ id: string }, IncidentRow[]>(
  `SELECT id, service_id AS "serviceId", title, opened_at AS "openedAt", resolved_at AS "resolvedAt",
          external, caused_by_deployment_run_id AS "causedByDeploymentRunId", attribution
     FROM incidents WHERE id = $1`,
  (p) => [p.id],
);

/** An incident reported by webhook, by the reporting system's own id. */
export const incidentByExternalKey = statement<{ externalKey: string }, IncidentRow[]>(
  `SELECT id, service_id AS "serviceId", title, opened_at AS "openedAt", resolved_at AS "resolvedAt",
          external, caused_by_deployment_run_id AS "causedByDeploymentRunId", attribution
     FROM incidents WHERE external_key = $1`,
  (p) => [p.externalKey],
);

export const incidentIdByExternalKey = statement<{ externalKey: string }, Array<{ id: string }>>(
  'SELECT id FROM incidents WHERE external_key = $1',
  (p) => [p.externalKey],
);

export interface NewIncident {
  serviceId: string;
  title: string;
  openedAt: Date;
  /** Reported as caused outside the deployments (docs/dora.md, Incident attribution). */
  external: boolean;
  causedByDeploymentRunId: string | null;
  attribution: IncidentAttribution;
  /** The reporting system's own id, for incidents reported by webhook; null otherwise. */
  externalKey: string | null;
}

export const insertIncident = statement<NewIncident, IncidentRow[]>(
  `INSERT INTO incidents (service_id, title, opened_at, external, caused_by_deployment_run_id, attribution,
                          external_key)
   VALUES ($1, $2, $3, $4, $5, $6, $7)
   RETURNING id, service_id AS "serviceId", title, opened_at AS "openedAt", resolved_at AS "resolvedAt",
             external, caused_by_deployment_run_id AS "causedByDeploymentRunId", attribution`,
  (p) => [
    p.serviceId,
    p.title,
    p.openedAt,
    p.external,
    p.causedByDeploymentRunId,
    p.attribution,
    p.externalKey,
  ],
);

export const resolveIncident = statement<{ id: string; resolvedAt: Date }, [IncidentRow[], number]>(
  `UPDATE incidents SET resolved_at = $2 WHERE id = $1
   RETURNING id, service_id AS "serviceId", title, opened_at AS "openedAt", resolved_at AS "resolvedAt",
             external, caused_by_deployment_run_id AS "causedByDeploymentRunId", attribution`,
  (p) => [p.id, p.resolvedAt],
);

export interface IncidentsFilter {
  /** Only this service's incidents; null for every service's. */
  serviceId: string | null;
  /** Only incidents opened at or after this instant; null for no bound. */
  from: Date | null;
  /** Only incidents opened before this instant; null for no bound. */
  to: Date | null;
}

/** The latest 1000 incidents a filter selects, newest first. */
export const incidentsOpened = statement<IncidentsFilter, IncidentRow[]>(
  `SELECT id, service_id AS "serviceId", title, opened_at AS "openedAt", resolved_at AS "resolvedAt",
          external, caused_by_deployment_run_id AS "causedByDeploymentRunId", attribution
     FROM incidents
    WHERE ($1::uuid IS NULL OR service_id = $1) AND ($2::timestamptz IS NULL OR opened_at >= $2)
      AND ($3::timestamptz IS NULL OR opened_at < $3)
    ORDER BY opened_at DESC, id LIMIT 1000`,
  (p) => [p.serviceId, p.from, p.to],
);
