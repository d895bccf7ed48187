// The releases benchmark (`npm run bench:releases`): prints figures, asserts nothing. See bench/README.md.
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { run } from '../db/dora/statement';
import { liveDeploymentRuns, liveRevision } from '../db/releases/live';
import { callerOf } from '../server/auth/principal';
import { GraphqlHttpClient } from './api-load';
import { startBenchEnvironment, type BenchEnvironment } from './environment';
import { progress, runBench } from './runner';
import { trigger } from './runs';
import { ms, spread, table, type Spread } from './stats';
import type { Teardown } from './teardown';

const plan = {
  services: 20,
  environments: 5,
  /** Deployment runs per service and environment: 20 x 5 x 100 = 10,000. */
  perPair: 100,
  reads: { warmup: 5, samples: 30 },
  stages: { warmup: 3, samples: 25 },
} as const;

const liveQuery = `{ live { service { name } environment { name } revision { sha } since
  artifacts { name version digest } deploymentRun { id } } }`;

/** 10,000 deployment runs (90 % succeeded) over 100 service x environment pairs, each with an artifact. */
async function seed(env: BenchEnvironment): Promise<{ serviceId: string; environmentId: string }> {
  const db = env.dataSource;
  await db.query(`INSERT INTO services (name) SELECT 'bench-service-' || i FROM generate_series(1, $1) i`, [
    plan.services,
  ]);
  await db.query(
    `INSERT INTO environments (name, tier)
     SELECT 'bench-env-' || j, CASE WHEN j = $1 THEN 'PRODUCTION' ELSE 'STAGING' END FROM generate_series(1, $1) j`,
    [plan.environments],
  );
  // Revisions are older than the runs the stage measurement triggers (committed 2026-11-20), so they pass.
  await db.query(
    `INSERT INTO deployment_runs (id, service_id, environment_id, status, revision_sha, revision_committed_at,
                                  external, started_at, finished_at)
     SELECT gen_random_uuid(), s.id, e.id, CASE WHEN n % 10 = 0 THEN 'FAILED' ELSE 'SUCCEEDED' END,
            md5(s.id::text || e.id::text || n), timestamptz '2026-11-01' - n * interval '1 hour',
            true, timestamptz '2026-11-01' - n * interval '1 hour' + interval '5 minutes',
            timestamptz '2026-11-01' - n * interval '1 hour' + interval '10 minutes'
       FROM services s CROSS JOIN environments e CROSS JOIN generate_series(1, $1) n`,
    [plan.perPair],
  );
  await db.query(
    `WITH made AS (
       INSERT INTO artifacts (name, version, digest)
       SELECT 'image-' || d.id, '1.0.' || row_number() OVER (), 'sha256:' || d.revision_sha FROM deployment_runs d
       RETURNING id, name)
     INSERT INTO deployment_run_artifacts (deployment_run_id, name, artifact_id)
     SELECT substring(m.name FROM 7)::uuid, m.name, m.id FROM made m`,
  );
  await db.query('ANALYZE deployment_runs');
  const [pair]: Array<{ serviceId: string; environmentId: string }> = await db.query(
    `SELECT s.id AS "serviceId", e.id AS "environmentId" FROM services s, environments e
      WHERE s.name = 'bench-service-1' AND e.tier = 'PRODUCTION'`,
  );
  return pair!;
}

/** Times `work` `samples` times after `warmup` untimed calls. */
async function timed(work: () => Promise<unknown>, reads = plan.reads): Promise<Spread> {
  for (let i = 0; i < reads.warmup; i++) await work();
  const samples: number[] = [];
  for (let i = 0; i < reads.samples; i++) {
    const started = performance.now();
    await work();
    samples.push(performance.now() - started);
  }
  return spread(samples);
}

/** The board as one would first write it: the latest successful run of every pair, sorted out of all of them. */
const latestByScan = `SELECT DISTINCT ON (service_id, environment_id) id FROM deployment_runs
  WHERE status = 'SUCCEEDED' AND finished_at IS NOT NULL ORDER BY service_id, environment_id, finished_at DESC`;

/** A statement with index scans forbidden: what answering by a scan of the table costs. */
async function scanning(env: BenchEnvironment, sql: string, params: unknown[]): Promise<void> {
  await env.dataSource.transaction(async (manager) => {
    await manager.query('SET LOCAL enable_indexscan = off');
    await manager.query('SET LOCAL enable_bitmapscan = off');
    await manager.query('SET LOCAL enable_indexonlyscan = off');
    await manager.query(sql, params);
  });
}

interface Results {
  deploymentRuns: number;
  liveCells: number;
  plans: { board: string; pair: string };
  graphqlBoard: Spread;
  graphqlPair: Spread;
  sqlBoard: Spread;
  sqlBoardScan: Spread;
  sqlPair: Spread;
  sqlPairScan: Spread;
  stageChecked: Spread;
  stageUnchecked: Spread;
}

async function measure(teardown: Teardown): Promise<Results> {
  const env = await startBenchEnvironment(teardown);
  progress(`seeding ${plan.services * plan.environments * plan.perPair} deployment runs`);
  const pair = await seed(env);
  const created = await env.tokens.create('bench-releases', 'ADMIN');
  const http = new GraphqlHttpClient(created.token, 1);
  const gql = (query: string, variables: Record<string, unknown> = {}) =>
    http.data<{ live: unknown[] }>(env.apiUrl, query, variables);
  const all = { serviceId: null, environmentId: null };
  const explain = async (sql: string, params: unknown[]) =>
    (await env.dataSource.query<Array<{ 'QUERY PLAN': string }>>(`EXPLAIN ${sql}`, params))
      .map((row) => row['QUERY PLAN'])
      .filter((line) => /Scan|Limit/.test(line))
      .map((line) => line.trim().replace(/ {2}\(cost.*$/, ''))
      .join(' / ');

  progress('reading live: the board over GraphQL, one pair, and the statements with and without the index');
  const board = (await gql(liveQuery)).live;
  const results: Results = {
    deploymentRuns: plan.services * plan.environments * plan.perPair,
    liveCells: board.length,
    plans: {
      board: await explain(liveDeploymentRuns.sql, liveDeploymentRuns.bind(all)),
      pair: await explain(liveRevision.sql, liveRevision.bind(pair)),
    },
    graphqlBoard: await timed(() => gql(liveQuery)),
    graphqlPair: await timed(() =>
      gql(`query($s: ID, $e: ID) { live(serviceId: $s, environmentId: $e) { since } }`, {
        s: pair.serviceId,
        e: pair.environmentId,
      }),
    ),
    sqlBoard: await timed(() => run(env.dataSource, liveDeploymentRuns, all)),
    sqlBoardScan: await timed(() => scanning(env, latestByScan, [])),
    sqlPair: await timed(() => run(env.dataSource, liveRevision, pair)),
    sqlPairScan: await timed(() => scanning(env, liveRevision.sql, liveRevision.bind(pair))),
    stageChecked: { p50: 0, p95: 0, min: 0, max: 0, n: 0 },
    stageUnchecked: { p50: 0, p95: 0, min: 0, max: 0, n: 0 },
  };

  progress('timing a production stage with the older-than-live check and without it (alternating)');
  const principal = callerOf(created);
  const stage = (name: string, allowOlderThanLive: boolean) =>
    env.pipelines.create({
      name,
      serviceId: pair.serviceId,
      allowOlderThanLive,
      stages: [
        {
          name: 'production',
          environmentId: pair.environmentId,
          actions: [{ name: 'noop', kind: 'COMMAND', config: { command: 'true' } }],
        },
      ],
    });
  const checked = await stage('bench-checked', false);
  const unchecked = await stage('bench-unchecked', true);
  // From the trigger to the stage's command starting (its attempt's start, the worker's clock, which is
  // this process's): the check sits between the two, and no command's own time blurs the difference.
  const toFirstAction = async (pipelineId: string) => {
    const triggeredAt = Date.now();
    const started = await trigger(env, pipelineId, principal);
    await started.result;
    const [row]: Array<{ started: Date }> = await env.dataSource.query(
      `SELECT t.started_at AS started FROM action_attempts t JOIN action_runs a ON a.id = t.action_run_id
        WHERE a.run_id = $1`,
      [started.runId],
    );
    return row!.started.getTime() - triggeredAt;
  };
  const samples = { checked: [] as number[], unchecked: [] as number[] };
  for (let i = 0; i < plan.stages.warmup + plan.stages.samples; i++) {
    const a = await toFirstAction(checked.id);
    const b = await toFirstAction(unchecked.id);
    if (i < plan.stages.warmup) continue;
    samples.checked.push(a);
    samples.unchecked.push(b);
  }
  results.stageChecked = spread(samples.checked);
  results.stageUnchecked = spread(samples.unchecked);
  return results;
}

function report(r: Results): string {
  const row = (what: string, s: Spread) => [what, ms(s.p50), ms(s.p95), String(s.n)];
  return [
    `Releases benchmark: live over ${r.deploymentRuns} deployment runs (${r.liveCells} live cells), and the older-than-live check`,
    '',
    table([
      ['read', 'p50', 'p95', 'n'],
      row('live, whole board (GraphQL over HTTP)', r.graphqlBoard),
      row('live(serviceId, environmentId) (GraphQL)', r.graphqlPair),
      row('board statement, index', r.sqlBoard),
      row('board as DISTINCT ON over a scan (baseline)', r.sqlBoardScan),
      row('one pair statement, index', r.sqlPair),
      row('one pair statement, scan (baseline)', r.sqlPairScan),
    ]),
    '',
    `plan of the board statement: ${r.plans.board}`,
    `plan of one pair: ${r.plans.pair}`,
    '',
    table([
      ['trigger to the first command of the production stage', 'p50', 'p95', 'n'],
      row('with the older-than-live check', r.stageChecked),
      row('allowOlderThanLive (no check)', r.stageUnchecked),
    ]),
    '',
    `added latency of the check per stage: ${ms(r.stageChecked.p50 - r.stageUnchecked.p50)} at p50 ` +
      `(one local activity: the pair statement above, ${ms(r.sqlPair.p50)} of it in PostgreSQL)`,
    '',
  ].join('\n');
}

runBench(measure, report);
