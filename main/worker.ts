// The worker process (`npm run worker`): builds the pipeline worker, the webhook dispatcher and the run
// reconciler from the configuration, with their dependencies injected; workflows/ never reads configuration.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
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
import { registerDatabaseGauges } from '../workflows/metrics/database-gauges';
import { createWorkerMetrics } from '../workflows/metrics/worker-metrics';
import { createLogger, lineLogger, temporalLogger } from './telemetry/logger';
import { processRegistry } from './telemetry/registry';
import { startTracing } from './telemetry/tracing';
import { freeLoopbackAddress, startWorkerMetricsServer } from './telemetry/worker-metrics-server';

runMain('worker', async () => {
  const config = parseConfig(process.env);
  scrubSecrets(process.env); // nothing this process starts inherits them
  const { databaseUrl, temporalAddress } = requireExternalServices(config, 'worker');
  const logger = createLogger({ format: config.logFormat, level: config.logLevel, component: 'worker' });
  const log = lineLogger(logger);
  const metricsPort = config.metrics.workerPort;
  // The SDK's own series (task slots, poll and schedule-to-start latencies...) on loopback, relayed below.
  const sdkMetrics = metricsPort === undefined ? undefined : await freeLoopbackAddress();
  Runtime.install({
    logger: temporalLogger(logger),
    telemetryOptions: {
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      ...(sdkMetrics
        ? { metrics: { prometheus: { bindAddress: sdkMetrics, useSecondsForDurations: true } } }
        : {}),
    },
  });
  const tracing = startTracing(config.otlpEndpoint, 'lockstep-worker');
  const dataSource = createDataSource({ url: databaseUrl, applicationName: 'lockstep-worker' });
  await retryUntil('PostgreSQL', () => dataSource.initialize());
  const temporalOptions = temporalConnectionOptions(config.temporal, temporalAddress);
  const connection = await retryUntil('Temporal', () => NativeConnection.connect(temporalOptions));
  const clientConnection = await Connection.connect(temporalOptions);
  try {
    const secretBox = secretBoxFrom(config.secretKey);
    await checkSecretKey(dataSource, secretBox);
    if (!secretBox)
      logger.warn(
        'lockstep worker: LOCKSTEP_SECRET_KEY is not set: approval decisions cannot be proven, so gates take ' +
          'them unchecked; whoever reaches Temporal can approve (docs/security.md)',
      );
    await ensureSearchAttributes(clientConnection, config.temporal.namespace);
    const temporal = new Client({
      connection: clientConnection,
      namespace: config.temporal.namespace,
      interceptors: tracing?.clientInterceptors,
    });
    const registry = processRegistry();
    const metrics = createWorkerMetrics(registry);
    registerDatabaseGauges(registry, dataSource);
    const metricsServer =
      metricsPort === undefined
        ? undefined
        : await startWorkerMetricsServer({
            host: config.metrics.workerHost,
            port: metricsPort,
            registry,
            token: config.metrics.token,
            sdkAddress: sdkMetrics,
          });
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
      metrics,
      tracing,
      triggerPipeline: triggerPipelineWith(
        new RunService(dataSource, temporal, config.temporal.taskQueue, config.retryHoldSeconds),
      ),
    });
    const dispatcher = await startWebhookDispatcher({
      dataSource,
      databaseUrl,
      temporal,
      taskQueue: config.temporal.taskQueue,
      log,
    });
    const commands = CommandSandbox.forThisProcess(config.commandUids).describe();
    const serving = metricsServer
      ? `; metrics on ${config.metrics.workerHost}:${metricsServer.port}/metrics`
      : '';
    logger.info(
      `worker polling task queue ${config.temporal.taskQueue} on ${temporalAddress}; ${commands}${serving}`,
    );
    const reconciler = startRunReconciler({
      dataSource,
      temporal,
      taskQueue: config.temporal.taskQueue,
      retryHoldSeconds: config.retryHoldSeconds,
      intervalMs: config.reconcile.intervalSeconds * 1000,
      graceSeconds: config.reconcile.graceSeconds,
      log,
    });
    try {
      await worker.run(); // returns after SIGINT/SIGTERM, once running activities were given their grace time
    } finally {
      await reconciler.stop();
      await dispatcher.stop();
      await metricsServer?.close();
    }
  } finally {
    await clientConnection.close();
    await connection.close();
    await dataSource.destroy();
    await tracing?.shutdown();
  }
});
