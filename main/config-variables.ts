import path from 'node:path';
import { accessSync, constants } from 'node:fs';
import { z } from 'zod';
import { SecretBox } from '../db/secret-box';
import { defaultApiLimits, defaultKeepAliveSeconds } from '../server/api-limits';

/** Every configuration variable, its default and its check (parsed by config.ts, the only reader). */

function isReadable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` on PATH. */
export function findOnPath(name: string, pathVariable: string | undefined): string | undefined {
  for (const dir of (pathVariable ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

const port = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a port number (1-65535)' })
    .int('must be a port number (1-65535)')
    .min(1, 'must be a port number (1-65535)')
    .max(65535, 'must be a port number (1-65535)')
    .default(fallback);

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'on', 'off'], { error: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1' || value === 'on');

const url = (protocols: string[], what: string) =>
  optionalString.refine(
    (value) => {
      if (value === undefined) return true;
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be ${what}` },
  );

const wholeNumber = (unit: string, min: number, fallback: number) =>
  z.coerce
    .number({ error: `must be a number of ${unit}` })
    .int(`must be a whole number of ${unit}`)
    .min(min, `must be ${min} or more ${unit}`)
    .default(fallback);
const readablePem = (what: string) =>
  optionalString.refine((value) => value === undefined || isReadable(value), {
    message: `must be the path of a readable PEM file (${what})`,
  });

export const configVariables = {
  NODE_ENV: z
    .enum(['development', 'production', 'test'], { error: 'must be development, production or test' })
    .default('development'),
  LOG_LEVEL: z
    .enum(['debug', 'info', 'warn', 'error'], { error: 'must be debug, info, warn or error' })
    .default('info'),
  LOG_FORMAT: z.enum(['json', 'text'], { error: 'must be json or text' }).default('text'),
  PORT: port(4000),
  WEB_PORT: port(3000),
  DATABASE_URL: url(
    ['postgres:', 'postgresql:'],
    'a PostgreSQL URL such as postgres://user:pass@host:5432/db',
  ),
  TEMPORAL_ADDRESS: optionalString.refine(
    (value) => value === undefined || /^[^\s:/]+:\d{1,5}$/.test(value),
    {
      message: 'must be host:port, such as localhost:7233',
    },
  ),
  TEMPORAL_NAMESPACE: z.string().trim().min(1, 'must not be empty').default('default'),
  TEMPORAL_TASK_QUEUE: z.string().trim().min(1, 'must not be empty').default('lockstep-pipelines'),
  TEMPORAL_TLS: booleanFlag(false),
  TEMPORAL_TLS_CA: readablePem('the CA that signed the Temporal server certificate'),
  TEMPORAL_TLS_CERT: readablePem("this process's client certificate"),
  TEMPORAL_TLS_KEY: readablePem("this process's client private key"),
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_CLI_PATH: optionalString.refine((value) => value === undefined || isExecutable(value), {
    message: 'must be the path of an executable Temporal CLI',
  }),
  TEMPORAL_DEV_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  LOCKSTEP_DATA_DIR: z.string().trim().min(1, 'must not be empty').default('.data'),
  LOCKSTEP_POSTGRES_PORT: port(5433),
  LOCKSTEP_ADMIN_TOKEN: optionalString.refine((value) => value === undefined || value.length >= 16, {
    message: 'must be at least 16 characters',
  }),
  LOCKSTEP_PUBLIC_URL: url(['http:', 'https:'], 'an http(s) URL such as https://lockstep.example.com'),
  LOCKSTEP_API_URL: url(['http:', 'https:'], 'an http(s) URL such as http://localhost:4000/graphql'),
  LOCKSTEP_START_WEB: booleanFlag(true),
  LOCKSTEP_SECRET_KEY: optionalString.refine((value) => value === undefined || isSecretKey(value), {
    message: 'must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)',
  }),
  LOCKSTEP_WEBHOOK_SECRET: optionalString.refine((value) => value === undefined || value.length >= 16, {
    message: 'must be at least 16 characters',
  }),
  LOCKSTEP_SECRET_KEY_FILE: optionalString,
  DATABASE_URL_FILE: optionalString,
  LOCKSTEP_COMMAND_UIDS: z
    .string()
    .trim()
    .default('2000000000-2000099999')
    .transform((value, ctx) => {
      const match = /^(\d+)-(\d+)$/.exec(value);
      const [first, last] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
      if (!(first >= 1000 && last <= 4_294_967_294 && last - first + 1 >= 100)) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be a range of at least 100 uids above 999, such as 2000000000-2000099999',
        });
        return z.NEVER;
      }
      return { first, last };
    }),
  LOCKSTEP_LOG_LIMIT_BYTES: z.coerce
    .number({ error: 'must be a number of bytes' })
    .int('must be a whole number of bytes')
    .min(65_536, 'must be at least 65536 bytes')
    .default(10 * 1024 * 1024),
  LOCKSTEP_WEBHOOK_UNTIMED: booleanFlag(false),
  LOCKSTEP_RECONCILE_SECONDS: z.coerce
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(1, 'must be 1 or more seconds')
    .default(30),
  LOCKSTEP_RECONCILE_GRACE: z.coerce
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(1, 'must be 1 or more seconds')
    .default(60),
  LOCKSTEP_RETRY_HOLD_SECONDS: z.coerce
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(0, 'must be 0 or more seconds')
    .default(7 * 86_400),
  LOCKSTEP_STATEMENT_TIMEOUT_MS: wholeNumber('milliseconds', 0, defaultApiLimits.statementTimeoutMs),
  LOCKSTEP_HTTP_KEEP_ALIVE_SECONDS: wholeNumber('seconds', 1, defaultKeepAliveSeconds),
  LOCKSTEP_MAX_SUBSCRIPTIONS_PER_CONNECTION: wholeNumber(
    'operations',
    1,
    defaultApiLimits.subscriptionsPerConnection,
  ),
  LOCKSTEP_MAX_SUBSCRIPTIONS_PER_TOKEN: wholeNumber('operations', 1, defaultApiLimits.subscriptionsPerToken),
  LOCKSTEP_SUBSCRIPTION_QUEUE_LIMIT: wholeNumber('messages', 10, defaultApiLimits.subscriptionQueueLimit),
  LOCKSTEP_METRICS_TOKEN: optionalString.refine((value) => value === undefined || value.length >= 16, {
    message: 'must be at least 16 characters',
  }),
  LOCKSTEP_WORKER_METRICS_PORT: optionalString
    .refine((value) => value === undefined || (/^\d{1,5}$/.test(value) && +value >= 1 && +value <= 65535), {
      message: 'must be a port number (1-65535)',
    })
    .transform((value) => (value === undefined ? undefined : Number(value))),
  LOCKSTEP_WORKER_METRICS_HOST: z.string().trim().min(1, 'must not be empty').default('127.0.0.1'),
  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http:', 'https:'], 'an http(s) URL such as http://localhost:4318'),
} as const;

function isSecretKey(value: string): boolean {
  try {
    SecretBox.fromBase64(value);
    return true;
  } catch {
    return false;
  }
}
