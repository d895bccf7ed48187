// The worker process (`npm run worker`): builds the pipeline worker and the webhook dispatcher from the
// configuration, with their dependencies injected; workflows/ itself never reads configuration.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createDataSource } from '../db/data-source';
import { checkSecretKey, secretBoxFrom } from '../db/secret-store';
import { parseConfig, requireExternalServices } from './config';
import { retryUntil, runMain } from './process';
import { ensureSearchAttributes } from '../workflows/search-attributes';
import { startWebhookDispatcher } from '../workflows/webhook-dispatcher';
import { RunService } from '../server/run/run.service';
import { triggerPipelineWith } from '../server/schedule/scheduled-trigger';
import { createPipelineWorker } from '../workflows/worker';

runMain('worker', async () => {
  const config = parseConfig(process.env);
  const { databaseUrl, temporalAddress } = requireExternalServices(config, 'worker');
  const dataSource = createDataSource({ url: databaseUrl, applicationName: 'lockstep-worker' });
  await retryUntil('PostgreSQL', () => dataSource.initialize());
  const connection = await retryUntil('Temporal', () =>
    NativeConnection.connect({ address: temporalAddress }),
  );
  const clientConnection = await Connection.connect({ address: temporalAddress });
  try {
    const secretBox = secretBoxFrom(config.secretKey);
    await checkSecretKey(dataSource, secretBox);
    await ensureSearchAttributes(clientConnection, config.temporal.namespace);
    const temporal = new Client({ connection: clientConnection, namespace: config.temporal.namespace });
    const worker = await createPipelineWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      dataSource,
      temporal,
      commandBaseEnv: config.commandEnv,
      secretBox,
      publicUrl: config.publicUrl,
      triggerPipeline: triggerPipelineWith(
        new RunService(dataSource, temporal, config.temporal.taskQueue, config.retryHoldSeconds),
      ),
    });
    const dispatcher = await startWebhookDispatcher({
      dataSource,
      databaseUrl,
      temporal,
      taskQueue: config.temporal.taskQueue,
    });
    console.log(`worker polling task queue ${config.temporal.taskQueue} on ${temporalAddress}`);
    try {
      await worker.run(); // returns after SIGINT/SIGTERM, once running activities were given their grace time
    } finally {
      await dispatcher.stop();
    }
  } finally {
    await clientConnection.close();
    await connection.close();
    await dataSource.destroy();
  }
});
