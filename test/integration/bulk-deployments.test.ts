import { describe, expect } from 'vitest';
import { type Harness, ok, test } from '../support/fixtures';

/** recordExternalDeployments: history imported a thousand at a time, all or none. */

const bulk = `mutation($i: [ExternalDeploymentInput!]!) { recordExternalDeployments(input: $i) }`;
const single = `mutation($i: ExternalDeploymentInput!) { recordExternalDeployment(input: $i) { id } }`;

let names = 0;
async function catalog(h: Harness) {
  const n = ++names;
  const service = async () =>
    (
      await ok<{ createService: { id: string } }>(
        h,
        `mutation($i: ServiceInput!) { createService(input: $i) { id } }`,
        { i: { name: `bulk-svc-${n}-${Math.random().toString(36).slice(2, 8)}`, team: 'imports' } },
      )
    ).createService.id;
  const env = async (name: string, tier: string) =>
    (
      await ok<{ createEnvironment: { id: string } }>(
        h,
        `mutation($i: EnvironmentInput!) { createEnvironment(input: $i) { id } }`,
        { i: { name: `${name}-${n}`, tier } },
      )
    ).createEnvironment.id;
  return {
    service,
    production: await env('bulk-prod', 'PRODUCTION'),
    staging: await env('bulk-stg', 'STAGING'),
  };
}

const minute = 60_000;
const base = Date.parse('2024-03-01T00:00:00Z');
const at = (hours: number) => new Date(base + hours * 3_600_000).toISOString();
const sha = (n: number) => n.toString(16).padStart(8, '0') + 'abc';

/**
 * A history with every kind of report DORA reads: deployments with shared and re-delivered commits, a
 * rollback, a failure, a staging deployment, one reported RUNNING then SUCCEEDED, and a revision alone.
 */
function history(serviceId: string, production: string, staging: string) {
  const items: Array<Record<string, unknown>> = [];
  for (let i = 0; i < 40; i++) {
    const finished = at(i * 7);
    const commits = [0, 1, 2].map((c) => ({ sha: sha(i * 3 + c), committedAt: at(i * 7 - 5 - c * 11) }));
    if (i % 9 === 4) commits.push({ sha: sha((i - 1) * 3), committedAt: at((i - 1) * 7 - 5) }); // re-delivered
    items.push({
      serviceId,
      environmentId: i % 13 === 5 ? staging : production,
      status: i % 11 === 7 ? 'FAILED' : 'SUCCEEDED',
      startedAt: new Date(Date.parse(finished) - 10 * minute).toISOString(),
      finishedAt: finished,
      revision: { ...commits[0]! },
      commits: i % 10 === 3 ? undefined : commits,
      isRollback: i % 8 === 6,
    });
  }
  // Reported running first, then finished: the second report moves it forward.
  const running = { ...items[20]!, status: 'RUNNING', finishedAt: null };
  items.splice(20, 0, running);
  return items;
}

const metricsQuery = `query($f: DoraFilter!) {
  doraMetrics(filter: $f) {
    deploymentFrequency { value sampleSize series { bucketStart value sampleSize } }
    leadTimeForChanges { value p75 p90 sampleSize series { bucketStart value sampleSize } }
    changeFailureRate { value sampleSize series { bucketStart value sampleSize } }
    timeToRestore { value p75 p90 sampleSize series { bucketStart value sampleSize } }
    deploymentReworkRate { value sampleSize series { bucketStart value sampleSize } }
  }
}`;
const metricsOf = async (h: Harness, serviceId: string) =>
  (
    await ok<{ doraMetrics: unknown }>(h, metricsQuery, {
      f: { from: at(-48), to: at(48 * 7), interval: 'WEEK', serviceIds: [serviceId] },
    })
  ).doraMetrics;
const countRuns = async (h: Harness, serviceId: string) =>
  Number(
    (
      await h.dataSource.query(`SELECT count(*) AS n FROM deployment_runs WHERE service_id = $1`, [serviceId])
    )[0].n,
  );

describe('recordExternalDeployments', () => {
  test('DORA numbers after a bulk import equal those after the same reports one by one', async ({
    harness: h,
  }) => {
    const { service, production, staging } = await catalog(h);
    const [oneByOne, imported] = [await service(), await service()];
    for (const item of history(oneByOne, production, staging)) await ok(h, single, { i: item });
    const items = history(imported, production, staging);
    const { recordExternalDeployments: recorded } = await ok<{ recordExternalDeployments: number }>(h, bulk, {
      i: items,
    });
    expect(recorded).toBe(items.length);
    expect(await countRuns(h, imported)).toBe(40);
    const [expected, actual] = [await metricsOf(h, oneByOne), await metricsOf(h, imported)];
    expect(JSON.stringify(expected)).toContain('"sampleSize":3'); // the window holds real numbers
    expect(actual).toEqual(expected);
    // Each deployment's change set and verdict too, matched by finish time.
    const facts = (serviceId: string) =>
      h.dataSource.query(
        `SELECT d.finished_at, d.status, d.is_rollback, f.change_failed, f.rework, f.lead_time_seconds,
                f.recovery_seconds, (SELECT string_agg(sha, ',' ORDER BY sha) FROM deployment_run_commits
                                      WHERE deployment_run_id = d.id) AS commits
           FROM deployment_runs d LEFT JOIN dora_deployment_facts f ON f.deployment_run_id = d.id
          WHERE d.service_id = $1 ORDER BY d.finished_at`,
        [serviceId],
      );
    expect(await facts(imported)).toEqual(await facts(oneByOne));
    // The same batch again records nothing new: every deployment is known and finished.
    expect(
      (await ok<{ recordExternalDeployments: number }>(h, bulk, { i: items })).recordExternalDeployments,
    ).toBe(0);
    expect(await countRuns(h, imported)).toBe(40);
  });

  test('one bad report refuses the whole batch, the error naming its index and field', async ({
    harness: h,
  }) => {
    const { service, production, staging } = await catalog(h);
    const serviceId = await service();
    const items = history(serviceId, production, staging).slice(0, 30);
    const badSha = structuredClone(items);
    (badSha[17]!.commits as Array<{ sha: string }>)[0]!.sha = 'not-a-sha';
    const refused = await h.gql(bulk, { i: badSha });
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input[17].commits[0].sha',
      index: 17,
    });
    expect(refused.errors?.[0]?.message).toMatch(/^input\[17\]\.commits\[0\]\.sha: /);

    const unknownService = structuredClone(items);
    unknownService[29]!.serviceId = '00000000-0000-4000-8000-000000000000';
    expect((await h.gql(bulk, { i: unknownService })).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input[29].serviceId',
      index: 29,
    });
    const unfinished = structuredClone(items);
    unfinished[3]!.finishedAt = null;
    expect((await h.gql(bulk, { i: unfinished })).errors?.[0]?.extensions).toMatchObject({
      field: 'input[3].finishedAt',
      index: 3,
    });
    expect(await countRuns(h, serviceId)).toBe(0);
  });

  test('more than 1,000 reports are refused; 1,000 are stored in one call', async ({ harness: h }) => {
    const { service, production } = await catalog(h);
    const serviceId = await service();
    const many = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        serviceId,
        environmentId: production,
        status: 'SUCCEEDED',
        startedAt: at(i - 1),
        finishedAt: at(i),
        commits: [{ sha: sha(i), committedAt: at(i - 2) }],
      }));
    const refused = await h.gql(bulk, { i: many(1001) });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input' });
    expect(await countRuns(h, serviceId)).toBe(0);
    expect(
      (await ok<{ recordExternalDeployments: number }>(h, bulk, { i: many(1000) })).recordExternalDeployments,
    ).toBe(1000);
    expect(await countRuns(h, serviceId)).toBe(1000);
    expect(
      (await ok<{ recordExternalDeployments: number }>(h, bulk, { i: [] })).recordExternalDeployments,
    ).toBe(0);
  });

  test('an OPERATOR may import history; a VIEWER may not', async ({ harness: h }) => {
    const { service, production } = await catalog(h);
    const serviceId = await service();
    const item = {
      serviceId,
      environmentId: production,
      status: 'SUCCEEDED',
      startedAt: at(0),
      finishedAt: at(1),
    };
    const viewer = await h.gql(bulk, { i: [item] }, await h.tokenFor('VIEWER', 'bulk-viewer'));
    expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await countRuns(h, serviceId)).toBe(0);
    const operator = await h.gql<{ recordExternalDeployments: number }>(
      bulk,
      { i: [item] },
      await h.tokenFor('OPERATOR', 'bulk-operator'),
    );
    expect(operator.data?.recordExternalDeployments).toBe(1);
  });
});
