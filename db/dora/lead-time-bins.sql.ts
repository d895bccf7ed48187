import { statement } from './statement';
import type { BucketedWindow } from './window';

/**
 * Lead time across every service, found exactly in two reads (migration DoraLeadHistogram): the bin counts
 * say which lead-time bin holds each wanted rank, then only those bins' values are read and sorted.
 */

/** One bucket's count of credited commits in one bin; a bucket without commits comes once, bin and n null. */
export interface LeadBinCountRow {
  /** The bucket's position, from 1, in the order of `deploymentsPerBucket`'s buckets. */
  i: number;
  /** The bucket's part inside the window, [start, stop). */
  start: Date;
  stop: Date;
  bin: number | null;
  n: number | null;
}

/**
 * Per bucket (the buckets of deployments.sql.ts), how many credited commits fall in each bin. A bucket's
 * whole UTC days come from `dora_lead_days`, the whole hours at its edges from `dora_lead_hours`, the parts
 * of hours left (a window not on the hour, a zone offset by 30 or 45 minutes) from the facts. Rows in
 * bucket, then bin order.
 */
export const leadBinCountsPerBucket = statement<BucketedWindow, LeadBinCountRow[]>(
  `
  WITH hours AS (
    SELECT i, start, stop,
           CASE WHEN date_trunc('hour', start, 'UTC') = start THEN start
                ELSE date_trunc('hour', start, 'UTC') + interval '1 hour' END AS hs,
           date_trunc('hour', stop, 'UTC') AS he
      FROM (SELECT i, local_start, start AS bucket_start, greatest(start, $1::timestamptz) AS start,
                   lead(start, 1, $2::timestamptz) OVER (ORDER BY i) AS stop
              FROM (SELECT row_number() OVER (ORDER BY b) AS i, b AS local_start,
                           b AT TIME ZONE $3::text AS start
                      FROM generate_series(date_trunc($4::text, $1::timestamptz AT TIME ZONE $3::text),
                                           ($2::timestamptz AT TIME ZONE $3::text)
                                             - interval '1 microsecond',
                                           ('1 ' || $4::text)::interval) AS b) x) b),
  h AS (
    SELECT *, CASE WHEN date_trunc('day', hs, 'UTC') = hs THEN hs
                   ELSE date_trunc('day', hs, 'UTC') + interval '1 day' END AS ds,
              date_trunc('day', he, 'UTC') AS de
      FROM hours),
  counted AS (
    SELECT h.i, x.bin, x.n FROM h JOIN dora_lead_days x ON x.day >= h.ds AND x.day < h.de
    UNION ALL
    SELECT h.i, x.bin, x.n FROM h JOIN dora_lead_hours x ON x.hour >= h.hs AND x.hour < least(h.ds, h.he)
    UNION ALL
    SELECT h.i, x.bin, x.n FROM h JOIN dora_lead_hours x
        ON x.hour >= greatest(h.de, h.ds, h.hs) AND x.hour < h.he
    UNION ALL
    SELECT h.i, dora_lead_bin(f.lead_seconds), 1 FROM h JOIN dora_commit_facts f
        ON f.finished_at >= h.start AND f.finished_at < least(h.hs, h.stop) AND f.lead_seconds >= 0
    UNION ALL
    SELECT h.i, dora_lead_bin(f.lead_seconds), 1 FROM h JOIN dora_commit_facts f
        ON f.finished_at >= greatest(h.he, h.hs) AND f.finished_at < h.stop AND f.lead_seconds >= 0)
  SELECT h.i::int AS i, h.start, h.stop, c.bin, c.n
    FROM h LEFT JOIN (SELECT i, bin, sum(n)::int AS n FROM counted GROUP BY i, bin HAVING sum(n) > 0) c
      ON c.i = h.i
   ORDER BY h.i, c.bin`,
  (p) => [p.from, p.to, p.timeZone, p.unit],
);

/** Some of one bin's values within a range, in order: those at ranks offset … offset + count - 1. */
export interface LeadValuesRequest {
  /** The request's own key, given back with its values. */
  k: number;
  bin: number;
  /** The range of finish times, [start, stop), as ISO instants. */
  start: string;
  stop: string;
  /** Values skipped, counted from the bin's smallest value within the range. */
  off: number;
  count: number;
}

export interface LeadValuesRow {
  k: number;
  /** The lead times in seconds, ascending. */
  v: number[];
}

/** The values each request asks for, through the index on (bin, finish time): one statement for them all. */
export const leadValuesAtRanks = statement<{ requests: LeadValuesRequest[] }, LeadValuesRow[]>(
  `
  SELECT q.k, ARRAY(SELECT f.lead_seconds FROM dora_commit_facts f
                     WHERE dora_lead_bin(f.lead_seconds) = q.bin AND f.lead_seconds >= 0
                       AND f.finished_at >= q.start AND f.finished_at < q.stop
                     ORDER BY f.lead_seconds OFFSET q.off LIMIT q.count) AS v
    FROM jsonb_to_recordset($1::jsonb)
         AS q(k int, bin int, start timestamptz, stop timestamptz, off int, count int)`,
  (p) => [JSON.stringify(p.requests)],
);
