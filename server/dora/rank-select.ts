/**
 * Exact percentiles from counts: PostgreSQL's percentile_cont over n sorted values v takes the rank
 * r = p * (n - 1) and answers v[floor r] + (r - floor r) * (v[ceil r] - v[floor r]). With the values
 * counted per bin (bins ordered like the values), the counts say which bin holds each of those two ranks
 * and at which offset within it; only that bin's values need reading and sorting.
 */

export interface BinCount {
  bin: number;
  n: number;
}

/** A value to read: the one at `offset` (0-based) among the bin's values, sorted. */
export interface RankAt {
  bin: number;
  offset: number;
}

export interface PercentilePlan {
  lo: RankAt;
  hi: RankAt;
  /** r - floor(r): how far from lo towards hi */
  weight: number;
}

/** Where rank `rank` (0-based) lies, given the counts in bin order. */
export function locate(bins: readonly BinCount[], rank: number): RankAt {
  let before = 0;
  for (const { bin, n } of bins) {
    if (rank < before + n) return { bin, offset: rank - before };
    before += n;
  }
  throw new Error(`rank ${rank} is beyond the ${before} values counted`);
}

/** The two ranks each fraction needs; null when nothing was counted. */
export function planPercentiles(
  bins: readonly BinCount[],
  fractions: readonly number[],
): PercentilePlan[] | null {
  const total = bins.reduce((sum, { n }) => sum + n, 0);
  if (total === 0) return null;
  return fractions.map((fraction) => {
    const rank = fraction * (total - 1);
    const lo = Math.floor(rank);
    const hi = Math.ceil(rank);
    return { lo: locate(bins, lo), hi: locate(bins, hi), weight: rank - lo };
  });
}

/** percentile_cont's interpolation, in the same order of operations (so the same double). */
export function interpolate(lo: number, hi: number, weight: number): number {
  return lo + weight * (hi - lo);
}
