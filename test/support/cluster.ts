import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { test as base } from 'vitest';
import { createDataSource, migrate } from '../../db/data-source';
import { startLocalPostgres, type LocalPostgres } from '../../db/local-postgres';
import { parseConfig } from '../../main/config';
import { createTestDatabase, graphql, type Harness } from './fixtures';
import {
  answers,
  apiProcess,
  ManagedProcess,
  OutputLog,
  workerProcess,
  type ChildService,
  type Restartable,
} from './managed-process';
import { endProcessesMatching, freePort } from './processes';

export type { ChildService, Restartable };

/**
 * Lockstep as it runs in production, one process per component, with services of its own: a Temporal dev
 * server, a worker and an API as child processes, and PostgreSQL either private (a cluster in a temporary
 * folder) or a fresh database on the shared test server. Fault tests kill and restart these freely without
 * touching what other test files use.
 *
 * Every child gets TMPDIR=<the cluster's folder>, and COMMAND actions inherit it from the worker, so every
 * process the cluster ever started (commands of killed workers included) can be found and ended at the end.
 */

export interface ClusterOptions {
  /** `own`: a private PostgreSQL that the test may stop and start; `shared`: a database on the test server. */
  postgres: 'own' | 'shared';
  /** More environment for the worker and the API (metrics ports, an OTLP endpoint, LOG_FORMAT...). */
  env?: NodeJS.ProcessEnv;
}

export interface Cluster {
  dir: string;
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
  apiUrl: string;
  adminToken: string;
  /** A client of the cluster's own Temporal server. */
  temporal: Client;
  postgres: Restartable;
  temporalServer: ChildService;
  worker: ChildService;
  api: ChildService;
  /** GraphQL against the API, as the admin unless a token (or null) is given. */
  gql: Harness['gql'];
  /** One query on a connection of its own, so it works across database restarts. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Whether GET /healthz answers 200 (PostgreSQL and Temporal both reachable from the API). */
  healthy(): Promise<boolean>;
  /** Everything the cluster's processes printed, with the source and time of each line. */
  output(): string;
  /** Stops every process the cluster started and removes its folder and database. */
  stop(): Promise<void>;
}

async function temporalServes(address: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 1000 });
    await connection.workflowService.describeNamespace({ namespace: 'default' });
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/** The database: a private PostgreSQL that can be restarted, or a database on the shared server. */
async function provideDatabase(
  mode: ClusterOptions['postgres'],
  dir: string,
  log: OutputLog,
): Promise<{ url: string; service: Restartable; release: () => Promise<void> }> {
  if (mode === 'shared') {
    const database = await createTestDatabase();
    const refuse = () => Promise.reject(new Error('the shared PostgreSQL cannot be stopped by one test'));
    return { url: database.url, service: { stop: refuse, start: refuse }, release: () => database.drop() };
  }
  const options = {
    dataDir: path.join(dir, 'postgres'),
    port: await freePort(),
    log: (line: string) => log.write('postgres', line),
  };
  let current: LocalPostgres | undefined = await startLocalPostgres(options);
  const url = current.url;
  const service: Restartable = {
    async stop() {
      await current?.stop();
      current = undefined;
    },
    async start() {
      if (current) throw new Error('PostgreSQL is already running');
      const started = await startLocalPostgres(options); // same data folder and port: the same URL
      if (started.url !== url) throw new Error(`PostgreSQL came back at another URL: ${started.url}`);
      current = started;
    },
  };
  return { url, service, release: () => service.stop() };
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const cliPath = parseConfig(process.env).temporal.cliPath;
  if (!cliPath)
    throw new Error('set TEMPORAL_CLI_PATH or put `temporal` on PATH: fault tests start their own server');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lockstep-cluster-'));
  await chmod(dir, 0o755); // the private PostgreSQL runs as the postgres user when the tests run as root
  const log = new OutputLog();
  const cleanups: Array<() => Promise<void>> = [];
  let stopped = false;

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const problems: string[] = [];
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: Error) => problems.push(error.message));
    }
    // Whatever is left (commands of a killed worker, above all) still carries TMPDIR=<dir>.
    const leftovers = await endProcessesMatching(dir);
    if (leftovers.length > 0) problems.push(`processes survived the cluster: ${JSON.stringify(leftovers)}`);
    await rm(dir, { recursive: true, force: true });
    if (problems.length > 0) throw new Error(`stopping the cluster: ${problems.join('; ')}`);
  };

  try {
    const database = await provideDatabase(options.postgres, dir, log);
    cleanups.push(database.release);
    const dataSource = createDataSource({ url: database.url, poolSize: 1, applicationName: 'lockstep-test' });
    await dataSource.initialize();
    try {
      await migrate(dataSource);
    } finally {
      await dataSource.destroy();
    }

    const [temporalPort, apiPort] = await Promise.all([freePort(), freePort()]);
    const temporalAddress = `127.0.0.1:${temporalPort}`;
    const baseEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: dir };

    const temporalServer = new ManagedProcess(
      {
        name: 'temporal',
        command: cliPath,
        args: [
          'server',
          'start-dev',
          '--headless',
          '--ip',
          '127.0.0.1',
          '--port',
          String(temporalPort),
          '--db-filename',
          path.join(dir, 'temporal.db'),
          '--log-level',
          'warn',
        ],
        env: baseEnv,
        ready: () => temporalServes(temporalAddress),
        readyTimeoutMs: 60_000,
        stopGraceMs: 20_000,
      },
      log,
    );
    cleanups.push(() => temporalServer.stop());
    await temporalServer.start();

    const connection = await Connection.connect({ address: temporalAddress });
    cleanups.push(() => connection.close());
    const temporal = new Client({ connection, namespace: 'default' });

    const taskQueue = `faults-${randomBytes(6).toString('hex')}`;
    const adminToken = randomBytes(24).toString('base64url').slice(0, 32);
    const serviceEnv: NodeJS.ProcessEnv = {
      ...baseEnv,
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_TASK_QUEUE: taskQueue,
      ...options.env,
    };
    const apiUrl = `http://127.0.0.1:${apiPort}/graphql`;
    const healthUrl = `http://127.0.0.1:${apiPort}/healthz`;

    const worker = workerProcess('worker', serviceEnv, taskQueue, log);
    const api = apiProcess('api', { ...serviceEnv, LOCKSTEP_ADMIN_TOKEN: adminToken }, apiPort, log);
    // Stopped before the servers they talk to; the worker at once (its commands are swept up after).
    cleanups.push(
      () => api.stop(),
      () => worker.kill(),
    );
    await Promise.all([worker.start(), api.start()]);

    return {
      dir,
      databaseUrl: database.url,
      temporalAddress,
      taskQueue,
      apiUrl,
      adminToken,
      temporal,
      postgres: database.service,
      temporalServer,
      worker,
      api,
      gql: (query, variables, token) =>
        graphql(apiUrl, query, variables, token === undefined ? adminToken : token),
      async query<T>(sql: string, params: unknown[] = []) {
        const client = new PgClient({ connectionString: database.url, connectionTimeoutMillis: 3000 });
        await client.connect();
        try {
          return (await client.query(sql, params)).rows as T[];
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      healthy: () => answers(healthUrl),
      output: () => log.text(),
      stop,
    };
  } catch (error) {
    await stop().catch((e: Error) => log.write('cluster', e.message));
    throw new Error(`${(error as Error).message}\n--- cluster output ---\n${log.text()}`, { cause: error });
  }
}

/**
 * `startCluster` as a fixture: every cluster a test started is stopped when the test ends, pass or fail,
 * and a failed test prints what the cluster's processes said.
 */
export const test = base.extend<{ startCluster: (options: ClusterOptions) => Promise<Cluster> }>({
  startCluster: async ({ task }, use) => {
    const clusters: Cluster[] = [];
    const stopAll = async () => {
      const problems: unknown[] = [];
      for (const cluster of clusters) {
        if (task.result?.state === 'fail') console.error(`--- cluster output ---\n${cluster.output()}`);
        await cluster.stop().catch((error: unknown) => problems.push(error));
      }
      if (problems.length > 0) throw problems[0];
    };
    try {
      await use(async (options) => {
        const cluster = await startCluster(options);
        clusters.push(cluster);
        return cluster;
      });
    } catch (error) {
      await stopAll().catch(() => undefined);
      throw error;
    }
    await stopAll();
  },
});
