import { QueryRunnerAlreadyReleasedError, type EntityManager } from 'typeorm';
import { describe, expect } from 'vitest';
import { NamedStatement } from '../../db/named-statement';
import { test } from '../support/fixtures';

describe('NamedStatement', () => {
  test('runs prepared on a pooled connection, and inside a transaction on the transaction’s own', async ({
    harness: h,
  }) => {
    const name = `lockstep_test_${Math.floor(Math.random() * 1e9)}`;
    const statement = new NamedStatement(
      name,
      'SELECT $1::int + 1 AS n, (SELECT count(*)::int FROM pg_prepared_statements WHERE name = $2) AS prepared',
    );
    // Prepared on the connection it runs on: PostgreSQL lists it there while it runs.
    expect(await statement.rows(h.dataSource, [1, name])).toEqual([{ n: 2, prepared: 1 }]);

    await h.dataSource.query('CREATE TABLE named_statement_probe (id int)');
    const inside = new NamedStatement(`${name}_tx`, 'SELECT count(*)::int AS n FROM named_statement_probe');
    await expect(
      h.dataSource.transaction(async (manager) => {
        await manager.query('INSERT INTO named_statement_probe VALUES (1), (2)');
        // Sees the transaction's own uncommitted rows: it ran on the transaction's connection.
        expect(await inside.rows(manager, [])).toEqual([{ n: 2 }]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await inside.rows(h.dataSource, [])).toEqual([{ n: 0 }]);
    expect(await inside.rows(h.dataSource.manager, [])).toEqual([{ n: 0 }]);
  });

  test('refuses a released transaction’s manager, and a name made again with another text', async ({
    harness: h,
  }) => {
    const statement = new NamedStatement('lockstep_test_released', 'SELECT 1 AS n');
    let kept: EntityManager | undefined;
    await h.dataSource.transaction(async (manager) => {
      kept = manager;
      expect(await statement.rows(manager, [])).toEqual([{ n: 1 }]);
    });
    await expect(statement.rows(kept!, [])).rejects.toBeInstanceOf(QueryRunnerAlreadyReleasedError);
    expect(() => new NamedStatement('lockstep_test_released', 'SELECT 2 AS n')).toThrow(/another text/);
  });

  test('an error keeps PostgreSQL’s code, for retryTransient and the callers', async ({ harness: h }) => {
    const failing = new NamedStatement('lockstep_test_failing', 'SELECT 1 / $1::int AS n');
    await expect(failing.rows(h.dataSource, [0])).rejects.toMatchObject({ code: '22012' });
    expect(await failing.rows(h.dataSource, [1])).toEqual([{ n: 1 }]);
  });
});
