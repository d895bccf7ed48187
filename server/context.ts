import type { AuthenticatedPrincipal } from './auth/token.service';
import type { Loaders } from './graphql/loaders';
import type { Services } from './services';

/** What every resolver receives: who is calling, the services, and this request's loaders. */
export interface Context {
  principal: AuthenticatedPrincipal | null;
  services: Services;
  loaders: Loaders;
}
