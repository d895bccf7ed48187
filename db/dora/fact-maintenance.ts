import type { DataSource } from 'typeorm';

/**
 * What an import of deployments writes: the tables every DORA metrics read scans (deployments.sql.ts,
 * lead-time*.sql.ts), and those the facts are refreshed from when a deployment is recorded later.
 */
export const doraReadTables = [
  'deployment_runs',
  'deployment_run_commits',
  'dora_deployment_facts',
  'dora_commit_facts',
  'dora_lead_hours',
  'dora_lead_days',
] as const;

/**
 * `VACUUM (ANALYZE)` of those tables: what autovacuum does a minute or more after a bulk write, done now.
 * The metrics reads are index-only scans; rows written since the last vacuum are not yet marked visible to
 * all, so each costs a heap fetch (a 90-day read of a freshly imported million deployments: three to four
 * times slower), and the planner's statistics miss the newest range, for the reads and for the refreshes
 * of the next deployments recorded. Vacuum only visits pages changed since its last pass, so this costs
 * about as much as was written.
 *
 * VACUUM runs outside a transaction, on a connection of its own, without the pool's statement timeout. It
 * only warns and skips a table the connection's user does not own: the tables it cannot vacuum are
 * returned instead, and nothing is run.
 */
export async function vacuumDoraReadTables(dataSource: DataSource): Promise<string[]> {
  const notOwned: Array<{ name: string }> = await dataSource.query(
    `SELECT c.relname AS name FROM pg_class c
      WHERE c.relname = ANY ($1) AND c.relkind IN ('r', 'p') AND c.relnamespace = to_regnamespace(current_schema())
        AND NOT pg_has_role(current_user, c.relowner, 'MEMBER')
      ORDER BY c.relname`,
    [doraReadTables],
  );
  if (notOwned.length > 0) return notOwned.map((row) => row.name);
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SET statement_timeout = 0');
    await runner.query(`VACUUM (ANALYZE) ${doraReadTables.join(', ')}`);
  } finally {
    await runner.query('RESET statement_timeout').catch(() => undefined);
    await runner.release();
  }
  return [];
}
