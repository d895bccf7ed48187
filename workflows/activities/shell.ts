import type { Context } from '@temporalio/activity';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export type LogStream = 'stdout' | 'stderr';

export interface ShellOptions {
  command: string;
  cwd: string;
  env: Record<string, string>;
  /** The command is killed (whole group) after this long; the attempt then fails as timed out. */
  timeoutSeconds: number;
  onLine: (stream: LogStream, line: string) => void;
  /** Applied to every line before anyone sees it (logs, the error's stderr tail): secret values become ***. */
  mask: (text: string) => string;
  /** Grace between SIGTERM and SIGKILL when a command is cancelled or times out. */
  killGraceMs: number;
}

export type ShellOutcome =
  | { kind: 'exited'; code: number; stderrTail: string }
  | { kind: 'signalled'; signal: NodeJS.Signals; stderrTail: string }
  | { kind: 'timedOut'; stderrTail: string }
  | { kind: 'cancelled'; reason: Error };

/**
 * The process group leader runs the command in the background and a watchdog beside it: when the worker
 * that started it dies (even by SIGKILL, which leaves no chance to clean up), the watchdog kills the whole
 * group, so an abandoned attempt never runs on next to its retry. `$1` is the worker's pid, `$2` the command.
 */
const watchdogScript = [
  'worker=$1',
  '/bin/sh -c "$2" &',
  'child=$!',
  '( while kill -0 "$worker" 2>/dev/null; do sleep 1; done; kill -KILL 0 ) </dev/null >/dev/null 2>&1 &',
  'watchdog=$!',
  'wait "$child"',
  'status=$?',
  'kill "$watchdog" 2>/dev/null',
  'exit "$status"',
].join('\n');

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

/**
 * Runs `/bin/sh -c command` in its own process group, line by line into `onLine` (the caller heartbeats).
 * Cancellation (which includes the server telling a heartbeat that the attempt is gone) and the timeout
 * kill the whole group: SIGTERM, then SIGKILL after the grace. Whatever the outcome, nothing of the group
 * outlives the call.
 */
export async function runShell(ctx: Context, options: ShellOptions): Promise<ShellOutcome> {
  const child = spawn(
    '/bin/sh',
    ['-c', watchdogScript, 'lockstep-action', String(process.pid), options.command],
    {
      cwd: options.cwd,
      env: options.env,
      detached: true, // its own process group
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const stderrTail: string[] = [];
  const pipe = (stream: NodeJS.ReadableStream, name: LogStream) =>
    new Promise<void>((resolve) => {
      const lines = createInterface({ input: stream, crlfDelay: Infinity });
      lines.on('line', (raw) => {
        const line = options.mask(raw);
        options.onLine(name, line);
        if (name === 'stderr') {
          stderrTail.push(line);
          if (stderrTail.length > 10) stderrTail.shift();
        }
      });
      lines.on('close', resolve);
    });
  const drained = Promise.all([pipe(child.stdout, 'stdout'), pipe(child.stderr, 'stderr')]);
  // A command that cannot even start (its working directory is missing, say) fails like a command would:
  // retrying on another attempt would not help.
  let startError: Error | null = null;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (error) => {
      startError = error;
      resolve({ code: 127, signal: null });
    });
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });

  let stopping: 'timedOut' | 'cancelled' | null = null;
  let killTimer: NodeJS.Timeout | undefined;
  const stop = (why: 'timedOut' | 'cancelled') => {
    if (stopping) return;
    stopping = why;
    killGroup(child.pid, 'SIGTERM');
    killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), options.killGraceMs);
  };
  const onCancel = () => stop('cancelled');
  const deadline = setTimeout(() => stop('timedOut'), options.timeoutSeconds * 1000);
  ctx.cancellationSignal.addEventListener('abort', onCancel, { once: true });
  if (ctx.cancellationSignal.aborted) onCancel();
  try {
    const { code, signal } = await exited;
    // The leader is gone; anything it left running in its group goes with it.
    killGroup(child.pid, 'SIGKILL');
    await drained;
    const tail = startError
      ? `could not start the command in ${options.cwd}: ${(startError as Error).message}`
      : stderrTail.join('\n').trim();
    if (stopping === 'cancelled') {
      const reason: unknown = ctx.cancellationSignal.reason;
      return { kind: 'cancelled', reason: reason instanceof Error ? reason : new Error('cancelled') };
    }
    if (stopping === 'timedOut') return { kind: 'timedOut', stderrTail: tail };
    if (signal) return { kind: 'signalled', signal, stderrTail: tail };
    return { kind: 'exited', code: code ?? 1, stderrTail: tail };
  } finally {
    clearTimeout(deadline);
    if (killTimer) clearTimeout(killTimer);
    ctx.cancellationSignal.removeEventListener('abort', onCancel);
  }
}

/**
 * Heartbeats for as long as an activity works, its database writes included: a write that waits out a
 * PostgreSQL restart must not look like a dead worker (whose attempt Temporal would run again). Call the
 * returned function when done.
 */
export function keepAlive(ctx: Context, intervalMs: number): () => void {
  const timer = setInterval(() => ctx.heartbeat(), intervalMs);
  return () => clearInterval(timer);
}
