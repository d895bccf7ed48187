import { spawn, type ChildProcess } from 'node:child_process';
import { cutLine, LineSplitter, maxLineLength } from '../../workflows/activities/log-lines';

const colours = { start: 1, postgres: 34, temporal: 35, worker: 33, api: 32, web: 36 } as const;
export type Component = keyof typeof colours;

/** A line printer prefixed with the component's name (coloured on a terminal). */
export function logger(component: Component) {
  const label = process.stdout.isTTY
    ? `\x1b[${colours[component]}m${component.padEnd(8)}\x1b[0m`
    : component.padEnd(8);
  return (line: string) => process.stdout.write(`${label}| ${line}\n`);
}

export interface Managed {
  name: Component;
  child: ChildProcess;
  exited: Promise<number | null>;
  stop: () => Promise<void>;
}

/** A child in its own process group, its output prefixed; stopping it signals the whole group. */
export function launch(
  name: Component,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Managed {
  const child = spawn(args[0]!, args.slice(1), {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = logger(name);
  for (const stream of [child.stdout, child.stderr]) {
    // Split while reading: a child printing one endless line must not take the supervisor's memory.
    const lines = new LineSplitter(maxLineLength, ({ text, cutBytes }) => log(cutLine(text, cutBytes)));
    stream?.on('data', (chunk: Buffer) => lines.push(chunk));
    stream?.once('end', () => lines.end());
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  return {
    name,
    child,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        signalGroup('SIGTERM');
        const timer = setTimeout(() => signalGroup('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
      signalGroup('SIGKILL'); // anything the component left behind in its group
    },
  };
}

/** Resolves once `url` answers 200; fails when a component it depends on exits first, or after `timeoutMs`. */
export async function waitUntilAnswering(
  url: string,
  components: Array<Pick<Managed, 'name' | 'child'>>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = components.find((c) => c.child.exitCode !== null);
    if (dead) throw new Error(`${dead.name} exited during start-up (code ${dead.child.exitCode})`);
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2000), redirect: 'manual' })).status === 200)
        return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${url} did not answer within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
