// The load benchmark (`npm run bench:load [-- --runs N] [--concurrency N]`): a worker and an API process
// under sustained runs, subscribers and a dashboard reader. Prints figures, asserts nothing; bench/README.md.
import 'reflect-metadata';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createDataSource, migrate } from '../db/data-source';
import { parseConfig } from '../main/config';
import { startReplicas } from '../test/support/replicas';
import { GraphqlHttpClient } from './api-load';
import { createBenchDatabase, postgresServer, temporalServer } from './environment';
import { driveLoad, slopePer100, type LoadResults } from './load-driver';
import { progress, runBench } from './runner';
import { sequentialCommandPipeline } from './runs';
import { ms, spread, table } from './stats';
import type { Teardown } from './teardown';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '20' },
  },
});
const plan = { runs: Number(args.runs), concurrency: Number(args.concurrency), actions: 5, subscribers: 50 };
if (!Number.isInteger(plan.runs) || plan.runs < 1) throw new Error('--runs must be a whole number of runs');
if (!Number.isInteger(plan.concurrency) || plan.concurrency < 1)
  throw new Error('--concurrency must be 1 or more');

interface Results extends LoadResults {
  origin: { database: string; temporal: string };
  loadBefore: number[];
  loadAfter: number[];
}

async function measure(teardown: Teardown): Promise<Results> {
  const config = parseConfig(process.env);
  const postgres = await postgresServer(config.databaseUrl, teardown);
  const temporal = await temporalServer(config, teardown);
  const databaseUrl = await createBenchDatabase(postgres.url, teardown);
  const dataSource = createDataSource({ url: databaseUrl, poolSize: 1, applicationName: 'lockstep-bench' });
  await dataSource.initialize();
  teardown.add('close the bench pool', () => dataSource.destroy());
  await migrate(dataSource);

  progress('starting a worker and an API process');
  const replicas = await startReplicas({
    databaseUrl,
    temporalAddress: temporal.address,
    workers: 1,
    apis: 1,
  });
  teardown.add('stop the worker and the API', () => replicas.stop());
  const [worker, api] = [replicas.workers[0]!, replicas.apis[0]!];
  const http = new GraphqlHttpClient(replicas.adminToken, plan.concurrency + 2);
  teardown.add('close the HTTP client', async () => http.close());
  const created = await http.data<{ createPipeline: { id: string } }>(
    api.url,
    `mutation($i: PipelineInput!) { createPipeline(input: $i) { id } }`,
    { i: sequentialCommandPipeline('bench-load', plan.actions, 'PARALLEL') },
  );

  progress(
    `${plan.runs} runs of ${plan.actions} actions, ${plan.concurrency} in flight, ` +
      `${plan.subscribers} subscribers, a doraMetrics reader`,
  );
  const loadBefore = os.loadavg();
  const results = await driveLoad({
    apiUrl: api.url,
    token: replicas.adminToken,
    http,
    pipelineId: created.createPipeline.id,
    ...plan,
    pids: { worker: () => worker.pid, api: () => api.pid },
  });
  const [stored]: Array<{ n: number }> = await dataSource.query(
    'SELECT count(*)::int AS n FROM pipeline_events WHERE pipeline_id = $1',
    [created.createPipeline.id],
  );
  progress('cleaning up');
  return {
    ...results,
    stored: stored?.n ?? 0,
    loadBefore,
    loadAfter: os.loadavg(),
    origin: { database: postgres.origin, temporal: temporal.origin },
  };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function report(r: Results): string {
  const run = spread(r.runMs);
  const trigger = spread(r.triggerMs);
  const dora = spread(r.doraMs);
  const first = r.rss[0]!;
  const last = r.rss.at(-1)!;
  // The first tenth of the runs warms the processes up (JIT, pools, caches): the slope starts after it.
  const steady = r.rss.filter((s) => s.runs >= plan.runs / 10);
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' ');
  const cpu = os.cpus();
  const rows = [
    ['measurement', 'p50', 'p95', 'n'],
    ['run latency (trigger request -> RUN_SUCCEEDED received)', ms(run.p50), ms(run.p95), String(run.n)],
    ['triggerPipeline mutation', ms(trigger.p50), ms(trigger.p95), String(trigger.n)],
    ['doraMetrics (90 days, weekly) under load', ms(dora.p50), ms(dora.p95), String(dora.n)],
  ];
  const memory = [
    ['process', 'RSS at start', 'RSS at end', 'slope per 100 runs (after the first tenth)'],
    ['worker', mb(first.worker), mb(last.worker), `${mb(slopePer100(steady, (s) => s.worker))}`],
    [
      'its command launcher',
      first.launcher ? mb(first.launcher) : 'not started',
      mb(last.launcher),
      `${mb(slopePer100(steady, (s) => s.launcher))}`,
    ],
    ['API', mb(first.api), mb(last.api), `${mb(slopePer100(steady, (s) => s.api))}`],
  ];
  const lowest = Math.min(...r.received);
  return [
    '',
    'Lockstep load benchmark',
    `  PostgreSQL: ${r.origin.database}, a fresh database migrated for this run`,
    `  Temporal:   ${r.origin.temporal}; one worker and one API process (npm run worker / api)`,
    `  machine:    ${cpu.length} CPU(s), Node ${process.version}; load average ${load(r.loadBefore)} before, ${load(r.loadAfter)} after`,
    '',
    `${plan.runs} runs of ${plan.actions} sequential COMMAND actions (\`true\`, execution mode PARALLEL),`,
    `${plan.concurrency} in flight, in ${(r.wallMs / 1000).toFixed(1)} s: ${((plan.runs * 1000) / r.wallMs).toFixed(2)} runs/s`,
    '',
    table(rows),
    '',
    table(memory),
    '',
    `  RSS sampled every ${Math.max(1, Math.round(plan.runs / 20))} runs: ` +
      r.rss
        .map((s) => `${s.runs}:${(s.worker / 1048576).toFixed(0)}/${(s.api / 1048576).toFixed(0)}`)
        .join(' '),
    '  (runs: worker MB / API MB)',
    `  ${r.received.length} subscribers of pipelineEvents: each received at least ${lowest} of the ${r.stored} events stored` +
      (lowest === r.stored ? ' (all).' : ' (SOME MISSED).'),
    '  Run latency ends when the RUN_SUCCEEDED event reaches a subscriber, so it includes the delivery.',
    '  Percentiles are nearest-rank. A shared machine: note the load average beside the figures.',
    '',
  ].join('\n');
}

runBench(measure, report);
