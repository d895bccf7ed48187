// The DORA benchmark (`npm run bench:dora`): prints figures, asserts nothing. See bench/README.md.
import 'reflect-metadata';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { GraphqlHttpClient, metricsQuery } from './api-load';
import { rebuildDoraFacts, seedDoraHistory, type DoraSeedShape } from './dora-seed';
import { factsTriggers, reportOneByOne } from './single-reports';
import { startReadOnlyApi } from './environment';
import { progress, runBench } from './runner';
import { ms, ratio, spread, table, type Spread } from './stats';
import type { Teardown } from './teardown';

const end = new Date();
end.setUTCHours(0, 0, 0, 0);
const day = 86_400_000;

const plan = {
  seed: {
    services: Number(process.env.BENCH_DORA_SERVICES ?? 200),
    deployments: Number(process.env.BENCH_DORA_DEPLOYMENTS ?? 1_000_000),
    incidents: Number(process.env.BENCH_DORA_INCIDENTS ?? 50_000),
    days: 730,
    end,
  } satisfies DoraSeedShape,
  /** The read measured: the last 90 days, weekly, all five metrics. */
  window: { from: new Date(end.getTime() - 90 * day), to: end, interval: 'WEEK' as const },
  reads: { warmup: 3, samples: 20 },
  ingest: { deployments: 200, commits: 3 },
} as const;

const goals = { apiMs: 100, ratio: 0.3 } as const;

interface Metrics {
  doraMetrics: Record<string, { value: number | null; sampleSize: number; series: unknown[] }>;
}

/**
 * The plain SQL baseline: the window's raw rows (production deployments, their commits, the incidents
 * attributed to them) scanned with percentile_cont for the headline and weekly values, one statement. It
 * applies fewer rules than Lockstep (no first-delivery credit, no rollbacks, no rework), so it is the
 * cheapest honest way to read these numbers without pre-aggregation.
 */
const rawScanSql = `
  WITH deps AS (
    SELECT d.id, d.finished_at, date_trunc('week', d.finished_at AT TIME ZONE 'UTC') AS bucket
      FROM deployment_runs d JOIN environments e ON e.id = d.environment_id AND e.tier = 'PRODUCTION'
     WHERE d.status = 'SUCCEEDED' AND d.finished_at >= $1 AND d.finished_at < $2),
  leads AS (
    SELECT d.bucket, EXTRACT(EPOCH FROM d.finished_at - c.committed_at)::double precision AS lead
      FROM deps d JOIN deployment_run_commits c ON c.deployment_run_id = d.id),
  failures AS (
    SELECT d.bucket, EXTRACT(EPOCH FROM max(i.resolved_at) - d.finished_at)::double precision AS recovery
      FROM deps d JOIN incidents i ON i.caused_by_deployment_run_id = d.id AND i.attribution IN ('EXPLICIT', 'HEURISTIC')
     GROUP BY d.id, d.bucket, d.finished_at)
  SELECT 'deployments' AS metric, bucket, count(*)::double precision AS n, NULL::double precision[] AS p
    FROM deps GROUP BY GROUPING SETS ((bucket), ())
  UNION ALL
  SELECT 'lead', bucket, count(*), percentile_cont(ARRAY[0.5, 0.75, 0.9]) WITHIN GROUP (ORDER BY lead)
    FROM leads WHERE lead >= 0 GROUP BY GROUPING SETS ((bucket), ())
  UNION ALL
  SELECT 'recovery', bucket, count(*), percentile_cont(ARRAY[0.5, 0.75, 0.9]) WITHIN GROUP (ORDER BY recovery)
    FROM failures GROUP BY GROUPING SETS ((bucket), ())`;

interface Results {
  origin: string;
  seeded: { deployments: number; commits: number; incidents: number; seedMs: number; factsMs: number };
  window: { deployments: number; commits: number };
  api: Spread;
  apiTeam: Spread;
  raw: Spread;
  ingest: { withFacts: number; withoutFacts: number; late: number };
}

async function measure(teardown: Teardown): Promise<Results> {
  const { databaseUrl, adminToken, apiUrl: url, origin } = await startReadOnlyApi(teardown, 'dora');
  const pool = new Pool({ connectionString: databaseUrl, max: 2, application_name: 'lockstep-bench' });
  teardown.add('close the bench pool', () => pool.end());

  const s = plan.seed;
  progress(
    `seeding ${s.deployments} deployments and ${s.incidents} incidents over ${s.days} days ` +
      `for ${s.services} services (a few minutes)`,
  );
  const client = await pool.connect();
  let started = performance.now();
  try {
    await seedDoraHistory(client, s);
  } finally {
    client.release();
  }
  const seedMs = performance.now() - started;
  progress(`building the facts from the definitions`);
  started = performance.now();
  const builder = await pool.connect();
  try {
    await rebuildDoraFacts(builder);
  } finally {
    builder.release();
  }
  const factsMs = performance.now() - started;
  const [counts] = (
    await pool.query(`SELECT (SELECT count(*) FROM deployment_runs)::int AS deployments,
                             (SELECT count(*) FROM deployment_run_commits)::int AS commits,
                             (SELECT count(*) FROM incidents)::int AS incidents`)
  ).rows;

  const http = new GraphqlHttpClient(adminToken, 2);
  teardown.add('close the HTTP client', async () => http.close());

  const w = plan.window;
  const filter = { from: w.from.toISOString(), to: w.to.toISOString(), interval: w.interval };
  const [{ team }] = (
    await pool.query(`SELECT team FROM services WHERE name LIKE 'bench-service-%' ORDER BY name LIMIT 1`)
  ).rows;
  const read = async (variables: Record<string, unknown>) => {
    const t0 = performance.now();
    const data = await http.data<Metrics>(url, metricsQuery, { f: variables });
    return { ms: performance.now() - t0, data };
  };
  const raw = async () => {
    const t0 = performance.now();
    const result = await pool.query(rawScanSql, [w.from, w.to]);
    return {
      ms: performance.now() - t0,
      rows: result.rows as Array<{ metric: string; bucket: Date | null; n: number }>,
    };
  };

  progress(`reading doraMetrics for 90 days, weekly: ${plan.reads.samples} samples each, alternating`);
  const first = await read(filter);
  const firstRaw = await raw();
  const m = first.data.doraMetrics;
  const rawDeployments = firstRaw.rows.find((r) => r.metric === 'deployments' && r.bucket === null)?.n;
  if (m.deploymentFrequency!.sampleSize !== rawDeployments)
    throw new Error(
      `the API counts ${m.deploymentFrequency!.sampleSize} deployments in the window, the raw scan ${rawDeployments}`,
    );
  if (m.deploymentFrequency!.series.length !== 13 && m.deploymentFrequency!.series.length !== 14)
    throw new Error(`expected 13 or 14 weekly points, got ${m.deploymentFrequency!.series.length}`);
  for (let i = 1; i < plan.reads.warmup; i++) await read(filter);
  const samples = { api: [] as number[], apiTeam: [] as number[], raw: [] as number[] };
  for (let i = 0; i < plan.reads.samples; i++) {
    samples.api.push((await read(filter)).ms);
    samples.raw.push((await raw()).ms);
    samples.apiTeam.push((await read({ ...filter, team })).ms);
  }

  progress(`ingesting ${plan.ingest.deployments} deployments through recordExternalDeployment`);
  const [{ id: environmentId }] = (
    await pool.query(`SELECT id FROM environments WHERE name = 'bench-production'`)
  ).rows;
  const services = (await pool.query(`SELECT id FROM services WHERE name LIKE 'bench-service-%'`)).rows.map(
    (row: { id: string }) => row.id,
  );
  const target = { http, url, environmentId, services };
  const ingest = (finishedAt: (n: number) => Date) =>
    reportOneByOne(target, plan.ingest.deployments, plan.ingest.commits, finishedAt);
  const now = (n: number) => new Date(end.getTime() + n * 1000);
  await factsTriggers(pool, false);
  const withoutFacts = await ingest(now);
  await factsTriggers(pool, true);
  const withFacts = await ingest(now);
  // Reported a month late: every later deployment of the service is re-decided.
  const late = await ingest((n) => new Date(end.getTime() - 30 * day + n * 1000));

  return {
    origin,
    seeded: { ...counts, seedMs, factsMs },
    window: { deployments: m.deploymentFrequency!.sampleSize, commits: m.leadTimeForChanges!.sampleSize },
    api: spread(samples.api),
    apiTeam: spread(samples.apiTeam),
    raw: spread(samples.raw),
    ingest: { withFacts, withoutFacts, late },
  };
}

function report(r: Results): string {
  const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
  const lines = [
    '',
    `DORA benchmark (${os.cpus().length} cores, ${r.origin})`,
    `seeded ${r.seeded.deployments} deployment runs, ${r.seeded.commits} commits, ${r.seeded.incidents} incidents ` +
      `in ${(r.seeded.seedMs / 1000).toFixed(0)} s; facts built in ${(r.seeded.factsMs / 1000).toFixed(0)} s`,
    `window: last 90 days, weekly, all five metrics: ${r.window.deployments} deployments, ${r.window.commits} commits`,
    '',
    table([
      ['read', 'p50', 'p95', 'min', 'max'],
      ['doraMetrics via API, all services', ms(r.api.p50), ms(r.api.p95), ms(r.api.min), ms(r.api.max)],
      [
        'doraMetrics via API, one team',
        ms(r.apiTeam.p50),
        ms(r.apiTeam.p95),
        ms(r.apiTeam.min),
        ms(r.apiTeam.max),
      ],
      ['raw scan, percentile_cont (baseline)', ms(r.raw.p50), ms(r.raw.p95), ms(r.raw.min), ms(r.raw.max)],
    ]),
    '',
    `API p50 ${ms(r.api.p50)} (goal <= ${goals.apiMs} ms: ${verdict(r.api.p50 <= goals.apiMs)}); ` +
      `API/raw at p50 ${ratio(r.api.p50 / r.raw.p50)} (goal <= ${goals.ratio}x: ${verdict(r.api.p50 / r.raw.p50 <= goals.ratio)})`,
    '',
    'ingestion through recordExternalDeployment (GraphQL, one at a time, 3 commits each):',
    `  without the facts triggers ${r.ingest.withoutFacts.toFixed(1)}/s; with them ${r.ingest.withFacts.toFixed(1)}/s ` +
      `(${ratio(r.ingest.withFacts / r.ingest.withoutFacts)}); reported 30 days late ${r.ingest.late.toFixed(1)}/s`,
    '',
  ];
  return lines.join('\n');
}

runBench(measure, report);
