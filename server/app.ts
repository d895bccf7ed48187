import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import type { Client } from '@temporalio/client';
import express from 'express';
import { useServer } from 'graphql-ws/use/ws';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import type { SecretBox } from '../db/secret-box';
import { WebSocketServer } from 'ws';
import type { AuthenticatedPrincipal } from './auth/token.service';
import type { Context } from './context';
import { createErrorFormatter, DomainError } from './errors';
import { createLoaders } from './graphql/loaders';
import { checkHealth } from './health';
import { lockstepSchema } from './schema';
import { createServices } from './services';

export interface ApiServerOptions {
  dataSource: DataSource;
  temporal: Client;
  taskQueue: string;
  retryHoldSeconds: number;
  secretBox: SecretBox | null;
  introspection: boolean;
  log?: (message: string) => void;
}

export interface ApiServer {
  httpServer: Server;
  listen(port: number): Promise<number>;
  close(): Promise<void>;
}

const bearer = /^Bearer\s+(\S+)$/i;

/** GraphQL over HTTP and WebSocket on one port at /graphql, plus GET /healthz. */
export async function createApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const log = options.log ?? ((message: string) => console.error(message));
  const services = createServices(options);
  const schema = await lockstepSchema();

  async function authenticate(authorization: unknown): Promise<AuthenticatedPrincipal | null> {
    if (authorization === undefined || authorization === null || authorization === '') return null;
    const match = typeof authorization === 'string' ? bearer.exec(authorization) : null;
    const principal = match?.[1] ? await services.tokens.authenticate(match[1]) : null;
    if (!principal) {
      throw new DomainError('UNAUTHENTICATED', 'The API token is not valid or was revoked', {
        http: { status: 401 },
      });
    }
    return principal;
  }

  const contextFor = async (authorization: unknown): Promise<Context> => ({
    principal: await authenticate(authorization),
    services,
    loaders: createLoaders(options.dataSource),
  });

  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: 1024 * 1024 });
  const wsCleanup = useServer(
    {
      schema,
      context: (ctx) => contextFor(ctx.connectionParams?.authorization),
    },
    wsServer,
  );

  const apollo = new ApolloServer<Context>({
    schema,
    introspection: options.introspection,
    formatError: createErrorFormatter(log),
    includeStacktraceInErrorResponses: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      { serverWillStart: async () => ({ drainServer: async () => void (await wsCleanup.dispose()) }) },
    ],
  });
  await apollo.start();

  app.get('/healthz', async (_req, res) => {
    const report = await checkHealth(options.dataSource, options.temporal);
    res.status(report.ok ? 200 : 503).json(report);
  });
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, { context: async ({ req }) => contextFor(req.headers.authorization) }),
  );

  return {
    httpServer,
    listen: (port) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, () => resolve((httpServer.address() as AddressInfo).port));
      }),
    close: () => apollo.stop(),
  };
}
