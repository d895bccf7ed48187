import type { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';

/** How a dependency answered: `unavailable` it refused or failed, `timeout` it did not answer in time. */
export type DependencyStatus = 'ok' | 'unavailable' | 'timeout';

export interface HealthReport {
  ok: boolean;
  postgres: DependencyStatus;
  temporal: DependencyStatus;
  /** The dependencies that are not ok, by name. */
  down: Array<'PostgreSQL' | 'Temporal'>;
}

class Timeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Timeout()), ms).unref()),
  ]);
}

/**
 * `GET /healthz`: healthy only when PostgreSQL and Temporal both answer. The answer names what is down with a
 * short status and never the driver's error text (host names, ports, database and user names are not for
 * whoever can reach the endpoint); that text goes to the log, once each time a dependency goes down.
 */
export function createHealthCheck(
  dataSource: DataSource,
  temporal: Client,
  log: (message: string) => void,
  timeoutMs = 2000,
): () => Promise<HealthReport> {
  const last = { PostgreSQL: 'ok' as DependencyStatus, Temporal: 'ok' as DependencyStatus };
  const probe = async (name: keyof typeof last, check: () => Promise<unknown>): Promise<DependencyStatus> => {
    let status: DependencyStatus = 'ok';
    let cause = '';
    try {
      await withTimeout(check(), timeoutMs);
    } catch (error) {
      status = error instanceof Timeout ? 'timeout' : 'unavailable';
      cause =
        error instanceof Timeout ? `no answer within ${timeoutMs} ms` : String((error as Error).message);
    }
    if (status !== last[name])
      log(`health: ${name} ${status === 'ok' ? 'answers again' : `${status}: ${cause}`}`);
    last[name] = status;
    return status;
  };
  return async () => {
    const [postgres, temporalStatus] = await Promise.all([
      probe('PostgreSQL', () => dataSource.query('SELECT 1')),
      // The gRPC deadline ends the call (and its retries) soon after we stop waiting for it.
      probe('Temporal', () =>
        temporal.connection.withDeadline(Date.now() + timeoutMs + 500, () =>
          temporal.connection.workflowService.getSystemInfo({}),
        ),
      ),
    ]);
    const down: HealthReport['down'] = [];
    if (postgres !== 'ok') down.push('PostgreSQL');
    if (temporalStatus !== 'ok') down.push('Temporal');
    return { ok: down.length === 0, postgres, temporal: temporalStatus, down };
  };
}
