import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { eventually } from './fixtures';

const root = path.resolve(__dirname, '..', '..');

export interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm start` as a user runs it: its own process group, like a terminal's foreground job. */
export function npmStart(env: NodeJS.ProcessEnv): Started {
  const child = spawn('npm', ['start'], {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** What Ctrl-C does: SIGINT to the whole foreground process group. */
export function pressCtrlC(started: Started) {
  process.kill(-started.child.pid!, 'SIGINT');
}

export async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).status === 200;
  } catch {
    return false;
  }
}

/** What is still running of `leftovers` once it had 30 s to stop: empty when everything stopped. */
export function stillRunning<T>(leftovers: () => T[]): Promise<T[]> {
  return eventually(
    async () => leftovers(),
    (left) => left.length === 0,
    30_000,
  ).catch(() => leftovers());
}
