// A server of the API benchmarks in a process of its own (started by `api-processes.ts`): Lockstep's API
// from a source tree (this one, or an earlier revision's: `revision-tree.ts`), or the graphql-js baseline.
// It answers its parent over IPC: its port once listening, its peak memory and CPU time used when asked;
// it stops on `stop`.
import 'reflect-metadata';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as DataSourceModule from '../db/data-source';
import type * as AppModule from '../server/app';
import { startBaselineServer } from './api-baseline';

export interface ApiProcessSpec {
  kind: 'lockstep' | 'baseline';
  /** The source tree whose server/ and db/ run (kind lockstep). */
  root: string;
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  poolSize: number;
  /** Shared subscription executions (kind lockstep; trees that predate them ignore it). */
  shareSubscriptionExecutions: boolean;
}

export type ApiProcessMessage =
  | { type: 'listening'; port: number }
  | { type: 'memory'; peakRssBytes: number; peakHeapBytes: number; cpuMicros: number }
  | { type: 'failed'; message: string };

const send = (message: ApiProcessMessage) => process.send?.(message);

async function importFrom<T>(root: string, file: string): Promise<T> {
  return (await import(pathToFileURL(path.join(root, file)).href)) as T;
}

async function startLockstep(spec: ApiProcessSpec): Promise<{ port: number; close(): Promise<void> }> {
  const { createDataSource } = await importFrom<typeof DataSourceModule>(spec.root, 'db/data-source.ts');
  const { createApiServer } = await importFrom<typeof AppModule>(spec.root, 'server/app.ts');
  const { Client, Connection } = await import('@temporalio/client');
  const dataSource = createDataSource({
    url: spec.databaseUrl,
    applicationName: 'lockstep-bench-api',
    poolSize: spec.poolSize,
  });
  await dataSource.initialize();
  const connection = await Connection.connect({ address: spec.temporalAddress });
  const api = await createApiServer({
    dataSource,
    databaseUrl: spec.databaseUrl,
    temporal: new Client({ connection, namespace: spec.namespace }),
    taskQueue: 'lockstep-bench-api-unused',
    retryHoldSeconds: 1,
    secretBox: null,
    introspection: false,
    log: () => undefined, // failures come back in the GraphQL responses, which the bench checks
    shareSubscriptionExecutions: spec.shareSubscriptionExecutions,
  });
  const port = await api.listen(0);
  return {
    port,
    close: async () => {
      await api.close();
      await connection.close();
      await dataSource.destroy();
    },
  };
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as ApiProcessSpec;
  const server =
    spec.kind === 'baseline'
      ? await startBaselineServer(spec.databaseUrl, spec.poolSize).then((baseline) => ({
          port: Number(new URL(baseline.url).port),
          close: () => baseline.close(),
        }))
      : await startLockstep(spec);
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const { rss, heapUsed } = process.memoryUsage();
    peakRss = Math.max(peakRss, rss);
    peakHeap = Math.max(peakHeap, heapUsed);
  };
  const sampler = setInterval(sample, 250);
  const stop = async () => {
    clearInterval(sampler);
    await server.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('message', (message: { type: string }) => {
    if (message.type === 'memory') {
      sample();
      const cpu = process.cpuUsage();
      send({
        type: 'memory',
        peakRssBytes: peakRss,
        peakHeapBytes: peakHeap,
        cpuMicros: cpu.user + cpu.system,
      });
    } else if (message.type === 'reset-memory') {
      peakRss = 0;
      peakHeap = 0;
    } else if (message.type === 'stop') void stop();
  });
  process.on('disconnect', () => void stop());
  send({ type: 'listening', port: server.port });
}

main().catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
