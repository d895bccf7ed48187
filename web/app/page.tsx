import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { ApiProblem, load } from '@/components/api-problem';
import { gql } from '@/lib/api';
import { Badge } from '@/components/badges';
import { ChoiceFilter } from '@/components/list-filters';
import { dateTime, day, duration } from '@/lib/format';
import { DoraDocument } from '@/lib/graphql-operations';
import type { DoraLevel, Interval } from '@/lib/graphql-types';
import { intervals, levels, metricKeys, metrics } from '@/lib/labels';
import { ChartsLazy } from './charts-lazy';
import { chartRows } from './dora-query';
import { DrillDown } from './drill-down';

export const metadata: Metadata = { title: 'DORA metrics · Lockstep' };
export const dynamic = 'force-dynamic';

const windows = [7, 30, 90, 180, 365] as const;
const intervalChoices = Object.keys(intervals) as Interval[];
const zones = [
  'UTC',
  'Europe/London',
  'Europe/Paris',
  'America/New_York',
  'America/Los_Angeles',
  'Asia/Tokyo',
];

type Search = Record<string, string | string[] | undefined>;

function isTimeZone(name: string | undefined): boolean {
  if (!name) return false;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** The filters, all from the URL: window in days, interval, time zone, team, services, chosen bucket. */
function filtersOf(search: Search) {
  const days = windows.find((d) => String(d) === one(search.days)) ?? 90;
  const interval = intervalChoices.find((i) => i === one(search.interval)) ?? 'WEEK';
  const timeZone = isTimeZone(one(search.tz)) ? one(search.tz)! : 'UTC';
  const team = one(search.team) || null;
  const services = [search.service ?? []].flat().filter(Boolean);
  const to = new Date();
  to.setUTCHours(24, 0, 0, 0); // through the end of today
  const from = new Date(to.getTime() - days * 86_400_000);
  return { days, interval, timeZone, team, services, from, to, bucket: one(search.bucket) ?? null };
}

function Change({
  now,
  before,
  better,
}: {
  now: number | null;
  before: number | null;
  better: 'up' | 'down';
}) {
  if (now === null || before === null || before === 0) return <span className="muted">no earlier data</span>;
  const change = (now - before) / Math.abs(before);
  const good = better === 'up' ? change >= 0 : change <= 0;
  return (
    <span className={good ? 'good' : 'bad'}>
      {change >= 0 ? '▲' : '▼'} {Math.abs(change * 100).toFixed(0)} % vs previous window
    </span>
  );
}

function LevelBadge({
  level,
  sampleSize,
  rework,
}: {
  level: DoraLevel | null;
  sampleSize: number;
  rework: boolean;
}) {
  if (rework) return <Badge tone="none">no DORA level yet</Badge>;
  if (level === null)
    return <Badge tone="none">{sampleSize < 3 ? `level needs 3+ samples` : 'no level'}</Badge>;
  return <Badge tone={levels[level].tone}>{levels[level].label}</Badge>;
}

export default async function DoraPage({ searchParams }: { searchParams: Promise<Search> }) {
  const f = filtersOf(await searchParams);
  const filter = {
    from: f.from.toISOString(),
    to: f.to.toISOString(),
    interval: f.interval,
    timeZone: f.timeZone,
    ...(f.team ? { team: f.team } : {}),
    ...(f.services.length ? { serviceIds: f.services } : {}),
  };
  const previous = {
    ...filter,
    from: new Date(f.from.getTime() - f.days * 86_400_000).toISOString(),
    to: filter.from,
  };
  const result = await load(() => gql(DoraDocument, { f: filter, p: previous }));
  if ('problem' in result) return <ApiProblem problem={result.problem} />;
  const { current: m, previous: before, services } = result.data;
  const teams = [...new Set(services.map((s) => s.team).filter((t): t is string => !!t))].sort();
  const rows = chartRows(m);
  const bucketIndex = rows.findIndex((r) => r.bucketStart === f.bucket);
  const params = new URLSearchParams({ days: String(f.days), interval: f.interval, tz: f.timeZone });
  if (f.team) params.set('team', f.team);
  for (const s of f.services) params.append('service', s);

  return (
    <section>
      <h1>DORA metrics</h1>
      <form method="get" className="filters" aria-label="Filters">
        <ChoiceFilter
          label="Window"
          name="days"
          value={String(f.days)}
          all={null}
          choices={windows.map((d) => ({ id: String(d), name: `last ${d} days` }))}
        />
        <ChoiceFilter
          label="Interval"
          name="interval"
          value={f.interval}
          all={null}
          choices={intervalChoices.map((i) => ({ id: i, name: intervals[i] }))}
        />
        <ChoiceFilter
          label="Time zone"
          name="tz"
          value={f.timeZone}
          all={null}
          choices={[...new Set([f.timeZone, ...zones])].map((z) => ({ id: z, name: z }))}
        />
        <ChoiceFilter
          label="Team"
          name="team"
          value={f.team}
          all="all teams"
          choices={teams.map((t) => ({ id: t, name: t }))}
        />
        <ChoiceFilter
          label="Service"
          name="service"
          value={f.services[0]}
          all="all services"
          choices={services}
        />
        <button type="submit">Apply</button>
      </form>
      <p className="muted">
        {dateTime(m.from, m.timeZone)} – {dateTime(m.to, m.timeZone)} ({m.timeZone}), benchmark {m.benchmark}
      </p>

      <div className="cards">
        {metricKeys.map((key) => {
          const { title, format, better } = metrics[key];
          const metric = m[key];
          return (
            <article key={key} className="card" aria-label={title} data-metric={key}>
              <h2>{title}</h2>
              <p className="value">{metric.sampleSize === 0 ? 'no data' : format(metric.value)}</p>
              <LevelBadge
                level={metric.level}
                sampleSize={metric.sampleSize}
                rework={key === 'deploymentReworkRate'}
              />
              <p className="muted">
                {metric.p75 !== null ? `p75 ${duration(metric.p75)} · p90 ${duration(metric.p90)} · ` : ''}
                sample {metric.sampleSize}
              </p>
              <Change now={metric.value} before={before[key].value} better={better} />
            </article>
          );
        })}
      </div>

      {m.deploymentFrequency.sampleSize === 0 ? (
        <p className="panel">
          No production deployments in this window. Deployments come from pipeline runs,{' '}
          <code>runDeployment</code>,<code>recordExternalDeployment</code> or the signed webhook; try a longer
          window or another team.
        </p>
      ) : (
        <ChartsLazy rows={rows} timeZone={m.timeZone} query={params.toString()} />
      )}

      <nav aria-label="Buckets" className="buckets">
        <span className="muted">Explain a {intervals[f.interval]}:</span>
        {rows.map((row) => {
          const q = new URLSearchParams(params);
          q.set('bucket', row.bucketStart);
          return (
            <Link
              key={row.bucketStart}
              href={`/?${q}`}
              aria-current={row.bucketStart === f.bucket ? 'true' : undefined}
            >
              {day(row.bucketStart, m.timeZone)}
            </Link>
          );
        })}
      </nav>

      {f.bucket !== null && bucketIndex < 0 ? (
        <p className="notice">That bucket is not part of this window; pick one above.</p>
      ) : null}
      {f.bucket !== null && bucketIndex >= 0 ? (
        <Suspense fallback={<div className="skeleton chart" />}>
          <DrillDown
            bucketStart={f.bucket}
            bucketEnd={rows[bucketIndex + 1]?.bucketStart ?? m.to}
            serviceIds={f.services}
            team={f.team}
            timeZone={m.timeZone}
          />
        </Suspense>
      ) : null}
    </section>
  );
}
