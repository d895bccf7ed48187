import { describe, expect, it } from 'vitest';
import { processesInRange, UidProcesses, type UidRange } from './uid-processes';

const me = process.getuid?.() ?? 0;

describe('UidProcesses', () => {
  it('finds the processes of the uids in its range, this one included', async () => {
    const processes = new UidProcesses({ first: me, last: me });
    expect(await processes.inUse()).toContain(me);
    expect(await processes.of(me)).toContain(process.pid);
    expect(await new UidProcesses({ first: me + 1, last: me + 1 }).inUse()).not.toContain(me);
  });

  it('shares one pass between the questions asked before it starts, and reads after the last of them', async () => {
    const passes: string[] = [];
    const asked: string[] = [];
    const processes = new UidProcesses({ first: me, last: me }, (range: UidRange) => {
      passes.push(`pass after ${asked.join(',')}`);
      return processesInRange(range);
    });
    asked.push('lease');
    const lease = processes.inUse();
    asked.push('release');
    const release = processes.of(me);
    await Promise.all([lease, release]);
    expect(passes).toEqual(['pass after lease,release']);
    asked.push('next');
    await processes.inUse();
    expect(passes).toEqual(['pass after lease,release', 'pass after lease,release,next']);
  });
});
