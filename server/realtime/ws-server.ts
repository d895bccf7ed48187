import {
  execute,
  specifiedRules,
  validate,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import type { Context as SocketContext } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApiLimits } from '../api-limits';
import type { AuthenticatedPrincipal } from '../auth/principal';
import type { Context } from '../context';
import { DomainError } from '../errors';
import { queryLimitsRule } from '../graphql/limits';
import { costRefusal } from '../graphql/query-cost';
import type { NotificationHub } from './notification-hub';
import { SharedExecution } from './shared-execution';

/** Close codes this server sends besides graphql-ws's own; graphql-ws clients retry 4008, not 4403. */
export const closeCodes = {
  /** The token was revoked or expired (or was not valid when the connection opened). */
  forbidden: 4403,
  /** The client did not read its messages fast enough (`LOCKSTEP_SUBSCRIPTION_QUEUE_LIMIT`). */
  slowConsumer: 4008,
} as const;

type Extra = { socket: WebSocket; tokenId?: string; expiry?: NodeJS.Timeout };
type Connection = SocketContext<Record<string, unknown> | undefined, Extra>;

export interface GraphqlWsOptions {
  httpServer: Server;
  schema: GraphQLSchema;
  hub: NotificationHub;
  limits: ApiLimits;
  maxPayload: number;
  authenticate: (authorization: unknown) => Promise<AuthenticatedPrincipal | null>;
  /** The ids among `tokenIds` that are still valid, read afresh. */
  validTokenIds: (tokenIds: string[]) => Promise<Set<string>>;
  contextOf: (principal: AuthenticatedPrincipal | null, onSlowConsumer: () => void) => Context;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  log: (message: string) => void;
  /** One execution per event for subscribers of one group (`shared-execution.ts`); default on. */
  shareExecutions?: boolean;
}

export interface GraphqlWs {
  /** Subscription events executed so far (one per group and event while shared). */
  executions(): number;
  dispose(): Promise<void>;
  /** What is open now, for the API's metrics. */
  openConnections(): number;
  openOperations(): number;
}

/** Node timers take at most 2^31-1 ms; a later expiry is re-armed when that one fires. */
const maxTimerMs = 2 ** 31 - 1;

/**
 * graphql-ws on /graphql. The token is checked when a connection opens and again for each operation;
 * revoking it (on any replica: the news comes by NOTIFY, re-checked after the LISTEN connection was lost)
 * or its expiry closes the connections that use it. Each connection and each token may have a bounded
 * number of operations open, and each operation passes the same document limits and cost ceiling as HTTP.
 */
export function serveGraphqlWs(options: GraphqlWsOptions): GraphqlWs {
  const { limits, formatError } = options;
  const connectionsByToken = new Map<string, Set<Connection>>();

  const closeAll = (tokenId: string, reason: string) => {
    for (const connection of connectionsByToken.get(tokenId) ?? [])
      connection.extra.socket.close(closeCodes.forbidden, `Forbidden: ${reason}`);
  };
  options.hub.on('tokens', ({ tokenId }) => closeAll(tokenId, 'the API token was revoked'));
  // A revocation may have gone unheard while the LISTEN connection was down: ask the database again.
  options.hub.on('reconnected', () => {
    const tokenIds = [...connectionsByToken.keys()];
    if (tokenIds.length === 0) return;
    options.validTokenIds(tokenIds).then(
      (valid) => {
        for (const tokenId of tokenIds)
          if (!valid.has(tokenId)) closeAll(tokenId, 'the API token was revoked or expired');
      },
      (error: Error) => options.log(`could not re-check the tokens of open WebSockets: ${error.message}`),
    );
  });

  const closeAtExpiry = (connection: Connection, expiresAt: Date) => {
    const left = expiresAt.getTime() - Date.now();
    if (left <= 0) {
      connection.extra.socket.close(closeCodes.forbidden, 'Forbidden: the API token expired');
      return;
    }
    const timer = setTimeout(() => closeAtExpiry(connection, expiresAt), Math.min(left, maxTimerMs));
    connection.extra.expiry = timer.unref();
  };

  const tooMany = (message: string) => new DomainError('TOO_MANY_SUBSCRIPTIONS', message);
  const openOn = (connection: Connection) => Object.keys(connection.subscriptions).length;

  // The cost depends on the variables and the caller, so it is checked per operation, after validation.
  const refusal = (args: ExecutionArgs): ExecutionResult | null => {
    const error = costRefusal(options.schema, {
      document: args.document,
      operationName: args.operationName,
      variables: args.variableValues,
      role: (args.contextValue as Context).principal?.role ?? null,
    });
    return error ? { errors: [error] } : null;
  };
  // A shared result is formatted once, by its execution, and sent as it is to every subscriber.
  const formatted = new WeakSet<ExecutionResult>();
  const formatResult = (result: ExecutionResult): ExecutionResult => {
    if (!result.errors || formatted.has(result)) return result;
    const masked = {
      ...result,
      errors: result.errors.map((error) => formatError(error.toJSON(), error) as GraphQLError),
    };
    formatted.add(masked);
    return masked;
  };
  const shared = new SharedExecution(formatResult, options.shareExecutions ?? true);

  const wsServer = new WebSocketServer({
    server: options.httpServer,
    path: '/graphql',
    maxPayload: options.maxPayload,
  });
  const server = useServer<Record<string, unknown> | undefined, Extra>(
    {
      schema: options.schema,
      validate: (target, document) => validate(target, document, [...specifiedRules, queryLimitsRule]),
      execute: (args) => refusal(args) ?? execute(args),
      subscribe: (args) => refusal(args) ?? shared.subscribe(args),
      onConnect: async (connection) => {
        const principal = await options
          .authenticate(connection.connectionParams?.authorization)
          .catch(() => null);
        if (!principal) return false; // closes the socket with 4403 Forbidden
        connection.extra.tokenId = principal.tokenId;
        const connections = connectionsByToken.get(principal.tokenId) ?? new Set<Connection>();
        connections.add(connection);
        connectionsByToken.set(principal.tokenId, connections);
        if (principal.expiresAt) closeAtExpiry(connection, principal.expiresAt);
        return true;
      },
      onClose: (connection) => {
        clearTimeout(connection.extra.expiry);
        const { tokenId } = connection.extra;
        const connections = tokenId ? connectionsByToken.get(tokenId) : undefined;
        connections?.delete(connection);
        if (tokenId && connections?.size === 0) connectionsByToken.delete(tokenId);
      },
      // graphql-ws has already counted the new operation in `subscriptions` when this runs.
      onSubscribe: (connection) => {
        if (openOn(connection) > limits.subscriptionsPerConnection) {
          return [
            tooMany(
              `This connection has ${limits.subscriptionsPerConnection} operations open, the most allowed; complete one first`,
            ),
          ];
        }
        const { tokenId } = connection.extra;
        let open = 0;
        for (const other of tokenId ? (connectionsByToken.get(tokenId) ?? []) : []) open += openOn(other);
        if (open > limits.subscriptionsPerToken) {
          return [
            tooMany(
              `This API token has ${limits.subscriptionsPerToken} operations open on this server, the most allowed`,
            ),
          ];
        }
        return undefined;
      },
      // A token revoked since the connection opened starts no new operation (its resolver says why).
      context: async (connection) =>
        options.contextOf(
          await options.authenticate(connection.connectionParams?.authorization).catch(() => null),
          () =>
            connection.extra.socket.close(
              closeCodes.slowConsumer,
              `Slow consumer: over ${limits.subscriptionQueueLimit} messages waited; reconnect and resume`,
            ),
        ),
      onNext: (_connection, _id, _payload, _args, result) => formatResult(result),
      onError: (_connection, _id, _payload, errors) =>
        errors.map((error) => formatError(error.toJSON(), error)),
    },
    wsServer,
  );
  const connections = () => [...connectionsByToken.values()].flatMap((set) => [...set]);
  return {
    executions: () => shared.executions,
    dispose: async () => void (await server.dispose()),
    /** What is open now, for the API's metrics. */
    openConnections: () => connections().length,
    openOperations: () => connections().reduce((sum, connection) => sum + openOn(connection), 0),
  };
}
