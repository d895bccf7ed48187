import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configVariables } from '../../main/config';

const root = path.resolve(__dirname, '..', '..');

interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

// Docker cannot run here, so the file is checked for what can be checked without it.
describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  const services = compose.services;
  const ours = ['migrate', 'worker', 'api', 'web'];

  it('has PostgreSQL, Temporal with its UI, and every Lockstep component', () => {
    expect(Object.keys(services).sort()).toEqual([
      'api',
      'migrate',
      'postgres',
      'temporal',
      'temporal-ui',
      'web',
      'worker',
    ]);
    for (const name of ours) expect(services[name]!.build, name).toBe('.');
  });

  it('runs each component with the npm script the README names', () => {
    const scripts = (
      JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    const expected: Record<string, string> = {
      migrate: 'db:migrate',
      worker: 'worker',
      api: 'api',
      web: 'web',
    };
    for (const name of ours) {
      expect(services[name]!.command).toEqual(['npm', 'run', expected[name]]);
      expect(scripts[expected[name]!], expected[name]).toBeDefined();
    }
  });

  it('sets only variables the config module knows', () => {
    const known = new Set(Object.keys(configVariables));
    for (const name of ours) {
      for (const variable of Object.keys(services[name]!.environment ?? {})) {
        expect(known.has(variable), `${name}: ${variable}`).toBe(true);
      }
    }
  });

  it('points the components at the compose PostgreSQL and Temporal', () => {
    for (const name of ['worker', 'api']) {
      const env = services[name]!.environment!;
      expect(env.DATABASE_URL).toMatch(/@postgres:5432\//);
      expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
    }
  });

  it('health-checks the services others wait on', () => {
    for (const name of ['postgres', 'temporal', 'api', 'web'])
      expect(services[name]!.healthcheck?.test.length, name).toBeGreaterThan(0);
    expect(services.api!.healthcheck!.test.join(' ')).toContain('/healthz');
    expect(services.worker!.depends_on).toMatchObject({
      migrate: { condition: 'service_completed_successfully' },
      temporal: { condition: 'service_healthy' },
    });
  });
});
