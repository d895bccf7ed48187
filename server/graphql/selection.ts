import { Kind, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Whether the operation asks, below the field being resolved, for a field at `path` (field names, not
 * aliases; one of several names at each step), through fragments and inline fragments alike. A resolver
 * reads this to fetch ahead in its own statement what its children would otherwise load one statement
 * each. `@skip`/`@include` are not evaluated: a field they leave out still counts as asked, which only
 * fetches a little more than needed.
 */
export function selectsPath(
  info: GraphQLResolveInfo,
  path: ReadonlyArray<string | readonly string[]>,
): boolean {
  const sets = info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  return sets.some((set) => reaches(set, path, info.fragments, new Set()));
}

function reaches(
  set: SelectionSetNode,
  path: ReadonlyArray<string | readonly string[]>,
  fragments: Record<string, FragmentDefinitionNode>,
  spread: Set<string>,
): boolean {
  const [step, ...rest] = path;
  if (step === undefined) return true;
  const names: readonly string[] = typeof step === 'string' ? [step] : step;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (!names.includes(selection.name.value)) continue;
      if (rest.length === 0) return true;
      if (selection.selectionSet && reaches(selection.selectionSet, rest, fragments, spread)) return true;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (reaches(selection.selectionSet, path, fragments, spread)) return true;
    } else {
      // A fragment spread more than once along one path (validation refuses cycles) is read once.
      const name = selection.name.value;
      const fragment = fragments[name];
      if (!fragment || spread.has(name)) continue;
      if (reaches(fragment.selectionSet, path, fragments, new Set([...spread, name]))) return true;
    }
  }
  return false;
}
