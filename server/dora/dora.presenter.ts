import type { DataSource } from 'typeorm';
import { deploymentsPerBucket } from '../../db/dora/deployments.sql';
import {
  leadTimeOfServices,
  leadTimePerBucketOfServices,
  type LeadTimeSeriesRow,
  type LeadTimeTotalRow,
} from '../../db/dora/lead-time.sql';
import { metricsReadSettings, servicesOfTeam } from '../../db/dora/metrics-scope.sql';
import { run, type Statement } from '../../db/dora/statement';
import type { BucketUnit } from '../../db/dora/window';
import { badInput } from '../errors';
import { isUuid } from '../graphql/validate';
import {
  changeFailureLevel,
  doraBenchmark,
  frequencyLevel,
  leadTimeLevel,
  timeToRestoreLevel,
} from './dora-levels';
import type { DoraFilterInput, DoraMetricsView, Interval } from './dora-views';
import { leadTimeFromBins } from './lead-time-from-bins';

const units: Record<Interval, BucketUnit> = { DAY: 'day', WEEK: 'week', MONTH: 'month' };
const maxWindowDays = 3 * 366;

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
  lead: [number | null, number | null, number | null];
  recovered: number;
  recovery: [number | null, number | null, number | null];
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);

/**
 * Reads the five DORA metrics (docs/dora.md) for a window, computed in PostgreSQL from the facts kept on
 * write (migration DoraFacts): exact percentiles over the window's raw values. The statements are in
 * db/dora/; this chooses them, runs them and shapes what they answer.
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
    const window = { from: filter.from, to: filter.to, timeZone, unit: units[interval] };
    const read = this.read.bind(this);
    // Deployments and lead time on connections of their own at once; each reads only its index ranges.
    const [[deployments], c] = await Promise.all([
      read(deploymentsPerBucket, { ...window, serviceIds: scope }),
      // Every service: exact percentiles by rank selection over the bin counts. Some services: sorting
      // their values is cheap enough.
      scope === null
        ? leadTimeFromBins(read, window)
        : Promise.all([
            read(leadTimePerBucketOfServices, { ...window, serviceIds: scope }),
            read(leadTimeOfServices, { ...window, serviceIds: scope }),
          ]).then(([[series], [total]]) => ({ ...series, ...total }) as LeadTimeSeriesRow & LeadTimeTotalRow),
    ]);
    const d = deployments!;
    const h: Headline = {
      deployments: d.total_deployments ?? 0,
      failed: d.total_failed ?? 0,
      rework: d.total_rework ?? 0,
      recovered: d.total_recovered ?? 0,
      recovery: d.total_recovery,
      commits: c.total_commits ?? 0,
      lead: c.total_lead,
    };
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
        level: frequencyLevel(d.complete_weeks > 0 ? d.weekly_median : null, d.monthly_median, h.deployments),
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

  /** One statement in a transaction of its own, under the metrics' settings (metrics-scope.sql.ts). */
  private read<Params, Result>(statement: Statement<Params, Result>, params: Params): Promise<Result> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(metricsReadSettings);
      return run(manager, statement, params);
    });
  }

  /** The services a filter narrows to: null for all of them (no filter at all is the fastest read). */
  private async scope(serviceIds: string[] | null, team: string | null): Promise<string[] | null> {
    if (team === null) return serviceIds;
    const rows = await run(this.dataSource, servicesOfTeam, { team, serviceIds });
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
