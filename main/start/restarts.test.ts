import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { KeptRunning, nextRestartDelay, restartBackoff } from './restarts';
import type { Managed } from './supervisor';

describe('nextRestartDelay', () => {
  it('waits 1 s, then doubles after each quick exit up to the cap, and starts over after a long run', () => {
    const delays: number[] = [];
    let last: number | undefined;
    for (let i = 0; i < 8; i += 1) {
      last = nextRestartDelay(last, 100);
      delays.push(last);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(nextRestartDelay(30000, restartBackoff.stableAfterMs)).toBe(1000);
  });
});

/** A real child that exits after `ms`, shaped like what `launch` returns. */
function child(ms: number): Managed {
  const process = spawn('/bin/sh', ['-c', `sleep ${ms / 1000}`], { stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => process.once('exit', (code) => resolve(code)));
  return {
    name: 'api',
    child: process,
    exited,
    stop: async () => {
      process.kill('SIGKILL');
      await exited;
    },
  };
}

describe('KeptRunning', () => {
  it('starts a component that exits again, with backoff, until stopped', async () => {
    const said: string[] = [];
    const launches: number[] = [];
    const backoff = { firstDelayMs: 50, maxDelayMs: 200, stableAfterMs: 10_000 };
    const kept = new KeptRunning(
      child(10),
      async () => {
        launches.push(Date.now());
        return child(launches.length < 3 ? 10 : 60_000);
      },
      (line) => said.push(line),
      backoff,
    );
    const first = kept.child.pid;
    kept.keepRunning();
    await expect.poll(() => launches.length, { timeout: 5000 }).toBe(3);
    expect(kept.child.pid).not.toBe(first);
    expect(launches[2]! - launches[1]!).toBeGreaterThanOrEqual(100); // the second delay doubled
    expect(said[0]).toMatch(/^api exited unexpectedly \(code 0\); starting it again in 0.05 s$/);
    const running = kept.child;
    await kept.stop();
    expect(running.exitCode !== null || running.signalCode !== null).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(launches).toHaveLength(3); // no restart after stop
  });
});
