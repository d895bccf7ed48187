import {
  buildSchema,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  Kind,
  OperationTypeNode,
  parse,
} from 'graphql';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { costCeilings, costRefusal, listSizes, queryCost, sizedBy } from './query-cost';

const schema = buildSchema(readFileSync(path.join(__dirname, '..', 'schema.graphql'), 'utf8'));
const cost = (query: string, variables: Record<string, unknown> = {}) =>
  queryCost(schema, parse(query), undefined, variables);

describe('queryCost', () => {
  it('counts a page size passed as a variable at its value, and a default when it is left out', () => {
    const runs = 'query($n: Int) { pipelineRuns(first: $n) { edges { node { id } } } }';
    expect(cost(runs, { n: 100 })).toBe(1 + 100 * 3);
    expect(cost(runs, { n: 2 })).toBe(1 + 2 * 3);
    expect(cost(runs)).toBe(1 + 20 * 3);
    expect(cost('query($n: Int = 50) { pipelineRuns(first: $n) { totalCount } }')).toBe(1 + 50);
  });

  it('costs logs at their limit (1,000 when absent) and multiplies through unpaged lists', () => {
    const logs = (limit: string) =>
      `query($n: Int) { pipelineRun(id: "x") { stages { actions { logs${limit} { text } } } } }`;
    // pipelineRun 1, stages 1, actions 10, logs 100, text 100 * size
    expect(cost(logs('(limit: $n)'), { n: 5000 })).toBe(1 + 1 + 10 + 100 + 100 * 5000);
    expect(cost(logs(''))).toBe(1 + 1 + 10 + 100 + 100 * 1000);
  });

  it('refuses the issue-13 attack for every role, with the cost and the ceiling', () => {
    const document = parse(
      'query($n:Int){pipelineRuns(first:100){edges{node{stages{actions{logs(limit:$n){text}}}}}}}',
    );
    for (const role of ['VIEWER', 'OPERATOR', 'APPROVER', 'ADMIN'] as const) {
      const refusal = costRefusal(schema, { document, variables: { n: 5000 }, role });
      expect(refusal?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', maxCost: costCeilings[role] });
      expect(refusal?.extensions.cost).toBeGreaterThan(50_000_000);
      expect(refusal?.extensions.cost).toBeGreaterThan(costCeilings[role]);
      expect(refusal?.message).toContain(`at most ${costCeilings[role].toLocaleString('en-US')}`);
    }
  });

  it('gives VIEWERs the lowest ceiling, and an unauthenticated caller the VIEWER one', () => {
    const document = parse(
      '{ pipelineRuns(first: 100) { edges { node { stages { actions { id name status } } } } } }',
    );
    expect(costRefusal(schema, { document, role: 'ADMIN' })).toBeNull();
    expect(costRefusal(schema, { document, role: 'VIEWER' })?.extensions.code).toBe('QUERY_TOO_COSTLY');
    expect(costRefusal(schema, { document, role: null })?.extensions.code).toBe('QUERY_TOO_COSTLY');
  });

  it("lets other roles read a whole run with every action's logs, and costs introspection by its size", () => {
    const run = `query($id: ID!) { pipelineRun(id: $id) { id status stages { id name status
      actions { id name kind status outputs attempts { number error } approvals { approved principal { name } }
      logs { seq stream text } } } } }`;
    expect(
      costRefusal(schema, { document: parse(run), variables: { id: 'x' }, role: 'OPERATOR' }),
    ).toBeNull();
    const introspection = parse(
      '{ __schema { types { name fields { name args { name type { name ofType { name } } } } } } }',
    );
    expect(costRefusal(schema, { document: introspection, role: 'VIEWER' })).toBeNull();
  });

  it('sizes every list of the schema explicitly', () => {
    const unsized: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__') || type.name === 'Mutation') continue;
      for (const field of Object.values(type.getFields())) {
        const key = `${type.name}.${field.name}`;
        if (!isCompositeType(getNamedType(field.type))) continue;
        if (!isListType(getNullableType(field.type))) continue;
        if (type.name.endsWith('Connection') && field.name === 'edges') continue;
        if (!(key in listSizes) && !(key in sizedBy)) unsized.push(key);
      }
    }
    expect(unsized).toEqual([]);
  });

  it("keeps every dashboard query under the VIEWER ceiling, at the dashboard's largest pages", () => {
    const web = path.join(__dirname, '..', '..', 'web', 'app');
    const files = readdirSync(web, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.graphql'),
    );
    const costs: Record<string, number> = {};
    for (const file of files) {
      const document = parse(readFileSync(path.join(web, file), 'utf8'));
      for (const definition of document.definitions) {
        if (
          definition.kind !== Kind.OPERATION_DEFINITION ||
          definition.operation === OperationTypeNode.MUTATION
        )
          continue;
        const name = definition.name!.value;
        costs[name] = queryCost(schema, document, name, { first: 100 });
      }
    }
    expect(Object.keys(costs).length).toBeGreaterThan(5);
    for (const [name, value] of Object.entries(costs)) expect(value, name).toBeLessThan(costCeilings.VIEWER);
  });
});
