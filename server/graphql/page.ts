import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { badInput } from '../errors';
import { decodeTimeIdCursor, encodeCursor } from './cursor';

/** One page of a list as a connection type (`connectionOf`) shows it. */
export interface Page<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

export const maxPageSize = 100;
export const defaultPageSize = 20;

export function pageSize(first: number | null | undefined, field = 'first'): number {
  if (first === null || first === undefined) return defaultPageSize;
  if (first < 0 || first > maxPageSize) throw badInput(field, `must be between 0 and ${maxPageSize}`);
  return first;
}

/** What a filter no row can match (an id that is not a UUID) lists. */
export function emptyPage<T>(): Page<T> {
  return { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };
}

/** A list's keyset order: an instant column, then the row id, both in `direction`. */
export interface KeysetOrder {
  /** The column, e.g. `created_at`, of the query's main alias. */
  column: string;
  direction: 'ASC' | 'DESC';
}

/**
 * An instant as a cursor holds it: to the microsecond, as PostgreSQL stores it. A JavaScript Date keeps
 * milliseconds: rows stored in the same millisecond as a page's last one would be skipped (or, ascending,
 * listed again) by the next page.
 */
export const cursorInstant = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The page of `query` (filtered already) after the cursor `after`: the filtered rows' total count, then up
 * to `limit` rows in keyset order; each cursor holds the row's instant and id.
 */
export async function keysetPage<T extends ObjectLiteral & { id: string }>(
  query: SelectQueryBuilder<T>,
  { limit, after }: { limit: number; after: string | null | undefined },
  order: KeysetOrder,
): Promise<Page<T>> {
  const totalCount = await query.getCount();
  const instant = `${query.alias}.${order.column}`;
  const id = `${query.alias}.id`;
  if (after) {
    const [cursorAt, cursorId] = decodeTimeIdCursor(after);
    const beyond = order.direction === 'ASC' ? '>' : '<';
    query.andWhere(`(${instant}, ${id}) ${beyond} (:cursorAt::timestamptz, :cursorId::uuid)`, {
      cursorAt,
      cursorId,
    });
  }
  // No joins: LIMIT applies to the rows themselves, and raw rows and entities come in the same order.
  const { entities: rows, raw } = await query
    .addSelect(cursorInstant(instant), 'keyset_cursor_at')
    .orderBy(instant, order.direction)
    .addOrderBy(id, order.direction)
    .take(limit + 1)
    .getRawAndEntities<{ keyset_cursor_at: string }>();
  const edges = rows.slice(0, limit).map((node, i) => ({
    cursor: encodeCursor([raw[i]!.keyset_cursor_at, node.id]),
    node,
  }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount,
  };
}
