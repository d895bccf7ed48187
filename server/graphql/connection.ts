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

export function pageSize(first: number | null | undefined, field = 'first'): number {
  if (first === null || first === undefined) return defaultPageSize;
  if (first < 0 || first > maxPageSize) throw badInput(field, `must be between 0 and ${maxPageSize}`);
  return first;
}
