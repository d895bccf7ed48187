import type { DataSource } from 'typeorm';
import { isUuid } from '../graphql/validate';
import { incidentColumns, type IncidentRow } from './incident-row';

/** Reads incidents, newest first. */
export class IncidentPresenter {
  constructor(private readonly dataSource: DataSource) {}

  /** Of one service (or all), opened in [from, to) when given; at most 1000. */
  async list(filter: {
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
