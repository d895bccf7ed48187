import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * The series the API records (docs/operations.md, "Metrics"), registered on the registry its /metrics
 * serves. Labels come from closed sets (the schema's root fields, error codes, NOTIFY topics), never from
 * what a client typed: an operation name or a variable in a label would let any caller grow the scrape
 * without bound, and could carry a secret.
 */
export function createApiMetrics(
  registry: Registry,
  open: { operations(): number; connections(): number } = { operations: () => 0, connections: () => 0 },
) {
  const registers = [registry];
  return {
    operationDuration: new Histogram({
      name: 'lockstep_graphql_operation_duration_seconds',
      help:
        'GraphQL operations over HTTP, from request to response, by type (query, mutation), root field ' +
        '(`multiple` when an operation selects several, `none` when it never resolved) and outcome (ok or an error code)',
      labelNames: ['type', 'operation', 'outcome'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    subscriptionsActive: new Gauge({
      name: 'lockstep_graphql_subscriptions_active',
      help: 'GraphQL operations open on WebSocket connections of this API process',
      registers,
      collect() {
        this.set(open.operations());
      },
    }),
    websocketConnections: new Gauge({
      name: 'lockstep_graphql_websocket_connections',
      help: 'Authenticated WebSocket connections open on this API process',
      registers,
      collect() {
        this.set(open.connections());
      },
    }),
    notifications: new Counter({
      name: 'lockstep_notifications_received_total',
      help: 'NOTIFY announcements this API process received on its LISTEN connection, by topic (events, runs, logs, tokens): what it fans out to its subscribers',
      labelNames: ['topic'] as const,
      registers,
    }),
    listenReconnects: new Counter({
      name: 'lockstep_listen_reconnects_total',
      help: 'Times the LISTEN connection of this API process was lost and opened again',
      registers,
    }),
  };
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>;
