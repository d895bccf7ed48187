import type { DoraLevel } from './dora-levels';

/** What the DORA metrics read takes and gives back, before GraphQL (dora.types.ts) shows it. */

export type Interval = 'DAY' | 'WEEK' | 'MONTH';

export interface DoraFilterInput {
  from: Date;
  to: Date;
  interval?: Interval | null;
  serviceIds?: string[] | null;
  team?: string | null;
  timeZone?: string | null;
}

export interface DoraPointView {
  bucketStart: Date;
  value: number | null;
  sampleSize: number;
  p75: number | null;
  p90: number | null;
}

export interface DoraMetricView {
  value: number | null;
  unit: string;
  p75: number | null;
  p90: number | null;
  level: DoraLevel | null;
  sampleSize: number;
  series: DoraPointView[];
}

export interface DoraMetricsView {
  from: Date;
  to: Date;
  interval: Interval;
  timeZone: string;
  benchmark: string;
  deploymentFrequency: DoraMetricView;
  leadTimeForChanges: DoraMetricView;
  changeFailureRate: DoraMetricView;
  timeToRestore: DoraMetricView;
  deploymentReworkRate: DoraMetricView;
}
