import { badInput } from '../errors';
import { isUuid } from './validate';

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
    !isUuid(id)
  ) {
    throw badInput(field, 'is not a cursor this API returned');
  }
  return [at, id];
}
