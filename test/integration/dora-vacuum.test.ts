import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { createDataSource } from '../../db/data-source';
import { doraReadTables, vacuumDoraReadTables } from '../../db/dora/fact-maintenance';
import { test, type Harness } from '../support/fixtures';

/** `vacuumDoraFacts` (db/dora/fact-maintenance.ts): VACUUM only warns and skips what it may not vacuum. */

const vacuums = async (h: Harness) => {
  const rows = await h.dataSource.query<Array<{ n: number }>>(
    `SELECT sum(vacuum_count)::int AS n FROM pg_stat_user_tables WHERE relname = ANY ($1)`,
    [doraReadTables],
  );
  return rows[0]!.n;
};

describe('vacuuming the DORA tables', () => {
  test('the owner vacuums all six; a user who owns none of them is told which, and nothing runs', async ({
    harness: h,
  }) => {
    const before = await vacuums(h);
    expect(await vacuumDoraReadTables(h.dataSource)).toEqual([]);
    expect(await vacuums(h)).toBe(before + doraReadTables.length);

    // A database user that is not the tables' owner (nor a superuser), as a misconfigured API would connect.
    const role = `lockstep_not_owner_${randomUUID().slice(0, 8)}`;
    await h.dataSource.query(`CREATE ROLE ${role} NOLOGIN NOSUPERUSER`);
    const url = new URL(h.databaseUrl);
    url.searchParams.set('options', `-c role=${role}`);
    const notOwner = createDataSource({ url: url.toString(), poolSize: 1 });
    await notOwner.initialize();
    try {
      expect(await vacuumDoraReadTables(notOwner)).toEqual([...doraReadTables].sort());
      expect(await vacuums(h)).toBe(before + doraReadTables.length);
    } finally {
      await notOwner.destroy();
      await h.dataSource.query(`DROP ROLE ${role}`);
    }
  });
});
