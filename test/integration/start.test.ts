import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../main/config';
import { eventually, graphql } from '../support/fixtures';
import { healthy, npmStart, pressCtrlC, stillRunning } from '../support/npm-start';
import { freePort, processesMatching } from '../support/processes';

describe('npm start', () => {
  const marker = `lockstep-start-test-${randomUUID()}`;
  let dataDir = '';
  const leftovers = () => [...processesMatching(marker), ...(dataDir ? processesMatching(dataDir) : [])];

  afterAll(async () => {
    for (const { pid } of leftovers()) process.kill(pid, 'SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('starts everything on embedded defaults, serves the slice, stops cleanly, and reuses .data on the next start', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'lockstep-start-'));
    await chmod(dataDir, 0o755);
    const [port, webPort, temporalPort, uiPort, pgPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const cliPath = parseConfig(process.env).temporal.cliPath;
    expect(cliPath, 'set TEMPORAL_CLI_PATH or put `temporal` on PATH (no download here)').toBeDefined();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_CLI_PATH: cliPath,
      LOCKSTEP_DATA_DIR: dataDir,
      PORT: String(port),
      WEB_PORT: String(webPort),
      TEMPORAL_DEV_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
      LOCKSTEP_POSTGRES_PORT: String(pgPort),
      LOCKSTEP_TEST_MARKER: marker,
    };
    const health = `http://127.0.0.1:${port}/healthz`;
    const api = `http://127.0.0.1:${port}/graphql`;

    const first = npmStart(env);
    await eventually(() => healthy(health), Boolean, 90_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${first.output()}`);
    });
    expect(first.output()).toContain('creating a PostgreSQL cluster');
    // The banner lists the dashboard only once it answers: the moment it is printed, the page loads.
    await eventually(async () => first.output().includes('Lockstep is up'), Boolean, 180_000);
    expect((await fetch(`http://127.0.0.1:${webPort}/login`)).status).toBe(200);

    const token = (await readFile(path.join(dataDir, 'admin-token'), 'utf8')).trim();
    // Secrets work out of the box: npm start generated a sealing key and says where it keeps it.
    expect(first.output()).toContain('secrets are sealed with the key in');
    const secret = await graphql(
      api,
      'mutation { setSecret(input: { name: "SMOKE", value: "smoke-secret-value" }) { id } }',
      {},
      token,
    );
    expect(secret.errors).toBeUndefined();
    const created = await graphql<{ createPipeline: { id: string } }>(
      api,
      'mutation($i: PipelineInput!) { createPipeline(input: $i) { id } }',
      {
        i: {
          name: 'smoke',
          stages: [
            {
              name: 'build',
              actions: [
                { name: 'hi', kind: 'COMMAND', config: { command: 'echo started-by-npm-start "$SMOKE"' } },
              ],
            },
          ],
        },
      },
      token,
    );
    const pipelineId = created.data!.createPipeline.id;
    const triggered = await graphql<{ triggerPipeline: { id: string } }>(
      api,
      'mutation($p: ID!) { triggerPipeline(pipelineId: $p, revision: { sha: "abcdef1", committedAt: "2026-11-01T00:00:00Z" }) { id } }',
      { p: pipelineId },
      token,
    );
    const runId = triggered.data!.triggerPipeline.id;
    const runQuery =
      'query($id: ID!) { pipelineRun(id: $id) { status stages { actions { logs { text } } } } }';
    type RunResult = {
      pipelineRun: { status: string; stages: Array<{ actions: Array<{ logs: Array<{ text: string }> }> }> };
    };
    const run = await eventually(
      async () => (await graphql<RunResult>(api, runQuery, { id: runId }, token)).data!.pipelineRun,
      (r) => r.status === 'SUCCEEDED' || r.status === 'FAILED',
    );
    expect(run.status).toBe('SUCCEEDED');
    expect(run.stages[0]!.actions[0]!.logs.map((l) => l.text)).toEqual(['started-by-npm-start ***']);

    expect(leftovers().length).toBeGreaterThan(4); // postgres, temporal, worker, api, web are all running
    pressCtrlC(first);
    await first.exited;
    const remaining = await stillRunning(leftovers);
    expect(remaining).toEqual([]);
    expect(await healthy(health)).toBe(false);

    const second = npmStart(env);
    await eventually(() => healthy(health), Boolean, 90_000);
    expect(second.output()).not.toContain('creating a PostgreSQL cluster');
    const again = await graphql<RunResult>(api, runQuery, { id: runId }, token);
    expect(again.data!.pipelineRun.status).toBe('SUCCEEDED');
    pressCtrlC(second);
    await second.exited;
    expect(await stillRunning(leftovers)).toEqual([]);
  }, 300_000);
});
