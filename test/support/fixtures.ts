import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { expect, inject, test as base } from 'vitest';
import { createDataSource, migrate } from '../../db/data-source';
import type { Role } from '../../db/domain';
import { createApiServer, type ApiServer } from '../../server/app';
import { TokenService } from '../../server/auth/token.service';
import { RunService } from '../../server/run/run.service';
import { triggerPipelineWith } from '../../server/schedule/scheduled-trigger';
import { parseConfig } from '../../main/config';
import { createScratchDatabase } from '../../db/scratch-database';
import { SecretBox } from '../../db/secret-box';
import { startRunReconciler } from '../../workflows/reconciler/run-reconciler';
import { startWebhookDispatcher } from '../../workflows/webhook-dispatcher';
import { createPipelineWorker } from '../../workflows/worker';

// Workers log at INFO by default; tests only want to hear about real problems.
Runtime.install({ logger: new DefaultLogger('ERROR') });

export interface GraphQLResponse<T> {
  status: number;
  data?: T;
  errors?: Array<{
    message: string;
    path?: string[];
    extensions?: { code?: string; field?: string; [k: string]: unknown };
  }>;
}

/** Everything a test file needs: its own database, task queue, worker and API, all real. */
export interface Harness {
  databaseUrl: string;
  dataSource: DataSource;
  temporal: Client;
  taskQueue: string;
  apiUrl: string;
  adminToken: string;
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
  ): Promise<GraphQLResponse<T>>;
  tokenFor(role: Role, name?: string): Promise<string>;
}

/** A fresh database on the test server; dropped when the file is done. */
export function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  return createScratchDatabase(inject('databaseUrl'), 'lockstep_t_');
}

/** LOCKSTEP_WEBHOOK_SECRET of the test APIs. */
export const testWebhookSecret = 'test-inbound-webhook-secret';

/** The dashboard URL the test workers put in notification links. */
export const testPublicUrl = 'http://lockstep.test';

export async function startTestWorker(options: {
  dataSource: DataSource;
  databaseUrl: string;
  taskQueue: string;
  temporal: Client;
  secretBox: SecretBox | null;
  /** The hold of the runs the reconciler starts and the schedule ticks trigger (LOCKSTEP_RETRY_HOLD_SECONDS). */
  retryHoldSeconds?: number;
}): Promise<{ worker: Worker; stop(): Promise<void> }> {
  const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  const config = parseConfig(process.env);
  const worker = await createPipelineWorker({
    connection,
    namespace: 'default',
    taskQueue: options.taskQueue,
    dataSource: options.dataSource,
    temporal: options.temporal,
    commandBaseEnv: config.commandEnv,
    commandUids: config.commandUids,
    logLimitBytes: config.logLimitBytes,
    secretBox: options.secretBox,
    publicUrl: testPublicUrl,
    workflowBundle: { code: inject('workflowBundle') },
    triggerPipeline: triggerPipelineWith(
      new RunService(
        options.dataSource,
        options.temporal,
        options.taskQueue,
        options.retryHoldSeconds ?? 600,
      ),
    ),
  });
  const running = worker.run();
  const dispatcher = await startWebhookDispatcher({
    dataSource: options.dataSource,
    databaseUrl: options.databaseUrl,
    temporal: options.temporal,
    taskQueue: options.taskQueue,
    sweepIntervalMs: 1000,
  });
  // Quick, so tests of lost and terminated workflows need not wait 30 s.
  const reconciler = startRunReconciler({
    dataSource: options.dataSource,
    temporal: options.temporal,
    taskQueue: options.taskQueue,
    retryHoldSeconds: options.retryHoldSeconds ?? 600,
    intervalMs: 1000,
    graceSeconds: 3,
    log: () => undefined,
  });
  return {
    worker,
    async stop() {
      await reconciler.stop();
      await dispatcher.stop();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

export async function graphql<T>(
  apiUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string | null,
): Promise<GraphQLResponse<T>> {
  const response = await fetch(apiUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: response.status, ...body };
}

export const test = base.extend<{ retryHoldSeconds: number; secretKey: string; harness: Harness }>({
  /** How long failed runs wait for a manual retry; a file can shorten it with `test.scoped`. */
  retryHoldSeconds: [600, { scope: 'file' }],
  /** LOCKSTEP_SECRET_KEY of the file's worker and API. */
  secretKey: [SecretBox.generateKey(), { scope: 'file' }],
  harness: [
    async ({ retryHoldSeconds, secretKey }, use) => {
      const secretBox = SecretBox.fromBase64(secretKey);
      const database = await createTestDatabase();
      const dataSource = createDataSource({ url: database.url, poolSize: 5 });
      await dataSource.initialize();
      await migrate(dataSource);
      const taskQueue = `test-${randomBytes(6).toString('hex')}`;
      const connection = await Connection.connect({ address: inject('temporalAddress') });
      const temporal = new Client({ connection });
      const worker = await startTestWorker({
        dataSource,
        databaseUrl: database.url,
        taskQueue,
        temporal,
        secretBox,
        retryHoldSeconds,
      });
      let api: ApiServer | undefined;
      try {
        api = await createApiServer({
          dataSource,
          databaseUrl: database.url,
          temporal,
          taskQueue,
          retryHoldSeconds,
          secretBox,
          webhookSecret: testWebhookSecret,
          introspection: true,
          log: () => undefined,
        });
        const port = await api.listen(0);
        const apiUrl = `http://127.0.0.1:${port}/graphql`;
        const tokens = new TokenService(dataSource);
        const adminToken = (await tokens.create('test-admin', 'ADMIN')).token;
        await use({
          databaseUrl: database.url,
          dataSource,
          temporal,
          taskQueue,
          apiUrl,
          adminToken,
          gql: (query, variables, token) =>
            graphql(apiUrl, query, variables, token === undefined ? adminToken : token),
          tokenFor: async (role, name = `test-${role.toLowerCase()}`) =>
            (await tokens.create(name, role)).token,
        });
      } finally {
        await api?.close();
        await worker.stop();
        await connection.close();
        await dataSource.destroy();
        await database.drop();
      }
    },
    { scope: 'file' },
  ],
});

/** A GraphQL request that must succeed (as the admin, or as `token`'s holder): its data, or the test fails. */
export async function ok<T>(
  h: Harness,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const res = await h.gql<T>(query, variables, token);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!;
}

/** Polls `read` until `done` holds for its result; fails with the last value after `timeoutMs`. */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > deadline)
      throw new Error(`condition not reached within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await read();
  }
  return last;
}
