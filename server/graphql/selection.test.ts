import { buildSchema, graphql, type GraphQLResolveInfo } from 'graphql';
import { describe, expect, it } from 'vitest';
import { selectsPath } from './selection';

const schema = buildSchema(`
  type Query { runs: Connection }
  type Connection { edges: [Edge] totalCount: Int }
  type Edge { node: Run }
  type Run { id: ID stages: [Stage] currentStage: Stage }
  type Stage { name: String actions: [Action] }
  type Action { name: String }
`);

/** The resolve info of `runs` in `query`. */
async function infoOf(query: string): Promise<GraphQLResolveInfo> {
  let seen: GraphQLResolveInfo | undefined;
  const result = await graphql({
    schema,
    source: query,
    rootValue: { runs: (_args: unknown, _ctx: unknown, info: GraphQLResolveInfo) => ((seen = info), null) },
  });
  expect(result.errors).toBeUndefined();
  return seen!;
}

const stages = ['edges', 'node', ['stages', 'currentStage']] as const;
const actions = [...stages, 'actions'] as const;

describe('selectsPath', () => {
  it('follows plain fields, by name and not by alias', async () => {
    const info = await infoOf(`{ runs { edges { node { steps: stages { name } } } } }`);
    expect(selectsPath(info, stages)).toBe(true);
    expect(selectsPath(info, actions)).toBe(false);
    expect(selectsPath(info, ['edges', 'node', 'steps'])).toBe(false);
  });

  it('follows fragment spreads and inline fragments, any of several names at a step', async () => {
    const info = await infoOf(`
      query { runs { ...Page } }
      fragment Page on Connection { edges { node { ... on Run { currentStage { ...S } } } } }
      fragment S on Stage { actions { name } }`);
    expect(selectsPath(info, stages)).toBe(true);
    expect(selectsPath(info, actions)).toBe(true);
    expect(selectsPath(info, ['totalCount'])).toBe(false);
  });

  it('answers false when the path is not asked, and true for a leaf at its end', async () => {
    const info = await infoOf(`{ runs { totalCount edges { node { id } } } }`);
    expect(selectsPath(info, stages)).toBe(false);
    expect(selectsPath(info, ['totalCount'])).toBe(true);
    expect(selectsPath(info, ['edges', 'node', 'id'])).toBe(true);
  });
});
