import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

/** How much one GraphQL document may ask for; shared by HTTP and WebSocket. */
export const queryLimits = {
  /** Nesting of selections, fragments followed. The deepest real query (a run's action logs) is about 6. */
  maxDepth: 12,
  /** Aliased fields in one document: aliases multiply work without deepening the query. */
  maxAliases: 30,
  /** Field selections in one document, fragments counted where they are spread. */
  maxSelections: 600,
  /** Estimated work: each field costs 1, times the page size (`first`/`limit`, else 20) of each page above it. */
  maxCost: 20_000,
} as const;

const defaultPageSize = 20;
const limitError = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

/**
 * One validation rule for all the limits: walks each operation (following fragment spreads, each at most
 * once per path) and reports the first limit it breaks. Malformed documents are left to the spec rules.
 */
export function queryLimitsRule(context: ValidationContext): ASTVisitor {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of context.getDocument().definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return {
    OperationDefinition(operation) {
      let aliases = 0;
      let selections = 0;
      let cost = 0;
      let depth = 0;
      const walk = (set: SelectionSetNode, level: number, multiplier: number, path: Set<string>) => {
        depth = Math.max(depth, level);
        for (const selection of set.selections) {
          if (selection.kind === Kind.FIELD) {
            selections++;
            if (selection.alias) aliases++;
            cost += multiplier;
            if (selection.selectionSet) {
              const first = selection.arguments?.find(
                (a) => a.name.value === 'first' || a.name.value === 'limit',
              );
              const size =
                first?.value.kind === Kind.INT
                  ? Math.max(1, Number(first.value.value))
                  : pagedFields.has(selection.name.value)
                    ? defaultPageSize
                    : 1;
              walk(selection.selectionSet, level + 1, multiplier * size, path);
            }
          } else if (selection.kind === Kind.INLINE_FRAGMENT) {
            walk(selection.selectionSet, level, multiplier, path);
          } else {
            const name = selection.name.value;
            const fragment = fragments.get(name);
            if (!fragment || path.has(name)) continue; // unknown or cyclic: the spec rules report it
            walk(fragment.selectionSet, level, multiplier, new Set([...path, name]));
          }
          if (selections > queryLimits.maxSelections) return;
        }
      };
      walk(operation.selectionSet, 1, 1, new Set());
      if (depth > queryLimits.maxDepth) {
        context.reportError(
          limitError(`The query is nested ${depth} levels deep; at most ${queryLimits.maxDepth} are allowed`),
        );
      } else if (aliases > queryLimits.maxAliases) {
        context.reportError(
          limitError(`The query uses ${aliases} aliases; at most ${queryLimits.maxAliases} are allowed`),
        );
      } else if (selections > queryLimits.maxSelections) {
        context.reportError(limitError(`The query selects more than ${queryLimits.maxSelections} fields`));
      } else if (cost > queryLimits.maxCost) {
        context.reportError(
          limitError(`The query would cost about ${cost}; at most ${queryLimits.maxCost} is allowed`),
        );
      }
    },
  };
}

/**
 * Paged fields: their selections repeat per item of a page, 20 unless `first`/`limit` says otherwise.
 * Other lists (a run's stages, a stage's actions) are small by construction and counted once; depth and
 * alias limits bound what nesting them can do.
 */
const pagedFields = new Set([
  'pipelines',
  'pipelineRuns',
  'runs',
  'deploymentRuns',
  'webhookDeliveries',
  'logs',
]);
