/**
 * DORA performance levels, benchmark "DORA 2023" (docs/dora.md, "Levels"). Pure functions: the numbers
 * come from SQL, the classification from here.
 */
export type DoraLevel = 'ELITE' | 'HIGH' | 'MEDIUM' | 'LOW';

export const doraBenchmark = 'DORA 2023';
/** Below this many samples a level says nothing and is left null. */
export const minSampleForLevel = 3;

const day = 86_400;
const week = 7 * day;

/**
 * Deployment frequency from deploy days: the median per complete ISO week (null when the window holds none),
 * and the median per calendar month for telling MEDIUM from LOW.
 */
export function frequencyLevel(
  weeklyDeployDaysMedian: number | null,
  monthlyDeployDaysMedian: number | null,
  sampleSize: number,
): DoraLevel | null {
  if (sampleSize < minSampleForLevel || weeklyDeployDaysMedian === null) return null;
  if (weeklyDeployDaysMedian >= 5) return 'ELITE';
  if (weeklyDeployDaysMedian >= 1) return 'HIGH';
  return (monthlyDeployDaysMedian ?? 0) >= 1 ? 'MEDIUM' : 'LOW';
}

export function leadTimeLevel(medianSeconds: number | null, sampleSize: number): DoraLevel | null {
  if (sampleSize < minSampleForLevel || medianSeconds === null) return null;
  if (medianSeconds < day) return 'ELITE';
  if (medianSeconds < week) return 'HIGH';
  if (medianSeconds < 30 * day) return 'MEDIUM';
  return 'LOW';
}

export function changeFailureLevel(ratio: number | null, sampleSize: number): DoraLevel | null {
  if (sampleSize < minSampleForLevel || ratio === null) return null;
  if (ratio <= 0.05) return 'ELITE';
  if (ratio <= 0.1) return 'HIGH';
  if (ratio <= 0.15) return 'MEDIUM';
  return 'LOW';
}

export function timeToRestoreLevel(medianSeconds: number | null, sampleSize: number): DoraLevel | null {
  if (sampleSize < minSampleForLevel || medianSeconds === null) return null;
  if (medianSeconds < 3600) return 'ELITE';
  if (medianSeconds < day) return 'HIGH';
  if (medianSeconds < week) return 'MEDIUM';
  return 'LOW';
}
