// `npm start`: the whole system on one machine. Without DATABASE_URL it runs a private PostgreSQL under
// <data>/postgres; without TEMPORAL_ADDRESS a Temporal dev server persisted to <data>/temporal.db. Then it
// migrates, starts the worker, the API and the web app as child processes, and stops them all on Ctrl-C.
// A start after a crash (kill -9, OOM) first stops what the dead one left running (leftovers.ts).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createDataSource, migrate } from '../../db/data-source';
import { localClusterDir, startLocalPostgres } from '../../db/local-postgres';
import { childEnvironment, parseConfig, type Config } from '../config';
import { runMain } from '../process';
import { ensurePortsFree, recordOf, stopServersNaming, SupervisorState, processesNaming } from './leftovers';
import { adminToken, secretKey, webBuildIsCurrent } from './local-files';
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

  let failed = false;
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
    const env = childEnvironment({
      LOCKSTEP_SECRET_KEY: sealing.key,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      LOCKSTEP_ADMIN_TOKEN: admin.token,
      LOCKSTEP_API_URL: config.apiUrl,
      LOCKSTEP_PUBLIC_URL: config.publicUrl,
    });
    const components: Managed[] = [];
    cleanups.push(async () => {
      await Promise.all(components.map((c) => c.stop()));
    });
    const start = async (name: Managed['name'], args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
      const managed = launch(name, args, { cwd: root, env: { ...env, ...extraEnv } });
      await state.add(recordOf(name, managed.child.pid, { group: true, signal: 'SIGTERM' }));
      return managed;
    };
    const tsx = [process.execPath, '--import', 'tsx'];
    components.push(await start('worker', [...tsx, 'main/worker.ts']));
    components.push(await start('api', [...tsx, 'main/api.ts']));
    const graphqlUrl = `http://localhost:${config.port}/graphql`;
    await waitUntilAnswering(`http://127.0.0.1:${config.port}/healthz`, components, 120_000);

    if (config.startWeb) {
      if (!webBuildIsCurrent(path.join(root, 'web'))) {
        say(`the API is up at ${graphqlUrl}; building the dashboard (the first start takes a few minutes,`);
        say('later starts reuse the build until web/ changes)');
        const build = await start('web', [
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
      components.push(await start('web', [...tsx, 'web/server.ts'], { WEB_PORT: String(config.webPort) }));
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
    await state.clear();
    say('stopped');
  }
  process.exit(failed ? 1 : 0);
});
