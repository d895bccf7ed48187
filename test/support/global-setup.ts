import { Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalPostgres } from '../../db/local-postgres';
import { parseConfig } from '../../main/config';
import { ensureSearchAttributes } from '../../workflows/search-attributes';
import { workflowInterceptorModules, workflowsPath } from '../../workflows/worker';
import { startTemporalDevServer } from '../../main/start/temporal-dev-server';

/**
 * Real services for the whole run: DATABASE_URL / TEMPORAL_ADDRESS when given (CI starts them), otherwise a
 * private PostgreSQL and a Temporal dev server started here. The workflow bundle is built once and shared.
 */
export default async function setup(project: TestProject) {
  const config = parseConfig(process.env);
  const stops: Array<() => Promise<void>> = [];
  let scratch: string | undefined;

  const teardown = async () => {
    for (const stop of stops.reverse()) await stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  };
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      scratch = await mkdtemp(path.join(os.tmpdir(), 'lockstep-test-'));
      await chmod(scratch, 0o755); // reachable by the postgres user when the tests run as root
      const pg = await startLocalPostgres({
        dataDir: path.join(scratch, 'postgres'),
        port: 20000 + Math.floor(Math.random() * 20000),
      });
      stops.push(pg.stop);
      databaseUrl = pg.url;
    }

    let temporalAddress = config.temporal.address;
    if (!temporalAddress) {
      const server = await startTemporalDevServer({ cliPath: config.temporal.cliPath });
      stops.push(server.stop);
      temporalAddress = server.address;
    }

    const connection = await Connection.connect({ address: temporalAddress });
    try {
      await ensureSearchAttributes(connection, 'default');
    } finally {
      await connection.close();
    }
    // The same bundle the worker builds: the workflow code and its OpenTelemetry interceptors.
    const bundle = await bundleWorkflowCode({
      workflowsPath,
      workflowInterceptorModules,
      logger: quietLogger,
    });
    project.provide('databaseUrl', databaseUrl);
    project.provide('temporalAddress', temporalAddress);
    project.provide('workflowBundle', bundle.code);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}

const noop = () => undefined;
const quietLogger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: console.warn,
  error: console.error,
  log: noop,
};

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    temporalAddress: string;
    workflowBundle: string;
  }
}
