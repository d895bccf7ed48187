import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { Role } from '../../db/domain';
import { DomainError } from '../errors';
import { defaultPageSize } from './page';

/**
 * The most one request may cost, by the caller's role. VIEWER tokens are the ones handed out widely
 * (wallboards, read-only integrations), so they get a low ceiling that the dashboard's own queries stay
 * well under (a unit test checks every one). The other roles may already change production; theirs allows a
 * script to read a whole run with every action's logs, and is GitHub's node limit per request.
 * Unauthenticated requests are costed as VIEWERs.
 */
export const costCeilings: Record<Role, number> = {
  VIEWER: 20_000,
  OPERATOR: 500_000,
  APPROVER: 500_000,
  ADMIN: 500_000,
};

/** Fields sized by an argument: the argument's value, else what the resolver reads when it is absent. */
export const sizedBy: Record<string, { argument: string; absent: number }> = {
  'Query.pipelines': { argument: 'first', absent: defaultPageSize },
  'Query.pipelineRuns': { argument: 'first', absent: defaultPageSize },
  'Query.deploymentRuns': { argument: 'first', absent: defaultPageSize },
  'Query.webhookDeliveries': { argument: 'first', absent: defaultPageSize },
  'Pipeline.runs': { argument: 'first', absent: defaultPageSize },
  'Query.auditLog': { argument: 'first', absent: defaultPageSize },
  'Query.artifacts': { argument: 'first', absent: 50 },
  'ActionRun.logs': { argument: 'limit', absent: 1000 },
  'DeploymentRun.logs': { argument: 'limit', absent: 1000 },
};

/**
 * Lists without a size argument: the most they hold in practice (the hard limits, where one is lower).
 * Pipelines may have 50 stages of 100 actions, but costing every run at that would refuse the dashboard;
 * depth and alias limits bound what a caller gains from the gap.
 */
export const listSizes: Record<string, number> = {
  'Query.apiTokens': 100,
  'Query.services': 100,
  'Query.environments': 50,
  'Query.deployments': 100,
  'Query.secrets': 100,
  'Query.webhookSubscriptions': 50,
  'Query.incidents': 1000, // the presenter's cap
  'Pipeline.stages': 10,
  'PipelineRun.stages': 10,
  'PipelineRun.decisions': 5, // one per decision in a hold
  'Stage.actions': 10,
  'Stage.services': 20,
  'Pipeline.schedules': 10,
  'Query.schedules': 100, // an environment pipeline's stage: its services
  'StageRun.actions': 10,
  'ActionRun.attempts': 5,
  'ActionRun.approvals': 5,
  'DeploymentRun.planApprovals': 5,
  'DeploymentRun.commits': 100,
  'DoraMetric.series': 100,
  'Query.live': 200, // one per service and environment with a successful deployment
  'PipelineRun.artifacts': 10, // what one run builds or receives (at most 50 per action)
  'ActionRun.artifacts': 5,
  'DeploymentRun.artifacts': 5,
  'LiveDeployment.artifacts': 5,
  'ApprovalRequest.newCommits': 20, // a run's commits not live yet: those of a push or two
  'ApprovalRequest.artifactChanges': 5,
  'Query.freezeWindows': 500, // the presenter's cap
  'PipelineRun.freezeWindowsHolding': 2, // usually one window, rarely two overlapping
};
/** A list this table forgets still costs more than one item (a unit test lists the forgotten ones). */
export const unlistedListSize = 50;

/** What one item of `field` multiplies its selections by. Connection `edges` ride on their field's size. */
function sizeOf(
  parent: GraphQLCompositeType,
  field: GraphQLField<unknown, unknown>,
  args: Record<string, unknown>,
): number {
  const key = `${parent.name}.${field.name}`;
  const sized = sizedBy[key];
  if (sized) {
    const value = args[sized.argument];
    return typeof value === 'number' && Number.isFinite(value) ? Math.max(1, value) : sized.absent;
  }
  if (!isListType(getNullableType(field.type))) return 1;
  if (parent.name.endsWith('Connection') && field.name === 'edges') return 1;
  return listSizes[key] ?? unlistedListSize;
}

/**
 * The estimated work of the operation with these variables: each field costs 1 for each item it is
 * resolved for, i.e. the product of the sizes of every list above it. Fragments are followed (each once
 * per path); fields the schema does not know are left to validation. Variables that do not coerce are
 * left to execution, which refuses them.
 */
export function queryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
): number {
  const operation = getOperationAST(document, operationName);
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) return 0;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {});
  const variables = coerced.coerced ?? {};
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const typeNamed = (name: string | undefined, fallback: GraphQLCompositeType) => {
    const type = name === undefined ? fallback : schema.getType(name);
    return type && isCompositeType(type) ? type : null;
  };

  let cost = 0;
  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType, items: number, path: Set<string>) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        cost += items;
        // Introspection reads the schema in memory, bounded by its size and the depth limit.
        if (selection.name.value.startsWith('__')) continue;
        const field =
          isObjectType(parent) || isInterfaceType(parent)
            ? parent.getFields()[selection.name.value]
            : undefined;
        if (!field || !selection.selectionSet) continue;
        const child = getNamedType(field.type);
        if (!isCompositeType(child)) continue;
        let args: Record<string, unknown> = {};
        try {
          args = getArgumentValues(field, selection, variables);
        } catch {
          // a bad argument fails the request when it runs; cost it as if absent
        }
        walk(selection.selectionSet, child, items * sizeOf(parent, field, args), path);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = typeNamed(selection.typeCondition?.name.value, parent);
        if (type) walk(selection.selectionSet, type, items, path);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || path.has(name)) continue; // unknown or cyclic: validation reports it
        const type = typeNamed(fragment.typeCondition.name.value, parent);
        if (type) walk(fragment.selectionSet, type, items, new Set([...path, name]));
      }
    }
  };
  walk(operation.selectionSet, root, 1, new Set());
  return cost;
}

/** The refusal for an operation over the caller's ceiling, or null; the same over HTTP and WebSocket. */
export function costRefusal(
  schema: GraphQLSchema,
  request: {
    document: DocumentNode;
    operationName?: string | null;
    variables?: Record<string, unknown> | null;
    role: Role | null;
  },
): DomainError | null {
  const role = request.role ?? 'VIEWER';
  const ceiling = costCeilings[role];
  const cost = queryCost(schema, request.document, request.operationName, request.variables);
  if (cost <= ceiling) return null;
  return new DomainError(
    'QUERY_TOO_COSTLY',
    `The query would cost about ${cost.toLocaleString('en-US')}; at most ${ceiling.toLocaleString('en-US')} is allowed for a ${role} token (ask for smaller pages or fewer log lines)`,
    { cost, maxCost: ceiling, http: { status: 400 } },
  );
}
