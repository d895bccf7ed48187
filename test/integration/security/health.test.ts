import { Client, Connection } from '@temporalio/client';
import { describe, expect } from 'vitest';
import { createDataSource } from '../../../db/data-source';
import { createApiServer } from '../../../server/app';
import { createTestDatabase, test } from '../../support/fixtures';

/** Issue 13, finding 14: /healthz is public; it says what is down, not what the drivers said. */

describe('health', () => {
  test("GET /healthz names the dependency that is down without the driver's error text", async ({
    harness: h,
  }) => {
    // A PostgreSQL database that goes away under the API, and a Temporal that refuses connections.
    const database = await createTestDatabase();
    const dataSource = createDataSource({ url: database.url, poolSize: 1 });
    await dataSource.initialize();
    const databaseName = new URL(database.url).pathname.slice(1);
    await database.drop();
    const connection = Connection.lazy({ address: '127.0.0.1:1' });
    const logged: string[] = [];
    const api = await createApiServer({
      dataSource,
      databaseUrl: h.databaseUrl,
      temporal: new Client({ connection }),
      taskQueue: h.taskQueue,
      retryHoldSeconds: 600,
      secretBox: null,
      introspection: false,
      log: (line) => logged.push(line),
    });
    try {
      const port = await api.listen(0);
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      const text = await res.text();
      expect(res.status).toBe(503);
      expect(JSON.parse(text)).toEqual({
        ok: false,
        postgres: 'unavailable',
        temporal: expect.stringMatching(/^(unavailable|timeout)$/), // gRPC may still be retrying
        down: ['PostgreSQL', 'Temporal'],
      });
      for (const leak of [databaseName, '127.0.0.1', 'ECONNREFUSED', 'does not exist', 'UNAVAILABLE'])
        expect(text).not.toContain(leak);
      // The operator's log has the causes, once per dependency going down.
      await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(logged.filter((line) => line.startsWith('health: '))).toEqual([
        expect.stringMatching(/^health: PostgreSQL unavailable: .+/),
        expect.stringMatching(/^health: Temporal (unavailable|timeout): .+/),
      ]);
    } finally {
      await api.close();
      await connection.close().catch(() => undefined);
      await dataSource.destroy();
    }
    // A healthy API still answers 200, with nothing down.
    const healthy = await fetch(h.apiUrl.replace(/\/graphql$/, '/healthz'));
    expect(await healthy.json()).toEqual({ ok: true, postgres: 'ok', temporal: 'ok', down: [] });
  });
});
