import { describe, expect } from 'vitest';
import { createDataSource } from '../../../db/data-source';
import { parseConfig } from '../../../main/config';
import { test } from '../../support/fixtures';
import { wsClient } from '../../support/subscriptions';

/** Issue 13, finding 7: one request must not read without bound. */

const attack = 'query($n:Int){pipelineRuns(first:100){edges{node{stages{actions{logs(limit:$n){text}}}}}}}';

/** 31,301 by the cost model: over a VIEWER's ceiling (20,000), well under the others'. */
const wideRead = '{ pipelineRuns(first: 100) { edges { node { stages { actions { id name status } } } } } }';

describe('query cost', () => {
  test('a VIEWER cannot read 5,000 log lines of every action of 100 runs by passing the limit as a variable', async ({
    harness: h,
  }) => {
    for (const token of [await h.tokenFor('VIEWER'), h.adminToken]) {
      const res = await h.gql(attack, { n: 5000 }, token);
      expect(res.status).toBe(400);
      expect(res.data).toBeUndefined();
      const error = res.errors?.[0];
      expect(error?.extensions?.code).toBe('QUERY_TOO_COSTLY');
      expect(error?.message).toMatch(/would cost about [\d,]+; at most [\d,]+ is allowed/);
      expect(error?.extensions?.cost).toBeGreaterThan(error?.extensions?.maxCost as number);
    }
  });

  test('the same attack over a WebSocket (query and subscription) is refused before it runs', async ({
    harness: h,
  }) => {
    const ws = wsClient(h.apiUrl, await h.tokenFor('VIEWER'));
    try {
      const query = ws.subscribe(attack, { n: 5000 });
      const live = ws.subscribe(
        'subscription($id: ID!, $n: Int) { pipelineRunUpdated(runId: $id) { stages { actions { logs(limit: $n) { text } } } } }',
        { id: '00000000-0000-0000-0000-000000000000', n: 5000 },
      );
      await Promise.all([query.ended, live.ended]);
      for (const { errors, received } of [query, live]) {
        expect(received).toEqual([]);
        expect(errors).toMatchObject([{ extensions: { code: 'QUERY_TOO_COSTLY' } }]);
      }
    } finally {
      await ws.dispose();
    }
  });

  test('a VIEWER cannot make one request read more than its budget, which an ADMIN may', async ({
    harness: h,
  }) => {
    const viewer = await h.gql(wideRead, {}, await h.tokenFor('VIEWER'));
    expect(viewer.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', maxCost: 20_000 });
    const admin = await h.gql(wideRead);
    expect(admin.errors).toBeUndefined();
  });

  test("a read that runs away is cancelled by the API connections' statement timeout", async ({
    harness: h,
  }) => {
    expect(parseConfig({}).apiLimits.statementTimeoutMs).toBe(30_000);
    const { statementTimeoutMs } = parseConfig({ LOCKSTEP_STATEMENT_TIMEOUT_MS: '200' }).apiLimits;
    const api = createDataSource({ url: h.databaseUrl, poolSize: 1, statementTimeoutMs });
    await api.initialize();
    try {
      const started = Date.now();
      await expect(api.query('SELECT pg_sleep(5)')).rejects.toMatchObject({ code: '57014' });
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      await api.destroy();
    }
  });
});
