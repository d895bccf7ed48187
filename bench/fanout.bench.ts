// The subscription fan-out benchmark (`npm run bench:fanout`): prints figures, asserts nothing. See bench/README.md.
import 'reflect-metadata';
import { fork } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { createDataSource, migrate } from '../db/data-source';
import { TokenService } from '../server/auth/token.service';
import { parseConfig } from '../main/config';
import { startApiProcess, type ApiProcess } from './api-processes';
import { seedRuns } from './api-seed';
import { createBenchDatabase, postgresServer, temporalServer } from './environment';
import type { FanOut } from './fan-out';
import type { FanOutMessage, FanOutSpec } from './fan-out-process';
import { progress, runBench } from './runner';
import { met, ms, percentile, table } from './stats';
import type { Teardown } from './teardown';

const size = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
};

const plan = {
  /** Subscribers of one API process, before (one execution each) and after (shared). */
  subscribers: size('BENCH_FANOUT_SUBSCRIBERS', 1000),
  /** Subscribers over two API processes on the same database, half each. */
  scaleOut: size('BENCH_FANOUT_SCALE_OUT', 10_000),
  events: 20,
  /** Each token holds at most this many subscriptions per API process (the default limit is 200). */
  perToken: 100,
  poolSize: 10,
} as const;

const goals = { p50Ms: 20, p99Ms: 100 } as const;

interface Measured {
  label: string;
  apis: number;
  fanOut: FanOut;
  /** Peak RSS of each API process while measured, MB. */
  rssMb: number[];
  load: [number, number];
}

interface Results {
  origin: { database: string; temporal: string };
  runs: Measured[];
}

/** One measurement: `subscribers` in a child process of their own, spread over `apis`. */
function fanOutIn(spec: FanOutSpec): Promise<FanOut> {
  const child = fork(path.join(__dirname, 'fan-out-process.ts'), [JSON.stringify(spec)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.on('message', (message: FanOutMessage) => {
      if (message.type === 'done') resolve(message.result);
      else reject(new Error(`the subscribers' process failed: ${message.message}`));
    });
    child.once('exit', (code) => reject(new Error(`the subscribers' process exited (${code})`)));
  });
}

async function measure(teardown: Teardown): Promise<Results> {
  progress('starting services and a fresh database');
  const config = parseConfig(process.env);
  const postgres = await postgresServer(config.databaseUrl, teardown);
  const temporalAt = await temporalServer(config, teardown);
  const databaseUrl = await createBenchDatabase(postgres.url, teardown);
  const dataSource = createDataSource({ url: databaseUrl, applicationName: 'lockstep-bench-fanout' });
  await dataSource.initialize();
  teardown.add('close the bench DataSource', () => dataSource.destroy());
  await migrate(dataSource);
  const tokenService = new TokenService(dataSource);
  const tokens: string[] = [];
  const largest = Math.max(plan.subscribers, plan.scaleOut);
  for (let i = 0; i < Math.ceil(largest / plan.perToken); i++)
    tokens.push((await tokenService.create(`bench-viewer-${i}`, 'VIEWER')).token);
  const pool = new Pool({ connectionString: databaseUrl, max: 1, application_name: 'lockstep-bench' });
  teardown.add('close the bench pool', () => pool.end());
  const [admin] = await dataSource.query<Array<{ id: string }>>('SELECT id FROM principals LIMIT 1');
  const seeded = await seedRuns(pool, admin!.id, { runs: 1, stages: 1, actions: 1 });
  const run = { runId: seeded.runIds[0]!, pipelineId: seeded.pipelineId };

  const apiProcess = (share: boolean) =>
    startApiProcess(
      {
        kind: 'lockstep',
        root: path.resolve(__dirname, '..'),
        databaseUrl,
        temporalAddress: temporalAt.address,
        namespace: config.temporal.namespace,
        poolSize: plan.poolSize,
        shareSubscriptionExecutions: share,
      },
      teardown,
    );
  const measureWith = async (label: string, apis: ApiProcess[], subscribers: number): Promise<Measured> => {
    progress(
      `${label}: ${subscribers} subscribers over ${apis.length} API process(es), ${plan.events} events`,
    );
    const before = os.loadavg()[0]!;
    const fanOut = await fanOutIn({
      databaseUrl,
      wsUrls: apis.map((api) => api.url.replace(/^http/, 'ws')),
      tokens,
      subscribersPerToken: plan.perToken,
      run,
      subscribers,
      events: plan.events,
    });
    const rssMb = (await Promise.all(apis.map((api) => api.memory()))).map((m) => m.peakRssBytes / 2 ** 20);
    const p = (q: number) => percentile(fanOut.delays, q).toFixed(1);
    progress(
      `    p50 ${p(50)} ms, p99 ${p(99)} ms; API peak RSS ${rssMb.map((mb) => mb.toFixed(0)).join(', ')} MB`,
    );
    for (const api of apis) await api.stop();
    return { label, apis: apis.length, fanOut, rssMb, load: [before, os.loadavg()[0]!] };
  };

  const runs: Measured[] = [];
  runs.push(
    await measureWith('before (one execution per subscriber)', [await apiProcess(false)], plan.subscribers),
  );
  runs.push(await measureWith('after (shared executions)', [await apiProcess(true)], plan.subscribers));
  runs.push(
    await measureWith(
      'after, two API processes',
      [await apiProcess(true), await apiProcess(true)],
      plan.scaleOut,
    ),
  );
  progress('cleaning up');
  return { origin: { database: postgres.origin, temporal: temporalAt.origin }, runs };
}

function report({ origin, runs }: Results): string {
  const cpu = os.cpus();
  const rows = [
    ['measurement', 'N', 'p50', 'p99', 'first / last p50', 'API peak RSS', 'load (1 min)', 'goal'],
    ...runs.map((r) => {
      const p50 = percentile(r.fanOut.delays, 50);
      const p99 = percentile(r.fanOut.delays, 99);
      const first = percentile(
        r.fanOut.perEvent.map((e) => e.first),
        50,
      );
      const last = percentile(
        r.fanOut.perEvent.map((e) => e.last),
        50,
      );
      return [
        r.label,
        String(r.fanOut.subscribers),
        ms(p50),
        ms(p99),
        `${ms(first)} / ${ms(last)}`,
        r.rssMb.map((mb) => `${mb.toFixed(0)} MB`).join(' + '),
        `${r.load[0].toFixed(1)} -> ${r.load[1].toFixed(1)}`,
        r.apis === 1 && r.label.startsWith('after')
          ? `p50 <= ${goals.p50Ms} ${met(p50 <= goals.p50Ms)}, p99 <= ${goals.p99Ms} ${met(p99 <= goals.p99Ms)}`
          : '',
      ];
    }),
  ];
  return [
    '',
    'Lockstep subscription fan-out benchmark',
    `  PostgreSQL: ${origin.database}, a fresh database migrated for this run`,
    `  Temporal:   ${origin.temporal} (a client only)`,
    `  machine:    ${cpu.length} CPU(s) (${cpu[0]?.model.trim() ?? 'unknown'}), Node ${process.version}`,
    '',
    table(rows),
    '',
    'What is measured:',
    '  The API runs in child processes of its own (one, or two on the same database); the subscribers and the',
    '  event announcer in another. Subscribers are graphql-ws clients, one socket each, with VIEWER tokens (at',
    `  most ${plan.perToken} subscriptions per token and API process), all on pipelineEvents(pipelineId) with the same`,
    '  selection. Per event: a pipeline_events row inserted, then the clock started and pg_notify sent as the',
    "  engine does; the delay to each subscriber's `next`, nearest-rank percentiles over all deliveries.",
    `  ${plan.events} events, one at a time, each once the last reached everyone. "before" is this revision with`,
    '  shared executions switched off (shareSubscriptionExecutions: false, a switch for this benchmark only).',
    '  API peak RSS: sampled every 250 ms in each API process from its start to the end of the measurement.',
    '',
  ].join('\n');
}

runBench(measure, report);
