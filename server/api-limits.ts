/**
 * What one caller may make an API process do, beyond the per-document limits of `graphql/limits.ts` and
 * the cost ceilings of `graphql/query-cost.ts`. Configured by `main/config.ts` (docs/security.md).
 */
export interface ApiLimits {
  /** PostgreSQL statement_timeout of the API's connections, in ms; 0 turns it off. */
  statementTimeoutMs: number;
  /** Operations (subscriptions, and queries sent over the socket) open at once on one WebSocket... */
  subscriptionsPerConnection: number;
  /** ...and over all of one token's WebSockets to this API process. */
  subscriptionsPerToken: number;
  /** Messages waiting for one subscriber that does not read before its connection is dropped. */
  subscriptionQueueLimit: number;
}

export const defaultApiLimits: ApiLimits = {
  statementTimeoutMs: 30_000,
  subscriptionsPerConnection: 50,
  subscriptionsPerToken: 200,
  subscriptionQueueLimit: 1000,
};

/**
 * How long the API keeps an idle HTTP keep-alive connection open by default: longer than the 60 s a load
 * balancer commonly keeps one (see createApiServer).
 */
export const defaultKeepAliveSeconds = 65;
