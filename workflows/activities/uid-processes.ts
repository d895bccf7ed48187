import { readdirSync, readFileSync, statSync } from 'node:fs';

export interface UidRange {
  first: number;
  last: number;
}

/** Every process whose owner is in `range`, by uid, from one pass over /proc (zombies included). */
export function processesInRange(range: UidRange): Map<number, number[]> {
  const found = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const { uid } = statSync(`/proc/${entry}`);
      if (uid < range.first || uid > range.last) continue;
      const pids = found.get(uid) ?? [];
      pids.push(Number(entry));
      found.set(uid, pids);
    } catch {
      // exited while we looked
    }
  }
  return found;
}

/** Whether a process is alive: not a zombie (its /proc entry stays until its parent reaps it), not gone. */
function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false; // exited while we looked
  }
}

/**
 * Which uids of a range own processes, read from /proc. Every lease and every release of an attempt's uid
 * asks (a uid in use by another worker or a leftover is never leased; a uid is freed only once none of its
 * processes is left). A pass over /proc costs the same for one uid as for the whole range, so the questions
 * asked before a pass starts share it: the pass runs on the next turn of the event loop, after every one of
 * them was asked, so each answer is as fresh as a pass of its own would have been, and a burst of attempts
 * beginning or ending together pays for one pass instead of one each.
 */
export class UidProcesses {
  private pending: Promise<Map<number, number[]>> | null = null;

  /** `read`: one pass over /proc (replaced in tests, to count the passes). */
  constructor(
    private readonly range: UidRange,
    private readonly read: (range: UidRange) => Map<number, number[]> = processesInRange,
  ) {}

  /** Uids of the range that own a process now (another worker's attempt, a leftover; zombies count). */
  async inUse(): Promise<ReadonlySet<number>> {
    return new Set((await this.scan()).keys());
  }

  /** Live processes (not zombies) of `uid`. */
  async of(uid: number): Promise<number[]> {
    return ((await this.scan()).get(uid) ?? []).filter(alive);
  }

  private scan(): Promise<Map<number, number[]>> {
    this.pending ??= new Promise((resolve, reject) =>
      setImmediate(() => {
        this.pending = null;
        try {
          resolve(this.read(this.range));
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      }),
    );
    return this.pending;
  }
}
