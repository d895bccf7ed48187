import { describe, expect } from 'vitest';
import { type Harness, ok, test } from '../support/fixtures';

/** The worked example of docs/dora.md, reported through the API, is the oracle. */

const hour = 3600;

let names = 0;
async function catalog(h: Harness, team = 'payments') {
  const n = ++names;
  const { createService } = await ok<{ createService: { id: string } }>(
    h,
    `mutation($i: ServiceInput!) { createService(input: $i) { id } }`,
    { i: { name: `dora-svc-${n}`, team } },
  );
  const env = async (name: string, tier: string) =>
    (
      await ok<{ createEnvironment: { id: string } }>(
        h,
        `mutation($i: EnvironmentInput!) { createEnvironment(input: $i) { id } }`,
        { i: { name: `${name}-${n}`, tier } },
      )
    ).createEnvironment.id;
  return {
    serviceId: createService.id,
    production: await env('prod', 'PRODUCTION'),
    staging: await env('staging', 'STAGING'),
  };
}

const record = `mutation($i: ExternalDeploymentInput!) { recordExternalDeployment(input: $i) { id status isRollback external } }`;
const open = `mutation($i: IncidentInput!) { openIncident(input: $i) { id attribution causedBy { id } } }`;
const resolve = `mutation($id: ID!, $at: DateTime!) { resolveIncident(id: $id, resolvedAt: $at) { id resolvedAt } }`;

/** DORA's verdict on a deployment run: the drill-down fields. */
async function verdictOf(h: Harness, id: string) {
  const { deploymentRun } = await ok<{
    deploymentRun: {
      changeFailed: boolean;
      rework: boolean;
      leadTimeSeconds: number | null;
      recoverySeconds: number | null;
    };
  }>(
    h,
    `query($id: ID!) { deploymentRun(id: $id) { changeFailed rework leadTimeSeconds recoverySeconds } }`,
    {
      id,
    },
  );
  return deploymentRun;
}

const t = (mmdd: string, hhmm: string) => `2024-${mmdd}T${hhmm}:00Z`;
const c = (sha: string, at: string) => ({ sha, committedAt: at });

const metricsQuery = `query($f: DoraFilter!) {
  doraMetrics(filter: $f) {
    from to interval timeZone benchmark
    deploymentFrequency { value unit level sampleSize series { bucketStart value sampleSize } }
    leadTimeForChanges { value unit p75 p90 level sampleSize series { bucketStart value sampleSize p75 p90 } }
    changeFailureRate { value unit level sampleSize series { bucketStart value sampleSize } }
    timeToRestore { value unit p75 p90 level sampleSize series { bucketStart value sampleSize } }
    deploymentReworkRate { value unit level sampleSize series { bucketStart value sampleSize } }
  }
}`;

interface Metric {
  value: number | null;
  unit: string;
  p75?: number | null;
  p90?: number | null;
  level: string | null;
  sampleSize: number;
  series: Array<{
    bucketStart: string;
    value: number | null;
    sampleSize: number;
    p75?: number | null;
    p90?: number | null;
  }>;
}
type Metrics = Record<
  | 'deploymentFrequency'
  | 'leadTimeForChanges'
  | 'changeFailureRate'
  | 'timeToRestore'
  | 'deploymentReworkRate',
  Metric
> & { benchmark: string; interval: string; timeZone: string };

/** Reports the worked example's deployments and incidents; returns the deployment run ids by name. */
async function workedExample(h: Harness, order: 'as-finished' | 'reverse' = 'as-finished') {
  const { serviceId, production, staging } = await catalog(h);
  const ids: Record<string, string> = {};
  const deploy = async (
    name: string,
    finished: string,
    commits: Array<{ sha: string; committedAt: string }>,
    extra: Record<string, unknown> = {},
  ) => {
    const finishedAt = new Date(finished);
    const { recordExternalDeployment } = await ok<{ recordExternalDeployment: { id: string } }>(h, record, {
      i: {
        serviceId,
        environmentId: production,
        status: 'SUCCEEDED',
        startedAt: new Date(finishedAt.getTime() - 10 * 60_000).toISOString(),
        finishedAt: finished,
        revision: commits.at(-1),
        commits,
        ...extra,
      },
    });
    ids[name] = recordExternalDeployment.id;
  };
  const c0 = c('c0c0c0c', t('02-29', '12:00'));
  const c1 = c('c1c1c1c', t('03-04', '06:00'));
  const c2 = c('c2c2c2c', t('03-03', '10:00'));
  const c3 = c('c3c3c3c', t('03-05', '12:00'));
  const c4 = c('c4c4c4c', t('03-05', '15:00'));
  const c5 = c('c5c5c5c', t('03-06', '03:00'));
  const c6 = c('c6c6c6c', t('03-06', '08:00'));
  const c7 = c('c7c7c7c', t('03-07', '11:00'));
  const c8 = c('c8c8c8c', t('03-07', '17:00'));
  const c9 = c('c9c9c9c', t('03-08', '09:00'));
  const c10 = c('cacacac', t('03-10', '21:00'));
  const c11 = c('cbcbcbc', t('03-10', '23:00'));
  const c12 = c('cccccc1', t('03-12', '13:00'));
  const c13 = c('cdcdcdc', t('03-12', '22:30'));
  const c14 = c('cececec', t('03-14', '11:30'));
  const deployments = [
    () => deploy('D0', t('03-01', '12:00'), [c0]),
    () => deploy('D1', t('03-04', '10:00'), [c1, c2]),
    () => deploy('D2', t('03-05', '14:00'), [c3]),
    () => deploy('D3', t('03-06', '09:00'), [c4, c5, c6]),
    () => deploy('D4', t('03-06', '10:00'), [c3], { isRollback: true }),
    () => deploy('D5', t('03-07', '16:00'), [c4, c5, c6, c7]),
    () => deploy('D6', t('03-08', '11:00'), [c8]),
    () => deploy('D7', t('03-11', '09:00'), [c9, c10, c11]),
    () => deploy('D8', t('03-12', '15:00'), [c12]),
    () => deploy('D9', t('03-13', '00:30'), [c13]),
    () => deploy('S1', t('03-13', '12:00'), [c13], { environmentId: staging }),
    () => deploy('F1', t('03-14', '20:00'), [c14], { status: 'FAILED' }),
    () => deploy('D10', t('03-14', '23:30'), [c14]),
  ];
  // Reported late, in reverse: each deployment then changes the verdicts and credits of those after it.
  for (const report of order === 'reverse' ? deployments.reverse() : deployments) await report();

  const incident = async (
    title: string,
    opened: string,
    resolved: string,
    extra: Record<string, unknown>,
  ) => {
    const { openIncident } = await ok<{ openIncident: { id: string; attribution: string } }>(h, open, {
      i: { serviceId, title, openedAt: opened, ...extra },
    });
    await ok(h, resolve, { id: openIncident.id, at: resolved });
    return openIncident;
  };
  const i1 = await incident('I1', t('03-06', '09:30'), t('03-06', '10:15'), {
    causedByDeploymentRunId: ids.D3,
  });
  const i2 = await incident('I2', t('03-12', '18:00'), t('03-13', '01:00'), {
    causedByDeploymentRunId: ids.D8,
  });
  const i3 = await incident('I3', t('03-16', '08:00'), t('03-16', '12:00'), { external: true });
  return { serviceId, ids, incidents: { i1, i2, i3 } };
}

/**
 * The fact tables kept on write hold exactly what the views (the definition) say, for every service in
 * the database: nothing missing, nothing stale.
 */
async function expectFactsMatchDefinition(h: Harness) {
  const differences = async (definition: string, facts: string) => {
    const [row] = await h.dataSource.query(
      `SELECT (SELECT count(*) FROM (${definition} EXCEPT ${facts}) a)::int AS missing,
              (SELECT count(*) FROM (${facts} EXCEPT ${definition}) b)::int AS stale`,
    );
    return row as { missing: number; stale: number };
  };
  expect(
    await differences(
      `SELECT deployment_run_id, service_id, finished_at, change_failed, rework,
              EXTRACT(EPOCH FROM restored_at - finished_at)::double precision, lead_time_seconds FROM dora_deployments`,
      `SELECT deployment_run_id, service_id, finished_at, change_failed, rework, recovery_seconds, lead_time_seconds
         FROM dora_deployment_facts`,
    ),
  ).toEqual({ missing: 0, stale: 0 });
  expect(
    await differences(
      `SELECT deployment_run_id, sha, service_id, finished_at, lead_seconds FROM dora_commits`,
      `SELECT deployment_run_id, sha, service_id, finished_at, lead_seconds FROM dora_commit_facts`,
    ),
  ).toEqual({ missing: 0, stale: 0 }); // and the hourly lead-time bin counts agree with the commit facts
  expect(
    await differences(
      `SELECT date_trunc('hour', finished_at, 'UTC'), dora_lead_bin(lead_seconds), count(*)::int
         FROM dora_commit_facts WHERE lead_seconds >= 0 GROUP BY 1, 2`,
      `SELECT hour, bin, n FROM dora_lead_hours WHERE n <> 0`,
    ),
  ).toEqual({ missing: 0, stale: 0 });
  expect(
    await differences(
      `SELECT date_trunc('day', finished_at, 'UTC'), dora_lead_bin(lead_seconds), count(*)::int
         FROM dora_commit_facts WHERE lead_seconds >= 0 GROUP BY 1, 2`,
      `SELECT day, bin, n FROM dora_lead_days WHERE n <> 0`,
    ),
  ).toEqual({ missing: 0, stale: 0 });
}

const window = { from: '2024-03-04T00:00:00Z', to: '2024-03-18T00:00:00Z', interval: 'WEEK' };

describe('DORA metrics', () => {
  test.for(['as-finished', 'reverse'] as const)(
    'the worked example of docs/dora.md, number by number (deployments reported %s)',
    async (order, { harness: h }) => {
      const { serviceId, ids, incidents } = await workedExample(h, order);
      expect([incidents.i1.attribution, incidents.i2.attribution, incidents.i3.attribution]).toEqual([
        'EXPLICIT',
        'EXPLICIT',
        'EXTERNAL',
      ]);
      const { doraMetrics: m } = await ok<{ doraMetrics: Metrics }>(h, metricsQuery, {
        f: { ...window, serviceIds: [serviceId] },
      });
      expect(m.benchmark).toBe('DORA 2023');
      const weeks = ['2024-03-04T00:00:00.000Z', '2024-03-11T00:00:00.000Z'];

      expect(m.deploymentFrequency).toMatchObject({ unit: 'per_day', level: 'HIGH', sampleSize: 10 });
      expect(m.deploymentFrequency.value).toBeCloseTo(10 / 14, 7);
      expect(m.deploymentFrequency.series).toEqual([
        { bucketStart: weeks[0], value: 6, sampleSize: 6 },
        { bucketStart: weeks[1], value: 4, sampleSize: 4 },
      ]);

      expect(m.leadTimeForChanges).toMatchObject({ unit: 'seconds', level: 'ELITE', sampleSize: 14 });
      expect(m.leadTimeForChanges.value).toBeCloseTo(8 * hour, 6);
      expect(m.leadTimeForChanges.p75).toBeCloseTo(16.5 * hour, 6);
      expect(m.leadTimeForChanges.p90).toBeCloseTo(22.2 * hour, 6);
      expect(m.leadTimeForChanges.series.map((p) => p.value! / hour)).toEqual([5.5, 11]);
      // W10's commits in hours: 1, 2, 4, 5, 6, 18, 18, 24; percentiles within the bucket, exact as well.
      expect(m.leadTimeForChanges.series[0]!.p75! / hour).toBeCloseTo(18, 9);
      expect(m.leadTimeForChanges.series[0]!.p90! / hour).toBeCloseTo(19.8, 9);

      expect(m.changeFailureRate).toMatchObject({ unit: 'ratio', value: 0.2, level: 'LOW', sampleSize: 10 });
      expect(m.changeFailureRate.series.map((p) => p.value)).toEqual([1 / 6, 1 / 4]);

      expect(m.timeToRestore).toMatchObject({
        unit: 'seconds',
        value: 5.625 * hour,
        level: null,
        sampleSize: 2,
      });
      expect(m.timeToRestore.series.map((p) => p.value! / hour)).toEqual([1.25, 10]);

      expect(m.deploymentReworkRate).toMatchObject({
        unit: 'ratio',
        value: 0.2,
        level: null,
        sampleSize: 10,
      });
      expect(m.deploymentReworkRate.series.map((p) => p.value)).toEqual([1 / 6, 1 / 4]);

      // The drill-down explains each number.
      const run = (id: string) => verdictOf(h, id);
      expect(await run(ids.D3!)).toEqual({
        changeFailed: true,
        rework: false,
        leadTimeSeconds: 6 * hour,
        recoverySeconds: 1.25 * hour,
      });
      expect(await run(ids.D4!)).toMatchObject({ changeFailed: false, rework: true, leadTimeSeconds: null });
      expect(await run(ids.D5!)).toMatchObject({
        changeFailed: false,
        rework: false,
        leadTimeSeconds: 5 * hour,
      });
      expect(await run(ids.D8!)).toMatchObject({ changeFailed: true, recoverySeconds: 10 * hour });
      expect(await run(ids.D9!)).toMatchObject({ changeFailed: false, rework: true });
      expect(await run(ids.F1!)).toMatchObject({ changeFailed: false, rework: false, leadTimeSeconds: null });
      await expectFactsMatchDefinition(h);

      // The runs behind the numbers: DORA's deployments only, by service or by team.
      const runsIn = async (filter: Record<string, unknown>) =>
        (
          await ok<{ deploymentRuns: { totalCount: number } }>(
            h,
            `query($s: [ID!], $team: String, $only: Boolean, $from: DateTime, $to: DateTime) {
               deploymentRuns(serviceIds: $s, team: $team, deploymentsOnly: $only, from: $from, to: $to) { totalCount } }`,
            { from: window.from, to: window.to, ...filter },
          )
        ).deploymentRuns.totalCount;
      expect(await runsIn({ s: [serviceId], only: true })).toBe(10); // D1-D10
      expect(await runsIn({ s: [serviceId] })).toBe(12); // and S1 (staging), F1 (failed)
      expect(await runsIn({ team: 'payments', only: true })).toBeGreaterThanOrEqual(10);
      expect(await runsIn({ team: 'no-such-team' })).toBe(0);
    },
  );

  test('in America/Los_Angeles, D9 falls on Mar 12 and W11 has 3 deploy days: still HIGH', async ({
    harness: h,
  }) => {
    const { serviceId } = await workedExample(h);
    const { doraMetrics: m } = await ok<{ doraMetrics: Metrics }>(h, metricsQuery, {
      f: { ...window, serviceIds: [serviceId], timeZone: 'America/Los_Angeles', interval: 'DAY' },
    });
    expect(m.timeZone).toBe('America/Los_Angeles');
    expect(m.deploymentFrequency.level).toBe('HIGH');
    // Local midnights, as instants: PST is UTC-8 until Mar 10 2024, PDT (UTC-7) from then on.
    expect(m.deploymentFrequency.series[0]!.bucketStart).toBe('2024-03-03T08:00:00.000Z');
    expect(
      m.deploymentFrequency.series.find((p) => p.bucketStart === '2024-03-11T07:00:00.000Z'),
    ).toBeDefined();
    const mar12 = m.deploymentFrequency.series.find((p) => p.bucketStart === '2024-03-12T07:00:00.000Z');
    expect(mar12?.value).toBe(2); // D8 (08:00 local) and D9 (17:30 local on the 12th)
    expect(m.deploymentFrequency.series.reduce((sum, p) => sum + (p.value ?? 0), 0)).toBe(10);
  });

  test('a week with a daylight-saving change is one calendar week; empty buckets are there, with zeros and nulls', async ({
    harness: h,
  }) => {
    const { serviceId, production } = await catalog(h);
    await ok(h, record, {
      i: {
        serviceId,
        environmentId: production,
        status: 'SUCCEEDED',
        startedAt: '2024-03-31T00:30:00Z',
        finishedAt: '2024-03-31T01:30:00Z',
        revision: c('aaaaaaa', '2024-03-30T12:00:00Z'),
      },
    });
    const { doraMetrics: m } = await ok<{ doraMetrics: Metrics }>(h, metricsQuery, {
      f: {
        // Three weeks from local midnight to local midnight in Paris.
        from: '2024-03-17T23:00:00Z',
        to: '2024-04-07T22:00:00Z',
        interval: 'WEEK',
        timeZone: 'Europe/Paris',
        serviceIds: [serviceId],
      },
    });
    // Europe/Paris moved to summer time on Sunday Mar 31: that week is 167 hours long, and still one bucket.
    expect(m.deploymentFrequency.series.map((p) => p.bucketStart)).toEqual([
      '2024-03-17T23:00:00.000Z',
      '2024-03-24T23:00:00.000Z',
      '2024-03-31T22:00:00.000Z',
    ]);
    expect(m.deploymentFrequency.series.map((p) => p.value)).toEqual([0, 1, 0]);
    expect(m.leadTimeForChanges.series.map((p) => p.value)).toEqual([null, 13.5 * hour, null]);
    expect(m.changeFailureRate.series.map((p) => p.value)).toEqual([null, 0, null]);
  });

  test('a window with no deployments answers zeros and nulls, not errors', async ({ harness: h }) => {
    const { serviceId } = await catalog(h);
    const { doraMetrics: m } = await ok<{ doraMetrics: Metrics }>(h, metricsQuery, {
      f: { from: '2024-01-01T00:00:00Z', to: '2024-01-15T00:00:00Z', serviceIds: [serviceId] },
    });
    expect(m.deploymentFrequency).toMatchObject({ value: 0, level: null, sampleSize: 0 });
    expect(m.leadTimeForChanges).toMatchObject({
      value: null,
      p75: null,
      p90: null,
      level: null,
      sampleSize: 0,
    });
    expect(m.changeFailureRate).toMatchObject({ value: null, level: null, sampleSize: 0 });
    expect(m.timeToRestore).toMatchObject({ value: null, sampleSize: 0 });
    expect(m.deploymentFrequency.series).toHaveLength(2);
  });

  test('attribution: heuristic within 24 hours, none outside; an open incident keeps its deployment out of the median', async ({
    harness: h,
  }) => {
    const { serviceId, production } = await catalog(h);
    const { recordExternalDeployment: d } = await ok<{ recordExternalDeployment: { id: string } }>(
      h,
      record,
      {
        i: {
          serviceId,
          environmentId: production,
          status: 'SUCCEEDED',
          startedAt: '2024-05-01T09:00:00Z',
          finishedAt: '2024-05-01T10:00:00Z',
          revision: c('bbbbbbb', '2024-05-01T08:00:00Z'),
        },
      },
    );
    const inside = await ok<{ openIncident: { attribution: string; causedBy: { id: string } | null } }>(
      h,
      open,
      {
        i: { serviceId, title: 'slow checkout', openedAt: '2024-05-02T09:59:00Z' },
      },
    );
    expect(inside.openIncident).toEqual({
      id: expect.any(String),
      attribution: 'HEURISTIC',
      causedBy: { id: d.id },
    });
    const outside = await ok<{ openIncident: { attribution: string; causedBy: unknown } }>(h, open, {
      i: { serviceId, title: 'later', openedAt: '2024-05-02T10:01:00Z' },
    });
    expect(outside.openIncident).toMatchObject({ attribution: 'NONE', causedBy: null });

    const { doraMetrics: m } = await ok<{ doraMetrics: Metrics }>(h, metricsQuery, {
      f: { from: '2024-04-29T00:00:00Z', to: '2024-05-06T00:00:00Z', serviceIds: [serviceId] },
    });
    expect(m.changeFailureRate.value).toBe(1); // failed: an incident is attributed to it
    expect(m.timeToRestore).toMatchObject({ value: null, sampleSize: 0 }); // not restored yet: left out
  });

  test('the same external deployment reported twice is stored once; bad filters are refused', async ({
    harness: h,
  }) => {
    const { serviceId, production } = await catalog(h);
    const input = {
      serviceId,
      environmentId: production,
      status: 'RUNNING',
      startedAt: '2024-06-01T10:00:00Z',
      revision: c('ddddddd', '2024-06-01T09:00:00Z'),
    };
    const first = await ok<{ recordExternalDeployment: { id: string; status: string; external: boolean } }>(
      h,
      record,
      { i: input },
    );
    const again = await ok<{ recordExternalDeployment: { id: string; status: string } }>(h, record, {
      i: { ...input, status: 'SUCCEEDED', finishedAt: '2024-06-01T10:05:00Z' },
    });
    expect(again.recordExternalDeployment.id).toBe(first.recordExternalDeployment.id);
    expect(again.recordExternalDeployment.status).toBe('SUCCEEDED');
    expect(first.recordExternalDeployment.external).toBe(true);
    const rows: unknown[] = await h.dataSource.query('SELECT 1 FROM deployment_runs WHERE service_id = $1', [
      serviceId,
    ]);
    expect(rows).toHaveLength(1);

    const bad = async (f: Record<string, unknown>, field: string) => {
      const res = await h.gql(metricsQuery, {
        f: { from: '2024-01-01T00:00:00Z', to: '2024-02-01T00:00:00Z', ...f },
      });
      expect(res.errors?.[0]?.extensions, field).toMatchObject({ code: 'BAD_USER_INPUT', field });
    };
    await bad({ timeZone: 'Mars/Olympus' }, 'filter.timeZone');
    await bad({ to: '2023-12-01T00:00:00Z' }, 'filter.to');
    await bad({ to: '2030-01-01T00:00:00Z' }, 'filter.to');
    const noFinish = await h.gql(record, { i: { ...input, status: 'FAILED' } });
    expect(noFinish.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.finishedAt',
    });
  });
});

describe('npm run seed:demo', () => {
  test('reports a realistic history through the API that the metrics can read; a second run adds nothing', async ({
    harness: h,
  }) => {
    // Asynchronously: the API answering the script runs in this very process.
    const { execFile } = await import('node:child_process');
    const path = await import('node:path');
    const seed = () =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', 'main/seed-demo.ts'],
          {
            cwd: path.resolve(__dirname, '..', '..'),
            env: {
              PATH: process.env.PATH,
              HOME: process.env.HOME,
              LOCKSTEP_API_URL: h.apiUrl,
              LOCKSTEP_ADMIN_TOKEN: h.adminToken,
              SEED_DAYS: '35',
            },
            timeout: 120_000,
          },
          (error, stdout, stderr) =>
            resolve({
              status: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
              stdout,
              stderr,
            }),
        );
      });
    const first = await seed();
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/seed:demo: \d+ production deployments and \d+ incidents over 35 days/);
    const count = async () =>
      (await ok<{ deploymentRuns: { totalCount: number } }>(h, '{ deploymentRuns(first: 1) { totalCount } }'))
        .deploymentRuns.totalCount;
    const stored = await count();

    const to = new Date();
    to.setUTCHours(0, 0, 0, 0);
    const from = new Date(to.getTime() - 28 * 86_400_000);
    const { doraMetrics: m } = await ok<{ doraMetrics: Metrics }>(h, metricsQuery, {
      f: { from: from.toISOString(), to: to.toISOString(), interval: 'WEEK', team: 'payments' },
    });
    expect(m.deploymentFrequency.sampleSize).toBeGreaterThan(20);
    expect(m.deploymentFrequency.level).not.toBeNull();
    expect(m.leadTimeForChanges.level).not.toBeNull();
    expect(m.changeFailureRate.value).toBeGreaterThan(0);
    expect(m.deploymentFrequency.series.length).toBeGreaterThanOrEqual(4);

    const again = await seed();
    expect(again.status, again.stderr).toBe(0);
    expect(await count()).toBe(stored);
  });
});

describe('DORA edge cases', () => {
  const day = '2024-07-';
  async function facts(h: Harness) {
    const { serviceId, production } = await catalog(h);
    const deploy = async (finished: string, extra: Record<string, unknown> = {}) =>
      (
        await ok<{ recordExternalDeployment: { id: string } }>(h, record, {
          i: {
            serviceId,
            environmentId: production,
            status: 'SUCCEEDED',
            startedAt: new Date(new Date(finished).getTime() - 60_000).toISOString(),
            finishedAt: finished,
            ...extra,
          },
        })
      ).recordExternalDeployment.id;
    const incident = async (
      openedAt: string,
      resolvedAt: string | null,
      extra: Record<string, unknown> = {},
    ) => {
      const { openIncident } = await ok<{ openIncident: { id: string } }>(h, open, {
        i: { serviceId, title: 'edge', openedAt, ...extra },
      });
      if (resolvedAt) await ok(h, resolve, { id: openIncident.id, at: resolvedAt });
    };
    const metrics = async () =>
      (
        await ok<{ doraMetrics: Metrics }>(h, metricsQuery, {
          f: { from: `${day}01T00:00:00Z`, to: `${day}29T00:00:00Z`, serviceIds: [serviceId] },
        })
      ).doraMetrics;
    const verdict = (id: string) => verdictOf(h, id);
    return { serviceId, production, deploy, incident, metrics, verdict };
  }

  test('a commit dated after its deployment is left out; a revision alone is the change set', async ({
    harness: h,
  }) => {
    const { deploy, metrics, verdict } = await facts(h);
    const skewed = await deploy(`${day}02T10:00:00Z`, {
      commits: [c('1111111', `${day}02T08:00:00Z`), c('2222222', `${day}02T11:00:00Z`)], // the second: clock skew
    });
    const revisionOnly = await deploy(`${day}03T10:00:00Z`, { revision: c('3333333', `${day}03T07:00:00Z`) });
    expect((await verdict(skewed)).leadTimeSeconds).toBe(2 * hour);
    expect((await verdict(revisionOnly)).leadTimeSeconds).toBe(3 * hour);
    const m = await metrics();
    expect(m.leadTimeForChanges.sampleSize).toBe(2);
    expect(m.leadTimeForChanges.value).toBe(2.5 * hour);
  });

  test('several incidents on one deployment count once; it is restored when the last is resolved', async ({
    harness: h,
  }) => {
    const { deploy, incident, metrics, verdict } = await facts(h);
    const bad = await deploy(`${day}08T10:00:00Z`);
    await deploy(`${day}09T10:00:00Z`);
    await incident(`${day}08T11:00:00Z`, `${day}08T12:00:00Z`, { causedByDeploymentRunId: bad });
    await incident(`${day}08T11:30:00Z`, `${day}08T15:00:00Z`, { causedByDeploymentRunId: bad });
    expect(await verdict(bad)).toMatchObject({ changeFailed: true, recoverySeconds: 5 * hour });
    const m = await metrics();
    expect(m.changeFailureRate).toMatchObject({ value: 0.5, sampleSize: 2 });
    expect(m.timeToRestore).toMatchObject({ value: 5 * hour, sampleSize: 1 });
  });

  test('a rollback without an incident fails the deployment it undoes, restored when the rollback finished', async ({
    harness: h,
  }) => {
    const { deploy, metrics, verdict } = await facts(h);
    await deploy(`${day}15T10:00:00Z`, { revision: c('4444444', `${day}15T09:00:00Z`) });
    const bad = await deploy(`${day}16T10:00:00Z`, { revision: c('5555555', `${day}16T09:00:00Z`) });
    const rollback = await deploy(`${day}16T10:40:00Z`, {
      revision: c('4444444', `${day}15T09:00:00Z`),
      isRollback: true,
    });
    expect(await verdict(bad)).toMatchObject({ changeFailed: true, rework: false, recoverySeconds: 40 * 60 });
    expect(await verdict(rollback)).toMatchObject({
      changeFailed: false,
      rework: true,
      leadTimeSeconds: null,
    }); // nothing new
    const m = await metrics();
    expect(m.changeFailureRate.value).toBeCloseTo(1 / 3, 10);
    expect(m.deploymentReworkRate.value).toBeCloseTo(1 / 3, 10);
  });

  test('with an incident as well, the incident decides when service was restored', async ({ harness: h }) => {
    const { deploy, incident, verdict } = await facts(h);
    await deploy(`${day}22T10:00:00Z`);
    const bad = await deploy(`${day}23T10:00:00Z`);
    await deploy(`${day}23T10:20:00Z`, { isRollback: true });
    await incident(`${day}23T10:05:00Z`, `${day}23T11:00:00Z`, { causedByDeploymentRunId: bad });
    expect(await verdict(bad)).toMatchObject({ changeFailed: true, recoverySeconds: hour });
  });

  test('the facts kept on write follow late reports, corrected rows and an environment leaving production', async ({
    harness: h,
  }) => {
    const { serviceId, production, deploy, incident, verdict } = await facts(h);
    const later = await deploy(`${day}26T10:00:00Z`, {
      commits: [c('7777777', `${day}26T08:00:00Z`), c('8888888', `${day}25T08:00:00Z`)],
    });
    expect(await verdict(later)).toMatchObject({ leadTimeSeconds: 14 * hour });
    // An earlier deployment of 8888888 reported late takes its credit; a late rollback fails what it undid.
    const earlier = await deploy(`${day}25T10:00:00Z`, { commits: [c('8888888', `${day}25T08:00:00Z`)] });
    expect(await verdict(later)).toMatchObject({ leadTimeSeconds: 2 * hour });
    expect(await verdict(earlier)).toMatchObject({ leadTimeSeconds: 2 * hour, changeFailed: false });
    await deploy(`${day}25T12:00:00Z`, { isRollback: true });
    expect(await verdict(earlier)).toMatchObject({ changeFailed: true, recoverySeconds: 2 * hour });
    // An incident still open makes the later deployment rework; resolving it before keeps it out.
    await incident(`${day}26T09:00:00Z`, null, { causedByDeploymentRunId: earlier });
    expect(await verdict(later)).toMatchObject({ rework: true });
    await expectFactsMatchDefinition(h);
    // Unfiltered, the metrics read every service's facts: the counts of the definition, nothing else.
    const july = { from: `${day}01T00:00:00Z`, to: `${day}29T00:00:00Z` };
    const [defined] = await h.dataSource.query(
      `SELECT count(*)::int AS deployments, count(*) FILTER (WHERE change_failed)::int AS failed
         FROM dora_deployments WHERE finished_at >= $1 AND finished_at < $2`,
      [july.from, july.to],
    );
    const { doraMetrics: all } = await ok<{ doraMetrics: Metrics }>(h, metricsQuery, { f: july });
    expect(defined.deployments).toBeGreaterThan(3);
    expect(all.deploymentFrequency.sampleSize).toBe(defined.deployments);
    expect(all.changeFailureRate.value).toBeCloseTo(defined.failed / defined.deployments, 10);
    // A row corrected in place (a deployment found to have failed after all), then the environment leaving
    // the PRODUCTION tier: neither leaves a stale fact behind.
    await h.dataSource.query(`UPDATE deployment_runs SET status = 'FAILED' WHERE id = $1`, [earlier]);
    expect(await verdict(later)).toMatchObject({ leadTimeSeconds: 14 * hour });
    await expectFactsMatchDefinition(h);
    // A commit re-pointed to another run, then a run moved to another service: nothing stale or doubled.
    await h.dataSource.query(
      `UPDATE deployment_run_commits SET deployment_run_id = $1 WHERE deployment_run_id = $2 AND sha = '7777777'`,
      [earlier, later],
    );
    await expectFactsMatchDefinition(h);
    const elsewhere = await catalog(h);
    await h.dataSource.query(`UPDATE deployment_runs SET service_id = $1 WHERE id = $2`, [
      elsewhere.serviceId,
      later,
    ]);
    await expectFactsMatchDefinition(h);
    await h.dataSource.query(`UPDATE deployment_runs SET service_id = $1 WHERE id = $2`, [serviceId, later]);
    await h.dataSource.query(`UPDATE environments SET tier = 'STAGING' WHERE id = $1`, [production]);
    const [{ remaining }] = await h.dataSource.query(
      `SELECT count(*)::int AS remaining FROM dora_deployment_facts WHERE service_id = $1`,
      [serviceId],
    );
    expect(remaining).toBe(0);
    await expectFactsMatchDefinition(h);
  });

  test('across every service, percentiles found through the daily and hourly bin counts equal percentile_cont over the definition', async ({
    harness: h,
  }) => {
    const { deploy } = await facts(h);
    // Deployments every 7 h 13 min, each with commits 5 min to 3 days old: bins, hours and zone edges all cut.
    for (let n = 0; n < 60; n++) {
      const finished = new Date(Date.UTC(2024, 6, 2, 0, 0) + n * (7 * 60 + 13) * 60_000);
      const commits = Array.from({ length: 1 + (n % 4) }, (_, k) => ({
        sha: `b1a5${n.toString(16).padStart(4, '0')}${k}`,
        committedAt: new Date(
          finished.getTime() - (((n * 7919 + k * 104729) % 259_200) + 300) * 1000,
        ).toISOString(),
      }));
      await deploy(finished.toISOString(), { revision: commits.at(-1), commits });
    }
    const cases = [
      { from: '2024-07-01T00:17:00Z', to: '2024-07-20T05:45:00Z', interval: 'DAY', timeZone: 'Asia/Kolkata' },
      {
        from: '2024-07-01T00:00:00Z',
        to: '2024-07-29T00:00:00Z',
        interval: 'WEEK',
        timeZone: 'America/Los_Angeles',
      },
      { from: '2024-07-03T10:30:00Z', to: '2024-07-03T10:50:00Z', interval: 'DAY', timeZone: 'UTC' },
      {
        from: '2024-06-30T22:05:00Z',
        to: '2024-07-21T03:00:00Z',
        interval: 'WEEK',
        timeZone: 'Asia/Kathmandu',
      },
    ];
    for (const f of cases) {
      const { doraMetrics: m } = await ok<{ doraMetrics: Metrics }>(h, metricsQuery, { f });
      const [total] = await h.dataSource.query(
        `SELECT count(*)::int AS n, percentile_cont(ARRAY[0.5, 0.75, 0.9]) WITHIN GROUP (ORDER BY lead_seconds) AS p
           FROM dora_commits WHERE finished_at >= $1 AND finished_at < $2 AND lead_seconds >= 0`,
        [f.from, f.to],
      );
      expect(m.leadTimeForChanges.sampleSize).toBe(total.n);
      if (total.n === 0) expect(m.leadTimeForChanges.value).toBeNull();
      else {
        expect(m.leadTimeForChanges.value).toBe(total.p[0]);
        expect(m.leadTimeForChanges.p75).toBe(total.p[1]);
        expect(m.leadTimeForChanges.p90).toBe(total.p[2]);
      }
      const perBucket: Array<{ start: Date; n: number; p: number[] }> = await h.dataSource.query(
        `SELECT date_trunc($3, finished_at AT TIME ZONE $4) AT TIME ZONE $4 AS start, count(*)::int AS n,
                percentile_cont(ARRAY[0.5, 0.75, 0.9]) WITHIN GROUP (ORDER BY lead_seconds) AS p
           FROM dora_commits WHERE finished_at >= $1 AND finished_at < $2 AND lead_seconds >= 0 GROUP BY 1`,
        [f.from, f.to, f.interval.toLowerCase(), f.timeZone],
      );
      for (const point of m.leadTimeForChanges.series) {
        const expected = perBucket.find((b) => b.start.toISOString() === point.bucketStart);
        expect(point.sampleSize).toBe(expected?.n ?? 0);
        expect([point.value, point.p75, point.p90]).toEqual(expected ? expected.p : [null, null, null]);
      }
      expect(m.leadTimeForChanges.series.reduce((sum, p) => sum + p.sampleSize, 0)).toBe(total.n);
    }
  });
});
