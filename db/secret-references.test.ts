import { describe, expect, it } from 'vitest';
import {
  hasMalformedReference,
  isOnlyReferences,
  resolveReferences,
  secretReferences,
} from './secret-references';

describe('secret references', () => {
  it('finds each name once, with or without spaces inside the braces', () => {
    expect(secretReferences('${{ secrets.A }}:${{secrets.B_2}} ${{ secrets.A }}')).toEqual(['A', 'B_2']);
    expect(secretReferences('no reference, ${{ github.sha }}')).toEqual([]);
  });

  it('puts values in and names the ones it does not have', () => {
    expect(resolveReferences('Bearer ${{ secrets.TOKEN }}', { TOKEN: 't0ken$&' })).toEqual({
      text: 'Bearer t0ken$&',
      missing: [],
    });
    expect(resolveReferences('${{ secrets.A }}-${{ secrets.NOPE }}', { A: 'a-value' })).toEqual({
      text: 'a-value-${{ secrets.NOPE }}',
      missing: ['NOPE'],
    });
  });

  it('tells malformed references apart', () => {
    expect(hasMalformedReference('Bearer ${{ secrets.TOKEN }}')).toBe(false);
    expect(hasMalformedReference('Bearer ${{ secret.TOKEN }}')).toBe(true);
    expect(hasMalformedReference('Bearer ${{ secrets.TOKEN }')).toBe(true);
    expect(hasMalformedReference('plain')).toBe(false);
  });

  it('knows a value that is only references, after at most one word', () => {
    expect(isOnlyReferences('Bearer ${{ secrets.TOKEN }}')).toBe(true);
    expect(isOnlyReferences('${{ secrets.A }}')).toBe(true);
    expect(isOnlyReferences('Basic user:${{ secrets.PASS }}')).toBe(false);
    expect(isOnlyReferences('hunter2${{ secrets.A }}')).toBe(false);
    expect(isOnlyReferences('Bearer hunter2')).toBe(false);
  });
});
