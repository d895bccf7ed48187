import type { Queryable } from './statement';

/**
 * Runs `work` with the DORA facts refreshed once at its end instead of after each statement
 * (migration DoraDeferredRefresh): for writers that touch the same services several times in one
 * transaction, such as a batch of external deployments. `tx` must be a transaction, and `work` must run
 * all its statements on it: the facts are exact again, in the same transaction, when this returns.
 */
export async function withDoraRefreshDeferred<T>(tx: Queryable, work: () => Promise<T>): Promise<T> {
  await tx.query('SELECT dora_defer_refresh()');
  const result = await work();
  await tx.query('SELECT dora_refresh_deferred()');
  return result;
}
