import { describe, expect } from 'vitest';
import { ok, test, type Harness } from '../support/fixtures';
import { command, createPipeline } from '../support/pipelines';

/**
 * Lists paged by (instant, id) keep the instant to the microsecond in their cursors (server/graphql/page.ts):
 * rows stored within one millisecond are neither skipped nor listed twice.
 */

interface Connection {
  edges: Array<{ node: { id: string } }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Every id of a list, one row per page. */
async function pageByPage(
  h: Harness,
  field: 'pipelines' | 'deploymentRuns',
  filter: Record<string, unknown>,
): Promise<string[]> {
  const args = Object.keys(filter)
    .map((name) => `${name}: $${name}`)
    .join(', ');
  const types = Object.keys(filter)
    .map((name) => `$${name}: ID`)
    .join(', ');
  const query = `query($after: String, ${types}) {
    ${field}(first: 1, after: $after, ${args}) { edges { node { id } } pageInfo { hasNextPage endCursor } }
  }`;
  const seen: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 10; page++) {
    const data: Record<string, Connection> = await ok<Record<string, Connection>>(h, query, {
      ...filter,
      after,
    });
    const connection = data[field]!;
    seen.push(...connection.edges.map((e) => e.node.id));
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
  }
  return seen;
}

/** Sets `column` of the rows `ids` to instants a microsecond apart within one millisecond, in that order. */
async function sameMillisecond(h: Harness, table: string, column: string, ids: string[]) {
  for (const [i, id] of ids.entries())
    await h.dataSource.query(`UPDATE ${table} SET ${column} = $2::timestamptz WHERE id = $1`, [
      id,
      `2026-03-04T10:00:00.12300${i + 1}Z`,
    ]);
}

describe('keyset pages', () => {
  test('pipelines (oldest first) stored within one millisecond: each listed once', async ({ harness: h }) => {
    const { createService } = await ok<{ createService: { id: string } }>(
      h,
      `mutation { createService(input: { name: "keyset", team: "pages" }) { id } }`,
    );
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const pipeline = await createPipeline(h, {
        name: `keyset-${i}`,
        serviceId: createService.id,
        stages: [{ name: 'build', actions: [command('compile', 'true')] }],
      });
      ids.push(pipeline.id);
    }
    await sameMillisecond(h, 'pipelines', 'created_at', ids);
    expect(await pageByPage(h, 'pipelines', { serviceId: createService.id })).toEqual(ids);
  });

  test('deployment runs (newest first) started within one millisecond: none skipped', async ({
    harness: h,
  }) => {
    const { createService } = await ok<{ createService: { id: string } }>(
      h,
      `mutation { createService(input: { name: "keyset-deploys", team: "pages" }) { id } }`,
    );
    const { createEnvironment } = await ok<{ createEnvironment: { id: string } }>(
      h,
      `mutation { createEnvironment(input: { name: "keyset-prod", tier: PRODUCTION }) { id } }`,
    );
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { recordExternalDeployment } = await ok<{ recordExternalDeployment: { id: string } }>(
        h,
        `mutation($i: ExternalDeploymentInput!) { recordExternalDeployment(input: $i) { id } }`,
        {
          i: {
            serviceId: createService.id,
            environmentId: createEnvironment.id,
            status: 'SUCCEEDED',
            startedAt: `2026-03-0${i + 1}T09:00:00Z`,
            finishedAt: `2026-03-0${i + 1}T09:05:00Z`,
          },
        },
      );
      ids.push(recordExternalDeployment.id);
    }
    await sameMillisecond(h, 'deployment_runs', 'started_at', ids);
    expect(await pageByPage(h, 'deploymentRuns', { serviceId: createService.id })).toEqual(
      [...ids].reverse(),
    );
  });
});
