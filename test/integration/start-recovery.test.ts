import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { localClusterDir } from '../../db/local-postgres';
import { parseConfig } from '../../main/config';
import { eventually, graphql } from '../support/fixtures';
import { healthy, npmStart, pressCtrlC, stillRunning } from '../support/npm-start';
import { freePort, processesMatching } from '../support/processes';

type RunResult = { pipelineRun: { status: string; stages: Array<{ actions: Array<{ status: string }> }> } };
const runQuery = 'query($id: ID!) { pipelineRun(id: $id) { status stages { actions { status } } } }';

describe('npm start after a crash', () => {
  let marker = '';
  let dataDir = '';
  let clusterDir = '';
  const leftovers = () => [
    ...processesMatching(marker),
    ...(dataDir ? processesMatching(dataDir) : []),
    ...(clusterDir ? processesMatching(clusterDir) : []),
  ];

  // Each test's own processes and folders, whatever became of the test.
  afterEach(async () => {
    for (const { pid } of leftovers()) process.kill(pid, 'SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    if (clusterDir && clusterDir.startsWith('/var/lib/lockstep/'))
      await rm(path.dirname(clusterDir), { recursive: true, force: true });
  });

  async function environment(): Promise<NodeJS.ProcessEnv> {
    // mkdtemp makes a 0700 folder: as root, the postgres user cannot reach it (a checkout under /root).
    marker = `lockstep-recovery-test-${randomUUID()}`;
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'lockstep-recovery-'));
    clusterDir = localClusterDir(path.join(dataDir, 'postgres'));
    const [port, temporalPort, uiPort, pgPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_CLI_PATH: parseConfig(process.env).temporal.cliPath,
      LOCKSTEP_DATA_DIR: dataDir,
      LOCKSTEP_START_WEB: 'false',
      PORT: String(port),
      TEMPORAL_DEV_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
      LOCKSTEP_POSTGRES_PORT: String(pgPort),
      LOCKSTEP_TEST_MARKER: marker,
    };
  }

  it('a start after kill -9 of the supervisor stops what it left running, and the run in flight finishes', async () => {
    const env = await environment();
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    const api = `http://127.0.0.1:${env.PORT}/graphql`;
    const health = `http://127.0.0.1:${env.PORT}/healthz`;

    const first = npmStart(env);
    await eventually(async () => first.output().includes('Lockstep is up'), Boolean, 120_000).catch(
      (error: Error) => {
        throw new Error(`${error.message}\n${first.output()}`);
      },
    );
    if (process.getuid?.() === 0) {
      // Root in a private folder: the cluster lives where the postgres user can reach it, and the banner says so.
      expect(clusterDir).not.toBe(path.join(dataDir, 'postgres'));
      expect(first.output(), first.output()).toContain(`embedded, ${clusterDir}`);
      expect(first.output(), first.output()).toContain('cannot reach');
    }
    const token = (await readFile(path.join(dataDir, 'admin-token'), 'utf8')).trim();
    const created = await graphql<{ createPipeline: { id: string } }>(
      api,
      'mutation($i: PipelineInput!) { createPipeline(input: $i) { id } }',
      {
        i: {
          name: 'survives',
          stages: [
            {
              name: 'build',
              actions: [{ name: 'slow', kind: 'COMMAND', config: { command: 'sleep 8; echo done' } }],
            },
          ],
        },
      },
      token,
    );
    const triggered = await graphql<{ triggerPipeline: { id: string } }>(
      api,
      'mutation($p: ID!) { triggerPipeline(pipelineId: $p, revision: { sha: "abcdef1", committedAt: "2026-11-01T00:00:00Z" }) { id } }',
      { p: created.data!.createPipeline.id },
      token,
    );
    const runId = triggered.data!.triggerPipeline.id;
    const read = async () =>
      (await graphql<RunResult>(api, runQuery, { id: runId }, token)).data!.pipelineRun;
    await eventually(read, (run) => run.stages[0]?.actions[0]?.status === 'RUNNING', 60_000);

    // A second start for the same data folder while the first runs is refused in one line.
    const twin = npmStart(env);
    expect(await twin.exited).toBe(1);
    expect(twin.output()).toMatch(/Lockstep is already running from .* \(npm start, pid \d+\)/);

    // kill -9 the supervisor alone (an OOM kill, a closed terminal): its servers and children live on.
    const state = JSON.parse(readFileSync(path.join(dataDir, 'supervisor.json'), 'utf8')) as {
      supervisor: { pid: number };
      children: Array<{ name: string; pid: number }>;
    };
    expect(state.children.map((c) => c.name)).toEqual(['PostgreSQL', 'Temporal dev server', 'worker', 'api']);
    process.kill(state.supervisor.pid, 'SIGKILL');
    await first.exited;
    expect(await healthy(health)).toBe(true);
    // What is still alive now is what the next start must stop (a server may die on its own when it next
    // writes to the dead supervisor's pipe; PostgreSQL, the worker and the API were just seen working).
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const leftBehind = state.children.filter((child) => alive(child.pid)).map((child) => child.name);
    expect(leftBehind).toEqual(expect.arrayContaining(['PostgreSQL', 'worker', 'api']));

    const second = npmStart(env);
    await eventually(async () => second.output().includes('Lockstep is up'), Boolean, 120_000).catch(
      (error: Error) => {
        throw new Error(`${error.message}\n${second.output()}`);
      },
    );
    for (const name of leftBehind)
      expect(second.output(), second.output()).toContain(`stopping ${name} (pid`);
    expect(second.output()).not.toContain('creating a PostgreSQL cluster');
    const finished = await eventually(read, (run) => ['SUCCEEDED', 'FAILED'].includes(run.status), 90_000);
    expect(finished.status).toBe('SUCCEEDED');

    pressCtrlC(second);
    await second.exited;
    expect(second.output()).toMatch(/start +\| stopped/);
    expect(await stillRunning(leftovers)).toEqual([]);
  }, 400_000);

  it('gives the worker and the API their secrets as files, and starts a component that dies again while the others keep serving', async () => {
    const env = await environment();
    const started = npmStart(env);
    try {
      await restartsWhatDies(started, env);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${started.output()}`, { cause: error });
    } finally {
      if (started.child.exitCode === null) pressCtrlC(started);
      await started.exited;
    }
    expect(
      await eventually(
        async () => leftovers(),
        (left) => left.length === 0,
        30_000,
      ).catch(() => leftovers()),
    ).toEqual([]);
    expect(existsSync(path.join(dataDir, 'run'))).toBe(false);
  }, 300_000);

  async function restartsWhatDies(started: ReturnType<typeof npmStart>, env: NodeJS.ProcessEnv) {
    const health = `http://127.0.0.1:${env.PORT}/healthz`;
    await eventually(async () => started.output().includes('Lockstep is up'), Boolean, 120_000);
    const children = () =>
      (
        JSON.parse(readFileSync(path.join(dataDir, 'supervisor.json'), 'utf8')) as {
          children: Array<{ name: string; pid: number }>;
        }
      ).children;
    const pidOf = (name: string) => children().find((c) => c.name === name)!.pid;
    const [worker, api] = [pidOf('worker'), pidOf('api')];

    // The key and the database URL reach the worker and the API as files, never in their environments
    // (which stay readable in /proc/<pid>/environ for their whole life).
    const key = (await readFile(path.join(dataDir, 'secret-key'), 'utf8')).trim();
    for (const pid of [worker, api]) {
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
      expect(environ).not.toContain(key);
      expect(environ).not.toMatch(/(^|\0)DATABASE_URL=/);
      expect(environ).toContain(`LOCKSTEP_SECRET_KEY_FILE=${path.join(dataDir, 'run', 'secret-key')}`);
      expect(environ).toContain(`DATABASE_URL_FILE=${path.join(dataDir, 'run', 'database-url')}`);
    }
    expect((await stat(path.join(dataDir, 'run', 'secret-key'))).mode & 0o777).toBe(0o600);
    const commandsRunAs =
      process.getuid?.() === 0 ? 'commands run as uids 2000000000-2000099999' : 'commands run as this worker';
    await eventually(async () => started.output().includes(commandsRunAs), Boolean, 90_000);

    // The API dies (an OOM kill, say): it is started again, the worker and the supervisor live on.
    process.kill(api, 'SIGKILL');
    await eventually(
      async () => started.output().includes('api exited unexpectedly (SIGKILL); starting it again in 1 s'),
      Boolean,
      10_000,
    );
    await eventually(() => healthy(health), Boolean, 90_000);
    const restarted = pidOf('api');
    expect(restarted).not.toBe(api);
    expect(processesMatching(marker).map((p) => p.pid)).toContain(restarted);
    expect(pidOf('worker')).toBe(worker);
    expect(started.child.exitCode).toBeNull();
  }

  it('refuses in one line when a stranger holds one of its ports, and starts nothing', async () => {
    const env = await environment();
    const stranger: Server = createServer();
    await new Promise<void>((resolve) => stranger.listen(Number(env.PORT), '127.0.0.1', resolve));
    try {
      const started = npmStart(env);
      expect(await started.exited).toBe(1);
      expect(started.output()).toContain(
        `lockstep start: port ${env.PORT} (PORT) is in use by another program; stop it or choose another port with PORT`,
      );
      expect(leftovers()).toEqual([]);
    } finally {
      stranger.close();
    }
  }, 60_000);
});
