// `npm start`: the whole system on one machine. Without DATABASE_URL it runs a private PostgreSQL under
// <data>/postgres; without TEMPORAL_ADDRESS a Temporal dev server persisted to <data>/temporal.db. Then it
// migrates, starts the worker, the API and the web app as child processes (restarting one that dies), and
// stops them all on Ctrl-C.
// A start after a crash (kill -9, OOM) first stops what the dead one left running (leftovers.ts).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createDataSource, migrate } from '../../db/data-source';
import { localClusterDir, startLocalPostgres } from '../../db/local-postgres';
import { childEnvironment, parseConfig, type Config, type ConfigVariable } from '../config';
import { runMain } from '../process';
import { ensurePortsFree, recordOf, stopServersNaming, SupervisorState, processesNaming } from './leftovers';
import { adminToken, keepPrivate, secretFiles, secretKey, webBuildIsCurrent } from './local-files';
import { KeptRunning } from './restarts';
import { launch, logger, waitUntilAnswering, type Managed } from './supervisor';
import { startTemporalDevServer } from './temporal-dev-server';

const root = path.resolve(__dirname, '..', '..');
const say = logger('start');
const shown = (file: string) => (file.startsWith(root) ? path.relative(root, file) : file);

/** Every port this start will listen on, with the variable that moves it. */
function portsOf(config: Config) {
  return [
    ...(config.databaseUrl ? [] : [{ port: config.postgresPort, variable: 'LOCKSTEP_POSTGRES_PORT' }]),
    ...(config.temporal.address
      ? []
      : [
          { port: config.temporal.devPort, variable: 'TEMPORAL_DEV_PORT' },
          { port: config.temporal.uiPort, variable: 'TEMPORAL_UI_PORT' },
        ]),
    { port: config.port, variable: 'PORT' },
    ...(config.startWeb ? [{ port: config.webPort, variable: 'WEB_PORT' }] : []),
  ];
}

runMain('start', async () => {
  const config = parseConfig(process.env);
  await mkdir(config.dataDir, { recursive: true });
  const state = new SupervisorState(config.dataDir);
  await state.takeOver(say);
  const temporalDb = path.join(config.dataDir, 'temporal.db');
  if (!config.databaseUrl) {
    await stopServersNaming(
      'PostgreSQL',
      `-D ${localClusterDir(path.join(config.dataDir, 'postgres'))} `,
      'SIGINT',
      say,
    );
  }
  if (!config.temporal.address) await stopServersNaming('Temporal dev server', temporalDb, 'SIGTERM', say);
  await ensurePortsFree(portsOf(config));

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

  try {
    let databaseUrl = config.databaseUrl;
    let databaseNote = 'DATABASE_URL';
    if (!databaseUrl) {
      const pgLog = logger('postgres');
      const pg = await startLocalPostgres({
        dataDir: path.join(config.dataDir, 'postgres'),
        port: config.postgresPort,
        log: (line) => {
          if (config.logLevel === 'debug' || /ERROR|FATAL|PANIC|WARNING|creating/.test(line)) pgLog(line);
        },
      });
      cleanups.push(pg.stop);
      await state.add(recordOf('PostgreSQL', pg.pid, { group: false, signal: 'SIGINT' }));
      databaseUrl = pg.url;
      databaseNote = `embedded, ${shown(pg.dataDir)} on 127.0.0.1:${config.postgresPort}`;
      if (pg.dataDir !== path.join(config.dataDir, 'postgres')) {
        databaseNote += ` (the postgres user cannot reach ${shown(config.dataDir)})`;
      }
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
        dbFilename: temporalDb,
        port: config.temporal.devPort,
        uiPort: config.temporal.uiPort,
        namespace: config.temporal.namespace,
      });
      cleanups.push(server.stop);
      await keepPrivate(config.dataDir, [temporalDb]);
      for (const pid of processesNaming(temporalDb)) {
        await state.add(recordOf('Temporal dev server', pid, { group: false, signal: 'SIGTERM' }));
      }
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

    const admin = await adminToken(config.adminToken, config.dataDir);
    const sealing = await secretKey(config.secretKey, config.dataDir);
    if (sealing.generated) {
      say(
        `secrets are sealed with the key in ${shown(sealing.generated)} (set LOCKSTEP_SECRET_KEY to choose one)`,
      );
    }
    await keepPrivate(config.dataDir, []);
    const files = await secretFiles(config.dataDir, { secretKey: sealing.key, databaseUrl });
    cleanups.push(files.remove);
    // Each component gets what it needs and no more; the key and the database URL as files (see
    // secretFiles), never in an environment that a process keeps for life.
    const secretVariables: ConfigVariable[] = [
      'LOCKSTEP_SECRET_KEY',
      'DATABASE_URL',
      'LOCKSTEP_ADMIN_TOKEN',
      'LOCKSTEP_WEBHOOK_SECRET',
    ];
    const shared = {
      TEMPORAL_ADDRESS: temporalAddress,
      LOCKSTEP_API_URL: config.apiUrl,
      LOCKSTEP_PUBLIC_URL: config.publicUrl,
    };
    const backend = {
      ...shared,
      LOCKSTEP_SECRET_KEY_FILE: files.secretKeyFile,
      DATABASE_URL_FILE: files.databaseUrlFile,
    };
    const envOf = {
      worker: childEnvironment(backend, secretVariables),
      api: childEnvironment(
        { ...backend, LOCKSTEP_ADMIN_TOKEN: admin.token },
        secretVariables.filter((name) => name !== 'LOCKSTEP_WEBHOOK_SECRET'),
      ),
      web: childEnvironment({ ...shared, WEB_PORT: String(config.webPort) }, secretVariables),
    };
    const components: KeptRunning[] = [];
    cleanups.push(async () => {
      await Promise.all(components.map((c) => c.stop()));
    });
    const launchRecorded = async (name: Managed['name'], args: string[], previousPid?: number) => {
      const managed = launch(name, args, { cwd: root, env: envOf[name as keyof typeof envOf] });
      const record = recordOf(name, managed.child.pid, { group: true, signal: 'SIGTERM' });
      await (previousPid === undefined ? state.add(record) : state.replace(previousPid, record));
      return managed;
    };
    const start = async (name: keyof typeof envOf, args: string[]) => {
      const component: KeptRunning = new KeptRunning(
        await launchRecorded(name, args),
        () => launchRecorded(name, args, component.child.pid),
        say,
      );
      components.push(component);
      return component;
    };
    const tsx = [process.execPath, '--import', 'tsx'];
    await start('worker', [...tsx, 'main/worker.ts']);
    await start('api', [...tsx, 'main/api.ts']);
    const graphqlUrl = `http://localhost:${config.port}/graphql`;
    await waitUntilAnswering(`http://127.0.0.1:${config.port}/healthz`, components, 120_000);

    if (config.startWeb) {
      if (!webBuildIsCurrent(path.join(root, 'web'))) {
        say(`the API is up at ${graphqlUrl}; building the dashboard (the first start takes a few minutes,`);
        say('later starts reuse the build until web/ changes)');
        const build = await launchRecorded('web', [
          process.execPath,
          require.resolve('next/dist/bin/next'),
          'build',
          'web',
        ]);
        cleanups.push(build.stop);
        if ((await Promise.race([build.exited, stopped.then(() => -1)])) !== 0) {
          abortIfStopping();
          throw new Error('the web app did not build');
        }
      }
      await start('web', [...tsx, 'web/server.ts']);
      // Listed only once it answers: a URL in the banner must work when the user clicks it.
      await waitUntilAnswering(`http://127.0.0.1:${config.webPort}/login`, components, 120_000);
    }

    const banner = [
      'Lockstep is up',
      config.startWeb
        ? `  Dashboard    ${config.publicUrl}`
        : '  Dashboard    not started (LOCKSTEP_START_WEB=false)',
      `  GraphQL      ${graphqlUrl}  (HTTP and WebSocket)`,
      `  Health       http://localhost:${config.port}/healthz`,
      `  Temporal     ${temporalAddress}${temporalUi ? `  UI ${temporalUi}` : ''}`,
      `  PostgreSQL   ${databaseNote}`,
      admin.generated
        ? `  Admin token  ${admin.token}  (generated, kept in ${shown(admin.generated)}; set LOCKSTEP_ADMIN_TOKEN to choose one)`
        : '  Admin token  LOCKSTEP_ADMIN_TOKEN',
      'Press Ctrl-C to stop.',
    ];
    for (const line of banner) say(line);

    // From here on a component that exits is started again (restarts.ts); the others keep serving.
    for (const component of components) component.keepRunning();
    await stopped;
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => say(`while stopping: ${String(error)}`));
    }
    await state.clear();
    say('stopped');
  }
  process.exit(0);
});
