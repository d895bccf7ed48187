import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker } from '@temporalio/worker';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { createScratchDatabase } from '../db/scratch-database';
import { createDataSource, migrate } from '../db/data-source';
import { startLocalPostgres } from '../db/local-postgres';
import { createApiServer } from '../server/app';
import { TokenService } from '../server/auth/token.service';
import { parseConfig } from '../main/config';
import { PipelineService } from '../server/pipeline/pipeline.service';
import { RunService } from '../server/run/run.service';
import { createActivities } from '../workflows/activities';
import { startTemporalDevServer } from '../main/start/temporal-dev-server';
import { ensureSearchAttributes } from '../workflows/search-attributes';
import type { BareActivities } from './bench-workflows';
import type { Teardown } from './teardown';

/** Everything the measurements run against: one PostgreSQL database, one Temporal server, one worker. */
export interface BenchEnvironment {
  temporal: Client;
  taskQueue: string;
  /** The API side's handle (services, API server, the bench's own reads); the worker has its own pool. */
  dataSource: DataSource;
  runs: RunService;
  pipelines: PipelineService;
  tokens: TokenService;
  /** The in-process GraphQL API. */
  apiUrl: string;
  /** Rejects as soon as the worker stops before the teardown asked it to. */
  workerStopped: Promise<never>;
  /** Workflows started and not yet seen closed; whatever is left is terminated at teardown. */
  openWorkflows: Set<string>;
  /** Where the services came from, for the report. */
  origin: { database: string; temporal: string };
}

/** Failed runs end after this hold instead of waiting days for a manual retry nobody will send. */
const retryHoldSeconds = 1;

/** Creates a fresh database on the server `serverUrl` points at; the teardown drops it. */
export async function createBenchDatabase(serverUrl: string, teardown: Teardown): Promise<string> {
  const database = await createScratchDatabase(serverUrl, 'lockstep_bench_');
  teardown.add('drop the bench database', () => database.drop());
  return database.url;
}

/** PostgreSQL from DATABASE_URL, or a private cluster started here (as the integration tests do). */
export async function postgresServer(
  databaseUrl: string | undefined,
  teardown: Teardown,
): Promise<{ url: string; origin: string }> {
  if (databaseUrl) return { url: databaseUrl, origin: `DATABASE_URL (${new URL(databaseUrl).host})` };
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'lockstep-bench-'));
  teardown.add('remove the scratch folder', () => rm(scratch, { recursive: true, force: true }));
  await chmod(scratch, 0o755); // reachable by the postgres user when the bench runs as root
  const port = 20000 + Math.floor(Math.random() * 20000);
  const pg = await startLocalPostgres({ dataDir: path.join(scratch, 'postgres'), port });
  teardown.add('stop PostgreSQL', pg.stop);
  return { url: pg.adminUrl, origin: `embedded PostgreSQL started here (port ${port})` };
}

/** Temporal from TEMPORAL_ADDRESS, or a dev server started here. */
export async function temporalServer(
  config: ReturnType<typeof parseConfig>,
  teardown: Teardown,
): Promise<{ address: string; origin: string }> {
  if (config.temporal.address)
    return { address: config.temporal.address, origin: `TEMPORAL_ADDRESS (${config.temporal.address})` };
  const server = await startTemporalDevServer({ cliPath: config.temporal.cliPath });
  teardown.add('stop the Temporal dev server', server.stop);
  return { address: server.address, origin: `Temporal dev server started here (${server.address})` };
}

export async function startBenchEnvironment(teardown: Teardown): Promise<BenchEnvironment> {
  const config = parseConfig(process.env);
  const postgres = await postgresServer(config.databaseUrl, teardown);
  const temporalAt = await temporalServer(config, teardown);
  const databaseUrl = await createBenchDatabase(postgres.url, teardown);

  // Two pools, as in production where the API and the worker are separate processes.
  const dataSource = createDataSource({ url: databaseUrl, applicationName: 'lockstep-bench-api' });
  await dataSource.initialize();
  teardown.add('close the API pool', () => dataSource.destroy());
  await migrate(dataSource);
  const workerDataSource = createDataSource({ url: databaseUrl, applicationName: 'lockstep-bench-worker' });
  await workerDataSource.initialize();
  teardown.add('close the worker pool', () => workerDataSource.destroy());

  const clientConnection = await Connection.connect({ address: temporalAt.address });
  teardown.add('close the Temporal client', () => clientConnection.close());
  // Runs carry search attributes, which Temporal refuses until the namespace knows them (as at every boot).
  await ensureSearchAttributes(clientConnection, config.temporal.namespace);
  const temporal = new Client({ connection: clientConnection, namespace: config.temporal.namespace });
  const openWorkflows = new Set<string>();
  teardown.add('terminate the runs left open', async () => {
    for (const id of openWorkflows) {
      try {
        await temporal.workflow.getHandle(id).terminate('benchmark ended');
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    }
  });

  const taskQueue = `lockstep-bench-${randomBytes(6).toString('hex')}`;
  const bundle = await bundleWorkflowCode({
    workflowsPath: path.join(__dirname, 'bench-workflows.ts'),
    logger: new DefaultLogger('WARN'),
  });
  const workerConnection = await NativeConnection.connect({ address: temporalAt.address });
  teardown.add('close the worker connection', () => workerConnection.close());
  const bareActivities: BareActivities = {
    noop: async () => undefined,
    spawnTrue: () =>
      new Promise<void>((resolve, reject) => {
        const child = spawn('true', { stdio: 'ignore' });
        child.once('error', reject);
        child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`true exited ${code}`))));
      }),
  };
  // The options of createPipelineWorker (workflows/worker.ts), with the baseline's activity added.
  const worker = await Worker.create({
    connection: workerConnection,
    namespace: config.temporal.namespace,
    taskQueue,
    workflowBundle: { code: bundle.code },
    activities: {
      ...createActivities({
        dataSource: workerDataSource,
        temporal,
        commandBaseEnv: config.commandEnv,
        commandUids: config.commandUids,
        logLimitBytes: config.logLimitBytes,
        secretBox: null,
        publicUrl: config.publicUrl,
      }),
      ...bareActivities,
    },
    shutdownGraceTime: '10 seconds',
  });
  let stopping = false;
  const running = worker.run();
  const workerStopped = new Promise<never>((_, reject) => {
    running.then(
      () => !stopping && reject(new Error('the worker stopped unexpectedly')),
      (error: unknown) => !stopping && reject(new Error(`the worker failed: ${String(error)}`)),
    );
  });
  workerStopped.catch(() => undefined); // raced by every wait; never unhandled when nobody is waiting
  teardown.add('shut down the worker', async () => {
    stopping = true;
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
  });

  const api = await createApiServer({
    dataSource,
    databaseUrl,
    temporal,
    taskQueue,
    retryHoldSeconds,
    secretBox: null,
    introspection: false,
    log: () => undefined, // failures come back in the GraphQL response, which the bench checks
  });
  const port = await api.listen(0);
  teardown.add('stop the API server', () => api.close());

  return {
    temporal,
    taskQueue,
    dataSource,
    runs: new RunService(dataSource, temporal, taskQueue, retryHoldSeconds),
    pipelines: new PipelineService(dataSource),
    tokens: new TokenService(dataSource),
    apiUrl: `http://127.0.0.1:${port}/graphql`,
    workerStopped,
    openWorkflows,
    origin: { database: postgres.origin, temporal: temporalAt.origin },
  };
}

/** A database and an in-process API for benchmarks that read (and seed through the API) but run nothing. */
export interface ReadOnlyApi {
  databaseUrl: string;
  dataSource: DataSource;
  adminToken: string;
  apiUrl: string;
  /** Where PostgreSQL came from, for the report. */
  origin: string;
}

export async function startReadOnlyApi(teardown: Teardown, name: string): Promise<ReadOnlyApi> {
  const config = parseConfig(process.env);
  const postgres = await postgresServer(config.databaseUrl, teardown);
  const databaseUrl = await createBenchDatabase(postgres.url, teardown);
  const dataSource = createDataSource({ url: databaseUrl, applicationName: `lockstep-bench-${name}` });
  await dataSource.initialize();
  teardown.add('close the API pool', () => dataSource.destroy());
  await migrate(dataSource);
  const admin = await new TokenService(dataSource).create('bench-admin', 'ADMIN');
  // Nothing here starts a workflow: the API's Temporal client is never dialled.
  const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:7233' }) });
  const api = await createApiServer({
    dataSource,
    databaseUrl,
    temporal,
    taskQueue: `lockstep-bench-${name}-unused`,
    retryHoldSeconds: 1,
    secretBox: null,
    introspection: false,
    log: () => undefined, // failures come back in the GraphQL response, which the bench checks
  });
  const apiUrl = `http://127.0.0.1:${await api.listen(0)}/graphql`;
  teardown.add('stop the API server', () => api.close());
  return { databaseUrl, dataSource, adminToken: admin.token, apiUrl, origin: postgres.origin };
}
