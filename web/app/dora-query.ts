import type { DoraQuery } from '@/lib/graphql-operations';

/** One row per bucket, every metric side by side: what the charts draw. */
export interface ChartRow {
  bucketStart: string;
  deployments: number;
  rework: number;
  failed: number;
  leadP50: number | null;
  leadBand: [number, number] | null;
  commits: number;
  failureRate: number | null;
  reworkRate: number | null;
  restoreP50: number | null;
  recovered: number;
}

export function chartRows(m: DoraQuery['current']): ChartRow[] {
  return m.deploymentFrequency.series.map((point, i) => {
    const lead = m.leadTimeForChanges.series[i]!;
    const failure = m.changeFailureRate.series[i]!;
    const rework = m.deploymentReworkRate.series[i]!;
    const restore = m.timeToRestore.series[i]!;
    return {
      bucketStart: point.bucketStart,
      deployments: point.value ?? 0,
      failed: Math.round((failure.value ?? 0) * failure.sampleSize),
      rework: Math.round((rework.value ?? 0) * rework.sampleSize),
      leadP50: lead.value,
      leadBand: lead.p75 !== null && lead.p90 !== null ? [lead.p75, lead.p90] : null,
      commits: lead.sampleSize,
      failureRate: failure.value,
      reworkRate: rework.value,
      restoreP50: restore.value,
      recovered: restore.sampleSize,
    };
  });
}
