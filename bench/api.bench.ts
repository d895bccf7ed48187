// The API benchmark (`npm run bench:api`): prints figures, asserts nothing. See bench/README.md.
import 'reflect-metadata';
import { Client, Connection } from '@temporalio/client';
import os from 'node:os';
import { Pool } from 'pg';
import { createDataSource, migrate } from '../db/data-source';
import { createApiServer, type ApiServer } from '../server/app';
import { TokenService } from '../server/auth/token.service';
import { parseConfig } from '../main/config';
import path from 'node:path';
import { startBaselineServer, type BaselineServer } from './api-baseline';
import { closedLoop, GraphqlHttpClient, runsQuery, StatementCounter } from './api-load';
import type { ApiProcessSpec } from './api-process';
import { revisionTree, startApiProcess, type ApiProcess } from './api-processes';
import { seedRuns, type SeededPipeline } from './api-seed';
import { createBenchDatabase, postgresServer, temporalServer } from './environment';
import { progress, runBench } from './runner';
import { met, ratio, table } from './stats';
import { type Teardown } from './teardown';

const plan = {
  seed: { runs: 150, stages: 3, actions: 3 },
  throughput: { first: 20, concurrency: 10, warmupMs: 2000, durationMs: 8000, rounds: 2 },
  statements: { pageSizes: [5, 20, 100], requests: 5 },
  /** The revision whose API is measured as "before" beside this checkout's ("after"). */
  before: process.env.BENCH_API_BEFORE ?? 'b71cfee',
  /** Connections of each server's pool (the product's default). */
  poolSize: 10,
} as const;

const goals = {
  /** Our requests/s over the baseline's, at least. */
  throughputRatio: 0.5,
  /** SQL statements per runs-list request, at most, whatever the page size. */
  statements: 4,
} as const;

interface Results {
  origin: { database: string; temporal: string };
  /** Requests/s of each round, in the order run (baseline, before, after; twice). */
  throughput: { ours: number[]; before: number[]; baseline: number[] };
  /** CPU time of the server's process per request sent, ms, each round. */
  cpuPerRequest: { ours: number[]; before: number[]; baseline: number[] };
  /** Statements per request, by page size. */
  statements: Array<{ first: number; ours: number; baseline: number }>;
  /** The 1-minute load average when the throughput rounds started and ended. */
  load: [number, number];
}

interface RunsPage {
  pipelineRuns: {
    totalCount: number;
    edges: Array<{ node: { id: string; status: string; stages: Array<{ id: string; status: string }> } }>;
  };
}

/** Both servers must answer the query with the same data before either is timed. */
async function checkSameAnswer(
  client: GraphqlHttpClient,
  oursUrl: string,
  baselineUrl: string,
  seeded: SeededPipeline,
): Promise<void> {
  const variables = { n: plan.throughput.first };
  const ours = await client.data<RunsPage>(oursUrl, runsQuery, variables);
  const baseline = await client.data<RunsPage>(baselineUrl, runsQuery, variables);
  const summary = (page: RunsPage) =>
    page.pipelineRuns.edges.map(({ node }) => `${node.id}:${node.status}`).join(',');
  if (summary(ours) !== summary(baseline))
    throw new Error(
      `the two servers list different runs:\n ours ${summary(ours)}\n base ${summary(baseline)}`,
    );
  if (JSON.stringify(ours) !== JSON.stringify(baseline))
    throw new Error('the two servers list the same runs but answer with different data');
  const newest = seeded.runIds.slice(-plan.throughput.first).reverse().join(',');
  if (ours.pipelineRuns.edges.map(({ node }) => node.id).join(',') !== newest)
    throw new Error('the runs listed are not the newest seeded runs, newest first');
  const stages = ours.pipelineRuns.edges.flatMap(({ node }) => node.stages);
  if (ours.pipelineRuns.totalCount !== seeded.runIds.length || stages.length !== newest.split(',').length * 3)
    throw new Error(`unexpected shape: ${JSON.stringify(ours).slice(0, 500)}`);
}

async function measure(teardown: Teardown): Promise<Results> {
  progress('starting services, database and API');
  const config = parseConfig(process.env);
  const postgres = await postgresServer(config.databaseUrl, teardown);
  const temporalAt = await temporalServer(config, teardown);
  const databaseUrl = await createBenchDatabase(postgres.url, teardown);

  const dataSource = createDataSource({ url: databaseUrl, applicationName: 'lockstep-bench-api' });
  await dataSource.initialize();
  teardown.add('close the API pool', () => dataSource.destroy());
  await migrate(dataSource);
  const admin = await new TokenService(dataSource).create('bench-admin', 'ADMIN');

  // The bench's own connections: seeding, and announcing events for the fan-out.
  const benchPool = new Pool({ connectionString: databaseUrl, max: 2, application_name: 'lockstep-bench' });
  teardown.add('close the bench pool', () => benchPool.end());
  const s = plan.seed;
  progress(`seeding ${s.runs} runs of a pipeline of ${s.stages} stages x ${s.actions} actions`);
  const seeded = await seedRuns(benchPool, admin.principal.id, s);

  // Reads need no worker; the API wants a Temporal client all the same (mutations start workflows).
  const connection = await Connection.connect({ address: temporalAt.address });
  teardown.add('close the Temporal client', () => connection.close());
  const temporal = new Client({ connection, namespace: config.temporal.namespace });
  const startApi = async (source: typeof dataSource): Promise<{ api: ApiServer; url: string }> => {
    const api = await createApiServer({
      dataSource: source,
      databaseUrl,
      temporal,
      taskQueue: 'lockstep-bench-api-unused',
      retryHoldSeconds: 1,
      secretBox: null,
      introspection: false,
      log: () => undefined, // failures come back in the GraphQL response, which the bench checks
    });
    const port = await api.listen(0);
    return { api, url: `http://127.0.0.1:${port}/graphql` };
  };
  // The servers timed run in child processes of their own, so the load generator here takes no CPU
  // from their event loops: the baseline, this revision's API ("after") and an earlier one's ("before").
  progress(`extracting revision ${plan.before} for "before"`);
  const beforeRoot = await revisionTree(plan.before, teardown);
  const spec = (kind: ApiProcessSpec['kind'], root: string): ApiProcessSpec => ({
    kind,
    root,
    databaseUrl,
    temporalAddress: temporalAt.address,
    namespace: config.temporal.namespace,
    poolSize: plan.poolSize,
    shareSubscriptionExecutions: true,
  });
  const baselineProcess = await startApiProcess(spec('baseline', ''), teardown);
  const beforeProcess = await startApiProcess(spec('lockstep', beforeRoot), teardown);
  const afterProcess = await startApiProcess(spec('lockstep', path.resolve(__dirname, '..')), teardown);
  const http = new GraphqlHttpClient(admin.token, plan.throughput.concurrency);
  teardown.add('close the HTTP client', async () => http.close());

  await checkSameAnswer(http, afterProcess.url, baselineProcess.url, seeded);
  await checkSameAnswer(http, beforeProcess.url, baselineProcess.url, seeded);

  const t = plan.throughput;
  progress(
    `1/2 runs list: ${t.concurrency} loops, ${t.warmupMs / 1000} s warm-up + ${t.durationMs / 1000} s, ` +
      `baseline, before (${plan.before}), after, ${t.rounds} rounds`,
  );
  const throughput: Results['throughput'] = { ours: [], before: [], baseline: [] };
  const cpuPerRequest: Results['cpuPerRequest'] = { ours: [], before: [], baseline: [] };
  // Requests/s depend on what else the machine runs; the server's CPU time per request much less.
  const timed = async (server: ApiProcess, into: keyof Results['throughput']) => {
    let sent = 0;
    const cpuBefore = (await server.memory()).cpuMicros;
    const { perSecond } = await closedLoop(
      () => {
        sent++;
        return http.post(server.url, runsQuery, { n: t.first });
      },
      { concurrency: t.concurrency, warmupMs: t.warmupMs, durationMs: t.durationMs },
    );
    const cpuMicros = (await server.memory()).cpuMicros - cpuBefore;
    throughput[into].push(perSecond);
    cpuPerRequest[into].push(cpuMicros / 1000 / sent);
  };
  const loadAtStart = os.loadavg()[0]!;
  for (let round = 0; round < t.rounds; round++) {
    await timed(baselineProcess, 'baseline');
    await timed(beforeProcess, 'before');
    await timed(afterProcess, 'ours');
    const figures = (key: keyof Results['throughput']) =>
      `${throughput[key].at(-1)!.toFixed(1)} req/s (${cpuPerRequest[key].at(-1)!.toFixed(2)} CPU ms/req)`;
    progress(
      `    round ${round + 1}: baseline ${figures('baseline')}, before ${figures('before')}, after ${figures('ours')}`,
    );
  }
  const loadAtEnd = os.loadavg()[0]!;
  for (const server of [baselineProcess, beforeProcess, afterProcess]) await server.stop();

  const st = plan.statements;
  progress(`2/2 statements per request: first ${st.pageSizes.join(', ')}, ${st.requests} requests each`);
  const counter = new StatementCounter();
  const counted = createDataSource({
    url: databaseUrl,
    applicationName: 'lockstep-bench-api-counted',
    logger: counter,
  });
  await counted.initialize();
  teardown.add('close the counted API pool', () => counted.destroy());
  const countedApi = await startApi(counted);
  teardown.add('stop the counted API server', () => countedApi.api.close());
  const baseline: BaselineServer = await startBaselineServer(databaseUrl, plan.poolSize);
  teardown.add('stop the baseline server', () => baseline.close());
  await http.post(countedApi.url, runsQuery, { n: 20 }); // the token cache warm, TypeORM's metadata read
  await http.post(baseline.url, runsQuery, { n: 20 });
  const statements: Results['statements'] = [];
  for (const first of st.pageSizes) {
    const before = { ours: counter.count, baseline: baseline.statements() };
    for (let i = 0; i < st.requests; i++) {
      await http.post(countedApi.url, runsQuery, { n: first });
      await http.post(baseline.url, runsQuery, { n: first });
    }
    statements.push({
      first,
      ours: (counter.count - before.ours) / st.requests,
      baseline: (baseline.statements() - before.baseline) / st.requests,
    });
    progress(`    first ${first}: ours ${statements.at(-1)!.ours}, baseline ${statements.at(-1)!.baseline}`);
  }

  progress('cleaning up');
  return {
    origin: { database: postgres.origin, temporal: temporalAt.origin },
    throughput,
    cpuPerRequest,
    statements,
    load: [loadAtStart, loadAtEnd],
  };
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

function report({ origin, throughput, cpuPerRequest, statements, load }: Results): string {
  const baselineRate = mean(throughput.baseline);
  const beforeRate = mean(throughput.before);
  const oursRate = mean(throughput.ours);
  const rateRatio = oursRate / baselineRate;
  const t = plan.throughput;
  const counts = statements.map((row) => row.ours);
  const constant = counts.every((count) => count === counts[0]);
  const fewEnough = counts.every((count) => count <= goals.statements);
  const cpu = os.cpus();

  const rows = [
    ['measurement', '', 'ours', 'baseline', 'ours/baseline', 'goal'],
    [
      `1. runs list, first ${t.first}, ${t.concurrency} concurrent`,
      `req/s before (${plan.before})`,
      beforeRate.toFixed(1),
      baselineRate.toFixed(1),
      ratio(beforeRate / baselineRate),
      '',
    ],
    [
      '',
      'req/s after (this checkout)',
      oursRate.toFixed(1),
      baselineRate.toFixed(1),
      ratio(rateRatio),
      `>= ${ratio(goals.throughputRatio)} ${met(rateRatio >= goals.throughputRatio)}`,
    ],
    [
      '   server CPU time per request',
      `ms before (${plan.before})`,
      mean(cpuPerRequest.before).toFixed(2),
      mean(cpuPerRequest.baseline).toFixed(2),
      ratio(mean(cpuPerRequest.baseline) / mean(cpuPerRequest.before)),
      '',
    ],
    [
      '',
      'ms after (this checkout)',
      mean(cpuPerRequest.ours).toFixed(2),
      mean(cpuPerRequest.baseline).toFixed(2),
      ratio(mean(cpuPerRequest.baseline) / mean(cpuPerRequest.ours)),
      `>= ${ratio(goals.throughputRatio)} ${met(mean(cpuPerRequest.baseline) / mean(cpuPerRequest.ours) >= goals.throughputRatio)}`,
    ],
    ...statements.map((row, index) => [
      index === 0 ? '2. SQL statements per request' : '',
      `first ${row.first}`,
      row.ours.toFixed(1),
      row.baseline.toFixed(1),
      '',
      index === 0 ? `constant, <= ${goals.statements} ${met(constant && fewEnough)}` : '',
    ]),
  ];
  const rounds = (values: number[]) => values.map((value) => value.toFixed(1)).join(', ');
  return [
    '',
    'Lockstep API benchmark',
    `  PostgreSQL: ${origin.database}, a fresh database migrated for this run`,
    `  Temporal:   ${origin.temporal} (a client only: nothing here starts a workflow)`,
    `  machine:    ${cpu.length} CPU(s) (${cpu[0]?.model.trim() ?? 'unknown'}), Node ${process.version}`,
    `  load:       ${load[0].toFixed(1)} when the runs list started, ${load[1].toFixed(1)} when it ended (1-minute average)`,
    '',
    table(rows),
    '',
    'What is compared:',
    `  Data: one pipeline of ${plan.seed.stages} stages x ${plan.seed.actions} actions and ${plan.seed.runs} SUCCEEDED runs with their stage and`,
    `  action runs, written with SQL.`,
    `  1. pipelineRuns(first: ${t.first}) with totalCount, each run's stages and their actions, as an ADMIN bearer`,
    `     token, over HTTP keep-alive from ${t.concurrency} loops that each send the next request when the last is`,
    `     answered; ${t.warmupMs / 1000} s warm-up, then requests answered in ${t.durationMs / 1000} s. Each server runs in a child process of`,
    `     its own with NODE_ENV=production (as deployed); the load comes from this one. after: createApiServer of this checkout (Apollo Server,`,
    `     type-graphql, TypeORM, pool of ${plan.poolSize}); before: the same from revision ${plan.before} (git archive).`,
    `     baseline: graphql-js (buildSchema, a root value, documents parsed once) and pg (pool of ${plan.poolSize}) over`,
    `     node:http, hand-written SQL (the runs page with the count, then stages and actions by = ANY($1)), the`,
    `     token looked up in api_tokens on every request. All answered with the same data before timing.`,
    `     Rounds alternate baseline/before/after: baseline ${rounds(throughput.baseline)} req/s;`,
    `     before ${rounds(throughput.before)} req/s; after ${rounds(throughput.ours)} req/s. CPU time: each server`,
    `     process's user + system time over its warm-up and window, per request sent (the row's ratio is`,
    `     baseline/ours, the requests/s one CPU-bound server would reach relative to the baseline).`,
    `  2. Statements the API's DataSource was shown (a counting TypeORM logger, an API in this process) after`,
    `     one warm-up request, ${plan.statements.requests} requests per page size: ours with the token cached; the baseline's include its`,
    `     token lookup. Subscription fan-out has its own benchmark: npm run bench:fanout.`,
    '  A shared machine: read the ratios more than the figures.',
    '',
  ].join('\n');
}

runBench(measure, report);
