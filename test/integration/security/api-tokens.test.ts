import { randomBytes } from 'node:crypto';
import { describe, expect } from 'vitest';
import { TokenService } from '../../../server/auth/token.service';
import { test, type Harness } from '../../support/fixtures';
import { wsClient } from '../../support/subscriptions';

/** Issue 13, finding 9 and the token expiry of finding 14: a token's end is final, on every replica. */

const eventsSubscription = 'subscription { pipelineEvents { id } }';

async function createToken(h: Harness, role: string) {
  const res = await h.gql<{ createApiToken: { token: string; tokenId: string } }>(
    `mutation($name: String!, $role: Role!) { createApiToken(name: $name, role: $role) { token tokenId } }`,
    { name: `t-${randomBytes(3).toString('hex')}`, role },
  );
  expect(res.errors).toBeUndefined();
  return res.data!.createApiToken;
}

const viewerStatus = async (h: Harness, token: string) =>
  (await h.gql('{ viewer { id } }', {}, token)).status;

describe('API tokens', () => {
  test('a revoked LOCKSTEP_ADMIN_TOKEN does not come back when the API starts again', async ({
    harness: h,
  }) => {
    const bootstrap = `bootstrap-${randomBytes(12).toString('hex')}`;
    const tokens = new TokenService(h.dataSource);
    const lines: string[] = [];
    await tokens.ensureAdminToken(bootstrap, (line) => lines.push(line));
    expect(await viewerStatus(h, bootstrap)).toBe(200);
    await tokens.ensureAdminToken(bootstrap); // every start, while it is valid
    expect(await viewerStatus(h, bootstrap)).toBe(200);

    const [{ id }]: Array<{ id: string }> = await h.dataSource.query(
      `SELECT t.id FROM api_tokens t JOIN principals p ON p.id = t.principal_id
        WHERE p.name = 'admin' ORDER BY t.created_at DESC LIMIT 1`,
    );
    const revoked = await h.gql(`mutation($id: ID!) { revokeApiToken(id: $id) }`, { id }, bootstrap);
    expect(revoked.errors).toBeUndefined();
    expect(await viewerStatus(h, bootstrap)).toBe(401);

    // The API starts again with the same variable: the token stays revoked, and the log says why.
    const outcome = await tokens.ensureAdminToken(bootstrap, (line) => lines.push(line));
    expect(await viewerStatus(h, bootstrap)).toBe(401);
    expect(outcome).toBe('revoked');
    expect(lines).toEqual([
      expect.stringMatching(/^LOCKSTEP_ADMIN_TOKEN was revoked at .*; it stays revoked and is ignored/),
    ]);
    expect(lines.join('\n')).not.toContain(bootstrap);
    expect(await new TokenService(h.dataSource).authenticate(bootstrap)).toBeNull();
  });

  test("a revocation made while a replica's LISTEN connection was down closes that replica's sockets when it reconnects", async ({
    harness: h,
  }) => {
    const { token, tokenId } = await createToken(h, 'VIEWER');
    const ws = wsClient(h.apiUrl, token);
    try {
      const subscription = ws.subscribe(eventsSubscription);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(ws.closes).toEqual([]);
      // Revoked elsewhere while this replica was not listening: its NOTIFY never arrives here...
      await h.dataSource.query('UPDATE api_tokens SET revoked_at = now() WHERE id = $1', [tokenId]);
      // ...and then the replica's LISTEN connection drops and comes back.
      const killed: unknown[] = await h.dataSource.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE application_name = 'lockstep-api-listen' AND datname = current_database()`,
      );
      expect(killed.length).toBeGreaterThan(0);
      await Promise.race([subscription.ended, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      expect(ws.closes).toEqual([{ code: 4403, reason: expect.stringMatching(/revoked/) }]);
    } finally {
      await ws.dispose();
    }
  });
});
