import type { ApolloServerPlugin } from '@apollo/server';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import { Kind, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { Context } from '../context';
import type { ApiMetrics } from './api-metrics';

const tracer = trace.getTracer('lockstep-api');

/** Error codes that may become a label value; anything else counts as `INTERNAL_SERVER_ERROR`. */
const knownCodes = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'QUERY_TOO_COSTLY',
  'TOO_MANY_SUBSCRIPTIONS',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** The operation's root field as a label: one of the schema's, `multiple`, or `none`. */
export function rootFieldOf(schema: GraphQLSchema, operation: OperationDefinitionNode | undefined): string {
  if (!operation) return 'none';
  const root = schema.getRootType(operation.operation);
  const names = new Set<string>();
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) return 'multiple';
    if (selection.name.value !== '__typename') names.add(selection.name.value);
  }
  const [name] = names;
  if (names.size > 1) return 'multiple';
  return name && root?.getFields()[name] ? name : 'none';
}

export function outcomeOf(errors: ReadonlyArray<{ extensions?: Record<string, unknown> }> | undefined) {
  const code = errors?.[0]?.extensions?.code;
  if (!errors || errors.length === 0) return 'ok';
  return typeof code === 'string' && knownCodes.has(code) ? code : 'INTERNAL_SERVER_ERROR';
}

/**
 * A span per GraphQL HTTP request, made the active context for everything the request does, so the
 * Temporal client's interceptor continues it into workflows and activities. A caller's `traceparent`
 * header is honoured (its trace continues here). Without an exporter configured, the spans are no-ops.
 */
export function operationSpan(): RequestHandler {
  return (req, res, next) => {
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer.startSpan('graphql', { kind: SpanKind.SERVER }, parent);
    res.once('close', () => span.end());
    context.with(trace.setSpan(parent, span), next);
  };
}

/** Names the request's span after its operation, and times it in the operation histogram. */
export function operationTelemetryPlugin(
  schema: GraphQLSchema,
  metrics: ApiMetrics,
): ApolloServerPlugin<Context> {
  return {
    requestDidStart: async () => {
      const started = process.hrtime.bigint();
      let operation: OperationDefinitionNode | undefined;
      let field = 'none';
      const span: Span | undefined = trace.getActiveSpan();
      return {
        didResolveOperation: async (request) => {
          const resolved = request.operation;
          if (!resolved) return;
          operation = resolved;
          field = rootFieldOf(schema, resolved);
          span?.updateName(`graphql ${resolved.operation} ${field}`);
          span?.setAttribute('graphql.operation.type', resolved.operation);
          span?.setAttribute('graphql.operation.root_field', field);
        },
        willSendResponse: async ({ response }) => {
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          const outcome = outcomeOf(errors);
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          metrics.operationDuration.observe(
            { type: operation?.operation ?? 'none', operation: field, outcome },
            seconds,
          );
          if (outcome !== 'ok') span?.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
        },
      };
    },
  };
}
