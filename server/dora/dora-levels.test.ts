import { describe, expect, it } from 'vitest';
import { changeFailureLevel, frequencyLevel, leadTimeLevel, timeToRestoreLevel } from './dora-levels';

const hour = 3600;
const day = 24 * hour;

describe('DORA 2023 levels', () => {
  it('frequency: deploy days per complete ISO week, then per month', () => {
    expect(frequencyLevel(5, 20, 10)).toBe('ELITE');
    expect(frequencyLevel(4.5, 18, 10)).toBe('HIGH'); // the worked example
    expect(frequencyLevel(1, 4, 10)).toBe('HIGH');
    expect(frequencyLevel(0.5, 2, 10)).toBe('MEDIUM');
    expect(frequencyLevel(0, 0.5, 10)).toBe('LOW');
    expect(frequencyLevel(null, 3, 10)).toBeNull(); // no complete ISO week in the window
    expect(frequencyLevel(5, 20, 2)).toBeNull(); // too few deployments to say
  });

  it('lead time: under a day, a week, a month', () => {
    expect(leadTimeLevel(8 * hour, 14)).toBe('ELITE'); // the worked example
    expect(leadTimeLevel(day, 14)).toBe('HIGH');
    expect(leadTimeLevel(7 * day, 14)).toBe('MEDIUM');
    expect(leadTimeLevel(30 * day, 14)).toBe('LOW');
    expect(leadTimeLevel(hour, 2)).toBeNull();
  });

  it('change failure rate: at most 5, 10, 15 per cent', () => {
    expect(changeFailureLevel(0.05, 20)).toBe('ELITE');
    expect(changeFailureLevel(0.1, 20)).toBe('HIGH');
    expect(changeFailureLevel(0.15, 20)).toBe('MEDIUM');
    expect(changeFailureLevel(0.2, 10)).toBe('LOW'); // the worked example
    expect(changeFailureLevel(null, 0)).toBeNull();
  });

  it('time to restore: under an hour, a day, a week; null below three recoveries', () => {
    expect(timeToRestoreLevel(59 * 60, 3)).toBe('ELITE');
    expect(timeToRestoreLevel(hour, 3)).toBe('HIGH');
    expect(timeToRestoreLevel(day, 3)).toBe('MEDIUM');
    expect(timeToRestoreLevel(7 * day, 3)).toBe('LOW');
    expect(timeToRestoreLevel(5.625 * hour, 2)).toBeNull(); // the worked example: two recoveries
  });
});
