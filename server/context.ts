import type { AuthenticatedPrincipal } from './auth/principal';
import type { Loaders } from './graphql/loaders';
import type { LiveFeeds } from './realtime/live-feeds';
import type { Services } from './services';

/** What every resolver receives: who is calling, the services, and this request's loaders. */
export interface Context {
  principal: AuthenticatedPrincipal | null;
  services: Services;
  loaders: Loaders;
  /** Subscriptions' sources. */
  live: LiveFeeds;
  /** New loaders for the next result (a subscription's context lives as long as the subscription). */
  refreshLoaders(): void;
  /** Over a WebSocket: drops the connection of a subscriber that does not keep up with its messages. */
  onSlowConsumer?: () => void;
}
