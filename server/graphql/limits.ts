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
} as const;

const limitError = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

/**
 * One validation rule for the limits of the document's shape: walks each operation (following fragment
 * spreads, each at most once per path) and reports the first limit it breaks. Malformed documents are left
 * to the spec rules. The cost, which depends on the variables and the caller, is `query-cost.ts`.
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
      let depth = 0;
      const walk = (set: SelectionSetNode, level: number, path: Set<string>) => {
        depth = Math.max(depth, level);
        for (const selection of set.selections) {
          if (selection.kind === Kind.FIELD) {
            selections++;
            if (selection.alias) aliases++;
            if (selection.selectionSet) walk(selection.selectionSet, level + 1, path);
          } else if (selection.kind === Kind.INLINE_FRAGMENT) {
            walk(selection.selectionSet, level, path);
          } else {
            const name = selection.name.value;
            const fragment = fragments.get(name);
            if (!fragment || path.has(name)) continue; // unknown or cyclic: the spec rules report it
            walk(fragment.selectionSet, level, new Set([...path, name]));
          }
          if (selections > queryLimits.maxSelections) return;
        }
      };
      walk(operation.selectionSet, 1, new Set());
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
      }
    },
  };
}
