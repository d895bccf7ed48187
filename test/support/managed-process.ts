import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/**
 * Lockstep's entry points as child processes that a test can kill and start again: what the fault tests
 * (cluster.ts) and the scale-out test run, with their output interleaved in one log.
 */

const root = path.resolve(__dirname, '..', '..');
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A service the test can take down and bring back. */
export interface Restartable {
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface ChildService extends Restartable {
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Ends the process at once (SIGKILL), as a crash or the OOM killer would, and waits for its exit. */
  kill(): Promise<void>;
}

/** Interleaved output of child processes; only the tail is kept. */
export class OutputLog {
  private readonly lines: string[] = [];
  private readonly started = Date.now();

  write(source: string, text: string): void {
    const at = ((Date.now() - this.started) / 1000).toFixed(1).padStart(6);
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      this.lines.push(`${at}s [${source}] ${line}`);
      if (this.lines.length > 3000) this.lines.shift();
    }
  }

  text(): string {
    return this.lines.join('\n');
  }
}

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Resolves true once the process serves; polled until it does. */
  ready: (output: string) => Promise<boolean>;
  readyTimeoutMs: number;
  /** How long a SIGTERM may take before SIGKILL. */
  stopGraceMs: number;
}

/** One child process that can be started again after it stopped or was killed, same command and env. */
export class ManagedProcess implements ChildService {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private incarnation = 0;
  private recent = '';

  constructor(
    private readonly spec: ProcessSpec,
    private readonly log: OutputLog,
  ) {}

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    if (this.running) throw new Error(`${this.spec.name} is already running`);
    this.incarnation += 1;
    const source = `${this.spec.name}#${this.incarnation}`;
    this.recent = '';
    const child = spawn(this.spec.command, this.spec.args, {
      cwd: root,
      env: this.spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const capture = (chunk: Buffer) => {
      const text = chunk.toString();
      this.recent = (this.recent + text).slice(-20_000);
      this.log.write(source, text);
    };
    child.stdout?.on('data', capture);
    child.stderr?.on('data', capture);
    this.exited = new Promise<void>((resolve) => {
      child.once('error', (error) => {
        this.log.write(source, `failed to start: ${error.message}`);
        resolve();
      });
      child.once('exit', (code, signal) => {
        this.log.write(source, `exited (${signal ?? `code ${code}`})`);
        resolve();
      });
    });
    const deadline = Date.now() + this.spec.readyTimeoutMs;
    while (!(await this.spec.ready(this.recent))) {
      if (!this.running)
        throw new Error(`${source} exited before it was ready; its output:\n${this.recent.trim()}`);
      if (Date.now() > deadline)
        throw new Error(
          `${source} was not ready within ${this.spec.readyTimeoutMs} ms; its output:\n${this.recent.trim()}`,
        );
      await delay(200);
    }
  }

  async stop(): Promise<void> {
    await this.end('SIGTERM', this.spec.stopGraceMs);
  }

  async kill(): Promise<void> {
    await this.end('SIGKILL', 0);
  }

  private async end(signal: NodeJS.Signals, graceMs: number): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    child.kill(signal);
    const timer = graceMs > 0 ? setTimeout(() => child.kill('SIGKILL'), graceMs) : undefined;
    await this.exited;
    clearTimeout(timer);
  }
}

export async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(3000) })).status === 200;
  } catch {
    return false;
  }
}

/**
 * The worker as `npm run worker` runs it (`main/worker.ts`): ready once it prints that it polls its task
 * queue (the workflow code is bundled by then).
 */
export function workerProcess(
  name: string,
  env: NodeJS.ProcessEnv,
  taskQueue: string,
  log: OutputLog,
  readyTimeoutMs = 120_000,
): ManagedProcess {
  return new ManagedProcess(
    {
      name,
      command: process.execPath,
      args: ['--import', 'tsx', 'main/worker.ts'],
      env,
      ready: async (output) => output.includes(`worker polling task queue ${taskQueue}`),
      readyTimeoutMs,
      stopGraceMs: 15_000,
    },
    log,
  );
}

/** The API as `npm run api` runs it (`main/api.ts`) on `port`: ready once `/healthz` answers. */
export function apiProcess(
  name: string,
  env: NodeJS.ProcessEnv,
  port: number,
  log: OutputLog,
  readyTimeoutMs = 90_000,
): ManagedProcess {
  return new ManagedProcess(
    {
      name,
      command: process.execPath,
      args: ['--import', 'tsx', 'main/api.ts'],
      env: { ...env, PORT: String(port) },
      ready: () => answers(`http://127.0.0.1:${port}/healthz`),
      readyTimeoutMs,
      stopGraceMs: 10_000,
    },
    log,
  );
}
