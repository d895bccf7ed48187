import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ApiLimits } from '../server/api-limits';
import { configVariables, findOnPath } from './config-variables';

export { configVariables } from './config-variables';

/**
 * The one place that reads the environment. Every process (start, api, worker, migrate) parses it once at
 * boot; a bad value stops the process with a one-line message that names the variable.
 */
const configSchema = z.object(configVariables);

export type ConfigVariable = keyof typeof configVariables;

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** One JSON object per line, or readable text. */
  logFormat: 'json' | 'text';
  /**
   * GET /metrics: the bearer token it wants (unset: none), and the worker's own listener (unset port: the
   * worker serves no metrics).
   */
  metrics: { token: string | undefined; workerPort: number | undefined; workerHost: string };
  /** The OTLP/HTTP endpoint traces are sent to (`<endpoint>/v1/traces`); unset: no traces. */
  otlpEndpoint: string | undefined;
  port: number;
  webPort: number;
  databaseUrl: string | undefined;
  temporal: {
    address: string | undefined;
    namespace: string;
    taskQueue: string;
    cliPath: string | undefined;
    devPort: number;
    uiPort: number;
    /**
     * TLS to the Temporal frontend (null: plaintext): the server's CA (system roots when unset), the client
     * certificate and key for mTLS, the name to check on the server's certificate.
     */
    tls: { caFile?: string; certFile?: string; keyFile?: string; serverName?: string } | null;
    /** Sent as `Authorization: Bearer <key>` (Temporal Cloud API keys); implies TLS. */
    apiKey: string | undefined;
  };
  dataDir: string;
  postgresPort: number;
  adminToken: string | undefined;
  publicUrl: string;
  apiUrl: string;
  startWeb: boolean;
  /** How long a failed run waits for a manual retry of its failed actions. */
  retryHoldSeconds: number;
  /** The worker's run reconciler: how often it sweeps, and how old a row must be before it counts as lost. */
  reconcile: { intervalSeconds: number; graceSeconds: number };
  /** The key secrets and webhook secrets are sealed with (base64, 32 bytes); unset: none can be stored. */
  secretKey: string | undefined;
  /** Verifies signed inbound webhooks (POST /webhooks/events); unset: that endpoint is off. */
  webhookSecret: string | undefined;
  /** Whether inbound Lockstep events may still use the deprecated `sha256=` signature (no timestamp). */
  webhookUntimedSignatures: boolean;
  /** The environment COMMAND actions start from: the basics a shell needs, none of this process's secrets. */
  commandEnv: Record<string, string>;
  /** What one caller may make the API do (docs/security.md, "The API edge"). */
  apiLimits: ApiLimits;
  /** How long the API keeps an idle HTTP connection open (longer than a load balancer's idle timeout). */
  httpKeepAliveSeconds: number;
  /** The uids commands run as, one per running attempt, when the worker runs as root. */
  commandUids: { first: number; last: number };
  /** How many bytes of log one action attempt (or deployment step) stores at most. */
  logLimitBytes: number;
}

const commandEnvVariables = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER', 'SHELL'];

/** Variables whose values never appear in an error message. */
const secretVariables = new Set([
  'LOCKSTEP_ADMIN_TOKEN',
  'LOCKSTEP_SECRET_KEY',
  'LOCKSTEP_WEBHOOK_SECRET',
  'DATABASE_URL',
  'TEMPORAL_API_KEY',
  'LOCKSTEP_METRICS_TOKEN',
]);

/**
 * Secrets that may be given as a file instead (`<NAME>_FILE`): a process's initial environment stays
 * readable in /proc/<pid>/environ for as long as it runs, whatever it deletes from process.env later.
 */
const fileVariables = {
  LOCKSTEP_SECRET_KEY: 'LOCKSTEP_SECRET_KEY_FILE',
  DATABASE_URL: 'DATABASE_URL_FILE',
} as const;

function valuesFromFiles(env: NodeJS.ProcessEnv, known: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  for (const [name, fileVariable] of Object.entries(fileVariables)) {
    const file = env[fileVariable]?.trim();
    if (!file) continue;
    if (known[name]?.trim()) {
      problems.push(`${name} and ${fileVariable} are both set; set one of them`);
      continue;
    }
    try {
      known[name] = readFileSync(file, 'utf8').trim();
    } catch (error) {
      problems.push(`${fileVariable} must name a readable file (${(error as NodeJS.ErrnoException).code})`);
    }
  }
  return problems;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const known: Record<string, string | undefined> = {};
  for (const name of Object.keys(configVariables)) known[name] = env[name];
  const unreadable = valuesFromFiles(env, known);
  if (unreadable.length > 0) throw new ConfigError(`Invalid configuration: ${unreadable.join('; ')}`);
  const parsed = configSchema.safeParse(known);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? 'configuration');
      const raw = known[variable];
      const shown = raw === undefined || secretVariables.has(variable) ? '' : ` (got "${raw}")`;
      return `${variable} ${issue.message}${shown}`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const v = parsed.data;
  if ((v.TEMPORAL_TLS_CERT === undefined) !== (v.TEMPORAL_TLS_KEY === undefined))
    throw new ConfigError(
      'Invalid configuration: TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together (mTLS)',
    );
  const tls =
    v.TEMPORAL_TLS ||
    v.TEMPORAL_TLS_CA ||
    v.TEMPORAL_TLS_CERT ||
    v.TEMPORAL_API_KEY ||
    v.TEMPORAL_TLS_SERVER_NAME
      ? {
          caFile: v.TEMPORAL_TLS_CA,
          certFile: v.TEMPORAL_TLS_CERT,
          keyFile: v.TEMPORAL_TLS_KEY,
          serverName: v.TEMPORAL_TLS_SERVER_NAME,
        }
      : null;
  return {
    nodeEnv: v.NODE_ENV,
    logLevel: v.LOG_LEVEL,
    logFormat: v.LOG_FORMAT,
    metrics: {
      token: v.LOCKSTEP_METRICS_TOKEN,
      workerPort: v.LOCKSTEP_WORKER_METRICS_PORT,
      workerHost: v.LOCKSTEP_WORKER_METRICS_HOST,
    },
    otlpEndpoint: v.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, ''),
    port: v.PORT,
    webPort: v.WEB_PORT,
    databaseUrl: v.DATABASE_URL,
    temporal: {
      address: v.TEMPORAL_ADDRESS,
      namespace: v.TEMPORAL_NAMESPACE,
      taskQueue: v.TEMPORAL_TASK_QUEUE,
      cliPath: v.TEMPORAL_CLI_PATH ?? findOnPath('temporal', env.PATH),
      devPort: v.TEMPORAL_DEV_PORT,
      uiPort: v.TEMPORAL_UI_PORT,
      tls,
      apiKey: v.TEMPORAL_API_KEY,
    },
    dataDir: path.resolve(v.LOCKSTEP_DATA_DIR),
    postgresPort: v.LOCKSTEP_POSTGRES_PORT,
    adminToken: v.LOCKSTEP_ADMIN_TOKEN,
    publicUrl: (v.LOCKSTEP_PUBLIC_URL ?? `http://localhost:${v.WEB_PORT}`).replace(/\/+$/, ''),
    apiUrl: v.LOCKSTEP_API_URL ?? `http://localhost:${v.PORT}/graphql`,
    startWeb: v.LOCKSTEP_START_WEB,
    retryHoldSeconds: v.LOCKSTEP_RETRY_HOLD_SECONDS,
    reconcile: { intervalSeconds: v.LOCKSTEP_RECONCILE_SECONDS, graceSeconds: v.LOCKSTEP_RECONCILE_GRACE },
    secretKey: v.LOCKSTEP_SECRET_KEY,
    webhookSecret: v.LOCKSTEP_WEBHOOK_SECRET,
    apiLimits: {
      statementTimeoutMs: v.LOCKSTEP_STATEMENT_TIMEOUT_MS,
      subscriptionsPerConnection: v.LOCKSTEP_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      subscriptionsPerToken: v.LOCKSTEP_MAX_SUBSCRIPTIONS_PER_TOKEN,
      subscriptionQueueLimit: v.LOCKSTEP_SUBSCRIPTION_QUEUE_LIMIT,
    },
    httpKeepAliveSeconds: v.LOCKSTEP_HTTP_KEEP_ALIVE_SECONDS,
    webhookUntimedSignatures: v.LOCKSTEP_WEBHOOK_UNTIMED,
    commandEnv: Object.fromEntries(
      commandEnvVariables.flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]]])),
    ),
    commandUids: v.LOCKSTEP_COMMAND_UIDS,
    logLimitBytes: v.LOCKSTEP_LOG_LIMIT_BYTES,
  };
}

/**
 * Removes the secret variables from a process's environment once its configuration is parsed, so nothing
 * it starts later inherits them. (What the process was started with stays in /proc/<pid>/environ: give
 * secrets as `<NAME>_FILE` to keep them out of it.)
 */
export function scrubSecrets(env: NodeJS.ProcessEnv): void {
  for (const name of secretVariables) delete env[name];
}

/** The variables a process needs that `npm start` would otherwise provide itself. */
export function requireExternalServices(
  config: Config,
  component: string,
): { databaseUrl: string; temporalAddress: string } {
  const missing = [
    config.databaseUrl === undefined ? 'DATABASE_URL' : undefined,
    config.temporal.address === undefined ? 'TEMPORAL_ADDRESS' : undefined,
  ].filter((name): name is string => name !== undefined);
  if (missing.length > 0 || config.databaseUrl === undefined || config.temporal.address === undefined) {
    throw new ConfigError(
      `Invalid configuration: ${missing.join(' and ')} must be set for \`npm run ${component}\` ` +
        '(or use `npm start`, which starts an embedded PostgreSQL and Temporal dev server)',
    );
  }
  return { databaseUrl: config.databaseUrl, temporalAddress: config.temporal.address };
}

/** Environment for a child process: the parent's, with the given configuration variables set or withheld. */
export function childEnvironment(
  overrides: Partial<Record<ConfigVariable, string>>,
  withheld: ConfigVariable[] = [],
): NodeJS.ProcessEnv {
  const env = { ...process.env, ...overrides };
  for (const name of withheld) if (!(name in overrides)) delete env[name];
  return env;
}
