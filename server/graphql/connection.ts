import 'reflect-metadata';
import { Field, ObjectType } from 'type-graphql';
import { badInput } from '../errors';

@ObjectType('PageInfo')
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export const maxPageSize = 100;
export const defaultPageSize = 20;

/** Keyset cursors: opaque to clients, stable while rows are added. */
export function encodeCursor(values: Array<string | number>): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string, arity: number, field = 'after'): Array<string | number> {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(values) &&
      values.length === arity &&
      values.every((v) => typeof v === 'string' || typeof v === 'number')
    ) {
      return values;
    }
  } catch {
    // fall through
  }
  throw badInput(field, 'is not a cursor this API returned');
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The usual keyset cursor: an instant (ISO-8601, as this API writes them) and a row id. Anything else is
 * refused here, so a forged cursor never reaches SQL.
 */
export function decodeTimeIdCursor(cursor: string, field = 'after'): [string, string] {
  const [at, id] = decodeCursor(cursor, 2, field);
  if (
    typeof at !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(at) ||
    Number.isNaN(Date.parse(at)) ||
    typeof id !== 'string' ||
    !uuidPattern.test(id)
  ) {
    throw badInput(field, 'is not a cursor this API returned');
  }
  return [at, id];
}

export function pageSize(first: number | null | undefined, field = 'first'): number {
  if (first === null || first === undefined) return defaultPageSize;
  if (first < 0 || first > maxPageSize) throw badInput(field, `must be between 0 and ${maxPageSize}`);
  return first;
}
