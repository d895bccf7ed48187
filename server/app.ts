import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import type { Client } from '@temporalio/client';
import express, { type ErrorRequestHandler } from 'express';
import { Registry } from 'prom-client';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import type { SecretBox } from '../db/secret-box';
import { defaultApiLimits, defaultKeepAliveSeconds, type ApiLimits } from './api-limits';
import type { AuthenticatedPrincipal } from './auth/principal';
import type { Context } from './context';
import { createErrorFormatter, DomainError } from './errors';
import { queryLimitsRule } from './graphql/limits';
import { costRefusal } from './graphql/query-cost';
import { createLoaders } from './graphql/loaders';
import { createHealthCheck } from './health';
import { LiveFeeds } from './realtime/live-feeds';
import { NotificationHub } from './realtime/notification-hub';
import { serveGraphqlWs } from './realtime/ws-server';
import { lockstepSchema } from './schema';
import { createServices } from './services';
import { createApiMetrics } from './telemetry/api-metrics';
import { metricsEndpoint } from './telemetry/metrics-endpoint';
import { operationSpan, operationTelemetryPlugin } from './telemetry/operation-telemetry';
import { createGithubPushHandler } from './webhooks/github-push';
import { createInboundWebhooks } from './webhooks/inbound';

export interface ApiServerOptions {
  dataSource: DataSource;
  /** For this process's LISTEN connection (subscriptions, token revocations). */
  databaseUrl: string;
  temporal: Client;
  taskQueue: string;
  retryHoldSeconds: number;
  secretBox: SecretBox | null;
  /** LOCKSTEP_WEBHOOK_SECRET: verifies POST /webhooks/events; unset, that endpoint is off. */
  webhookSecret?: string;
  /** LOCKSTEP_WEBHOOK_UNTIMED: also accept the deprecated, untimed `sha256=` inbound signatures. */
  webhookUntimedSignatures?: boolean;
  introspection: boolean;
  /** Subscription limits (the statement timeout is the DataSource's); the defaults when absent. */
  limits?: ApiLimits;
  /** How long an idle HTTP keep-alive connection stays open (LOCKSTEP_HTTP_KEEP_ALIVE_SECONDS). */
  keepAliveSeconds?: number;
  log?: (message: string) => void;
  /** The registry GET /metrics serves (the process's default metrics on it too); absent: a private one. */
  metricsRegistry?: Registry;
  /** LOCKSTEP_METRICS_TOKEN: GET /metrics then wants it as a bearer token. */
  metricsToken?: string;
  /**
   * Subscribers of one operation, variables and role share one execution per event (default on); off
   * only for the fan-out benchmark's "before".
   */
  shareSubscriptionExecutions?: boolean;
}

export interface ApiServer {
  httpServer: Server;
  /** Subscription events executed so far by this process (tests and benchmarks). */
  subscriptionExecutions(): number;
  listen(port: number): Promise<number>;
  close(): Promise<void>;
}

const bearer = /^Bearer\s+(\S+)$/i;
/** Request bodies larger than this are refused with 413 before any GraphQL work. */
const maxBodyBytes = 1024 * 1024;

/**
 * GraphQL over HTTP and WebSocket on one port at /graphql, plus GET /healthz. Both transports share the
 * schema, the query limits, the error masking and the authentication.
 */
export async function createApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const log = options.log ?? ((message: string) => console.error(message));
  const services = createServices({ ...options, log });
  const schema = await lockstepSchema();
  const formatError = createErrorFormatter(log);

  const hub = await NotificationHub.start(options.databaseUrl, log);
  const limits = options.limits ?? defaultApiLimits;
  const live = new LiveFeeds(options.dataSource, hub, limits.subscriptionQueueLimit);
  // Revocations on any replica reach every replica's token cache.
  hub.on('tokens', ({ tokenId }) => services.tokens.forget(tokenId));
  hub.on('reconnected', () => services.tokens.forgetAll()); // a revocation may have been missed while away
  const metricsRegistry = options.metricsRegistry ?? new Registry();
  const metrics = createApiMetrics(metricsRegistry, {
    operations: () => ws.openOperations(),
    connections: () => ws.openConnections(),
  });
  for (const topic of ['events', 'runs', 'logs', 'tokens'] as const)
    hub.on(topic, () => metrics.notifications.inc({ topic }));
  hub.on('reconnected', () => metrics.listenReconnects.inc());

  async function authenticate(authorization: unknown): Promise<AuthenticatedPrincipal | null> {
    if (authorization === undefined || authorization === null || authorization === '') return null;
    const match = typeof authorization === 'string' ? bearer.exec(authorization) : null;
    const principal = match?.[1] ? await services.tokens.authenticateCached(match[1]) : null;
    if (!principal) {
      throw new DomainError('UNAUTHENTICATED', 'The API token is not valid, was revoked or has expired', {
        http: { status: 401 },
      });
    }
    return principal;
  }

  function contextOf(principal: AuthenticatedPrincipal | null, onSlowConsumer?: () => void): Context {
    const context: Context = {
      principal,
      services,
      loaders: createLoaders(options.dataSource),
      live,
      refreshLoaders: () => void (context.loaders = createLoaders(options.dataSource)),
      onSlowConsumer,
    };
    return context;
  }

  const app = express();
  app.disable('x-powered-by');
  // Express hashes every response body into an ETag; GraphQL answers POSTs, which no client revalidates.
  app.disable('etag');
  const httpServer = createServer(app);
  // Longer than a load balancer keeps an idle connection to it (60 s on the common ones): otherwise the API
  // may close one just as the balancer sends a request on it, and the client gets a 502. Node's default is
  // 5 s. The headers of a request must arrive within a second more.
  const keepAliveMs = (options.keepAliveSeconds ?? defaultKeepAliveSeconds) * 1000;
  httpServer.keepAliveTimeout = keepAliveMs;
  httpServer.headersTimeout = keepAliveMs + 1000;

  const ws = serveGraphqlWs({
    httpServer,
    schema,
    hub,
    limits,
    maxPayload: maxBodyBytes,
    authenticate,
    validTokenIds: (tokenIds) => services.tokens.validTokenIds(tokenIds),
    contextOf,
    formatError,
    log,
    shareExecutions: options.shareSubscriptionExecutions,
  });

  const apollo = new ApolloServer<Context>({
    schema,
    introspection: options.introspection,
    formatError,
    includeStacktraceInErrorResponses: false,
    validationRules: [queryLimitsRule],
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // No cache hints are used; the plugin would otherwise wrap every field resolver.
      ApolloServerPluginCacheControlDisabled(),
      operationTelemetryPlugin(schema, metrics),
      { serverWillStart: async () => ({ drainServer: () => ws.dispose() }) },
      {
        requestDidStart: async () => ({
          didResolveOperation: async ({ document, operationName, request, contextValue }) => {
            const error = costRefusal(schema, {
              document,
              operationName,
              variables: request.variables,
              role: contextValue.principal?.role ?? null,
            });
            if (error) throw error;
          },
        }),
      },
    ],
  });
  await apollo.start();

  app.use(
    '/webhooks',
    createInboundWebhooks({
      dataSource: options.dataSource,
      catalog: services.catalog,
      externalDeployments: services.externalDeployments,
      incidents: services.incidents,
      githubPush: createGithubPushHandler({ dataSource: options.dataSource, runs: services.runs, log }),
      secret: options.webhookSecret,
      acceptUntimedSignatures: options.webhookUntimedSignatures,
      log,
    }),
  );
  const health = createHealthCheck(options.dataSource, options.temporal, log);
  app.get('/healthz', async (_req, res) => {
    const report = await health();
    res.status(report.ok ? 200 : 503).json(report);
  });
  app.get('/metrics', metricsEndpoint({ registry: metricsRegistry, token: options.metricsToken }));
  app.use(
    '/graphql',
    operationSpan(),
    express.json({ limit: maxBodyBytes }),
    expressMiddleware(apollo, {
      context: async ({ req }) => contextOf(await authenticate(req.headers.authorization)),
    }),
  );
  // Bodies that never reach GraphQL: too large, or not JSON. Answered as GraphQL-shaped JSON errors.
  const bodyErrors: ErrorRequestHandler = (error: { type?: string; status?: number }, _req, res, next) => {
    if (error.type === 'entity.too.large') {
      res.status(413).json({
        errors: [
          {
            message: `The request body is over ${maxBodyBytes} bytes`,
            extensions: { code: 'PAYLOAD_TOO_LARGE' },
          },
        ],
      });
    } else if (error.type === 'entity.parse.failed') {
      res.status(400).json({
        errors: [{ message: 'The request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }],
      });
    } else if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
      // Anything else the body reader refuses (a charset or content encoding it cannot read, ...).
      const message =
        error.status === 415
          ? 'The request body has an unsupported charset or encoding'
          : 'The request body cannot be read';
      res.status(error.status).json({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
    } else {
      next(error);
    }
  };
  app.use('/graphql', bodyErrors);

  return {
    httpServer,
    subscriptionExecutions: () => ws.executions(),
    listen: (port) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, () => resolve((httpServer.address() as AddressInfo).port));
      }),
    close: async () => {
      await apollo.stop();
      await hub.close();
    },
  };
}
