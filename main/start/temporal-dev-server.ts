import { TestWorkflowEnvironment } from '@temporalio/testing';

/**
 * A local Temporal dev server (the Temporal CLI's `server start-dev`) for `npm start` and for tests run
 * without TEMPORAL_ADDRESS. The binary is the one given (TEMPORAL_CLI_PATH or `temporal` on PATH, resolved
 * by the config module); without one the Temporal SDK downloads and caches the CLI, which needs internet.
 */

export interface TemporalDevServerOptions {
  cliPath: string | undefined;
  /** Persist workflow state in this SQLite file; omitted, the server keeps everything in memory. */
  dbFilename?: string;
  port?: number;
  uiPort?: number;
  namespace?: string;
}

export interface TemporalDevServer {
  address: string;
  uiUrl: string | undefined;
  stop: () => Promise<void>;
}

export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: options.cliPath
        ? { type: 'existing-path', path: options.cliPath }
        : { type: 'cached-download' },
      ip: '127.0.0.1',
      port: options.port,
      dbFilename: options.dbFilename,
      namespace: options.namespace ?? 'default',
      ui: options.uiPort !== undefined,
      uiPort: options.uiPort,
      log: { format: 'pretty', level: 'warn' },
    },
  });
  return {
    address: env.address,
    uiUrl: options.uiPort !== undefined ? `http://127.0.0.1:${options.uiPort}` : undefined,
    stop: () => env.teardown(),
  };
}
