// The worker process (`npm run worker`): builds the pipeline worker, the webhook dispatcher and the run
// reconciler from the configuration, with their dependencies injected; workflows/ never reads configuration.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createDataSource } from '../db/data-source';
import { checkSecretKey, secretBoxFrom } from '../db/secret-store';
import { parseConfig, requireExternalServices, scrubSecrets } from './config';
import { retryUntil, runMain } from './process';
import { CommandSandbox } from '../workflows/activities/command-sandbox';
import { temporalConnectionOptions } from './temporal-connection';
import { ensureSearchAttributes } from '../workflows/search-attributes';
import { startRunReconciler } from '../workflows/reconciler/run-reconciler';
import { startWebhookDispatcher } from '../workflows/webhook-dispatcher';
import { RunService } from '../server/run/run.service';
import { triggerPipelineWith } from '../server/schedule/scheduled-trigger';
import { createPipelineWorker } from '../workflows/worker';

runMain('worker', async () => {
  const config = parseConfig(process.env);
  scrubSecrets(process.env); // nothing this process starts inherits them
  const { databaseUrl, temporalAddress } = requireExternalServices(config, 'worker');
  const dataSource = createDataSource({ url: databaseUrl, applicationName: 'lockstep-worker' });
  await retryUntil('PostgreSQL', () => dataSource.initialize());
  const temporalOptions = temporalConnectionOptions(config.temporal, temporalAddress);
  const connection = await retryUntil('Temporal', () => NativeConnection.connect(temporalOptions));
  const clientConnection = await Connection.connect(temporalOptions);
  try {
    const secretBox = secretBoxFrom(config.secretKey);
    await checkSecretKey(dataSource, secretBox);
    if (!secretBox)
      console.warn(
        'lockstep worker: LOCKSTEP_SECRET_KEY is not set: approval decisions cannot be proven, so gates take ' +
          'them unchecked; whoever reaches Temporal can approve (docs/security.md)',
      );
    await ensureSearchAttributes(clientConnection, config.temporal.namespace);
    const temporal = new Client({ connection: clientConnection, namespace: config.temporal.namespace });
    const worker = await createPipelineWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      dataSource,
      temporal,
      commandBaseEnv: config.commandEnv,
      commandUids: config.commandUids,
      logLimitBytes: config.logLimitBytes,
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
    const commands = CommandSandbox.forThisProcess(config.commandUids).describe();
    console.log(`worker polling task queue ${config.temporal.taskQueue} on ${temporalAddress}; ${commands}`);
    const reconciler = startRunReconciler({
      dataSource,
      temporal,
      taskQueue: config.temporal.taskQueue,
      retryHoldSeconds: config.retryHoldSeconds,
      intervalMs: config.reconcile.intervalSeconds * 1000,
      graceSeconds: config.reconcile.graceSeconds,
    });
    try {
      await worker.run(); // returns after SIGINT/SIGTERM, once running activities were given their grace time
    } finally {
      await reconciler.stop();
      await dispatcher.stop();
    }
  } finally {
    await clientConnection.close();
    await connection.close();
    await dataSource.destroy();
  }
});
