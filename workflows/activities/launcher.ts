import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';

/**
 * Spawns the worker's commands from a small process of its own (launcher-process.mjs), so the worker never
 * forks. fork() copies the page tables of the process that calls it, and blocks that process's event loop
 * meanwhile: measured on Node 20, 0.8 ms from a 50 MB process, 6 ms from a 500 MB one and 33 ms from 1.3 GB.
 * A worker holds hundreds of MB (workflow contexts, the Temporal core, caches), and every COMMAND attempt,
 * plan and apply spawns one, so spawning from the worker stalled everything else it was doing (activity
 * results, workflow tasks, heartbeats) for milliseconds per command. Python's multiprocessing "forkserver"
 * and Chromium's zygote answer the same problem the same way.
 *
 * One launcher serves the whole process, started on first use and again if it ever stops. While no command is
 * in flight it does not keep the worker alive; when the worker exits, it exits.
 */
export class Launcher {
  private static sharedLauncher: Launcher | null = null;

  /** The launcher of this process. */
  static shared(): Launcher {
    return (Launcher.sharedLauncher ??= new Launcher());
  }

  private child: ChildProcess | null = null;
  private nextId = 1;
  private readonly inFlight = new Map<number, InFlight>();

  /**
   * Starts `request.file`; resolves once it runs, with its pid. Rejects with the error spawn() gives (its
   * `code`, ENOENT for a missing cwd), or LauncherLost.
   */
  launch(request: LaunchRequest): Promise<LaunchedProcess> {
    let child: ChildProcess;
    try {
      child = this.started();
    } catch (error) {
      // Not the command's fault (no memory for another process, say): lost, not failed.
      const why = error instanceof Error ? error.message : String(error);
      return Promise.reject(new LauncherLost(`the command launcher could not start: ${why}`));
    }
    const id = this.nextId++;
    return new Promise<LaunchedProcess>((resolve, reject) => {
      const entry = new InFlight(request.piped, resolve, reject, () => this.release(id));
      this.inFlight.set(id, entry);
      if (this.inFlight.size === 1) this.hold(child, true);
      const message: SpawnMessage = { type: 'spawn', id, ...request };
      child.send(message, (error) => {
        if (error) this.lost(child, `could not reach the command launcher: ${error.message}`);
      });
    });
  }

  /** The launcher's pid, once started (tests). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Stops the launcher (tests); commands in flight are lost, their watchdogs end them. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  private started(): ChildProcess {
    if (this.child) return this.child;
    const child = fork(path.join(__dirname, 'launcher-process.mjs'), [], {
      env: {}, // never the worker's: its database URL and keys stay in the worker
      execArgv: [],
      serialization: 'advanced', // output chunks travel as bytes, not as JSON arrays of numbers
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (message: LauncherMessage) => this.receive(message));
    child.once('exit', (code, signal) =>
      this.lost(child, `the command launcher stopped (${signal ?? `exit code ${code}`})`),
    );
    child.on('error', (error) => this.lost(child, `the command launcher failed: ${error.message}`));
    this.child = child;
    this.hold(child, false);
    return child;
  }

  /** Keeps this process alive for the launcher's answers only while a command is in flight. */
  private hold(child: ChildProcess, held: boolean): void {
    if (held) {
      child.ref();
      child.channel?.ref();
    } else {
      child.unref();
      child.channel?.unref();
    }
  }

  private receive(message: LauncherMessage): void {
    const entry = this.inFlight.get(message.id);
    if (!entry) return;
    switch (message.type) {
      case 'spawned':
        entry.spawned(message.pid);
        break;
      case 'failed':
        this.forget(message.id);
        entry.failed(Object.assign(new Error(message.message), { code: message.code }));
        break;
      case 'output':
        entry.output(message.fd, message.chunk);
        break;
      case 'closed':
        entry.closed(message.fd);
        break;
      case 'exited':
        if (!entry.piped) this.forget(message.id);
        entry.exited(message.code, message.signal);
        break;
    }
  }

  private release(id: number): void {
    if (!this.forget(id)) return;
    const message: ReleaseMessage = { type: 'release', id };
    if (this.child?.connected) this.child.send(message, () => undefined);
  }

  private forget(id: number): boolean {
    const known = this.inFlight.delete(id);
    if (known && this.inFlight.size === 0 && this.child) this.hold(this.child, false);
    return known;
  }

  /** The launcher is gone: everything it had in flight is lost; the next launch starts another. */
  private lost(child: ChildProcess, why: string): void {
    if (this.child !== child) return;
    this.child = null;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    const entries = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const entry of entries) entry.lost(new LauncherLost(why));
  }
}

/** What to start, as child_process.spawn takes it. */
export interface LaunchRequest {
  file: string;
  args: string[];
  cwd?: string;
  /** The whole environment of the command: nothing is inherited. */
  env: Record<string, string>;
  uid?: number;
  gid?: number;
  /** In a process group (and session) of its own. */
  detached?: boolean;
  /**
   * Output on stdout and stderr, and a lifeline on fd 3 held by the launcher (see shell.ts); otherwise all
   * three are /dev/null.
   */
  piped: boolean;
}

export interface LaunchedProcess {
  pid: number;
  /** Its output (piped), ended when the command's end closes; empty and ended otherwise. */
  stdout: Readable;
  stderr: Readable;
  /** How it ended; rejects with LauncherLost if the launcher stopped first. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Closes what the launcher still holds of it (its output pipes, the lifeline). Call once done with it. */
  release(): void;
}

/** The launcher stopped while a command was in flight: its outcome is unknown, and the command was ended. */
export class LauncherLost extends Error {
  override name = 'LauncherLost';
}

/** One command in flight, from the request until released (piped) or exited. */
class InFlight {
  private readonly stdout = new PassThrough();
  private readonly stderr = new PassThrough();
  private readonly pending: Pick<LaunchedProcess, 'exited' | 'release'>;
  private process: LaunchedProcess | null = null;
  private exit: {
    resolve: (e: Awaited<LaunchedProcess['exited']>) => void;
    reject: (e: Error) => void;
  } | null = null;

  constructor(
    readonly piped: boolean,
    private readonly resolveLaunch: (launched: LaunchedProcess) => void,
    private readonly rejectLaunch: (error: Error) => void,
    release: () => void,
  ) {
    if (!piped) {
      this.stdout.end();
      this.stderr.end();
    }
    const exited = new Promise<Awaited<LaunchedProcess['exited']>>((resolve, reject) => {
      this.exit = { resolve, reject };
    });
    exited.catch(() => undefined); // a caller that never awaits it must not crash the worker
    this.pending = { exited, release };
  }

  spawned(pid: number): void {
    this.process = { pid, stdout: this.stdout, stderr: this.stderr, ...this.pending };
    this.resolveLaunch(this.process);
  }

  failed(error: Error): void {
    this.rejectLaunch(error);
  }

  output(fd: 1 | 2, chunk: Uint8Array): void {
    const bytes = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.stream(fd).write(bytes);
  }

  closed(fd: 1 | 2): void {
    this.stream(fd).end();
  }

  exited(code: number | null, signal: NodeJS.Signals | null): void {
    this.exit?.resolve({ code, signal });
  }

  lost(error: LauncherLost): void {
    if (!this.process) this.rejectLaunch(error);
    this.exit?.reject(error);
    this.stdout.end();
    this.stderr.end();
  }

  private stream(fd: 1 | 2): PassThrough {
    return fd === 1 ? this.stdout : this.stderr;
  }
}

type SpawnMessage = { type: 'spawn'; id: number } & LaunchRequest;
interface ReleaseMessage {
  type: 'release';
  id: number;
}
type LauncherMessage =
  | { type: 'spawned'; id: number; pid: number }
  | { type: 'failed'; id: number; message: string; code?: string }
  | { type: 'output'; id: number; fd: 1 | 2; chunk: Uint8Array }
  | { type: 'closed'; id: number; fd: 1 | 2 }
  | { type: 'exited'; id: number; code: number | null; signal: NodeJS.Signals | null };
