import type { DataSource } from 'typeorm';
import { incidentsOpened, type IncidentRow } from '../../db/dora/incidents.sql';
import { run } from '../../db/dora/statement';
import { isUuid } from '../graphql/validate';

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
    return run(this.dataSource, incidentsOpened, {
      serviceId: filter.serviceId ?? null,
      from: filter.from ?? null,
      to: filter.to ?? null,
    });
  }
}
