import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import type { GraphqlHttpClient } from './api-load';

/** What one-at-a-time reporting is measured on: the API, a production environment, services to spread over. */
export interface SingleReportTarget {
  http: GraphqlHttpClient;
  url: string;
  environmentId: string;
  services: string[];
}

let sequence = 0;

/**
 * `count` `recordExternalDeployment` mutations, one at a time, each with `commits` commits (its revision the
 * last), finishing at `finishedAt(n)`: deployments per second.
 */
export async function reportOneByOne(
  target: SingleReportTarget,
  count: number,
  commits: number,
  finishedAt: (n: number) => Date,
): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const n = ++sequence;
    const finished = finishedAt(n);
    const list = Array.from({ length: commits }, (_, c) => ({
      sha: `be${n.toString(16).padStart(8, '0')}${c}`,
      committedAt: new Date(finished.getTime() - (c + 1) * 3_600_000).toISOString(),
    }));
    await target.http.data(
      target.url,
      `mutation($i: ExternalDeploymentInput!) { recordExternalDeployment(input: $i) { id } }`,
      {
        i: {
          serviceId: target.services[n % target.services.length],
          environmentId: target.environmentId,
          status: 'SUCCEEDED',
          startedAt: new Date(finished.getTime() - 300_000).toISOString(),
          finishedAt: finished.toISOString(),
          revision: list.at(-1),
          commits: list,
        },
      },
    );
  }
  return count / ((performance.now() - t0) / 1000);
}

/** Turns the DORA facts triggers off (the baseline: what storing the reports costs alone) or back on. */
export const factsTriggers = (pool: Pool, on: boolean) =>
  pool.query(
    ['deployment_runs', 'deployment_run_commits', 'incidents']
      .map((t) => `ALTER TABLE ${t} ${on ? 'ENABLE' : 'DISABLE'} TRIGGER USER`)
      .join('; '),
  );
