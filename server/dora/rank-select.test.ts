import { describe, expect, it } from 'vitest';
import { interpolate, locate, planPercentiles, type BinCount } from './rank-select';

/** percentile_cont as PostgreSQL computes it, over the raw values. */
function percentileCont(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = fraction * (sorted.length - 1);
  const lo = Math.floor(rank);
  return interpolate(sorted[lo]!, sorted[Math.ceil(rank)]!, rank - lo);
}

const binOf = (value: number) => (value < 1 ? 0 : 1 + Math.floor((8 * Math.log(value)) / Math.log(2)));

describe('percentiles from bin counts', () => {
  it('locates ranks across bins, and refuses a rank past the end', () => {
    const bins: BinCount[] = [
      { bin: 3, n: 2 },
      { bin: 5, n: 1 },
      { bin: 9, n: 4 },
    ];
    expect(locate(bins, 0)).toEqual({ bin: 3, offset: 0 });
    expect(locate(bins, 1)).toEqual({ bin: 3, offset: 1 });
    expect(locate(bins, 2)).toEqual({ bin: 5, offset: 0 });
    expect(locate(bins, 6)).toEqual({ bin: 9, offset: 3 });
    expect(() => locate(bins, 7)).toThrow(/beyond the 7 values/);
    expect(planPercentiles([], [0.5])).toBeNull();
  });

  it('gives exactly percentile_cont for random data, sizes and fractions', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 200; round++) {
      const values = Array.from({ length: 1 + Math.floor(random() * 300) }, () =>
        round % 3 === 0 ? Math.floor(random() * 50) : random() * 10 ** (random() * 7),
      );
      const byBin = new Map<number, number[]>();
      for (const v of values) byBin.set(binOf(v), [...(byBin.get(binOf(v)) ?? []), v]);
      const bins = [...byBin.entries()].sort(([a], [b]) => a - b).map(([bin, vs]) => ({ bin, n: vs.length }));
      const read = ({ bin, offset }: { bin: number; offset: number }) =>
        [...byBin.get(bin)!].sort((a, b) => a - b)[offset]!;
      const fractions = [0.5, 0.75, 0.9, 0, 1];
      const plans = planPercentiles(bins, fractions)!;
      plans.forEach((plan, i) =>
        expect(interpolate(read(plan.lo), read(plan.hi), plan.weight)).toBe(
          percentileCont(values, fractions[i]!),
        ),
      );
    }
  });
});
