import type { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';

export interface HealthReport {
  ok: boolean;
  postgres: string;
  temporal: string;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref(),
    ),
  ]);
}

/** Healthy only when PostgreSQL and Temporal both answer. */
export async function checkHealth(
  dataSource: DataSource,
  temporal: Client,
  timeoutMs = 2000,
): Promise<HealthReport> {
  const [postgres, temporalState] = await Promise.all([
    withTimeout(dataSource.query('SELECT 1'), timeoutMs).then(
      () => 'ok',
      (error: Error) => `unavailable: ${error.message}`,
    ),
    withTimeout(temporal.connection.workflowService.getSystemInfo({}), timeoutMs).then(
      () => 'ok',
      (error: Error) => `unavailable: ${error.message}`,
    ),
  ]);
  return { ok: postgres === 'ok' && temporalState === 'ok', postgres, temporal: temporalState };
}
