import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { configVariables } from '../../main/config';
import { createApiMetrics } from '../../server/telemetry/api-metrics';
import { registerDatabaseGauges } from '../../workflows/metrics/database-gauges';
import { createWorkerMetrics } from '../../workflows/metrics/worker-metrics';

const root = path.resolve(__dirname, '..', '..');

interface ComposeService {
  image?: string;
  profiles?: string[];
  ports?: string[];
  volumes?: string[];
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
      'grafana',
      'migrate',
      'postgres',
      'prometheus',
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

  describe('the observability profile', () => {
    const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
    const mounted = (service: string, target: string) =>
      services[service]!.volumes!.find((volume) => volume.split(':')[1] === target)?.split(':')[0];

    it('adds Prometheus and Grafana only when asked for', () => {
      expect(services.prometheus!.profiles).toEqual(['observability']);
      expect(services.grafana!.profiles).toEqual(['observability']);
      for (const name of ours) expect(services[name]!.profiles, name).toBeUndefined();
    });

    it('has Prometheus scrape the API and the worker where they serve /metrics', () => {
      const config = parse(read(mounted('prometheus', '/etc/prometheus/prometheus.yml')!)) as {
        scrape_configs: Array<{
          job_name: string;
          metrics_path: string;
          static_configs: Array<{ targets: string[] }>;
        }>;
      };
      const targets = Object.fromEntries(
        config.scrape_configs.map((job) => [
          job.job_name,
          [job.metrics_path, ...job.static_configs[0]!.targets],
        ]),
      );
      const worker = services.worker!.environment!;
      expect(targets).toEqual({
        'lockstep-api': ['/metrics', `api:${services.api!.environment!.PORT}`],
        'lockstep-worker': ['/metrics', `worker:${worker.LOCKSTEP_WORKER_METRICS_PORT}`],
      });
      expect(worker.LOCKSTEP_WORKER_METRICS_HOST).toBe('0.0.0.0'); // reachable on the compose network...
      expect(services.worker!.ports).toBeUndefined(); // ...and nowhere else
      expect(services.prometheus!.ports).toBeUndefined();
    });

    it('publishes Grafana on the loopback interface only, with its dashboards provisioned', () => {
      expect(services.grafana!.ports).toEqual(['127.0.0.1:3001:3000']);
      const provisioning = mounted('grafana', '/etc/grafana/provisioning')!;
      const providers = parse(read(`${provisioning}/dashboards/lockstep.yml`)) as {
        providers: Array<{ options: { path: string } }>;
      };
      expect(mounted('grafana', providers.providers[0]!.options.path)).toBe('./ops/grafana/dashboards');
      const datasources = parse(read(`${provisioning}/datasources/prometheus.yml`)) as {
        datasources: Array<{ uid: string; url: string }>;
      };
      expect(datasources.datasources[0]).toMatchObject({ uid: 'prometheus', url: 'http://prometheus:9090' });
    });

    it('has a dashboard that parses and queries only series the API and the worker register', () => {
      const dashboard = JSON.parse(read('ops/grafana/dashboards/lockstep.json')) as {
        panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
      };
      const registry = new Registry();
      createApiMetrics(registry);
      createWorkerMetrics(registry);
      registerDatabaseGauges(registry, {} as DataSource); // read only when scraped
      const registered = new Set(registry.getMetricsAsArray().map((metric) => metric.name));
      const queried = dashboard.panels.flatMap((panel) =>
        panel.targets.flatMap((target) => target.expr.match(/\blockstep_\w+/g) ?? []),
      );
      expect(queried.length).toBeGreaterThan(10);
      for (const series of queried)
        expect(registered.has(series.replace(/_(bucket|count|sum)$/, '')), series).toBe(true);
      // The headline numbers and the things to watch are all on it.
      const titles = dashboard.panels.map((panel) => panel.title).join(' | ');
      for (const what of [
        'Deployments',
        'Change failure rate',
        'Lead time',
        'Time to restore',
        'Queue wait',
        'Approval wait',
        'Runs finished',
      ])
        expect(titles).toContain(what);
    });
  });
});
