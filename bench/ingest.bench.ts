// The ingestion benchmark (`npm run bench:ingest`): prints figures, asserts nothing. See bench/README.md.
import 'reflect-metadata';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { GraphqlHttpClient, metricsQuery } from './api-load';
import { startReadOnlyApi } from './environment';
import { writeHistory } from './ingest-history';
import { progress, runBench } from './runner';
import { factsTriggers, reportOneByOne } from './single-reports';
import { ms, ratio, spread, table, type Spread } from './stats';
import type { Teardown } from './teardown';

const end = new Date();
end.setUTCHours(0, 0, 0, 0);
const day = 86_400_000;

const plan = {
  history: {
    deployments: Number(process.env.BENCH_INGEST_DEPLOYMENTS ?? 1_000_000),
    commitsPerDeployment: 3,
    services: Number(process.env.BENCH_INGEST_SERVICES ?? 200),
    days: 730,
  },
  concurrency: Number(process.env.BENCH_INGEST_CONCURRENCY ?? 4),
  reads: { warmup: 3, samples: 15 },
  single: { deployments: 200, commits: 3 },
} as const;

const goals = { importSeconds: 600, readMs: 100, singleRatio: 0.5 } as const;

interface Results {
  origin: string;
  file: { deployments: number; megabytes: number; writeMs: number };
  imported: { deployments: number; recorded: number; seconds: number; commits: number; facts: number };
  /** `vacuumDoraFacts`, the last step of `lockstep import`, timed on its own. */
  vacuum: { seconds: number; reported: number };
  window: { deployments: number };
  read: { fresh: Spread; vacuumed: Spread };
  single: { withoutFacts: number; withFacts: number };
  uptime: { before: string; after: string };
}

const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();

/**
 * `lockstep import -f file --json --no-vacuum`, as a user runs it but without its last step (the bench times
 * that one itself, reading before and after it): its JSON summary; its progress goes to our stderr.
 */
function lockstepImport(
  apiUrl: string,
  token: string,
  file: string,
): Promise<{ deployments: number; recorded: number }> {
  const bin = path.join(__dirname, '..', 'cli', 'bin', 'lockstep.mjs');
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [bin, 'import', '-f', file, '--json', '--no-vacuum', '--concurrency', String(plan.concurrency)],
      {
        env: { ...process.env, LOCKSTEP_API_URL: apiUrl, LOCKSTEP_TOKEN: token },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(stdout) as { deployments: number; recorded: number })
        : reject(new Error(`lockstep import exited ${code}: ${stdout}`)),
    );
  });
}

async function measure(teardown: Teardown): Promise<Results> {
  const before = uptime();
  const { databaseUrl, adminToken, apiUrl: url, origin } = await startReadOnlyApi(teardown, 'ingest');
  const pool = new Pool({ connectionString: databaseUrl, max: 2, application_name: 'lockstep-bench' });
  teardown.add('close the bench pool', () => pool.end());
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'lockstep-ingest-'));
  teardown.add('remove the history file', async () => rmSync(scratch, { recursive: true, force: true }));

  const h = plan.history;
  await pool.query(`INSERT INTO environments (name, tier) VALUES ('bench-production', 'PRODUCTION')`);
  await pool.query(
    `INSERT INTO services (name, team)
     SELECT format('bench-service-%s', s), format('team-%s', s % 10) FROM generate_series(1, $1::int) s`,
    [h.services],
  );
  const [{ id: environmentId }] = (
    await pool.query(`SELECT id FROM environments WHERE name = 'bench-production'`)
  ).rows as [{ id: string }];
  const services = (await pool.query(`SELECT id FROM services ORDER BY name`)).rows.map(
    (row: { id: string }) => row.id,
  );

  const file = path.join(scratch, 'history.ndjson');
  progress(`writing ${h.deployments} deployments with ${h.commitsPerDeployment} commits each to ${file}`);
  let started = performance.now();
  const bytes = await writeHistory(file, { ...h, end, services, environmentId });
  const writeMs = performance.now() - started;

  progress(`lockstep import -f ${file} --no-vacuum --concurrency ${plan.concurrency}`);
  started = performance.now();
  const imported = await lockstepImport(url, adminToken, file);
  const importSeconds = (performance.now() - started) / 1000;
  const [counts] = (
    await pool.query(`SELECT (SELECT count(*) FROM deployment_run_commits)::int AS commits,
                             (SELECT count(*) FROM dora_deployment_facts)::int AS facts`)
  ).rows as Array<{ commits: number; facts: number }>;

  const http = new GraphqlHttpClient(adminToken, 2);
  teardown.add('close the HTTP client', async () => http.close());
  const filter = {
    from: new Date(end.getTime() - 90 * day).toISOString(),
    to: end.toISOString(),
    interval: 'WEEK',
  };
  const read = async () => {
    const t0 = performance.now();
    const data = await http.data<{ doraMetrics: { deploymentFrequency: { sampleSize: number } } }>(
      url,
      metricsQuery,
      { f: filter },
    );
    return { ms: performance.now() - t0, deployments: data.doraMetrics.deploymentFrequency.sampleSize };
  };
  progress(`reading doraMetrics for the last 90 days, weekly, right after the batches`);
  const first = await read();
  for (let i = 1; i < plan.reads.warmup; i++) await read();
  const sample = async () => {
    const samples: number[] = [];
    for (let i = 0; i < plan.reads.samples; i++) samples.push((await read()).ms);
    return spread(samples);
  };
  const fresh = await sample();
  // The import's last step: what autovacuum does minutes later, now (statistics for the planner, the
  // visibility map for index-only scans, the dead rows of the lead-time bin counts).
  progress('vacuumDoraFacts (the last step of lockstep import), then the same reads');
  started = performance.now();
  const { vacuumDoraFacts: reported } = await http.data<{ vacuumDoraFacts: number }>(
    url,
    'mutation { vacuumDoraFacts }',
    {},
  );
  const vacuum = { seconds: (performance.now() - started) / 1000, reported };
  for (let i = 0; i < plan.reads.warmup; i++) await read();
  const vacuumed = await sample();

  progress(
    `${plan.single.deployments} recordExternalDeployment mutations without the facts triggers, then with`,
  );
  const target = { http, url, environmentId, services };
  const now = (n: number) => new Date(end.getTime() + n * 1000);
  await factsTriggers(pool, false);
  const withoutFacts = await reportOneByOne(target, plan.single.deployments, plan.single.commits, now);
  await factsTriggers(pool, true);
  const withFacts = await reportOneByOne(target, plan.single.deployments, plan.single.commits, now);

  return {
    origin,
    file: { deployments: h.deployments, megabytes: bytes / 1e6, writeMs },
    imported: { ...imported, seconds: importSeconds, ...counts! },
    vacuum,
    window: { deployments: first.deployments },
    read: { fresh, vacuumed },
    single: { withoutFacts, withFacts },
    uptime: { before, after: uptime() },
  };
}

function report(r: Results): string {
  const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
  const single = r.single.withFacts / r.single.withoutFacts;
  const importSeconds = r.imported.seconds + r.vacuum.seconds;
  return [
    '',
    `Ingestion benchmark (${os.cpus().length} cores, ${r.origin})`,
    `load before: ${r.uptime.before}`,
    `load after:  ${r.uptime.after}`,
    '',
    `history file: ${r.file.deployments} deployments, ${r.file.megabytes.toFixed(0)} MB NDJSON, written in ` +
      `${(r.file.writeMs / 1000).toFixed(1)} s`,
    `lockstep import (recordExternalDeployments, 1,000 per call, ${plan.concurrency} calls in flight): ` +
      `${r.imported.deployments} deployments (${r.imported.recorded} recorded), ${r.imported.commits} commits, ` +
      `${r.imported.facts} deployment facts in ${r.imported.seconds.toFixed(1)} s ` +
      `(${(r.imported.deployments / r.imported.seconds).toFixed(0)}/s), then vacuumDoraFacts in ` +
      `${r.vacuum.seconds.toFixed(1)} s (${r.vacuum.reported.toFixed(1)} s in the server): ` +
      `${importSeconds.toFixed(1)} s in all (goal < ${goals.importSeconds} s: ${verdict(importSeconds < goals.importSeconds)})`,
    '',
    `doraMetrics, last 90 days, weekly, all five metrics, all services (${r.window.deployments} deployments):`,
    table([
      ['read', 'p50', 'p95', 'min', 'max', 'n'],
      ...(
        [
          ['right after the batches, before vacuumDoraFacts', r.read.fresh],
          ['after vacuumDoraFacts: right after lockstep import', r.read.vacuumed],
        ] as const
      ).map(([label, x]) => [label, ms(x.p50), ms(x.p95), ms(x.min), ms(x.max), String(x.n)]),
    ]),
    `p50 goal <= ${goals.readMs} ms right after lockstep import: ${verdict(r.read.vacuumed.p50 <= goals.readMs)} ` +
      `(without its vacuum: ${verdict(r.read.fresh.p50 <= goals.readMs)})`,
    '',
    `recordExternalDeployment one at a time (${plan.single.commits} commits each), on top of the import:`,
    `  without the facts triggers ${r.single.withoutFacts.toFixed(1)}/s; with them ${r.single.withFacts.toFixed(1)}/s; ` +
      `with/without ${ratio(single)} (goal >= ${goals.singleRatio}x: ${verdict(single >= goals.singleRatio)})`,
    '',
  ].join('\n');
}

runBench(measure, report);
