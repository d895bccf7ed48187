import type { DataSource } from 'typeorm';
import { run } from '../../db/dora/statement';
import { freezeWindowList, type FreezeWindowRow } from '../../db/freeze/freeze-windows.sql';
import { isUuid } from '../graphql/validate';

/** Reads freeze windows. */
export class FreezePresenter {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Windows that apply to an environment (its own and those for every PRODUCTION environment; null: all
   * windows) and are active at an instant (null: past, present and future), by start.
   */
  list(environmentId: string | null, activeAt: Date | null): Promise<FreezeWindowRow[]> {
    if (environmentId && !isUuid(environmentId)) return Promise.resolve([]);
    return run(this.dataSource, freezeWindowList, { environmentId, activeAt });
  }
}
