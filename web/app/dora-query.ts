import type { DoraMetric, DoraMetrics, DoraPoint, Service } from '@/lib/graphql-types';

export const metricKeys = [
  'deploymentFrequency',
  'leadTimeForChanges',
  'changeFailureRate',
  'timeToRestore',
  'deploymentReworkRate',
] as const;
export type MetricKey = (typeof metricKeys)[number];

export const doraQuery = `query Dora($f: DoraFilter!, $p: DoraFilter!) {
  current: doraMetrics(filter: $f) {
    from to interval timeZone benchmark
    ${metricKeys.map((k) => `${k} { value unit p75 p90 level sampleSize series { bucketStart value sampleSize p75 p90 } }`).join('\n    ')}
  }
  previous: doraMetrics(filter: $p) {
    ${metricKeys.map((k) => `${k} { value sampleSize }`).join('\n    ')}
  }
  services { id name team }
}`;

export type Metric = Pick<DoraMetric, 'value' | 'unit' | 'p75' | 'p90' | 'level' | 'sampleSize'> & {
  series: Array<Pick<DoraPoint, 'bucketStart' | 'value' | 'sampleSize' | 'p75' | 'p90'>>;
};

export interface DoraResult {
  current: Pick<DoraMetrics, 'from' | 'to' | 'interval' | 'timeZone' | 'benchmark'> &
    Record<MetricKey, Metric>;
  previous: Record<MetricKey, Pick<DoraMetric, 'value' | 'sampleSize'>>;
  services: Array<Pick<Service, 'id' | 'name' | 'team'>>;
}

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

export function chartRows(m: DoraResult['current']): ChartRow[] {
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
