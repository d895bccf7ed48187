import type { Pool, PoolClient, QueryResult } from 'pg';
import { QueryRunnerAlreadyReleasedError, type DataSource, type EntityManager } from 'typeorm';

/**
 * A statement PostgreSQL parses and plans once per connection, not on every call: run through node-postgres
 * as a named prepared statement. TypeORM sends every query unnamed, so each call ships the whole text and
 * is parsed and planned again; for the worker's hottest statements (an attempt's beginning and success, a
 * stage's or run's change: CTEs of several kB) planning cost more than running them (measured with
 * pg_stat_statements in `npm run bench:engine`). Inside a transaction the statement runs on the
 * transaction's own connection.
 *
 * Each name must always go with the same text (node-postgres refuses a name reused for another text on a
 * connection; the constructor refuses it first). A migration that changes the type of a column these
 * statements return makes connections that prepared them fail with 0A000 ("cached plan must not change
 * result type"): restart workers after one (docs/operations.md). Behind a connection pooler in transaction mode, prepared statements need PgBouncer 1.21 or
 * later with `max_prepared_statements` set (docs/operations.md).
 */
export class NamedStatement {
  /** Every name made in this process, with its text: a name reused for another text fails at once, here. */
  private static readonly texts = new Map<string, string>();

  constructor(
    readonly name: string,
    readonly text: string,
  ) {
    const known = NamedStatement.texts.get(name);
    if (known !== undefined && known !== text)
      throw new Error(`the named statement ${name} was already made with another text`);
    NamedStatement.texts.set(name, text);
  }

  /** Runs it with `params` on `on`: a DataSource (any pooled connection) or a transaction's EntityManager. */
  async rows<Row>(on: DataSource | EntityManager, params: unknown[]): Promise<Row[]> {
    const config = { name: this.name, text: this.text, values: params };
    const result: QueryResult = await (await connectionOf(on)).query(config);
    return result.rows as Row[];
  }
}

async function connectionOf(on: DataSource | EntityManager): Promise<Pool | PoolClient> {
  if ('queryRunner' in on && on.queryRunner) {
    // A transaction's manager: its runner holds the connection the transaction runs on. Once released, that
    // connection may be in another caller's transaction: refused, as TypeORM's own query() refuses it.
    if (on.queryRunner.isReleased) throw new QueryRunnerAlreadyReleasedError();
    // (TypeORM's PostgresQueryRunner: connect() answers the connection it holds.)
    return (await on.queryRunner.connect()) as PoolClient;
  }
  const dataSource = 'driver' in on ? on : on.connection;
  return (dataSource.driver as unknown as { master: Pool }).master; // TypeORM's PostgresDriver: its pool
}
