import { Gauge, type Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { activeRunStatuses } from '../../db/domain';
import { doraHeadline, type DoraHeadline } from '../../db/dora/headline-gauges';

/**
 * Gauges read from the database at each scrape, so every worker reports the same truth (aggregate them
 * with max(), not sum()): active runs by status, and the DORA headline numbers of the last 30 days.
 */
export function registerDatabaseGauges(registry: Registry, dataSource: DataSource): void {
  const registers = [registry];
  new Gauge({
    name: 'lockstep_runs_active',
    help: 'Pipeline runs not finished yet, by status (read from the database at each scrape)',
    labelNames: ['status'] as const,
    registers,
    async collect() {
      const rows = await dataSource.query<Array<{ status: string; count: string }>>(
        `SELECT status, count(*) AS count FROM pipeline_runs WHERE status = ANY ($1) GROUP BY status`,
        [[...activeRunStatuses]],
      );
      for (const status of activeRunStatuses)
        this.set({ status }, Number(rows.find((row) => row.status === status)?.count ?? 0));
    },
  });

  // The four DORA gauges share one read per scrape: the first collected starts it, the others await it.
  let latest: Promise<DoraHeadline> | undefined;
  const headline = () =>
    (latest ??= doraHeadline(dataSource).finally(() => setTimeout(() => (latest = undefined), 1000).unref()));
  const dora = (name: string, help: string, pick: (h: DoraHeadline) => number | null) =>
    new Gauge({
      name,
      help: `${help} (DORA facts of the last 30 days, all services; read at each scrape)`,
      registers,
      async collect() {
        this.set(pick(await headline()) ?? NaN); // NaN: nothing to measure yet (no deployment, no failure)
      },
    });
  dora('lockstep_dora_deployments_30d', 'Production deployments', (h) => h.deployments);
  dora(
    'lockstep_dora_change_failure_ratio_30d',
    'Share of those deployments that failed (0-1)',
    (h) => h.changeFailureRatio,
  );
  dora(
    'lockstep_dora_lead_time_median_seconds_30d',
    'Median lead time for changes, in seconds',
    (h) => h.leadTimeMedianSeconds,
  );
  dora(
    'lockstep_dora_time_to_restore_median_seconds_30d',
    'Median time to restore, in seconds',
    (h) => h.restoreMedianSeconds,
  );
}
