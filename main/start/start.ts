// `npm start`: the whole system on one machine. Without DATABASE_URL it runs a private PostgreSQL under
// .data/postgres; without TEMPORAL_ADDRESS a Temporal dev server persisted to .data/temporal.db. Then it
// migrates, starts the worker, the API and the web app as child processes, and stops them all on Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createDataSource, migrate } from '../../db/data-source';
import { startLocalPostgres } from '../../db/local-postgres';
import { SecretBox } from '../../db/secret-box';
import { startTemporalDevServer } from './temporal-dev-server';
import { childEnvironment, parseConfig, type Config } from '../config';
import { runMain } from '../process';

const root = path.resolve(__dirname, '..', '..');
const colours = { start: 1, postgres: 34, temporal: 35, worker: 33, api: 32, web: 36 } as const;
type Component = keyof typeof colours;

function logger(component: Component) {
  const label = process.stdout.isTTY
    ? `\x1b[${colours[component]}m${component.padEnd(8)}\x1b[0m`
    : component.padEnd(8);
  return (line: string) => process.stdout.write(`${label}| ${line}\n`);
}

const say = logger('start');

interface Managed {
  name: Component;
  child: ChildProcess;
  exited: Promise<number | null>;
  stop: () => Promise<void>;
}

/** A child in its own process group, its output prefixed; stopping it signals the whole group. */
/** The built dashboard is at least as new as every source file of web/ (a pull or an edit rebuilds it). */
function webBuildIsCurrent(): boolean {
  const buildId = path.join(root, 'web', '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return false;
  const built = statSync(buildId).mtimeMs;
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((entry) => {
      // the build's output, and files tools write next to the sources (TypeScript's, Next's type stubs)
      if (
        ['.next', 'node_modules', 'next-env.d.ts'].includes(entry.name) ||
        entry.name.endsWith('.tsbuildinfo')
      )
        return false;
      const file = path.join(dir, entry.name);
      return entry.isDirectory() ? newer(file) : statSync(file).mtimeMs > built;
    });
  return !newer(path.join(root, 'web'));
}

function launch(name: Component, args: string[], env: NodeJS.ProcessEnv): Managed {
  const child = spawn(args[0]!, args.slice(1), {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = logger(name);
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on('line', log);
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

/** LOCKSTEP_ADMIN_TOKEN, or one generated on first start and kept in .data/admin-token. */
async function adminToken(config: Config): Promise<{ token: string; generated: string | undefined }> {
  if (config.adminToken) return { token: config.adminToken, generated: undefined };
  const file = path.join(config.dataDir, 'admin-token');
  if (!existsSync(file))
    await writeFile(file, `lsk_${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  return { token: (await readFile(file, 'utf8')).trim(), generated: file };
}

/** LOCKSTEP_SECRET_KEY, or one generated on first start and kept in .data/secret-key. */
async function secretKey(config: Config): Promise<{ key: string; generated: string | undefined }> {
  if (config.secretKey) return { key: config.secretKey, generated: undefined };
  const file = path.join(config.dataDir, 'secret-key');
  if (!existsSync(file)) await writeFile(file, `${SecretBox.generateKey()}\n`, { mode: 0o600 });
  return { key: (await readFile(file, 'utf8')).trim(), generated: file };
}

async function waitForHealth(url: string, components: Managed[]): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const dead = components.find((c) => c.child.exitCode !== null);
    if (dead) throw new Error(`${dead.name} exited during start-up (code ${dead.child.exitCode})`);
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not report healthy within 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

runMain('start', async () => {
  const config = parseConfig(process.env);
  await mkdir(config.dataDir, { recursive: true });
  const cleanups: Array<() => Promise<void>> = [];
  let stopping: NodeJS.Signals | undefined;
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        if (stopping) return;
        stopping = signal;
        say(`${signal}: stopping everything`);
        resolve(signal);
      });
    }
  });
  const abortIfStopping = () => {
    if (stopping) throw new Error(`stopped by ${stopping} during start-up`);
  };

  let failed = false;
  try {
    let databaseUrl = config.databaseUrl;
    let databaseNote = 'DATABASE_URL';
    if (!databaseUrl) {
      const pgLog = logger('postgres');
      const dataDir = path.join(config.dataDir, 'postgres');
      const pg = await startLocalPostgres({
        dataDir,
        port: config.postgresPort,
        log: (line) => {
          if (config.logLevel === 'debug' || /ERROR|FATAL|PANIC|WARNING|creating/.test(line)) pgLog(line);
        },
      });
      cleanups.push(pg.stop);
      databaseUrl = pg.url;
      databaseNote = `embedded, ${path.relative(root, dataDir) || dataDir} on 127.0.0.1:${config.postgresPort}`;
    }
    abortIfStopping();

    let temporalAddress = config.temporal.address;
    let temporalUi: string | undefined;
    if (!temporalAddress) {
      logger('temporal')(
        config.temporal.cliPath
          ? `starting the dev server (${config.temporal.cliPath})`
          : 'no TEMPORAL_CLI_PATH and no `temporal` on PATH: the Temporal SDK downloads the CLI (needs internet)',
      );
      const server = await startTemporalDevServer({
        cliPath: config.temporal.cliPath,
        dbFilename: path.join(config.dataDir, 'temporal.db'),
        port: config.temporal.devPort,
        uiPort: config.temporal.uiPort,
        namespace: config.temporal.namespace,
      });
      cleanups.push(server.stop);
      temporalAddress = server.address;
      temporalUi = server.uiUrl;
    }
    abortIfStopping();

    const dataSource = createDataSource({
      url: databaseUrl,
      poolSize: 1,
      applicationName: 'lockstep-migrate',
    });
    await dataSource.initialize();
    try {
      const applied = await migrate(dataSource);
      if (applied.length) say(`applied migrations: ${applied.join(', ')}`);
    } finally {
      await dataSource.destroy();
    }
    abortIfStopping();

    const admin = await adminToken(config);
    const sealing = await secretKey(config);
    if (sealing.generated) {
      say(
        `secrets are sealed with the key in ${path.relative(root, sealing.generated)} (set LOCKSTEP_SECRET_KEY to choose one)`,
      );
    }
    const env = childEnvironment({
      LOCKSTEP_SECRET_KEY: sealing.key,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      LOCKSTEP_ADMIN_TOKEN: admin.token,
      LOCKSTEP_API_URL: config.apiUrl,
      LOCKSTEP_PUBLIC_URL: config.publicUrl,
    });
    const tsx = ['--import', 'tsx'];
    const components: Managed[] = [];
    cleanups.push(async () => {
      await Promise.all(components.map((c) => c.stop()));
    });
    components.push(launch('worker', [process.execPath, ...tsx, 'workflows/main.ts'], env));
    components.push(launch('api', [process.execPath, ...tsx, 'server/main/api.ts'], env));
    await waitForHealth(`http://127.0.0.1:${config.port}/healthz`, components);

    if (config.startWeb) {
      const next = require.resolve('next/dist/bin/next');
      if (!webBuildIsCurrent()) {
        say('building the web app (next build web); later starts reuse the build until web/ changes');
        const build = launch('web', [process.execPath, next, 'build', 'web'], env);
        cleanups.push(build.stop);
        if ((await Promise.race([build.exited, stopped.then(() => -1)])) !== 0) {
          abortIfStopping();
          throw new Error('the web app did not build');
        }
      }
      components.push(
        launch('web', [process.execPath, ...tsx, 'web/server.ts'], {
          ...env,
          WEB_PORT: String(config.webPort),
        }),
      );
    }

    const banner = [
      'Lockstep is up',
      config.startWeb
        ? `  Dashboard    ${config.publicUrl}`
        : '  Dashboard    not started (LOCKSTEP_START_WEB=false)',
      `  GraphQL      http://localhost:${config.port}/graphql  (HTTP and WebSocket)`,
      `  Health       http://localhost:${config.port}/healthz`,
      `  Temporal     ${temporalAddress}${temporalUi ? `  UI ${temporalUi}` : ''}`,
      `  PostgreSQL   ${databaseNote}`,
      admin.generated
        ? `  Admin token  ${admin.token}  (generated, kept in ${path.relative(root, admin.generated)}; set LOCKSTEP_ADMIN_TOKEN to choose one)`
        : '  Admin token  LOCKSTEP_ADMIN_TOKEN',
      'Press Ctrl-C to stop.',
    ];
    for (const line of banner) say(line);

    const died = Promise.race(components.map((c) => c.exited.then((code) => ({ name: c.name, code }))));
    const outcome = await Promise.race([stopped, died]);
    if (typeof outcome !== 'string') {
      failed = true;
      say(`${outcome.name} exited unexpectedly (code ${outcome.code}); stopping everything`);
    }
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => say(`while stopping: ${String(error)}`));
    }
    say('stopped');
  }
  process.exit(failed ? 1 : 0);
});
