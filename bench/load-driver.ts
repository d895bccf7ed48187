import { createClient, type Client } from 'graphql-ws';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { rssOf } from '../test/support/replicas';
import type { GraphqlHttpClient } from './api-load';

/**
 * The sustained load of `bench:load`: runs triggered over GraphQL, `concurrency` of them in flight, while
 * subscribers follow the pipeline's events and a dashboard reader asks for the DORA metrics in a loop.
 */

export interface LoadOptions {
  apiUrl: string;
  token: string;
  http: GraphqlHttpClient;
  pipelineId: string;
  runs: number;
  concurrency: number;
  subscribers: number;
  /** The processes whose memory is sampled. */
  pids: { worker: () => number | undefined; api: () => number | undefined };
}

export interface RssSample {
  /** Runs finished when the sample was taken. */
  runs: number;
  worker: number;
  /** The worker's command launcher (workflows/activities/launcher.ts): 0 until its first command. */
  launcher: number;
  api: number;
}

export interface LoadResults {
  wallMs: number;
  /** Trigger request sent to the run's RUN_SUCCEEDED event reaching the tracking subscriber. */
  runMs: number[];
  triggerMs: number[];
  doraMs: number[];
  /** Events each subscriber received, and how many the pipeline's runs raised. */
  received: number[];
  stored: number;
  rss: RssSample[];
}

const triggerMutation = `mutation($p: ID!, $r: RevisionInput!) { triggerPipeline(pipelineId: $p, revision: $r) { id } }`;
const eventsSubscription = `subscription($p: ID) { pipelineEvents(pipelineId: $p) { id type runId } }`;
const doraQuery = `query($f: DoraFilter!) {
  doraMetrics(filter: $f) {
    deploymentFrequency { value level series { bucketStart value } }
    leadTimeForChanges { value p75 level series { bucketStart value } }
    changeFailureRate { value level series { bucketStart value } }
    timeToRestore { value level series { bucketStart value } }
  }
}`;
const revision = { sha: 'be7c4a5e1f00', committedAt: '2026-11-20T10:00:00Z', message: 'load' };
const runTimeoutMs = 180_000;

/** Runs ended, by the subscription: a run that failed rejects its waiter. */
class RunTracker {
  private readonly waiting = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  private readonly ended = new Map<string, string>();

  saw(event: { type: string; runId: string }): void {
    if (!['RUN_SUCCEEDED', 'RUN_FAILED', 'RUN_CANCELLED', 'RUN_SUPERSEDED'].includes(event.type)) return;
    this.ended.set(event.runId, event.type);
    this.settle(event.runId);
  }

  end(runId: string): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.waiting.set(runId, { resolve, reject }));
    this.settle(runId);
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`run ${runId} did not end within ${runTimeoutMs} ms`)),
        runTimeoutMs,
      ).unref(),
    );
    return Promise.race([done, timeout]);
  }

  private settle(runId: string): void {
    const type = this.ended.get(runId);
    const waiter = this.waiting.get(runId);
    if (!type || !waiter) return;
    this.waiting.delete(runId);
    if (type === 'RUN_SUCCEEDED') waiter.resolve();
    else waiter.reject(new Error(`run ${runId} ended ${type}`));
  }
}

async function sampleRss(options: LoadOptions, runs: number): Promise<RssSample> {
  const workerPid = options.pids.worker();
  const [worker, api, launcher] = await Promise.all([
    rssOf(workerPid),
    rssOf(options.pids.api()),
    launcherRss(workerPid),
  ]);
  if (worker === undefined || api === undefined) throw new Error('the worker or the API process is gone');
  return { runs, worker, launcher: launcher ?? 0, api };
}

/** The last launcher found per worker pid: /proc is searched again only when it is gone (or not started). */
const launchers = new Map<number, number>();

async function launcherRss(workerPid: number | undefined): Promise<number | undefined> {
  if (workerPid === undefined) return undefined;
  const known = launchers.get(workerPid);
  const rss = known === undefined ? undefined : await rssOf(known);
  if (rss !== undefined) return rss;
  const found = launcherOf(workerPid);
  if (found === undefined) return undefined;
  launchers.set(workerPid, found);
  return rssOf(found);
}

/** The pid of the command launcher the worker `pid` started, if it has one (Linux /proc). */
function launcherOf(pid: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('launcher-process.mjs'))
        return Number(entry);
    } catch {
      // exited while we looked
    }
  }
  return undefined;
}

export async function driveLoad(options: LoadOptions): Promise<LoadResults> {
  const tracker = new RunTracker();
  const received = Array.from({ length: options.subscribers }, () => 0);
  const clients: Client[] = [];
  let failure: Error | undefined;
  let live = 0;
  const allLive = new Promise<void>((resolve) => {
    for (let i = 0; i < options.subscribers; i++) {
      const client = createClient({
        url: options.apiUrl.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${options.token}` },
        retryAttempts: 0,
        on: {
          connected: () => ++live === options.subscribers && resolve(),
        },
      });
      clients.push(client);
      client.subscribe<{ pipelineEvents: { id: string; type: string; runId: string } }>(
        { query: eventsSubscription, variables: { p: options.pipelineId } },
        {
          next: ({ data }) => {
            if (!data) return;
            received[i]! += 1;
            if (i === 0) tracker.saw(data.pipelineEvents);
          },
          error: (error) =>
            (failure ??= new Error(`subscriber ${i}: ${JSON.stringify(error).slice(0, 300)}`)),
          complete: () => (failure ??= new Error(`subscriber ${i} was completed by the server`)),
        },
      );
    }
  });
  await allLive;
  await new Promise((resolve) => setTimeout(resolve, 500)); // connected, then subscribed

  const doraMs: number[] = [];
  let reading = true;
  const to = new Date();
  const filter = { from: new Date(to.getTime() - 90 * 86_400_000).toISOString(), to: to.toISOString() };
  const reader = (async () => {
    while (reading) {
      const t0 = performance.now();
      await options.http.data(options.apiUrl, doraQuery, { f: filter });
      doraMs.push(performance.now() - t0);
    }
  })();

  const rss: RssSample[] = [await sampleRss(options, 0)];
  const every = Math.max(1, Math.round(options.runs / 20));
  const runMs: number[] = [];
  const triggerMs: number[] = [];
  let next = 0;
  let finished = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < options.runs && !failure) {
      next += 1;
      const t0 = performance.now();
      const data = await options.http.data<{ triggerPipeline: { id: string } }>(
        options.apiUrl,
        triggerMutation,
        { p: options.pipelineId, r: revision },
      );
      triggerMs.push(performance.now() - t0);
      await tracker.end(data.triggerPipeline.id);
      runMs.push(performance.now() - t0);
      finished += 1;
      if (finished % every === 0 || finished === options.runs) rss.push(await sampleRss(options, finished));
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, lane));
  } finally {
    reading = false;
    await reader.catch(() => undefined);
  }
  const wallMs = performance.now() - started;
  if (failure) throw failure;
  await new Promise((resolve) => setTimeout(resolve, 1000)); // the last events reach every subscriber
  for (const client of clients) await client.dispose();
  return { wallMs, runMs, triggerMs, doraMs, received, stored: 0, rss };
}

/** Least-squares slope of `value` over `runs`, per 100 runs. */
export function slopePer100(samples: RssSample[], value: (s: RssSample) => number): number {
  const n = samples.length;
  if (n < 2) return 0;
  const mx = samples.reduce((sum, s) => sum + s.runs, 0) / n;
  const my = samples.reduce((sum, s) => sum + value(s), 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.runs - mx) * (value(s) - my);
    den += (s.runs - mx) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 100;
}
