import { statement } from './statement';
import type { BucketedWindow, MetricsWindow } from './window';

/**
 * Lead time for changes of some services, from their credited commits (table `dora_commit_facts`, the view
 * `dora_commits` kept on write), sorting their values: cheap enough for a few services. Across every
 * service, lead-time-bins.sql.ts reads far fewer values. Commits committed after their deployment finished
 * (a negative lead) are not counted.
 */

export interface ServicesLeadTimeParams {
  /** The services counted (not null: every service is lead-time-bins.sql.ts' read). */
  serviceIds: string[];
}

/** Per-bucket arrays, aligned with the buckets of `deploymentsPerBucket` for the same window. */
export interface LeadTimeSeriesRow {
  commits: number[];
  lead_median: Array<number | null>;
  lead_p75: Array<number | null>;
  lead_p90: Array<number | null>;
}

export interface LeadTimeTotalRow {
  total_commits: number;
  /** The window's percentiles 0.5, 0.75 and 0.9 of the lead time in seconds; null without commits. */
  total_lead: number[] | null;
}

/** Count and lead time percentiles per bucket (the buckets of deployments.sql.ts), from each one's values. */
export const leadTimePerBucketOfServices = statement<
  BucketedWindow & ServicesLeadTimeParams,
  LeadTimeSeriesRow[]
>(
  `
  SELECT array_agg(s.commits ORDER BY b.i) AS commits, array_agg(s.lead[1] ORDER BY b.i) AS lead_median,
         array_agg(s.lead[2] ORDER BY b.i) AS lead_p75, array_agg(s.lead[3] ORDER BY b.i) AS lead_p90
    FROM (SELECT i, local_start, start AS bucket_start, greatest(start, $1::timestamptz) AS start,
                 lead(start, 1, $2::timestamptz) OVER (ORDER BY i) AS stop
            FROM (SELECT row_number() OVER (ORDER BY b) AS i, b AS local_start,
                         b AT TIME ZONE $3::text AS start
                    FROM generate_series(date_trunc($4::text, $1::timestamptz AT TIME ZONE $3::text),
                                         ($2::timestamptz AT TIME ZONE $3::text)
                                           - interval '1 microsecond',
                                         ('1 ' || $4::text)::interval) AS b) x) b,
         LATERAL (SELECT count(*)::int AS commits,
                         percentile_cont(ARRAY[0.5, 0.75, 0.9]) WITHIN GROUP (ORDER BY lead_seconds) AS lead
                    FROM dora_commit_facts f
                   WHERE f.finished_at >= b.start AND f.finished_at < b.stop
                     AND f.service_id = ANY ($5::uuid[]) AND f.lead_seconds >= 0) s`,
  (p) => [p.from, p.to, p.timeZone, p.unit, p.serviceIds],
);

/** Count and lead time percentiles over the whole window. */
export const leadTimeOfServices = statement<MetricsWindow & ServicesLeadTimeParams, LeadTimeTotalRow[]>(
  `
  SELECT count(*)::int AS total_commits,
         percentile_cont(ARRAY[0.5, 0.75, 0.9]) WITHIN GROUP (ORDER BY lead_seconds) AS total_lead
    FROM dora_commit_facts f
   WHERE f.finished_at >= $1::timestamptz AND f.finished_at < $2::timestamptz
     AND f.service_id = ANY ($3::uuid[]) AND f.lead_seconds >= 0`,
  (p) => [p.from, p.to, p.serviceIds],
);
