import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor';
import { pageSize } from './page';

describe('cursors and page sizes', () => {
  it('round-trips a keyset cursor', () => {
    const cursor = encodeCursor(['2026-11-22T10:00:00.000Z', 'b5c1']);
    expect(decodeCursor(cursor, 2)).toEqual(['2026-11-22T10:00:00.000Z', 'b5c1']);
  });

  it.each(['', 'not-base64!', encodeCursor(['only-one']), Buffer.from('{"a":1}').toString('base64url')])(
    'refuses cursor %j',
    (cursor) => {
      expect(() => decodeCursor(cursor, 2)).toThrow('after: is not a cursor this API returned');
    },
  );

  it('caps first at 100 and defaults to 20', () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(100)).toBe(100);
    expect(() => pageSize(101)).toThrow('first: must be between 0 and 100');
    expect(() => pageSize(-1)).toThrow('first: must be between 0 and 100');
  });
});
