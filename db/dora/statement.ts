/**
 * A whole, static SQL statement and the one place its parameters are bound: from an object, by name, to the
 * positional `$1, $2, …` its text uses. `Result` is what running it resolves to (TypeORM's `query()` gives
 * the rows, or `[rows, count]` for UPDATE and DELETE).
 */
export interface Statement<Params, Result> {
  readonly sql: string;
  readonly bind: (params: Params) => unknown[];
  /** Never set: carries `Result` to `run`. */
  readonly result?: Result;
}

export function statement<Params, Result>(
  sql: string,
  bind: (params: Params) => unknown[],
): Statement<Params, Result> {
  return { sql, bind };
}

/** Whatever runs SQL: a DataSource, or the EntityManager of a transaction. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export function run<Params, Result>(
  db: Queryable,
  { sql, bind }: Statement<Params, Result>,
  params: Params,
): Promise<Result> {
  return db.query(sql, bind(params)) as Promise<Result>;
}
