import { randomUUID } from 'node:crypto';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/**
 * Errors users can cause carry `extensions.code`. Everything else is masked by `formatError` as an internal
 * error with an id that the server log shows next to the real cause.
 */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  /** The operation's estimated cost is over the caller's ceiling (`graphql/query-cost.ts`). */
  | 'QUERY_TOO_COSTLY'
  /** A WebSocket connection or token has as many operations open as it may. */
  | 'TOO_MANY_SUBSCRIPTIONS';

export class DomainError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
  }
}

export const unauthenticated = () =>
  new DomainError('UNAUTHENTICATED', 'Authentication required: send Authorization: Bearer <api token>');
export const forbidden = (needed: string, why?: string) =>
  new DomainError('FORBIDDEN', why ? `Forbidden: ${why}` : `This operation needs the ${needed} role`);
/** `field` is the input path at fault, e.g. `input.stages[0].actions[1].config.command`. */
export const badInput = (field: string, message: string) =>
  new DomainError('BAD_USER_INPUT', `${field}: ${message}`, { field });
export const notFound = (what: string, id: string) =>
  new DomainError('NOT_FOUND', `${what} ${id} does not exist`);
export const conflict = (message: string) => new DomainError('CONFLICT', message);

/** Codes produced by graphql-js and Apollo Server for malformed requests: safe to pass through. */
const requestErrorCodes = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

export function createErrorFormatter(log: (message: string) => void) {
  return function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
    const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
    const domain =
      error instanceof DomainError ? error : original instanceof DomainError ? original : undefined;
    if (domain) {
      const { http: _http, ...extensions } = domain.extensions;
      return { message: domain.message, path: formatted.path, locations: formatted.locations, extensions };
    }
    const code = formatted.extensions?.code;
    if (
      typeof code === 'string' &&
      requestErrorCodes.has(code) &&
      !(original instanceof Error && !(original instanceof GraphQLError))
    ) {
      return {
        message: formatted.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code },
      };
    }
    const errorId = randomUUID();
    const cause = original instanceof Error ? (original.stack ?? original.message) : String(original);
    log(`internal error ${errorId} at ${formatted.path?.join('.') ?? '(request)'}: ${cause}`);
    return {
      message: `Internal server error (id ${errorId})`,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR', errorId },
    };
  };
}
