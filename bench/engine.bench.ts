// The engine benchmark (`npm run bench:engine`): prints figures, asserts nothing. See bench/README.md.
import 'reflect-metadata';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { callerOf } from '../server/auth/principal';
import { idleGateMs, measureApprovalLatency, type ApprovalLatency } from './approval-latency';
import { measureConcurrentThroughput, runsPerSecond, type Throughput } from './concurrent-throughput';
import { progress, runBench } from './runner';
import { startBenchEnvironment, type BenchEnvironment } from './environment';
import type { RunProfile } from './runs';
import { measureSequentialLatency, type SequentialLatency } from './sequential-latency';
import { ms, perSecond, ratio, spread, table } from './stats';
import { type Teardown } from './teardown';

const plan = {
  sequential: { actions: 10, warmup: 2, samples: 20 },
  concurrent: { runs: 50, actions: 5, rounds: 2, warmupRounds: 1 },
  approval: { warmup: 2, samples: 20 },
} as const;

/** Our p50 latency over the bare workflow's, at most. */
const latencyGoal = 1.2;
/** Our throughput over the fair baseline's (activities that spawn `true`), at least. */
const throughputGoal = 0.8;

/** `--only throughput`: measure 2 alone (while working on it); the report leaves the others out. */
const { values: args } = parseArgs({ options: { only: { type: 'string' } } });
if (args.only !== undefined && args.only !== 'throughput') throw new Error('--only takes: throughput');
const onlyThroughput = args.only === 'throughput';

interface Results {
  env: Pick<BenchEnvironment, 'origin' | 'taskQueue'>;
  sequential: SequentialLatency | null;
  concurrent: Throughput;
  approval: ApprovalLatency | null;
  load: { before: number[]; after: number[] };
}

async function measure(teardown: Teardown): Promise<Results> {
  progress('starting services, database, worker and API');
  const env = await startBenchEnvironment(teardown);
  const operator = callerOf(await env.tokens.create('bench-operator', 'OPERATOR'));

  const before = os.loadavg();
  const s = plan.sequential;
  progress(`1/3 run latency: ${s.warmup} warm-up + ${s.samples} runs each of ours and bare, alternating`);
  const sequential = onlyThroughput ? null : await measureSequentialLatency(env, operator, s);

  const c = plan.concurrent;
  progress(
    `2/3 throughput: ${c.warmupRounds} warm-up + ${c.rounds} rounds of ${c.runs} concurrent runs each of bare, bare command and ours`,
  );
  const concurrent = await measureConcurrentThroughput(env, operator, c);

  const a = plan.approval;
  progress(`3/3 approval: ${a.warmup} warm-up + ${a.samples} approvals over GraphQL`);
  const approval = onlyThroughput ? null : await measureApprovalLatency(env, operator, a);

  progress('cleaning up');
  return { env, sequential, concurrent, approval, load: { before, after: os.loadavg() } };
}

/** Where one run's time went: counts, waiting for the worker, activities, workflow code. */
function profileLines(label: string, profile: RunProfile): string[] {
  const byType = Object.entries(profile.activityMsByType)
    .sort(([, a], [, b]) => b - a)
    .map(([type, total]) => `${type} ${total.toFixed(0)}`)
    .join(', ');
  const pad = ' '.repeat(label.length + 2);
  return [
    `${label}: ${profile.totalMs.toFixed(0)} ms, ${profile.activities} activities + ${profile.workflowTasks} workflow tasks:`,
    `${pad}${profile.queuedMs.toFixed(0)} ms waiting for the worker to pick tasks up, ` +
      `${profile.workflowTaskMs.toFixed(0)} ms in workflow code,`,
    `${pad}${profile.activityMs.toFixed(0)} ms in activities (${byType})`,
  ].map((line) => `       ${line}`);
}

function latencyRows(sequential: SequentialLatency): string[][] {
  const ours = spread(sequential.ours);
  const bare = spread(sequential.bare);
  const p50Ratio = ours.p50 / bare.p50;
  return [
    [
      `1. run latency, ${sequential.actions} sequential actions (n=${ours.n})`,
      'p50',
      ms(ours.p50),
      ms(bare.p50),
      ratio(p50Ratio),
      `<= ${ratio(latencyGoal)} ${p50Ratio <= latencyGoal ? '(met)' : '(NOT met)'}`,
    ],
    ['', 'p95', ms(ours.p95), ms(bare.p95), ratio(ours.p95 / bare.p95), ''],
  ];
}

function throughputRows(concurrent: Throughput): string[][] {
  const c = plan.concurrent;
  const oursRate = runsPerSecond(concurrent.runs, concurrent.oursMs);
  const bareRate = runsPerSecond(concurrent.runs, concurrent.bareMs);
  const fairRate = runsPerSecond(concurrent.runs, concurrent.bareCommandMs);
  const fairRatio = oursRate / fairRate;
  return [
    [
      `2. throughput, ${c.runs} concurrent ${c.actions}-action runs`,
      'no-op',
      perSecond(oursRate),
      perSecond(bareRate),
      ratio(oursRate / bareRate),
      '',
    ],
    [
      '',
      'spawn',
      '',
      perSecond(fairRate),
      ratio(fairRatio),
      `>= ${ratio(throughputGoal)} ${fairRatio >= throughputGoal ? '(met)' : '(NOT met)'}`,
    ],
  ];
}

function approvalRows(approval: ApprovalLatency): string[][] {
  const toNext = spread(approval.toNextAction);
  const mutation = spread(approval.mutation);
  return [
    [`3. approveAction -> next action started (n=${toNext.n})`, 'p50', ms(toNext.p50), '', '', ''],
    ['', 'p95', ms(toNext.p95), '', '', ''],
    ['   approveAction mutation answered', 'p50', ms(mutation.p50), '', '', ''],
    ['', 'p95', ms(mutation.p95), '', '', ''],
  ];
}

function latencyNotes(sequential: SequentialLatency): string[] {
  const ours = spread(sequential.ours);
  const bare = spread(sequential.bare);
  return [
    `  1. ours: RunService.trigger (run rows + workflow start), then the pipeline workflow in its default`,
    `     execution mode (QUEUED: it claims and releases the pipeline's lane). Each action spawns a real`,
    `     \`/bin/sh -c true\` process and records an attempt and its log; every state change of run, stage`,
    `     and action is projected to PostgreSQL. bare: ${sequential.actions} activities that return at once and do nothing`,
    `     else. That difference is the point of the comparison. Latency is from the start request to the`,
    `     workflow result; bare and ours alternate.`,
    `     min/max: ours ${ms(ours.min)} / ${ms(ours.max)}, bare ${ms(bare.min)} / ${ms(bare.max)}.`,
    `     Where the median run's time went (its Temporal history, workflow start to completion):`,
    ...profileLines('ours', sequential.profile.ours),
    ...profileLines('bare', sequential.profile.bare),
  ];
}

function approvalNotes(approval: ApprovalLatency): string[] {
  const toNext = spread(approval.toNextAction);
  return [
    `  3. One principal triggers, another (APPROVER) sends approveAction over HTTP to the in-process API,`,
    `     ${idleGateMs} ms after the gate is WAITING_FOR_APPROVAL and its run WAITING in PostgreSQL; measured to`,
    `     action_attempts.started_at of the COMMAND action after the gate. The mutation answers once the`,
    `     engine has recorded the approval (RunControlService.decide polls for it every 50 ms).`,
    `     min/max: ${ms(toNext.min)} / ${ms(toNext.max)}.`,
  ];
}

function report({ env, sequential, concurrent, approval, load }: Results): string {
  const c = plan.concurrent;
  const cpu = os.cpus();
  const rounds = (values: number[]) => values.map((value) => `${(value / 1000).toFixed(2)} s`).join(', ');
  const loads = (values: number[]) => values.map((value) => value.toFixed(2)).join(' ');
  const rows = [
    ['measurement', '', 'ours', 'bare', 'ours/bare', 'goal'],
    ...(sequential ? latencyRows(sequential) : []),
    ...throughputRows(concurrent),
    ...(approval ? approvalRows(approval) : []),
  ];
  return [
    '',
    'Lockstep engine benchmark',
    `  PostgreSQL: ${env.origin.database}, a fresh database migrated for this run`,
    `  Temporal:   ${env.origin.temporal}, one in-process worker on task queue ${env.taskQueue}`,
    `  machine:    ${cpu.length} CPU(s) (${cpu[0]?.model.trim() ?? 'unknown'}), Node ${process.version}`,
    `  load:       ${loads(load.before)} before, ${loads(load.after)} after (1, 5, 15 min averages)`,
    '',
    table(rows),
    '',
    'What is compared:',
    ...(sequential ? latencyNotes(sequential) : []),
    `  2. ${c.actions} actions one after another, execution mode PARALLEL (no lane), ${c.runs} runs started at`,
    `     once; runs/s = all runs / all wall time over ${c.rounds} rounds, after ${c.warmupRounds} uncounted warm-up round of each. Two baselines: bare workflows whose`,
    `     activities return at once (no-op: the old comparison), and bare workflows whose activities each`,
    `     spawn \`true\` with child_process and wait for it (spawn: the fair one, the process our actions run;`,
    `     ours runs it through /bin/sh with a watchdog, as a uid of its own when the worker is root,`,
    `     spawned by the worker's launcher, a small process, where the baseline spawns from the worker).`,
    `     (ours ${rounds(concurrent.oursMs)}; no-op ${rounds(concurrent.bareMs)}; spawn ${rounds(concurrent.bareCommandMs)}).`,
    ...(approval ? approvalNotes(approval) : []),
    '  Percentiles are nearest-rank. One process on a shared machine: read the ratios more than the times.',
    '',
  ].join('\n');
}

// Workers log at INFO by default; the figures are what this process is for.
Runtime.install({ logger: new DefaultLogger('ERROR') });
runBench(measure, report);
