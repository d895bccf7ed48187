import { describe, expect, it } from 'vitest';
import { landingStage } from './placement';

describe('where a new service lands in an environment pipeline', () => {
  const stages = [
    { name: '0.DEFAULT DATABASE', defaultFor: 'DATABASE' as const },
    { name: 'containers', defaultFor: null },
    { name: '3.DEFAULT APPLICATION', defaultFor: 'APPLICATION' as const },
  ];

  it('in the stage that is the default for its type', () => {
    expect(landingStage(stages, 'DATABASE')?.name).toBe('0.DEFAULT DATABASE');
    expect(landingStage(stages, 'APPLICATION')?.name).toBe('3.DEFAULT APPLICATION');
  });

  it('in the last stage when its default stage was renamed or removed, or it has no type', () => {
    expect(landingStage(stages, 'CONTAINER')?.name).toBe('3.DEFAULT APPLICATION');
    expect(landingStage(stages, null)?.name).toBe('3.DEFAULT APPLICATION');
    expect(landingStage([], 'JOB')).toBeUndefined();
  });
});
