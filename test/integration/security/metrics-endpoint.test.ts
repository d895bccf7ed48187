import { randomBytes } from 'node:crypto';
import { describe, expect } from 'vitest';
import { createApiServer } from '../../../server/app';
import { test } from '../../support/fixtures';
import { scrape } from '../../support/telemetry';

const metricsUrl = (apiUrl: string) => apiUrl.replace(/\/graphql$/, '/metrics');

describe('GET /metrics', () => {
  test('a caller cannot write its own text into the metrics (operation names, aliases, variables, unknown fields)', async ({
    harness: h,
  }) => {
    const canary = `leak${randomBytes(6).toString('hex')}`;
    await h.gql(`query ${canary}($v: String) { ${canary}: pipelines(first: 1) { totalCount } }`, {
      v: canary,
    });
    await h.gql(`query { ${canary} }`); // fails validation
    await h.gql(`mutation ${canary} { createService(input: { name: "${canary}" }) { id } }`, {}, null);
    const { status, text } = await scrape(metricsUrl(h.apiUrl));
    expect(status).toBe(200);
    expect(text).not.toContain(canary);
    // Every operation label is one of the schema's root fields, or `multiple` / `none`.
    const { __schema } = (
      await h.gql<{ __schema: Record<string, { fields: Array<{ name: string }> } | null> }>(
        '{ __schema { queryType { fields { name } } mutationType { fields { name } } } }',
      )
    ).data!;
    const allowed = new Set([
      'multiple',
      'none',
      ...Object.values(__schema).flatMap((type) => type?.fields.map((f) => f.name) ?? []),
    ]);
    const labels = [
      ...text.matchAll(/lockstep_graphql_operation_duration_seconds_count\{[^}]*operation="([^"]*)"/g),
    ];
    expect(labels.length).toBeGreaterThan(0);
    for (const [, operation] of labels) expect(allowed.has(operation!), operation).toBe(true);
  });

  test('without LOCKSTEP_METRICS_TOKEN a scraper gets 401 and no metrics', async ({ harness: h }) => {
    const token = randomBytes(18).toString('base64url');
    const api = await createApiServer({
      dataSource: h.dataSource,
      databaseUrl: h.databaseUrl,
      temporal: h.temporal,
      taskQueue: h.taskQueue,
      retryHoldSeconds: 60,
      secretBox: null,
      introspection: false,
      log: () => undefined,
      metricsToken: token,
    });
    try {
      const url = `http://127.0.0.1:${await api.listen(0)}/metrics`;
      for (const attempt of [undefined, 'wrong', `${token}x`, token.slice(1)]) {
        const refused = await scrape(url, attempt);
        expect(refused.status, String(attempt)).toBe(401);
        expect(refused.text).toBe('unauthorized\n');
      }
      const allowed = await scrape(url, token);
      expect(allowed.status).toBe(200);
      expect(allowed.text).toContain('lockstep_graphql_operation_duration_seconds');
    } finally {
      await api.close();
      api.httpServer.close();
    }
  });
});
