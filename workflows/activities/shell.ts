import type { Context } from '@temporalio/activity';
import type { Readable } from 'node:stream';
import { LauncherLost, type LaunchedProcess, type Launcher } from './launcher';
import { LineSplitter, maxLineLength, Tail } from './log-lines';

export type LogStream = 'stdout' | 'stderr';

export interface ShellOptions {
  /** What starts the command (the worker never forks itself: see launcher.ts). */
  launcher: Launcher;
  command: string;
  cwd: string;
  env: Record<string, string>;
  /** The user and group the command runs as (see command-users.ts); absent: the worker's own. */
  user?: { uid: number; gid: number };
  /** The command is killed (whole group) after this long; the attempt then fails as timed out. */
  timeoutSeconds: number;
  /** Each line, masked; `cutBytes` says how much of a very long line was left out while reading. */
  onLine: (stream: LogStream, line: string, cutBytes: number) => void;
  /** Applied to every line before anyone sees it (logs, the error's stderr tail): secret values become ***. */
  mask: (text: string) => string;
  /** Grace between SIGTERM and SIGKILL when a command is cancelled or times out. */
  killGraceMs: number;
}

export type ShellOutcome =
  | { kind: 'exited'; code: number; stderrTail: string }
  | { kind: 'signalled'; signal: NodeJS.Signals; stderrTail: string }
  | { kind: 'timedOut'; stderrTail: string }
  | { kind: 'cancelled'; reason: Error }
  /** The launcher stopped while the command ran: the command was ended with it, its outcome is unknown. */
  | { kind: 'lost'; reason: LauncherLost };

/**
 * The process group leader runs the command in the background and a watchdog beside it: when the worker
 * that started it dies (even by SIGKILL, which leaves no chance to clean up), the watchdog kills the whole
 * group, so an abandoned attempt never runs on next to its retry. The watchdog waits on fd 3, a socket
 * whose other end only the worker's launcher holds (launcher.ts), which exits with the worker: it reads
 * end-of-file when the worker (or the launcher) is gone. (Unlike `kill -0 <worker>`, this works when the
 * command runs as another user, and cannot mistake a recycled pid for the worker.) The command itself does
 * not get fd 3. `$1` is the command.
 */
const watchdogScript = [
  '/bin/sh -c "$1" 3<&- &',
  'child=$!',
  '( read -r _ <&3; kill -KILL 0 ) </dev/null >/dev/null 2>&1 &',
  'watchdog=$!',
  'exec 3<&-',
  'wait "$child"',
  'status=$?',
  'kill "$watchdog" 2>/dev/null',
  'exit "$status"',
].join('\n');

/**
 * How much of one line is read before the rest is only counted: twice what is stored, so that a secret
 * crossing the cut is still seen whole by the mask.
 */
const keepBytesPerLine = 2 * maxLineLength;

/** How long output is still read after the command's group is gone. */
const drainGraceMs = 2000;

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
 * Lines are split while reading, so output of any size takes bounded memory. Cancellation (which includes
 * the server telling a heartbeat that the attempt is gone) and the timeout kill the whole group: SIGTERM,
 * then SIGKILL after the grace. Whatever the outcome, nothing of the group outlives the call.
 */
export async function runShell(ctx: Context, options: ShellOptions): Promise<ShellOutcome> {
  let child: LaunchedProcess | null = null;
  let stopping: 'timedOut' | 'cancelled' | null = null;
  let killTimer: NodeJS.Timeout | undefined;
  let stopRequested = () => {};
  const signalGroup = (pid: number) => {
    killGroup(pid, 'SIGTERM');
    killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), options.killGraceMs);
  };
  const stop = (why: 'timedOut' | 'cancelled') => {
    if (stopping) return;
    stopping = why;
    if (child) signalGroup(child.pid);
    else stopRequested(); // still starting: do not wait for the launcher to answer
  };
  /** The outcome of a cancel or a timeout. */
  const stopped = (why: 'timedOut' | 'cancelled', stderrTail: string): ShellOutcome => {
    if (why === 'timedOut') return { kind: 'timedOut', stderrTail };
    const reason: unknown = ctx.cancellationSignal.reason;
    return { kind: 'cancelled', reason: reason instanceof Error ? reason : new Error('cancelled') };
  };
  const onCancel = () => stop('cancelled');
  const deadline = setTimeout(() => stop('timedOut'), options.timeoutSeconds * 1000);
  ctx.cancellationSignal.addEventListener('abort', onCancel, { once: true });
  if (ctx.cancellationSignal.aborted) onCancel();
  try {
    const launching = options.launcher.launch({
      file: '/bin/sh',
      args: ['-c', watchdogScript, 'lockstep-action', options.command],
      cwd: options.cwd,
      env: options.env,
      ...options.user,
      detached: true, // its own process group
      piped: true,
    });
    try {
      child = await Promise.race([
        launching,
        new Promise<null>((resolve) => {
          stopRequested = () => resolve(null);
          if (stopping) resolve(null);
        }),
      ]);
    } catch (error) {
      if (stopping) return stopped(stopping, '');
      if (error instanceof LauncherLost) return { kind: 'lost', reason: error };
      // A command that cannot even start (its working directory is missing, say) fails like a command would:
      // retrying on another attempt would not help.
      const message = error instanceof Error ? error.message : String(error);
      return {
        kind: 'exited',
        code: 127,
        stderrTail: `could not start the command in ${options.cwd}: ${message}`,
      };
    }
    if (!child) {
      // Stopped before the launcher answered: if the command starts after all, it ends at once.
      launching.then(
        (late) => {
          killGroup(late.pid, 'SIGKILL');
          late.release();
        },
        () => undefined,
      );
      return stopped(stopping!, '');
    }
    if (stopping) signalGroup(child.pid); // asked while the answer was on its way
    return await outcomeOf(child, options, () => stopping, stopped);
  } finally {
    child?.release();
    clearTimeout(deadline);
    if (killTimer) clearTimeout(killTimer);
    ctx.cancellationSignal.removeEventListener('abort', onCancel);
  }
}

/** Reads a started command's output to its end and says how it ended. */
async function outcomeOf(
  child: LaunchedProcess,
  options: ShellOptions,
  stopping: () => 'timedOut' | 'cancelled' | null,
  stopped: (why: 'timedOut' | 'cancelled', stderrTail: string) => ShellOutcome,
): Promise<ShellOutcome> {
  const stderrTail = new Tail();
  const pipe = (stream: Readable, name: LogStream) =>
    new Promise<void>((resolve) => {
      const splitter = new LineSplitter(keepBytesPerLine, ({ text, cutBytes }) => {
        const line = options.mask(text);
        options.onLine(name, line, cutBytes);
        if (name === 'stderr') stderrTail.add(line);
      });
      stream.on('data', (chunk: Buffer) => splitter.push(chunk));
      stream.once('close', () => {
        splitter.end();
        resolve();
      });
    });
  const drained = Promise.all([pipe(child.stdout, 'stdout'), pipe(child.stderr, 'stderr')]);
  let ended: Awaited<LaunchedProcess['exited']> | LauncherLost;
  try {
    ended = await child.exited;
  } catch (error) {
    if (!(error instanceof LauncherLost)) throw error;
    ended = error;
  }
  // The leader is gone (or its launcher, whose lifeline its watchdog reads: do not wait for that); anything
  // left running in its group goes with it.
  killGroup(child.pid, 'SIGKILL');
  // A process that left the group (setsid) may still hold the pipes open: stop reading after a moment.
  const drainTimer = setTimeout(() => {
    child.stdout.destroy();
    child.stderr.destroy();
  }, drainGraceMs);
  await drained;
  clearTimeout(drainTimer);
  const tail = stderrTail.text();
  const why = stopping();
  if (why) return stopped(why, tail);
  if (ended instanceof LauncherLost) return { kind: 'lost', reason: ended };
  if (ended.signal) return { kind: 'signalled', signal: ended.signal, stderrTail: tail };
  return { kind: 'exited', code: ended.code ?? 1, stderrTail: tail };
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
