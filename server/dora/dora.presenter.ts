import type { DataSource } from 'typeorm';
import { badInput } from '../errors';
import { interpolate, planPercentiles, type BinCount, type RankAt } from './rank-select';
import { isUuid } from '../graphql/validate';
import {
  changeFailureLevel,
  doraBenchmark,
  frequencyLevel,
  leadTimeLevel,
  timeToRestoreLevel,
  type DoraLevel,
} from './dora-levels';

export type Interval = 'DAY' | 'WEEK' | 'MONTH';

export interface DoraFilterInput {
  from: Date;
  to: Date;
  interval?: Interval | null;
  serviceIds?: string[] | null;
  team?: string | null;
  timeZone?: string | null;
}

export interface DoraPointView {
  bucketStart: Date;
  value: number | null;
  sampleSize: number;
  p75: number | null;
  p90: number | null;
}

export interface DoraMetricView {
  value: number | null;
  unit: string;
  p75: number | null;
  p90: number | null;
  level: DoraLevel | null;
  sampleSize: number;
  series: DoraPointView[];
}

export interface DoraMetricsView {
  from: Date;
  to: Date;
  interval: Interval;
  timeZone: string;
  benchmark: string;
  deploymentFrequency: DoraMetricView;
  leadTimeForChanges: DoraMetricView;
  changeFailureRate: DoraMetricView;
  timeToRestore: DoraMetricView;
  deploymentReworkRate: DoraMetricView;
}

const units: Record<Interval, string> = { DAY: 'day', WEEK: 'week', MONTH: 'month' };
const maxWindowDays = 3 * 366;

/**
 * Every bucket overlapping [from, to): its local start, the instant it starts (`bucket_start`) and the
 * instants [start, stop) of its part inside the window:
 * local calendar units, so daylight-saving days are 23 or 25 hours. Each bucket then reads its own range
 * of a fact table's finish-time index: no sort of the window, no time zone arithmetic per row.
 * Parameters: $1 from, $2 to, $3 time zone, and the unit.
 */
const rangesOf = (unit: string) => `
  SELECT i, local_start, start AS bucket_start, greatest(start, $1::timestamptz) AS start,
         lead(start, 1, $2::timestamptz) OVER (ORDER BY i) AS stop
    FROM (SELECT row_number() OVER (ORDER BY b) AS i, b AS local_start, b AT TIME ZONE $3::text AS start
            FROM generate_series(date_trunc(${unit}, $1::timestamptz AT TIME ZONE $3::text),
                                 ($2::timestamptz AT TIME ZONE $3::text) - interval '1 microsecond',
                                 ('1 ' || ${unit})::interval) AS b) x`;

/** A fact table's rows finished in [start, stop), for the services in parameter `scope` (none: all). */
const factsIn = (table: string, start: string, stop: string, scope: string | null) => `
  FROM ${table} f
 WHERE f.finished_at >= ${start} AND f.finished_at < ${stop}
   ${scope ? `AND f.service_id = ANY (${scope}::uuid[])` : ''}`;

/**
 * Deployments (table `dora_deployment_facts`, the view `dora_deployments` kept on write): counts and the
 * recovery median per bucket, the window's recovery percentiles over the raw values (never merged from
 * buckets), and the local dates with a deployment. Parameters: $1 from, $2 to, $3 time zone, $4 bucket
 * unit, $5 service ids.
 *
 * Deploy days feed the frequency level: their median over the complete ISO weeks in the window, and over
 * the calendar months it overlaps (counting only days inside the window). A week is complete when each of
 * its seven local dates overlaps the window, as buckets overlap it: the window [Mar 4, Mar 18) UTC holds
 * ISO weeks 10 and 11 in Los Angeles too (DORA.md's worked example).
 */
const deploymentsSql = (scope: string | null) => `
  WITH series AS (
    SELECT b.i, b.bucket_start, s.*
      FROM (${rangesOf('$4::text')}) b,
           LATERAL (SELECT count(*)::int AS deployments, count(*) FILTER (WHERE change_failed)::int AS failed,
                           count(*) FILTER (WHERE rework)::int AS rework, count(recovery_seconds)::int AS recovered,
                           percentile_cont(ARRAY[0.5, 0.75, 0.9]) WITHIN GROUP (ORDER BY recovery_seconds) AS recovery
                      ${factsIn('dora_deployment_facts', 'b.start', 'b.stop', scope)}) s),
  days AS (
    SELECT d.local_start::date AS day
      FROM (${rangesOf("'day'")}) d
     WHERE EXISTS (SELECT 1 ${factsIn('dora_deployment_facts', 'd.start', 'd.stop', scope)})),
  weeks AS (
    SELECT w FROM generate_series(date_trunc('week', $1::timestamptz AT TIME ZONE $3::text),
                                  $2::timestamptz AT TIME ZONE $3::text, interval '1 week') AS w
     WHERE ((w + interval '1 day') AT TIME ZONE $3::text) > $1::timestamptz
       AND ((w + interval '6 days') AT TIME ZONE $3::text) < $2::timestamptz),
  months AS (
    SELECT m FROM generate_series(date_trunc('month', $1::timestamptz AT TIME ZONE $3::text),
                                  ($2::timestamptz AT TIME ZONE $3::text) - interval '1 microsecond', interval '1 month') AS m)
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
            ${factsIn('dora_deployment_facts', '$1::timestamptz', '$2::timestamptz', scope)}
              AND f.recovery_seconds IS NOT NULL) AS total_recovery,
         (SELECT count(*)::int FROM weeks) AS complete_weeks,
         (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY n) FROM (
            SELECT (SELECT count(*) FROM days WHERE day >= w::date AND day < (w + interval '1 week')::date) AS n
              FROM weeks) x) AS weekly_median,
         (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY n) FROM (
            SELECT (SELECT count(*) FROM days WHERE day >= m::date AND day < (m + interval '1 month')::date) AS n
              FROM months) x) AS monthly_median`;

/**
 * Credited commits of some services (table `dora_commit_facts`): count and lead time percentiles per
 * bucket, sorting the bucket's values. Parameters as `deploymentsSql`, $5 the services.
 */
const leadSeriesSql = `
  SELECT array_agg(s.commits ORDER BY b.i) AS commits, array_agg(s.lead[1] ORDER BY b.i) AS lead_median,
         array_agg(s.lead[2] ORDER BY b.i) AS lead_p75, array_agg(s.lead[3] ORDER BY b.i) AS lead_p90
    FROM (${rangesOf('$4::text')}) b,
         LATERAL (SELECT count(*)::int AS commits,
                         percentile_cont(ARRAY[0.5, 0.75, 0.9]) WITHIN GROUP (ORDER BY lead_seconds) AS lead
                    ${factsIn('dora_commit_facts', 'b.start', 'b.stop', '$5')} AND f.lead_seconds >= 0) s`;

/** Credited commits of some services: the window's lead time percentiles. $1 from, $2 to, $3 services. */
const leadTotalSql = `
  SELECT count(*)::int AS total_commits,
         percentile_cont(ARRAY[0.5, 0.75, 0.9]) WITHIN GROUP (ORDER BY lead_seconds) AS total_lead
    ${factsIn('dora_commit_facts', '$1::timestamptz', '$2::timestamptz', '$3')} AND f.lead_seconds >= 0`;

/**
 * Lead time across every service, from the bin counts (migration DoraLeadHistogram): per bucket, how many
 * credited commits fall in each bin. A bucket's whole UTC days come from `dora_lead_days`, the whole hours
 * at its edges from `dora_lead_hours`, the parts of hours left (a window not on the hour, a zone offset by
 * 30 or 45 minutes) from the facts. Parameters: $1 from, $2 to, $3 time zone, $4 bucket unit.
 */
const leadBinsSql = `
  WITH hours AS (
    SELECT i, start, stop,
           CASE WHEN date_trunc('hour', start, 'UTC') = start THEN start
                ELSE date_trunc('hour', start, 'UTC') + interval '1 hour' END AS hs,
           date_trunc('hour', stop, 'UTC') AS he
      FROM (${rangesOf('$4::text')}) b),
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
    SELECT h.i, x.bin, x.n FROM h JOIN dora_lead_hours x ON x.hour >= greatest(h.de, h.ds, h.hs) AND x.hour < h.he
    UNION ALL
    SELECT h.i, dora_lead_bin(f.lead_seconds), 1 FROM h JOIN dora_commit_facts f
        ON f.finished_at >= h.start AND f.finished_at < least(h.hs, h.stop) AND f.lead_seconds >= 0
    UNION ALL
    SELECT h.i, dora_lead_bin(f.lead_seconds), 1 FROM h JOIN dora_commit_facts f
        ON f.finished_at >= greatest(h.he, h.hs) AND f.finished_at < h.stop AND f.lead_seconds >= 0)
  SELECT h.i::int AS i, h.start, h.stop, c.bin, c.n
    FROM h LEFT JOIN (SELECT i, bin, sum(n)::int AS n FROM counted GROUP BY i, bin HAVING sum(n) > 0) c ON c.i = h.i
   ORDER BY h.i, c.bin`;

/** The values at given offsets of one bin's sorted values within a range ($1: a JSON array of requests). */
const leadValuesSql = `
  SELECT q.k, ARRAY(SELECT f.lead_seconds FROM dora_commit_facts f
                     WHERE dora_lead_bin(f.lead_seconds) = q.bin AND f.lead_seconds >= 0
                       AND f.finished_at >= q.start AND f.finished_at < q.stop
                     ORDER BY f.lead_seconds OFFSET q.off LIMIT q.count) AS v
    FROM jsonb_to_recordset($1::jsonb) AS q(k int, bin int, start timestamptz, stop timestamptz, off int, count int)`;

interface Headline {
  deployments: number;
  failed: number;
  rework: number;
  commits: number;
  lead: number[] | null;
  recovered: number;
  recovery: number[] | null;
}

/** One row of `deploymentsSql`: per-bucket arrays aligned with `bucket_starts`, totals, deploy days. */
interface DeploymentsRow {
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
  total_recovery: number[] | null;
  complete_weeks: number;
  weekly_median: number | null;
  monthly_median: number | null;
}

interface LeadSeriesRow {
  commits: number[];
  lead_median: Array<number | null>;
  lead_p75: Array<number | null>;
  lead_p90: Array<number | null>;
}

interface LeadTotalRow {
  total_commits: number;
  total_lead: number[] | null;
}

interface SeriesRow {
  bucket_start: Date;
  deployments: number;
  failed: number;
  rework: number;
  commits: number;
  lead: [number | null, number | null, number | null];
  recovered: number;
  recovery: [number | null, number | null, number | null];
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);

/**
 * Reads the five DORA metrics (../shared/DORA.md) for a window, computed in PostgreSQL from the facts kept
 * on write (migration DoraFacts): exact percentiles over the window's raw values.
 */
export class DoraPresenter {
  constructor(private readonly dataSource: DataSource) {}

  async metrics(filter: DoraFilterInput): Promise<DoraMetricsView> {
    const interval = filter.interval ?? 'WEEK';
    const timeZone = filter.timeZone ?? 'UTC';
    if (Number.isNaN(filter.from.getTime())) throw badInput('filter.from', 'must be a date-time');
    if (Number.isNaN(filter.to.getTime())) throw badInput('filter.to', 'must be a date-time');
    if (filter.to <= filter.from) throw badInput('filter.to', 'must be after filter.from');
    const days = (filter.to.getTime() - filter.from.getTime()) / 86_400_000;
    if (days > maxWindowDays) throw badInput('filter.to', `the window must be at most ${maxWindowDays} days`);
    if (!units[interval]) throw badInput('filter.interval', 'must be DAY, WEEK or MONTH');
    if (!isTimeZone(timeZone))
      throw badInput('filter.timeZone', 'must be an IANA time zone such as Europe/Paris');
    const serviceIds = filter.serviceIds ?? null;
    if (serviceIds?.some((id) => !isUuid(id))) throw badInput('filter.serviceIds', 'must be service ids');
    const scope = await this.scope(serviceIds, filter.team ?? null);
    const window = [filter.from, filter.to];
    const bucketed = [...window, timeZone, units[interval]];
    // Deployments and lead time on connections of their own at once; each reads only its index ranges.
    const [[deployments], leads] = (await Promise.all([
      scope === null
        ? this.read(deploymentsSql(null), bucketed)
        : this.read(deploymentsSql('$5'), [...bucketed, scope]),
      // Every service: exact percentiles by rank selection over the bin counts. Some services: sorting
      // their values is cheap enough.
      scope === null
        ? this.leadFromBins(filter.from, filter.to, bucketed)
        : Promise.all([
            this.read(leadSeriesSql, [...bucketed, scope]),
            this.read(leadTotalSql, [...window, scope]),
          ]).then(([[series], [total]]) => ({ ...(series as LeadSeriesRow), ...(total as LeadTotalRow) })),
    ])) as [DeploymentsRow[], LeadSeriesRow & LeadTotalRow];
    const d = deployments!;
    const c = leads;
    const h: Headline = {
      deployments: d.total_deployments ?? 0,
      failed: d.total_failed ?? 0,
      rework: d.total_rework ?? 0,
      recovered: d.total_recovered ?? 0,
      recovery: d.total_recovery,
      commits: c.total_commits ?? 0,
      lead: c.total_lead,
    };
    const deployDays = d;
    const series: SeriesRow[] = d.bucket_starts.map((bucketStart, i) => ({
      bucket_start: bucketStart,
      deployments: d.deployments[i]!,
      failed: d.failed[i]!,
      rework: d.rework[i]!,
      recovered: d.recovered[i]!,
      recovery: [d.recovery_median[i] ?? null, d.recovery_p75[i] ?? null, d.recovery_p90[i] ?? null],
      commits: c.commits[i]!,
      lead: [c.lead_median[i] ?? null, c.lead_p75[i] ?? null, c.lead_p90[i] ?? null],
    }));
    const points = (value: (row: SeriesRow) => number | null, sample: (row: SeriesRow) => number) =>
      series.map((row) => ({
        bucketStart: row.bucket_start,
        value: value(row),
        sampleSize: sample(row),
        p75: null,
        p90: null,
      }));
    const durations = (
      percentiles: (row: SeriesRow) => SeriesRow['lead'],
      sample: (row: SeriesRow) => number,
    ) =>
      series.map((row) => {
        const [value, p75, p90] = percentiles(row);
        return { bucketStart: row.bucket_start, value, sampleSize: sample(row), p75, p90 };
      });
    const leadMedian = h.lead?.[0] ?? null;
    const recoveryMedian = h.recovery?.[0] ?? null;
    const failureRate = ratio(h.failed, h.deployments);
    return {
      from: filter.from,
      to: filter.to,
      interval,
      timeZone,
      benchmark: doraBenchmark,
      deploymentFrequency: {
        value: h.deployments / days,
        unit: 'per_day',
        p75: null,
        p90: null,
        level: frequencyLevel(
          deployDays.complete_weeks > 0 ? deployDays.weekly_median : null,
          deployDays.monthly_median,
          h.deployments,
        ),
        sampleSize: h.deployments,
        series: points(
          (r) => r.deployments,
          (r) => r.deployments,
        ),
      },
      leadTimeForChanges: {
        value: leadMedian,
        unit: 'seconds',
        p75: h.lead?.[1] ?? null,
        p90: h.lead?.[2] ?? null,
        level: leadTimeLevel(leadMedian, h.commits),
        sampleSize: h.commits,
        series: durations(
          (r) => r.lead,
          (r) => r.commits,
        ),
      },
      changeFailureRate: {
        value: failureRate,
        unit: 'ratio',
        p75: null,
        p90: null,
        level: changeFailureLevel(failureRate, h.deployments),
        sampleSize: h.deployments,
        series: points(
          (r) => ratio(r.failed, r.deployments),
          (r) => r.deployments,
        ),
      },
      timeToRestore: {
        value: recoveryMedian,
        unit: 'seconds',
        p75: h.recovery?.[1] ?? null,
        p90: h.recovery?.[2] ?? null,
        level: timeToRestoreLevel(recoveryMedian, h.recovered),
        sampleSize: h.recovered,
        series: durations(
          (r) => r.recovery,
          (r) => r.recovered,
        ),
      },
      deploymentReworkRate: {
        value: ratio(h.rework, h.deployments),
        unit: 'ratio',
        p75: null,
        p90: null,
        level: null, // DORA publishes no clusters for rework yet
        sampleSize: h.deployments,
        series: points(
          (r) => ratio(r.rework, r.deployments),
          (r) => r.deployments,
        ),
      },
    };
  }

  /**
   * One read with room to sort a window's values in memory. The statements are planned cheaply and run in
   * milliseconds; just-in-time compilation would cost more than it saves.
   */
  private read(sql: string, params: unknown[]): Promise<unknown[]> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL work_mem = '64MB'; SET LOCAL jit = off`);
      return manager.query(sql, params);
    });
  }

  /**
   * Lead time per bucket and for the window across every service: which bin holds each wanted rank comes
   * from the counts (one statement), then only those bins' values are read and sorted (a second one).
   */
  private async leadFromBins(
    from: Date,
    to: Date,
    bucketed: unknown[],
  ): Promise<LeadSeriesRow & LeadTotalRow> {
    const rows = (await this.read(leadBinsSql, bucketed)) as Array<{
      i: number;
      start: Date;
      stop: Date;
      bin: number | null;
      n: number | null;
    }>;
    const buckets: Array<{ start: Date; stop: Date; bins: BinCount[] }> = [];
    const totals = new Map<number, number>();
    for (const row of rows) {
      if (buckets.length < row.i) buckets.push({ start: row.start, stop: row.stop, bins: [] });
      if (row.bin === null || row.n === null) continue;
      buckets[row.i - 1]!.bins.push({ bin: row.bin, n: row.n });
      totals.set(row.bin, (totals.get(row.bin) ?? 0) + row.n);
    }
    const totalBins = [...totals.entries()].sort(([a], [b]) => a - b).map(([bin, n]) => ({ bin, n }));
    const ranges = [...buckets, { start: from, stop: to, bins: totalBins }];
    const plans = ranges.map((range) => planPercentiles(range.bins, [0.5, 0.75, 0.9]));

    // One request per run of consecutive ranks in a bin: lo and hi usually sit side by side.
    const requests: Array<{
      k: number;
      bin: number;
      start: string;
      stop: string;
      off: number;
      count: number;
    }> = [];
    const ask = (range: (typeof ranges)[number], at: RankAt, count: number) => {
      requests.push({
        k: requests.length,
        bin: at.bin,
        start: range.start.toISOString(),
        stop: range.stop.toISOString(),
        off: at.offset,
        count,
      });
      return requests.length - 1;
    };
    const wanted = plans.map((plan, r) =>
      (plan ?? []).map(({ lo, hi, weight }) =>
        lo.bin === hi.bin
          ? { lo: ask(ranges[r]!, lo, hi.offset - lo.offset + 1), hi: -1, weight }
          : { lo: ask(ranges[r]!, lo, 1), hi: ask(ranges[r]!, hi, 1), weight },
      ),
    );
    const values = new Map<number, number[]>();
    if (requests.length > 0) {
      const answered = (await this.read(leadValuesSql, [JSON.stringify(requests)])) as Array<{
        k: number;
        v: number[];
      }>;
      for (const { k, v } of answered) values.set(k, v);
    }
    const percentiles = wanted.map((asked) =>
      asked.map(({ lo, hi, weight }) => {
        const low = values.get(lo)!;
        return interpolate(low[0]!, hi < 0 ? low.at(-1)! : values.get(hi)![0]!, weight);
      }),
    );
    const count = (bins: BinCount[]) => bins.reduce((sum, { n }) => sum + n, 0);
    return {
      commits: buckets.map((b) => count(b.bins)),
      lead_median: percentiles.slice(0, -1).map((p) => p[0] ?? null),
      lead_p75: percentiles.slice(0, -1).map((p) => p[1] ?? null),
      lead_p90: percentiles.slice(0, -1).map((p) => p[2] ?? null),
      total_commits: count(totalBins),
      total_lead: percentiles.at(-1)!.length > 0 ? percentiles.at(-1)! : null,
    };
  }

  /** The services a filter narrows to: null for all of them (no filter at all is the fastest read). */
  private async scope(serviceIds: string[] | null, team: string | null): Promise<string[] | null> {
    if (team === null) return serviceIds;
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM services WHERE team = $1 AND ($2::uuid[] IS NULL OR id = ANY ($2::uuid[]))`,
      [team, serviceIds],
    );
    return rows.map((row) => row.id);
  }
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return name.length <= 64;
  } catch {
    return false;
  }
}
