// Records workflow histories of representative runs into test/histories/, for the replay test.
// Run it (`npm run histories:record`) when a workflow change is meant to be incompatible; commit the result
// only after the old histories have stopped mattering (no runs of them in flight anywhere).
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createDataSource, migrate } from '../../db/data-source';
import { ensureDatabase, startLocalPostgres } from '../../db/local-postgres';
import { TokenService } from '../../server/auth/token.service';
import { parseConfig } from '../../server/config';
import type { PipelineInput } from '../../server/pipeline/pipeline.types';
import { PipelineService } from '../../server/pipeline/pipeline.service';
import { runMain } from '../../server/process';
import { RunService } from '../../server/run/run.service';
import { startTemporalDevServer } from '../../workflows/dev-server';
import { createPipelineWorker } from '../../workflows/worker';

const command = (name: string, cmd: string, runOrder = 1, maximumAttempts = 1) => ({
  name,
  kind: 'COMMAND' as const,
  runOrder,
  config: { command: cmd },
  retryPolicy: { maximumAttempts, initialIntervalMs: 100, backoffCoefficient: 1 },
});

function scenarios(scratch: string): Record<string, PipelineInput> {
  const flaky = path.join(scratch, 'flaky-marker');
  return {
    'two-stages-parallel-outputs': {
      name: 'two-stages',
      stages: [
        {
          name: 'build',
          maxParallel: 2,
          actions: [
            command('compile', 'echo VERSION=1.0.0 > "$LOCKSTEP_OUTPUT"'),
            command('lint', 'echo lint ok'),
            command('package', 'echo "package $VERSION"', 2),
          ],
        },
        { name: 'deploy', actions: [command('ship', 'echo "ship $VERSION"')] },
      ],
    },
    'command-fails-stops-the-line': {
      name: 'fails',
      stages: [
        { name: 'test', actions: [command('unit', 'echo boom >&2; exit 2'), command('lint', 'true')] },
        { name: 'deploy', actions: [command('ship', 'echo never')] },
      ],
    },
    'automatic-retry-succeeds': {
      name: 'retry',
      stages: [
        {
          name: 'flaky',
          actions: [
            command(
              'once-failing',
              `if [ -e ${flaky} ]; then echo ok; else touch ${flaky}; exit 1; fi`,
              1,
              3,
            ),
          ],
        },
      ],
    },
  };
}

runMain('record-histories', async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const config = parseConfig(process.env);
  const cli = config.temporal.cliPath;
  if (!cli)
    throw new Error('recording needs the Temporal CLI: set TEMPORAL_CLI_PATH or put `temporal` on PATH');
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'lockstep-record-'));
  await chmod(scratch, 0o755);
  const stops: Array<() => Promise<void>> = [];
  try {
    let databaseUrl = config.databaseUrl;
    if (databaseUrl) {
      const url = new URL(databaseUrl);
      const name = `lockstep_record_${randomBytes(4).toString('hex')}`;
      await ensureDatabase(databaseUrl, name);
      url.pathname = `/${name}`;
      databaseUrl = url.toString();
    } else {
      const pg = await startLocalPostgres({
        dataDir: path.join(scratch, 'postgres'),
        port: 20000 + Math.floor(Math.random() * 20000),
      });
      stops.push(pg.stop);
      databaseUrl = pg.url;
    }
    let address = config.temporal.address;
    if (!address) {
      const server = await startTemporalDevServer({ cliPath: config.temporal.cliPath });
      stops.push(server.stop);
      address = server.address;
    }
    const dataSource = createDataSource({ url: databaseUrl });
    await dataSource.initialize();
    stops.push(() => dataSource.destroy());
    await migrate(dataSource);
    const taskQueue = `record-${randomBytes(4).toString('hex')}`;
    const nativeConnection = await NativeConnection.connect({ address });
    const worker = await createPipelineWorker({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      dataSource,
      commandBaseEnv: config.commandEnv,
    });
    const running = worker.run();
    const connection = await Connection.connect({ address });
    const client = new Client({ connection });
    const admin = (await new TokenService(dataSource).create('recorder', 'ADMIN')).principal;
    const pipelines = new PipelineService(dataSource);
    const runs = new RunService(dataSource, client, taskQueue);
    try {
      for (const [name, input] of Object.entries(scenarios(scratch))) {
        const pipeline = await pipelines.create(input);
        const run = await runs.trigger(
          pipeline.id,
          { sha: 'abc1234', committedAt: new Date('2026-01-01T00:00:00Z') },
          [],
          { id: admin.id, name: admin.name, role: admin.role },
        );
        const handle = client.workflow.getHandle(run.temporalWorkflowId);
        const result = await handle.result();
        const file = path.join(__dirname, '..', 'histories', `${name}.json`);
        // The Temporal CLI writes the canonical JSON form that historyFromJSON reads back.
        const json = execFileSync(
          cli,
          [
            'workflow',
            'show',
            '--address',
            address,
            '--workflow-id',
            run.temporalWorkflowId,
            '--output',
            'json',
          ],
          {
            maxBuffer: 64 * 1024 * 1024,
          },
        );
        await writeFile(file, json);
        console.log(`${name}: ${result.status} -> ${path.relative(process.cwd(), file)}`);
      }
    } finally {
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
    }
  } finally {
    for (const stop of stops.reverse()) await stop();
    await rm(scratch, { recursive: true, force: true });
  }
});
