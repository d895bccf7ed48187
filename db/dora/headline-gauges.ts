import type { DataSource } from 'typeorm';

/** The last 30 days of DORA facts, all services together: what the metrics gauges show. */
export interface DoraHeadline {
  deployments: number;
  changeFailureRatio: number | null;
  leadTimeMedianSeconds: number | null;
  restoreMedianSeconds: number | null;
}

/**
 * Read from the fact tables (db/README.md, DORA) over a rolling 30-day window: production deployments,
 * the share of them that failed (change_failed), and the medians of lead time and time to restore. A
 * single figure for a wallboard; the dashboard's DORA page is the reference (levels, per service, time zone).
 */
export async function doraHeadline(dataSource: DataSource): Promise<DoraHeadline> {
  const [row] = await dataSource.query<
    Array<{ deployments: string; cfr: number | null; lead: number | null; restore: number | null }>
  >(
    `SELECT count(*) AS deployments,
            avg(change_failed::int)::float8 AS cfr,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY lead_time_seconds) AS lead,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY recovery_seconds) AS restore
       FROM dora_deployment_facts
      WHERE finished_at >= now() - interval '30 days'`,
  );
  return {
    deployments: Number(row?.deployments ?? 0),
    changeFailureRatio: row?.cfr ?? null,
    leadTimeMedianSeconds: row?.lead ?? null,
    restoreMedianSeconds: row?.restore ?? null,
  };
}
