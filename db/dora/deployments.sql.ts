import { statement } from './statement';
import type { BucketedWindow } from './window';

export interface DeploymentsParams extends BucketedWindow {
  /** The services counted; null for all of them. */
  serviceIds: string[] | null;
}

/** Per-bucket arrays aligned with `bucket_starts`, the window's totals, what the frequency level needs. */
export interface DeploymentsRow {
  bucket_starts: Date[];
  deployments: number[];
  failed: number[];
  rework: number[];
  recovered: number[];
  recovery_median: Array<number | null>;
  recovery_p75: Array<number | null>;
  recovery_p90: Array<number | null>;
  total_deployments: number | null;
  total_failed: number | null;
  total_rework: number | null;
  total_recovered: number | null;
  /** The window's recovery percentiles 0.5, 0.75 and 0.9 over the raw values (never merged from buckets). */
  total_recovery: number[] | null;
  complete_weeks: number;
  /** Median of the days with a deployment per complete ISO week in the window. */
  weekly_median: number | null;
  /** Median of the days with a deployment per calendar month the window overlaps (days inside it only). */
  monthly_median: number | null;
}

/**
 * Deployments (table `dora_deployment_facts`, the view `dora_deployments` kept on write) in each bucket:
 * how many, how many failed, were rework or were recovered, and the recovery percentiles; the same for the
 * whole window; and the local dates with a deployment.
 *
 * The buckets (subquery `b`) are every local calendar unit overlapping [from, to): the instant each starts
 * (`bucket_start`) and the instants [start, stop) of its part inside the window. Each bucket then reads its
 * own range of a finish-time index: no sort of the window, no time zone arithmetic per row. With services
 * given, the same ranges come from the (service, finish time) index; with null, from the finish-time one:
 * the planner folds `$5 IS NULL` away, as it sees the value.
 *
 * Deploy days feed the frequency level: their median over the complete ISO weeks in the window, and over
 * the calendar months it overlaps (counting only days inside the window). A week is complete when each of
 * its seven local dates overlaps the window, as buckets overlap it: the window [Mar 4, Mar 18) UTC holds
 * ISO weeks 10 and 11 in Los Angeles too (docs/dora.md, Worked example).
 */
export const deploymentsPerBucket = statement<DeploymentsParams, DeploymentsRow[]>(
  `
  WITH series AS (
    SELECT b.i, b.bucket_start, s.*
      FROM (SELECT i, local_start, start AS bucket_start, greatest(start, $1::timestamptz) AS start,
                   lead(start, 1, $2::timestamptz) OVER (ORDER BY i) AS stop
              FROM (SELECT row_number() OVER (ORDER BY b) AS i, b AS local_start,
                           b AT TIME ZONE $3::text AS start
                      FROM generate_series(date_trunc($4::text, $1::timestamptz AT TIME ZONE $3::text),
                                           ($2::timestamptz AT TIME ZONE $3::text)
                                             - interval '1 microsecond',
                                           ('1 ' || $4::text)::interval) AS b) x) b,
           LATERAL (SELECT count(*)::int AS deployments,
                           count(*) FILTER (WHERE change_failed)::int AS failed,
                           count(*) FILTER (WHERE rework)::int AS rework,
                           count(recovery_seconds)::int AS recovered,
                           percentile_cont(ARRAY[0.5, 0.75, 0.9]) WITHIN GROUP (ORDER BY recovery_seconds)
                             AS recovery
                      FROM dora_deployment_facts f
                     WHERE f.finished_at >= b.start AND f.finished_at < b.stop
                       AND ($5::uuid[] IS NULL OR f.service_id = ANY ($5::uuid[]))) s),
  days AS (
    SELECT d.local_start::date AS day
      FROM (SELECT i, local_start, start AS bucket_start, greatest(start, $1::timestamptz) AS start,
                   lead(start, 1, $2::timestamptz) OVER (ORDER BY i) AS stop
              FROM (SELECT row_number() OVER (ORDER BY b) AS i, b AS local_start,
                           b AT TIME ZONE $3::text AS start
                      FROM generate_series(date_trunc('day', $1::timestamptz AT TIME ZONE $3::text),
                                           ($2::timestamptz AT TIME ZONE $3::text)
                                             - interval '1 microsecond',
                                           interval '1 day') AS b) x) d
     WHERE EXISTS (SELECT 1 FROM dora_deployment_facts f
                    WHERE f.finished_at >= d.start AND f.finished_at < d.stop
                      AND ($5::uuid[] IS NULL OR f.service_id = ANY ($5::uuid[])))),
  weeks AS (
    SELECT w FROM generate_series(date_trunc('week', $1::timestamptz AT TIME ZONE $3::text),
                                  $2::timestamptz AT TIME ZONE $3::text, interval '1 week') AS w
     WHERE ((w + interval '1 day') AT TIME ZONE $3::text) > $1::timestamptz
       AND ((w + interval '6 days') AT TIME ZONE $3::text) < $2::timestamptz),
  months AS (
    SELECT m FROM generate_series(date_trunc('month', $1::timestamptz AT TIME ZONE $3::text),
                                  ($2::timestamptz AT TIME ZONE $3::text) - interval '1 microsecond',
                                  interval '1 month') AS m)
  SELECT (SELECT array_agg(bucket_start ORDER BY i) FROM series) AS bucket_starts,
         (SELECT array_agg(deployments ORDER BY i) FROM series) AS deployments,
         (SELECT array_agg(failed ORDER BY i) FROM series) AS failed,
         (SELECT array_agg(rework ORDER BY i) FROM series) AS rework,
         (SELECT array_agg(recovered ORDER BY i) FROM series) AS recovered,
         (SELECT array_agg(recovery[1] ORDER BY i) FROM series) AS recovery_median,
         (SELECT array_agg(recovery[2] ORDER BY i) FROM series) AS recovery_p75,
         (SELECT array_agg(recovery[3] ORDER BY i) FROM series) AS recovery_p90,
         (SELECT sum(deployments)::int FROM series) AS total_deployments,
         (SELECT sum(failed)::int FROM series) AS total_failed,
         (SELECT sum(rework)::int FROM series) AS total_rework,
         (SELECT sum(recovered)::int FROM series) AS total_recovered,
         (SELECT percentile_cont(ARRAY[0.5, 0.75, 0.9]) WITHIN GROUP (ORDER BY recovery_seconds)
            FROM dora_deployment_facts f
           WHERE f.finished_at >= $1::timestamptz AND f.finished_at < $2::timestamptz
             AND ($5::uuid[] IS NULL OR f.service_id = ANY ($5::uuid[]))
             AND f.recovery_seconds IS NOT NULL) AS total_recovery,
         (SELECT count(*)::int FROM weeks) AS complete_weeks,
         (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY n) FROM (
            SELECT (SELECT count(*) FROM days
                     WHERE day >= w::date AND day < (w + interval '1 week')::date) AS n
              FROM weeks) x) AS weekly_median,
         (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY n) FROM (
            SELECT (SELECT count(*) FROM days
                     WHERE day >= m::date AND day < (m + interval '1 month')::date) AS n
              FROM months) x) AS monthly_median`,
  (p) => [p.from, p.to, p.timeZone, p.unit, p.serviceIds],
);
