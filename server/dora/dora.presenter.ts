import type { DataSource } from 'typeorm';
import { badInput } from '../errors';
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
 * The window's deployments and credited commits (views `dora_deployments`, `dora_commits`), narrowed to
 * the chosen services or team. Parameters: $1 from, $2 to, $3 time zone, $4 bucket unit, $5 service ids
 * (null: all), $6 team (null: any).
 */
const windowFacts = `
  services_in AS (
    SELECT id FROM services WHERE ($5::uuid[] IS NULL OR id = ANY ($5::uuid[])) AND ($6::text IS NULL OR team = $6::text)),
  deps AS (
    SELECT d.finished_at, d.change_failed, d.rework,
           date_trunc($4::text, d.finished_at AT TIME ZONE $3::text) AS local_bucket,
           EXTRACT(EPOCH FROM d.restored_at - d.finished_at)::double precision AS recovery_seconds
      FROM dora_deployments d JOIN services_in s ON s.id = d.service_id
     WHERE d.finished_at >= $1::timestamptz AND d.finished_at < $2::timestamptz),
  commits AS (
    SELECT c.lead_seconds, date_trunc($4::text, c.finished_at AT TIME ZONE $3::text) AS local_bucket
      FROM dora_commits c JOIN services_in s ON s.id = c.service_id
     WHERE c.finished_at >= $1::timestamptz AND c.finished_at < $2::timestamptz AND c.lead_seconds >= 0),
  recovered AS (SELECT * FROM deps WHERE change_failed AND recovery_seconds IS NOT NULL)`;

/** Every bucket overlapping [from, to): local calendar units, so daylight-saving days are 23 or 25 hours. */
const bucketsOf = (unit: string) => `
  SELECT b AS local_start, (b AT TIME ZONE $3::text) AS bucket_start
    FROM generate_series(date_trunc(${unit}, $1::timestamptz AT TIME ZONE $3::text),
                         ($2::timestamptz AT TIME ZONE $3::text) - interval '1 microsecond',
                         ('1 ' || ${unit})::interval) AS b`;

const headlineSql = `WITH ${windowFacts}
  SELECT (SELECT count(*)::int FROM deps) AS deployments,
         (SELECT count(*)::int FROM deps WHERE change_failed) AS failed,
         (SELECT count(*)::int FROM deps WHERE rework) AS rework,
         (SELECT count(*)::int FROM commits) AS commits,
         (SELECT percentile_cont(ARRAY[0.5, 0.75, 0.9]) WITHIN GROUP (ORDER BY lead_seconds) FROM commits) AS lead,
         (SELECT count(*)::int FROM recovered) AS recovered,
         (SELECT percentile_cont(ARRAY[0.5, 0.75, 0.9]) WITHIN GROUP (ORDER BY recovery_seconds) FROM recovered) AS recovery`;

const seriesSql = `WITH ${windowFacts}, buckets AS (${bucketsOf('$4::text')})
  SELECT b.bucket_start,
         (SELECT count(*)::int FROM deps d WHERE d.local_bucket = b.local_start) AS deployments,
         (SELECT count(*)::int FROM deps d WHERE d.local_bucket = b.local_start AND d.change_failed) AS failed,
         (SELECT count(*)::int FROM deps d WHERE d.local_bucket = b.local_start AND d.rework) AS rework,
         (SELECT count(*)::int FROM commits c WHERE c.local_bucket = b.local_start) AS commits,
         (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY c.lead_seconds) FROM commits c
           WHERE c.local_bucket = b.local_start) AS lead_median,
         (SELECT count(*)::int FROM recovered r WHERE r.local_bucket = b.local_start) AS recovered,
         (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY r.recovery_seconds) FROM recovered r
           WHERE r.local_bucket = b.local_start) AS recovery_median
    FROM buckets b ORDER BY b.local_start`;

/**
 * Deploy days (local dates with a deployment): their median over the complete ISO weeks in the window,
 * and over the calendar months it overlaps (counting only days inside the window). A week is complete when
 * each of its seven local dates overlaps the window, as buckets overlap it: the window [Mar 4, Mar 18) UTC
 * holds ISO weeks 10 and 11 in Los Angeles too (DORA.md's worked example).
 */
const deployDaysSql = `WITH ${windowFacts},
  days AS (SELECT DISTINCT (finished_at AT TIME ZONE $3::text)::date AS day FROM deps),
  weeks AS (
    SELECT w FROM generate_series(date_trunc('week', $1::timestamptz AT TIME ZONE $3::text),
                                  $2::timestamptz AT TIME ZONE $3::text, interval '1 week') AS w
     WHERE ((w + interval '1 day') AT TIME ZONE $3::text) > $1::timestamptz
       AND ((w + interval '6 days') AT TIME ZONE $3::text) < $2::timestamptz),
  months AS (${bucketsOf("'month'")})
  SELECT (SELECT count(*)::int FROM weeks) AS complete_weeks,
         (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY n) FROM (
            SELECT (SELECT count(*) FROM days WHERE day >= w::date AND day < (w + interval '1 week')::date) AS n
              FROM weeks) x) AS weekly_median,
         (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY n) FROM (
            SELECT (SELECT count(*) FROM days WHERE day >= m.local_start::date
                      AND day < (m.local_start + interval '1 month')::date) AS n
              FROM months m) x) AS monthly_median`;

interface Headline {
  deployments: number;
  failed: number;
  rework: number;
  commits: number;
  lead: number[] | null;
  recovered: number;
  recovery: number[] | null;
}

interface SeriesRow {
  bucket_start: Date;
  deployments: number;
  failed: number;
  rework: number;
  commits: number;
  lead_median: number | null;
  recovered: number;
  recovery_median: number | null;
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);

/** Reads the five DORA metrics (../shared/DORA.md) for a window, computed in PostgreSQL from raw facts. */
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
    const params = [filter.from, filter.to, timeZone, units[interval], serviceIds, filter.team ?? null];

    const [headline]: Headline[] = await this.dataSource.query(headlineSql, params);
    const series: SeriesRow[] = await this.dataSource.query(seriesSql, params);
    const [deployDays]: Array<{
      complete_weeks: number;
      weekly_median: number | null;
      monthly_median: number | null;
    }> = await this.dataSource.query(deployDaysSql, params);
    const h = headline!;
    const points = (value: (row: SeriesRow) => number | null, sample: (row: SeriesRow) => number) =>
      series.map((row) => ({ bucketStart: row.bucket_start, value: value(row), sampleSize: sample(row) }));
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
          deployDays!.complete_weeks > 0 ? deployDays!.weekly_median : null,
          deployDays!.monthly_median,
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
        series: points(
          (r) => r.lead_median,
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
        series: points(
          (r) => r.recovery_median,
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
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return name.length <= 64;
  } catch {
    return false;
  }
}
