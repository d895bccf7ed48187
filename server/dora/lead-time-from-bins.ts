import {
  leadBinCountsPerBucket,
  leadValuesAtRanks,
  type LeadValuesRequest,
} from '../../db/dora/lead-time-bins.sql';
import type { LeadTimeSeriesRow, LeadTimeTotalRow } from '../../db/dora/lead-time.sql';
import type { Statement } from '../../db/dora/statement';
import type { BucketedWindow } from '../../db/dora/window';
import { interpolate, planPercentiles, type BinCount, type RankAt } from './rank-select';

/** Runs one statement (the presenter's read, with its settings). */
export type Read = <Params, Result>(statement: Statement<Params, Result>, params: Params) => Promise<Result>;

/**
 * Lead time per bucket and for the window across every service: which bin holds each wanted rank comes
 * from the counts (one statement), then only those bins' values are read and sorted (a second one). The
 * same rows as the per-service statements of lead-time.sql.ts would give, exactly.
 */
export async function leadTimeFromBins(
  read: Read,
  window: BucketedWindow,
): Promise<LeadTimeSeriesRow & LeadTimeTotalRow> {
  const rows = await read(leadBinCountsPerBucket, window);
  const buckets: Array<{ start: Date; stop: Date; bins: BinCount[] }> = [];
  const totals = new Map<number, number>();
  for (const row of rows) {
    if (buckets.length < row.i) buckets.push({ start: row.start, stop: row.stop, bins: [] });
    if (row.bin === null || row.n === null) continue;
    buckets[row.i - 1]!.bins.push({ bin: row.bin, n: row.n });
    totals.set(row.bin, (totals.get(row.bin) ?? 0) + row.n);
  }
  const totalBins = [...totals.entries()].sort(([a], [b]) => a - b).map(([bin, n]) => ({ bin, n }));
  const ranges = [...buckets, { start: window.from, stop: window.to, bins: totalBins }];
  const plans = ranges.map((range) => planPercentiles(range.bins, [0.5, 0.75, 0.9]));

  // One request per run of consecutive ranks in a bin: lo and hi usually sit side by side.
  const requests: LeadValuesRequest[] = [];
  const ask = (range: (typeof ranges)[number], at: RankAt, count: number) => {
    requests.push({
      k: requests.length,
      bin: at.bin,
      start: range.start.toISOString(),
      stop: range.stop.toISOString(),
      off: at.offset,
      count,
    });
    return requests.length - 1;
  };
  const wanted = plans.map((plan, r) =>
    (plan ?? []).map(({ lo, hi, weight }) =>
      lo.bin === hi.bin
        ? { lo: ask(ranges[r]!, lo, hi.offset - lo.offset + 1), hi: -1, weight }
        : { lo: ask(ranges[r]!, lo, 1), hi: ask(ranges[r]!, hi, 1), weight },
    ),
  );
  const values = new Map<number, number[]>();
  if (requests.length > 0) {
    for (const { k, v } of await read(leadValuesAtRanks, { requests })) values.set(k, v);
  }
  const percentiles = wanted.map((asked) =>
    asked.map(({ lo, hi, weight }) => {
      const low = values.get(lo)!;
      return interpolate(low[0]!, hi < 0 ? low.at(-1)! : values.get(hi)![0]!, weight);
    }),
  );
  const count = (bins: BinCount[]) => bins.reduce((sum, { n }) => sum + n, 0);
  return {
    commits: buckets.map((b) => count(b.bins)),
    lead_median: percentiles.slice(0, -1).map((p) => p[0] ?? null),
    lead_p75: percentiles.slice(0, -1).map((p) => p[1] ?? null),
    lead_p90: percentiles.slice(0, -1).map((p) => p[2] ?? null),
    total_commits: count(totalBins),
    total_lead: percentiles.at(-1)!.length > 0 ? percentiles.at(-1)! : null,
  };
}
