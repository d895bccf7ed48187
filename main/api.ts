import { Client, Connection } from '@temporalio/client';
import { createDataSource } from '../db/data-source';
import { checkSecretKey, secretBoxFrom } from '../db/secret-store';
import { ensureSearchAttributes } from '../workflows/search-attributes';
import { createApiServer } from '../server/app';
import { TokenService } from '../server/auth/token.service';
import { parseConfig, requireExternalServices, scrubSecrets } from './config';
import { retryUntil, runMain, shutdownSignal } from './process';
import { createLogger, lineLogger } from './telemetry/logger';
import { processRegistry } from './telemetry/registry';
import { startTracing } from './telemetry/tracing';
import { temporalConnectionOptions } from './temporal-connection';

runMain('api', async () => {
  const config = parseConfig(process.env);
  scrubSecrets(process.env);
  const { databaseUrl, temporalAddress } = requireExternalServices(config, 'api');
  const logger = createLogger({ format: config.logFormat, level: config.logLevel, component: 'api' });
  const tracing = startTracing(config.otlpEndpoint, 'lockstep-api');
  const dataSource = createDataSource({
    url: databaseUrl,
    applicationName: 'lockstep-api',
    statementTimeoutMs: config.apiLimits.statementTimeoutMs,
  });
  await retryUntil('PostgreSQL', () => dataSource.initialize());
  const temporalOptions = temporalConnectionOptions(config.temporal, temporalAddress);
  const connection = await retryUntil('Temporal', () => Connection.connect(temporalOptions));
  try {
    const secretBox = secretBoxFrom(config.secretKey);
    await checkSecretKey(dataSource, secretBox);
    await ensureSearchAttributes(connection, config.temporal.namespace);
    if (config.adminToken) {
      await new TokenService(dataSource).ensureAdminToken(config.adminToken, (line) => logger.info(line));
    }
    const temporal = new Client({
      connection,
      namespace: config.temporal.namespace,
      interceptors: tracing?.clientInterceptors,
    });
    const server = await createApiServer({
      dataSource,
      databaseUrl,
      temporal,
      taskQueue: config.temporal.taskQueue,
      retryHoldSeconds: config.retryHoldSeconds,
      secretBox,
      webhookSecret: config.webhookSecret,
      webhookUntimedSignatures: config.webhookUntimedSignatures,
      introspection: config.nodeEnv !== 'production',
      limits: config.apiLimits,
      keepAliveSeconds: config.httpKeepAliveSeconds,
      log: lineLogger(logger),
      metricsRegistry: processRegistry(),
      metricsToken: config.metrics.token,
    });
    const port = await server.listen(config.port);
    logger.info(
      `GraphQL API on http://localhost:${port}/graphql (HTTP and WebSocket), health at /healthz, metrics at /metrics`,
    );
    await shutdownSignal();
    await server.close();
  } finally {
    await connection.close();
    await dataSource.destroy();
    await tracing?.shutdown();
  }
});
