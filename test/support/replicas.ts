import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SecretBox } from '../../db/secret-box';
import { apiProcess, OutputLog, workerProcess, type ManagedProcess } from './managed-process';
import { endProcessesMatching, freePort } from './processes';

/**
 * Several worker and API processes (`main/worker.ts`, `main/api.ts`, spawned as operators run them) on one
 * database, one Temporal server and one task queue: Lockstep scaled out. Used by the scale-out test and
 * the load benchmark, which also reads the processes' memory.
 *
 * Every child gets TMPDIR=<a folder of its own>, inherited by the commands the workers run, so whatever a
 * killed worker left running is found and ended at the end.
 */

export interface ApiReplica extends ManagedProcess {
  url: string;
}

export interface Replicas {
  dir: string;
  taskQueue: string;
  adminToken: string;
  workers: ManagedProcess[];
  apis: ApiReplica[];
  output(): string;
  stop(): Promise<void>;
}

export interface ReplicaOptions {
  databaseUrl: string;
  temporalAddress: string;
  workers: number;
  apis: number;
  /** Extra environment for every process. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Command uids of the n-th worker. Workers on one host must not share a range: a worker ends every process
 * of a uid when its attempt is over, so two workers leasing the same uid would kill each other's commands
 * (docs/operations.md, "Running several workers and API processes").
 */
export function commandUidsOf(index: number): string {
  const first = 2_001_000_000 + index * 100_000;
  return `${first}-${first + 99_999}`;
}

/** RSS of a live process in bytes (Linux /proc), or undefined once it is gone. */
export async function rssOf(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

export async function startReplicas(options: ReplicaOptions): Promise<Replicas> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lockstep-replicas-'));
  await chmod(dir, 0o755); // command uids pass through it to their own folders
  const log = new OutputLog();
  const taskQueue = `replicas-${randomBytes(6).toString('hex')}`;
  const adminToken = randomBytes(24).toString('base64url').slice(0, 32);
  const shared: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: dir,
    DATABASE_URL: options.databaseUrl,
    TEMPORAL_ADDRESS: options.temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    LOCKSTEP_SECRET_KEY: SecretBox.generateKey(),
    ...options.env,
  };
  const workers = Array.from({ length: options.workers }, (_, i) =>
    workerProcess(
      `worker${i + 1}`,
      { ...shared, LOCKSTEP_COMMAND_UIDS: commandUidsOf(i) },
      taskQueue,
      log,
      150_000,
    ),
  );
  const apis = await Promise.all(
    Array.from({ length: options.apis }, async (_, i) => {
      const port = await freePort();
      const api = apiProcess(
        `api${i + 1}`,
        { ...shared, LOCKSTEP_ADMIN_TOKEN: adminToken },
        port,
        log,
        120_000,
      );
      return Object.assign(api, { url: `http://127.0.0.1:${port}/graphql` });
    }),
  );

  const stop = async () => {
    await Promise.all(apis.map((api) => api.stop()));
    await Promise.all(workers.map((worker) => worker.kill()));
    const left = await endProcessesMatching(dir); // commands of a killed worker carry TMPDIR=<dir>
    await rm(dir, { recursive: true, force: true });
    if (left.length > 0) throw new Error(`processes outlived the replicas: ${JSON.stringify(left)}`);
  };

  try {
    // All at once, as replicas boot (the admin token is ensured under a lock: inserted once).
    await Promise.all([...workers, ...apis].map((child) => child.start()));
  } catch (error) {
    await stop().catch(() => undefined);
    throw new Error(`${(error as Error).message}\n--- replicas output ---\n${log.text()}`, { cause: error });
  }
  return {
    dir,
    taskQueue,
    adminToken,
    workers,
    apis,
    output: () => log.text(),
    stop,
  };
}
