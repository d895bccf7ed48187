import type { ChildProcess } from 'node:child_process';
import type { Component, Managed } from './supervisor';

/**
 * A component of `npm start` (worker, API, web app) that exits on its own is started again, after a delay
 * that doubles with each quick exit: the other components keep serving meanwhile (one build step that
 * crashes the worker must not take the API and the dashboard down with it).
 */
export const restartBackoff = {
  firstDelayMs: 1000,
  maxDelayMs: 30_000,
  /** A component that stayed up this long counts as healthy again: its next restart waits firstDelayMs. */
  stableAfterMs: 60_000,
};

export type RestartBackoff = typeof restartBackoff;

/** The wait before the next start: the first delay after a long run, else twice the last one (capped). */
export function nextRestartDelay(
  lastDelayMs: number | undefined,
  upForMs: number,
  backoff: RestartBackoff = restartBackoff,
): number {
  if (lastDelayMs === undefined || upForMs >= backoff.stableAfterMs) return backoff.firstDelayMs;
  return Math.min(lastDelayMs * 2, backoff.maxDelayMs);
}

/** A supervised component: the child running now, restarted by `keepRunning` until `stop`. */
export class KeptRunning {
  private current: Managed;
  private startedAt = Date.now();
  private stopping = false;
  private wake: (() => void) | undefined;
  private watching: Promise<void> = Promise.resolve();

  /** `relaunch` starts the component again (and records it); `say` reports each restart. */
  constructor(
    first: Managed,
    private readonly relaunch: () => Promise<Managed>,
    private readonly say: (line: string) => void,
    private readonly backoff: RestartBackoff = restartBackoff,
  ) {
    this.current = first;
  }

  get name(): Component {
    return this.current.name;
  }

  get child(): ChildProcess {
    return this.current.child;
  }

  /** From now on an exit is followed by a restart (until `stop`). */
  keepRunning(): void {
    this.watching = this.watch();
  }

  private async watch(): Promise<void> {
    let delay: number | undefined;
    while (!this.stopping) {
      const code = await this.current.exited;
      if (this.stopping) return;
      delay = nextRestartDelay(delay, Date.now() - this.startedAt, this.backoff);
      const how = this.current.child.signalCode ?? `code ${code}`;
      this.say(`${this.name} exited unexpectedly (${how}); starting it again in ${delay / 1000} s`);
      await this.current.stop(); // whatever it left in its process group
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      if (this.stopping) return;
      this.startedAt = Date.now();
      try {
        this.current = await this.relaunch();
      } catch (error) {
        this.say(`could not start ${this.name} again: ${String(error)}`); // tried again after the next delay
      }
      if (this.stopping) await this.current.stop(); // stopped while it was starting
    }
  }

  /** Stops the component for good: no restart follows. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.current.stop();
    await this.watching;
  }
}
