import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');

/** Runs an entry point with a clean environment plus `env`; returns its exit code and stderr. */
function run(entry: string, env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', entry], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: result.status, stderr: result.stderr.trim() };
}

describe('bad configuration stops a process with one line naming the variable', () => {
  it.each([
    [
      'main/api.ts',
      { PORT: 'abc' },
      'lockstep api: Invalid configuration: PORT must be a port number (1-65535) (got "abc")',
    ],
    [
      'main/api.ts',
      {},
      'lockstep api: Invalid configuration: DATABASE_URL and TEMPORAL_ADDRESS must be set for `npm run api`',
    ],
    [
      'main/worker.ts',
      { DATABASE_URL: 'postgres://h/db', TEMPORAL_ADDRESS: 'nope' },
      'lockstep worker: Invalid configuration: TEMPORAL_ADDRESS must be host:port',
    ],
    ['main/migrate.ts', {}, 'lockstep migrate: Invalid configuration: DATABASE_URL must be set'],
    [
      'main/start/start.ts',
      { WEB_PORT: '0' },
      'lockstep start: Invalid configuration: WEB_PORT must be a port number',
    ],
    [
      'main/start/start.ts',
      { LOCKSTEP_START_WEB: 'yes' },
      'lockstep start: Invalid configuration: LOCKSTEP_START_WEB must be true or false (got "yes")',
    ],
  ])('%s with %j', (entry, env, message) => {
    const { code, stderr } = run(entry, env);
    expect(code).toBe(1);
    expect(stderr.split('\n')).toHaveLength(1);
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
