import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// Temporal and its UI have no authentication in the compose file: whoever reaches them can signal `approval`
// with any principal, terminate runs, or start a workflow that runs code on a worker. Only the dashboard and
// the API, which check tokens, may be reachable from outside the compose network. The optional observability
// profile's Grafana is published on the host's loopback only (docs/security.md, "Metrics, traces and logs").

const compose = parse(readFileSync(path.join(__dirname, '..', '..', '..', 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as { services: Record<string, { ports?: string[]; network_mode?: string; profiles?: string[] }> };

describe('docker-compose exposure', () => {
  it('nobody outside the compose network can reach Temporal, its UI or PostgreSQL: only the dashboard and the API are published', () => {
    const published = Object.fromEntries(
      Object.entries(compose.services)
        .filter(([, service]) => (service.ports ?? []).length > 0)
        .map(([name, service]) => [name, service.ports]),
    );
    expect(published).toEqual({
      api: ['4000:4000'],
      web: ['3000:3000'],
      grafana: ['127.0.0.1:3001:3000'],
    });
    expect(compose.services.grafana!.profiles).toEqual(['observability']);
    for (const [name, service] of Object.entries(compose.services))
      expect(service.network_mode, `${name} shares the host's network`).toBeUndefined();
  });
});
