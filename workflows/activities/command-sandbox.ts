import { randomInt } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmdirSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Launcher } from './launcher';
import { UidProcesses, type UidRange } from './uid-processes';

export type { UidRange } from './uid-processes';

/**
 * Where and as whom a command runs. Build code must not reach what the worker holds: its secret key, its
 * database credentials, the secrets of other actions. When the worker runs as root, each attempt gets a
 * uid of its own from a configured range (no passwd entry needed), so its processes cannot read the
 * worker's /proc entries (environ, memory, open files), the data folder, or the /proc entries of another
 * attempt running at the same time. Run as another user, the worker cannot switch users: commands then run
 * as the worker's user, and the boundary needs root (or a container per worker).
 */

export interface CommandUser {
  uid: number;
  gid: number;
}

/** The folders of one attempt, and the user it runs as. */
export interface Workspace {
  /** The command's working directory, HOME and TMPDIR when isolated (owned by its user, mode 0700). */
  dir: string;
  /** $LOCKSTEP_OUTPUT: created empty, owned by the command's user, in a folder only root may change. */
  outputFile: string;
  /** $LOCKSTEP_ARTIFACTS: made like outputFile. */
  artifactsFile: string;
  /** That folder: files the worker writes here for the command (mode 0644) can be read but not changed. */
  handedDir: string;
  /** Absent when the worker is not root: the command runs as the worker's user. */
  user: CommandUser | undefined;
  /** What the workspace sets in the command's environment. */
  env: Record<string, string>;
  /** Ends every process left by the command's user, removes the folders and frees the uid. */
  release(): Promise<void>;
}

/**
 * Ends every process of `user`, those that left the command's process group (setsid, daemons) included:
 * `kill -KILL -1` sent as that user reaches exactly the processes it owns. Repeated until none is left, so
 * a process forking in a loop cannot carry on into a later attempt that gets the same uid.
 */
async function endProcessesOf(launcher: Launcher, processes: UidProcesses, user: CommandUser): Promise<void> {
  for (let round = 0; round < 20 && (await processes.of(user.uid)).length > 0; round += 1) {
    await launcher
      .launch({ file: '/bin/sh', args: ['-c', 'kill -KILL -1'], env: {}, ...user, piped: false })
      .then((killer) => killer.exited)
      .catch(() => undefined); // counted again below: a killer that could not run leaves them for the next round
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Entries beside `work` and bytes per file that removing an attempt's folder synchronously allows. */
const quickRemoval = { entries: 8, fileBytes: 1 << 20 };

/**
 * Removes an attempt's folder. In the common case, the command left nothing in its working directory and the
 * folder holds only a few small files (outputs, artifacts, the manifest): removed with synchronous calls,
 * like they were made. Anything else (a tree in `work`, a large file, more entries) may take long to delete
 * and goes through the thread pool, as does anything that changes while this looks.
 */
function removeAttemptFolder(root: string, dir: string): Promise<void> {
  try {
    rmdirSync(dir); // only if empty
    const entries = readdirSync(root);
    if (entries.length > quickRemoval.entries) throw new Error('many entries');
    for (const entry of entries) {
      const file = path.join(root, entry);
      const stat = lstatSync(file);
      if (!stat.isFile() || stat.size > quickRemoval.fileBytes) throw new Error('not a small file');
      unlinkSync(file);
    }
    rmdirSync(root);
  } catch {
    return rm(root, { recursive: true, force: true });
  }
  return Promise.resolve();
}

export class CommandSandbox {
  private readonly inUse = new Set<number>();
  private readonly processes: UidProcesses | null;

  /**
   * `range`: the uids to run commands as; null runs them as the worker's own user. `launcher`: what starts
   * the commands and the killers of what they leave.
   */
  private constructor(
    private readonly range: UidRange | null,
    readonly launcher: Launcher,
  ) {
    this.processes = range && new UidProcesses(range);
  }

  /** Isolated when this process is root (only root can switch users), else the worker's user. */
  static forThisProcess(range: UidRange): CommandSandbox {
    return new CommandSandbox(process.getuid?.() === 0 ? range : null, Launcher.shared());
  }

  get isolated(): boolean {
    return this.range !== null;
  }

  /** For the worker's start line: who commands run as. */
  describe(): string {
    return this.range
      ? `commands run as uids ${this.range.first}-${this.range.last}, one per attempt`
      : "commands run as this worker's own user and can read what it can: run the worker as root to isolate them";
  }

  /**
   * A fresh workspace for one attempt; `prefix` names its folder in the temporary directory. Making it takes
   * a few small file operations, done synchronously: each is a local system call of microseconds, cheaper
   * than a round trip through libuv's thread pool. Removing it stays asynchronous: a command may leave a
   * large tree behind.
   */
  async open(prefix: string): Promise<Workspace> {
    // The attempt's folder is root's (mode 0711): the command may pass through it, but cannot rename or
    // replace what it holds, so the outputs file read back by the worker is the one created here.
    const root = mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
    const dir = path.join(root, 'work');
    const outputFile = path.join(root, 'outputs');
    const artifactsFile = path.join(root, 'artifacts');
    const files = { outputFile, artifactsFile, handedDir: root };
    const removeRoot = () => removeAttemptFolder(root, dir);
    if (!this.range) {
      mkdirSync(dir);
      writeFileSync(outputFile, '');
      writeFileSync(artifactsFile, '');
      return { dir, ...files, user: undefined, env: {}, release: removeRoot };
    }
    const user = await this.lease(this.range, this.processes!).catch(async (error: unknown) => {
      await removeRoot(); // no uid free: the attempt fails, and leaves no folder behind
      throw error;
    });
    try {
      chmodSync(root, 0o711);
      mkdirSync(dir, { mode: 0o700 });
      chownSync(dir, user.uid, user.gid);
      for (const file of [outputFile, artifactsFile]) {
        writeFileSync(file, '', { mode: 0o600 });
        chownSync(file, user.uid, user.gid);
      }
    } catch (error) {
      this.inUse.delete(user.uid);
      await removeRoot();
      throw error;
    }
    return {
      dir,
      ...files,
      user,
      env: { HOME: dir, TMPDIR: dir },
      release: async () => {
        try {
          await endProcessesOf(this.launcher, this.processes!, user);
          await removeRoot();
        } finally {
          this.inUse.delete(user.uid);
        }
      },
    };
  }

  /** A uid no attempt of this worker holds and no process owns; picked at random across the range. */
  private async lease(range: UidRange, processes: UidProcesses): Promise<CommandUser> {
    const busy = await processes.inUse();
    const size = range.last - range.first + 1;
    for (let tries = 0; tries < 1000; tries += 1) {
      const uid = range.first + randomInt(size);
      if (this.inUse.has(uid) || busy.has(uid)) continue;
      this.inUse.add(uid);
      return { uid, gid: uid };
    }
    throw new Error(`no free uid in LOCKSTEP_COMMAND_UIDS ${range.first}-${range.last}`);
  }
}
