import { randomBytes } from 'node:crypto';
import { describe, expect } from 'vitest';
import { TokenService } from '../../../server/auth/token.service';
import { test, type Harness } from '../../support/fixtures';
import { wsClient } from '../../support/subscriptions';

/** Issue 13, finding 9 and the token expiry of finding 14: a token's end is final, on every replica. */

const eventsSubscription = 'subscription { pipelineEvents { id } }';

const createMutation = `mutation($name: String!, $role: Role!, $expiresAt: DateTime) {
  createApiToken(name: $name, role: $role, expiresAt: $expiresAt) { token tokenId expiresAt }
}`;

async function createToken(h: Harness, role: string, expiresAt?: Date) {
  const res = await h.gql<{ createApiToken: { token: string; tokenId: string; expiresAt: string | null } }>(
    createMutation,
    { name: `t-${randomBytes(3).toString('hex')}`, role, expiresAt: expiresAt?.toISOString() },
  );
  expect(res.errors).toBeUndefined();
  return res.data!.createApiToken;
}

const sleepUntil = (at: Date) =>
  new Promise((resolve) => setTimeout(resolve, at.getTime() - Date.now() + 200));

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

    const [admin]: Array<{ id: string }> = await h.dataSource.query(
      `SELECT t.id FROM api_tokens t JOIN principals p ON p.id = t.principal_id
        WHERE p.name = 'admin' ORDER BY t.created_at DESC LIMIT 1`,
    );
    const revoked = await h.gql(
      `mutation($id: ID!) { revokeApiToken(id: $id) }`,
      { id: admin!.id },
      bootstrap,
    );
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

  test('an expired API token is refused like a revoked one, over HTTP and for new WebSockets', async ({
    harness: h,
  }) => {
    const expiresAt = new Date(Date.now() + 2000);
    const { token, expiresAt: shown } = await createToken(h, 'OPERATOR', expiresAt);
    expect(shown).toBe(expiresAt.toISOString());
    expect(await viewerStatus(h, token)).toBe(200); // now in the API's token cache
    const listed = await h.gql<{ apiTokens: Array<{ expiresAt: string | null }> }>(
      '{ apiTokens { expiresAt } }',
    );
    expect(listed.data!.apiTokens.map((t) => t.expiresAt)).toContain(expiresAt.toISOString());

    await sleepUntil(expiresAt);
    const refused = await h.gql('{ viewer { id } }', {}, token);
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const ws = wsClient(h.apiUrl, token);
    await ws.subscribe(eventsSubscription).ended;
    expect(ws.closes.map((c) => c.code)).toEqual([4403]);
    await ws.dispose();

    const past = await h.gql(createMutation, {
      name: 'late',
      role: 'VIEWER',
      expiresAt: '2020-01-01T00:00:00Z',
    });
    expect(past.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'expiresAt' });
  });

  test('a live WebSocket is closed when its token expires', async ({ harness: h }) => {
    const expiresAt = new Date(Date.now() + 2000);
    const { token } = await createToken(h, 'VIEWER', expiresAt);
    const ws = wsClient(h.apiUrl, token);
    try {
      const subscription = ws.subscribe(eventsSubscription);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(ws.closes).toEqual([]);
      await Promise.race([subscription.ended, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      expect(ws.closes).toEqual([{ code: 4403, reason: 'Forbidden: the API token expired' }]);
      expect(Date.now()).toBeGreaterThanOrEqual(expiresAt.getTime());
    } finally {
      await ws.dispose();
    }
  });
});
