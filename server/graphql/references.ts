import type { DataSource, EntityManager } from 'typeorm';
import { notFound } from '../errors';
import { isUuid } from './validate';

/** One whole statement per table (no table name is ever spliced into SQL). */
const existsStatements = {
  services: 'SELECT 1 FROM services WHERE id = $1',
  environments: 'SELECT 1 FROM environments WHERE id = $1',
  pipelines: 'SELECT 1 FROM pipelines WHERE id = $1',
  webhook_subscriptions: 'SELECT 1 FROM webhook_subscriptions WHERE id = $1',
} as const;

const deleteStatements = {
  secrets: 'DELETE FROM secrets WHERE id = $1',
  webhook_subscriptions: 'DELETE FROM webhook_subscriptions WHERE id = $1',
} as const;

/** True when `id` names a row of `table`; an id that is not a UUID names none. */
export async function rowExists(
  db: DataSource | EntityManager,
  table: keyof typeof existsStatements,
  id: string,
): Promise<boolean> {
  if (!isUuid(id)) return false;
  const rows: unknown[] = await db.query(existsStatements[table], [id]);
  return rows.length > 0;
}

/** Deletes the row `id` names, or throws NOT_FOUND naming it as `what`. */
export async function deleteRow(
  db: DataSource | EntityManager,
  table: keyof typeof deleteStatements,
  id: string,
  what: string,
): Promise<true> {
  const [, count]: [unknown[], number] = isUuid(id) ? await db.query(deleteStatements[table], [id]) : [[], 0];
  if (count === 0) throw notFound(what, id);
  return true;
}
