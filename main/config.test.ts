import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretBox } from '../db/secret-box';
import { childEnvironment, ConfigError, parseConfig, requireExternalServices, scrubSecrets } from './config';

describe('parseConfig', () => {
  it('fills every default from an empty environment', () => {
    const config = parseConfig({ PATH: '/nonexistent' });
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 4000,
      webPort: 3000,
      databaseUrl: undefined,
      temporal: {
        address: undefined,
        namespace: 'default',
        taskQueue: 'lockstep-pipelines',
        cliPath: undefined,
        devPort: 7233,
        uiPort: 8233,
      },
      postgresPort: 5433,
      adminToken: undefined,
      publicUrl: 'http://localhost:3000',
      apiUrl: 'http://localhost:4000/graphql',
      startWeb: true,
      httpKeepAliveSeconds: 65,
    });
    expect(config.dataDir.endsWith('.data')).toBe(true);
  });

  it('reads and converts the values it is given', () => {
    const config = parseConfig({
      PORT: '8080',
      WEB_PORT: '8081',
      DATABASE_URL: 'postgresql://u:p@db:5432/lockstep',
      TEMPORAL_ADDRESS: 'temporal:7233',
      LOCKSTEP_PUBLIC_URL: 'https://ci.example.com/',
      LOCKSTEP_START_WEB: 'false',
      LOCKSTEP_ADMIN_TOKEN: 'a-long-enough-admin-token',
      LOCKSTEP_HTTP_KEEP_ALIVE_SECONDS: '350',
    });
    expect(config.port).toBe(8080);
    expect(config.httpKeepAliveSeconds).toBe(350);
    expect(config.databaseUrl).toBe('postgresql://u:p@db:5432/lockstep');
    expect(config.temporal.address).toBe('temporal:7233');
    expect(config.publicUrl).toBe('https://ci.example.com');
    expect(config.apiUrl).toBe('http://localhost:8080/graphql');
    expect(config.startWeb).toBe(false);
    expect(config.adminToken).toBe('a-long-enough-admin-token');
  });

  it('treats empty strings as unset', () => {
    expect(parseConfig({ DATABASE_URL: '', TEMPORAL_ADDRESS: '  ' }).databaseUrl).toBeUndefined();
  });

  it.each([
    ['PORT', 'abc', 'PORT must be a port number (1-65535) (got "abc")'],
    ['PORT', '70000', 'PORT must be a port number (1-65535)'],
    ['DATABASE_URL', 'mysql://x', 'DATABASE_URL must be a PostgreSQL URL'],
    ['TEMPORAL_ADDRESS', 'http://temporal', 'TEMPORAL_ADDRESS must be host:port'],
    ['LOCKSTEP_START_WEB', 'maybe', 'LOCKSTEP_START_WEB must be true or false'],
    ['NODE_ENV', 'staging', 'NODE_ENV must be development, production or test'],
    ['LOCKSTEP_ADMIN_TOKEN', 'short', 'LOCKSTEP_ADMIN_TOKEN must be at least 16 characters'],
    ['LOCKSTEP_STATEMENT_TIMEOUT_MS', '-1', 'LOCKSTEP_STATEMENT_TIMEOUT_MS must be 0 or more milliseconds'],
    ['LOCKSTEP_HTTP_KEEP_ALIVE_SECONDS', '0', 'LOCKSTEP_HTTP_KEEP_ALIVE_SECONDS must be 1 or more seconds'],
    [
      'LOCKSTEP_SUBSCRIPTION_QUEUE_LIMIT',
      'many',
      'LOCKSTEP_SUBSCRIPTION_QUEUE_LIMIT must be a number of messages',
    ],
    ['LOG_FORMAT', 'xml', 'LOG_FORMAT must be json or text'],
    ['LOCKSTEP_WORKER_METRICS_PORT', '0', 'LOCKSTEP_WORKER_METRICS_PORT must be a port number (1-65535)'],
    ['LOCKSTEP_METRICS_TOKEN', 'short', 'LOCKSTEP_METRICS_TOKEN must be at least 16 characters'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318', 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL'],
    [
      'TEMPORAL_CLI_PATH',
      '/no/such/temporal',
      'TEMPORAL_CLI_PATH must be the path of an executable Temporal CLI',
    ],
  ])('rejects %s=%s naming the variable', (name, value, message) => {
    expect(() => parseConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ [name]: value })).toThrow(message);
  });

  it('reads the telemetry settings: logs as text, no worker metrics, no traces unless told', () => {
    expect(parseConfig({})).toMatchObject({
      logFormat: 'text',
      metrics: { token: undefined, workerPort: undefined, workerHost: '127.0.0.1' },
      otlpEndpoint: undefined,
    });
    expect(
      parseConfig({
        LOG_FORMAT: 'json',
        LOCKSTEP_WORKER_METRICS_PORT: '9464',
        LOCKSTEP_WORKER_METRICS_HOST: '0.0.0.0',
        LOCKSTEP_METRICS_TOKEN: 'a-metrics-token-1234',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      }),
    ).toMatchObject({
      logFormat: 'json',
      metrics: { token: 'a-metrics-token-1234', workerPort: 9464, workerHost: '0.0.0.0' },
      otlpEndpoint: 'http://collector:4318',
    });
  });

  it('never echoes a secret value in its error', () => {
    expect(() => parseConfig({ LOCKSTEP_ADMIN_TOKEN: 'hunter2' })).toThrow(/^(?!.*hunter2).*$/s);
    expect(() => parseConfig({ DATABASE_URL: 'mysql://root:s3cret@db' })).toThrow(/^(?!.*s3cret).*$/s);
  });

  it('gives commands only a basic environment, never the process secrets', () => {
    const config = parseConfig({
      PATH: '/usr/bin',
      HOME: '/home/x',
      DATABASE_URL: 'postgres://u:secret@h/db',
      AWS_SECRET_ACCESS_KEY: 'k',
    });
    expect(config.commandEnv).toEqual({ PATH: '/usr/bin', HOME: '/home/x' });
  });

  it('finds the Temporal CLI on PATH when TEMPORAL_CLI_PATH is not set', () => {
    expect(parseConfig({ PATH: '/bin:/usr/bin' }).temporal.cliPath).toBeUndefined();
    const withSh = parseConfig({ PATH: '/usr/bin:/bin', TEMPORAL_CLI_PATH: '/bin/sh' });
    expect(withSh.temporal.cliPath).toBe('/bin/sh');
  });

  it('requires DATABASE_URL and TEMPORAL_ADDRESS for the separately run components', () => {
    expect(() => requireExternalServices(parseConfig({}), 'api')).toThrow(
      'DATABASE_URL and TEMPORAL_ADDRESS must be set for `npm run api`',
    );
    expect(
      requireExternalServices(
        parseConfig({ DATABASE_URL: 'postgres://h/db', TEMPORAL_ADDRESS: 'h:7233' }),
        'worker',
      ),
    ).toEqual({
      databaseUrl: 'postgres://h/db',
      temporalAddress: 'h:7233',
    });
  });

  it('reads the secret key and the database URL from files, naming the variable when one cannot be read', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lockstep-config-'));
    try {
      const key = SecretBox.generateKey();
      writeFileSync(path.join(dir, 'key'), `${key}\n`);
      writeFileSync(path.join(dir, 'db'), 'postgres://u:p@h/db\n');
      const config = parseConfig({
        LOCKSTEP_SECRET_KEY_FILE: path.join(dir, 'key'),
        DATABASE_URL_FILE: path.join(dir, 'db'),
      });
      expect(config.secretKey).toBe(key);
      expect(config.databaseUrl).toBe('postgres://u:p@h/db');
      expect(() => parseConfig({ DATABASE_URL_FILE: path.join(dir, 'missing') })).toThrow(
        'DATABASE_URL_FILE must name a readable file (ENOENT)',
      );
      expect(() =>
        parseConfig({ DATABASE_URL: 'postgres://h/db', DATABASE_URL_FILE: path.join(dir, 'db') }),
      ).toThrow('DATABASE_URL and DATABASE_URL_FILE are both set; set one of them');
      writeFileSync(path.join(dir, 'bad'), 'not-a-key-s3cret');
      expect(() => parseConfig({ LOCKSTEP_SECRET_KEY_FILE: path.join(dir, 'bad') })).toThrow(
        /^(?=.*LOCKSTEP_SECRET_KEY must be 32 random bytes)(?!.*s3cret).*$/s,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the command uid range and the log limit', () => {
    expect(parseConfig({}).commandUids).toEqual({ first: 2_000_000_000, last: 2_000_099_999 });
    expect(parseConfig({}).logLimitBytes).toBe(10 * 1024 * 1024);
    expect(parseConfig({ LOCKSTEP_COMMAND_UIDS: '60000-60999' }).commandUids).toEqual({
      first: 60000,
      last: 60999,
    });
    for (const bad of ['0-1000', '5000-5010', 'abc', '70000-60000'])
      expect(() => parseConfig({ LOCKSTEP_COMMAND_UIDS: bad })).toThrow(
        'LOCKSTEP_COMMAND_UIDS must be a range',
      );
    expect(() => parseConfig({ LOCKSTEP_LOG_LIMIT_BYTES: '100' })).toThrow(
      'LOCKSTEP_LOG_LIMIT_BYTES must be at least 65536 bytes',
    );
  });

  it('scrubs the secret variables from an environment once parsed', () => {
    const env: NodeJS.ProcessEnv = {
      DATABASE_URL: 'postgres://u:p@h/db',
      LOCKSTEP_SECRET_KEY: 'k',
      LOCKSTEP_ADMIN_TOKEN: 't',
      LOCKSTEP_WEBHOOK_SECRET: 'w',
      LOCKSTEP_METRICS_TOKEN: 'm',
      PATH: '/bin',
    };
    scrubSecrets(env);
    expect(env).toEqual({ PATH: '/bin' });
  });

  it('withholds variables from a child environment unless set for it', () => {
    process.env.LOCKSTEP_TEST_WITHHELD = 'x';
    try {
      const env = childEnvironment({ PORT: '1' }, ['LOCKSTEP_SECRET_KEY', 'PORT']);
      expect(env.PORT).toBe('1');
      expect(env.LOCKSTEP_SECRET_KEY).toBeUndefined();
      expect(env.LOCKSTEP_TEST_WITHHELD).toBe('x');
    } finally {
      delete process.env.LOCKSTEP_TEST_WITHHELD;
    }
  });
});
