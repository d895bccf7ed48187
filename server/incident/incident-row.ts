import type { IncidentAttribution } from '../../db/domain';

/** An incident as the service and the presenter read it (the resolver's root). */
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

/** The select list that reads an `IncidentRow` from the incidents table. */
export const incidentColumns = `id, service_id AS "serviceId", title, opened_at AS "openedAt", resolved_at AS "resolvedAt", external,
  caused_by_deployment_run_id AS "causedByDeploymentRunId", attribution`;
