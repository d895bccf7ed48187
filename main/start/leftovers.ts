import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { ConfigError } from '../config';

/**
 * What `npm start` left running when it died without stopping its children (kill -9, an OOM kill, a
 * closed terminal): the next start must recognise them and stop them, instead of failing on a port in use
 * or PostgreSQL's `postmaster.pid`. Every process the supervisor starts is recorded in a state file in the
 * data folder with its start time, so a recycled pid is never taken for ours.
 */

export interface RecordedProcess {
  name: string;
  pid: number;
  /** `ps -o lstart`: with the pid, the identity of the process. */
  startedAt: string;
  /** How to stop it: a process group (our children), or one process (servers stopped by a signal). */
  group: boolean;
  signal: NodeJS.Signals;
}

interface State {
  supervisor: RecordedProcess;
  children: RecordedProcess[];
}

function ps(pid: number, field: 'lstart' | 'command'): string | undefined {
  try {
    const out = execFileSync('ps', ['-o', `${field}=`, '-p', String(pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return out || undefined;
  } catch {
    return undefined; // no such process
  }
}

/** The record of a live process, or undefined when it has already exited. */
export function recordOf(
  name: string,
  pid: number | undefined,
  options: { group: boolean; signal: NodeJS.Signals },
): RecordedProcess | undefined {
  const startedAt = pid === undefined ? undefined : ps(pid, 'lstart');
  return pid !== undefined && startedAt ? { name, pid, startedAt, ...options } : undefined;
}

const alive = (p: RecordedProcess) => ps(p.pid, 'lstart') === p.startedAt;

/** Live processes (not this one) whose command line contains `needle`. */
export function processesNaming(needle: string): number[] {
  const table = execFileSync('ps', ['-A', '-o', 'pid=,command='], { encoding: 'utf8' });
  return table
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && Number(m[1]) !== process.pid && m[2]!.includes(needle))
    .map((m) => Number(m[1]));
}

function signal(p: RecordedProcess, sig: NodeJS.Signals) {
  try {
    process.kill(p.group ? -p.pid : p.pid, sig);
  } catch {
    // already gone
  }
}

async function stopProcess(p: RecordedProcess, say: (line: string) => void): Promise<void> {
  if (!alive(p)) return;
  say(`stopping ${p.name} (pid ${p.pid}) left running by an earlier npm start`);
  signal(p, p.signal);
  const deadline = Date.now() + 20_000;
  while (alive(p) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (alive(p)) signal(p, 'SIGKILL');
  while (alive(p)) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** The supervisor's record of what it runs, kept in the data folder while it runs. */
export class SupervisorState {
  private readonly children: RecordedProcess[] = [];
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'supervisor.json');
  }

  private read(): State | undefined {
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as State;
    } catch {
      return undefined;
    }
  }

  /**
   * Refuses when another supervisor of this data folder is alive; otherwise stops what a dead one left
   * behind (its children first, the servers after them) and takes the folder over.
   */
  async takeOver(say: (line: string) => void): Promise<void> {
    const previous = this.read();
    if (previous && previous.supervisor.pid !== process.pid && alive(previous.supervisor)) {
      throw new ConfigError(
        `Lockstep is already running from ${path.dirname(this.file)} (npm start, pid ${previous.supervisor.pid}); ` +
          'stop it first, or set LOCKSTEP_DATA_DIR to run another copy',
      );
    }
    for (const child of [...(previous?.children ?? [])].reverse()) await stopProcess(child, say);
    await this.save();
  }

  async add(record: RecordedProcess | undefined): Promise<void> {
    if (!record) return;
    this.children.push(record);
    await this.save();
  }

  /** A child started again: its new process takes the place of the one with `previousPid`. */
  async replace(previousPid: number | undefined, record: RecordedProcess | undefined): Promise<void> {
    const at = this.children.findIndex((child) => child.pid === previousPid);
    if (at >= 0) this.children.splice(at, 1);
    if (record) this.children.splice(at >= 0 ? at : this.children.length, 0, record);
    await this.save();
  }

  private async save(): Promise<void> {
    const supervisor = recordOf('npm start', process.pid, { group: false, signal: 'SIGTERM' });
    const state: State = { supervisor: supervisor!, children: this.children };
    await writeFile(this.file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  }

  /** After a clean stop nothing is left to recognise. */
  async clear(): Promise<void> {
    await rm(this.file, { force: true });
  }
}

/**
 * Servers of this data folder that no record names (the supervisor died between starting one and recording
 * it): every process whose command line names `needle` (the cluster's folder, the Temporal database file).
 */
export async function stopServersNaming(
  name: string,
  needle: string,
  signal: NodeJS.Signals,
  say: (line: string) => void,
): Promise<void> {
  for (const pid of processesNaming(needle)) {
    const record = recordOf(name, pid, { group: false, signal });
    if (record) await stopProcess(record, say);
  }
}

/** Each port must be free before anything starts; a port held by another program is refused in one line. */
export async function ensurePortsFree(ports: Array<{ port: number; variable: string }>): Promise<void> {
  for (const { port, variable } of ports) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (!free) {
      throw new ConfigError(
        `port ${port} (${variable}) is in use by another program; stop it or choose another port with ${variable}`,
      );
    }
  }
}
