import { describe, expect } from 'vitest';
import { ok, test, type Harness } from '../support/fixtures';

interface AuditPage {
  auditLog: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{
      cursor: string;
      node: {
        id: string;
        at: string;
        operation: string;
        outcome: string;
        target: string | null;
        principal: { id: string; name: string; role: string } | null;
      };
    }>;
  };
}

const auditLog = `query($principalId: ID, $operation: String, $first: Int, $after: String) {
  auditLog(principalId: $principalId, operation: $operation, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id at operation outcome target principal { id name role } } }
  }
}`;
const createService = `mutation($name: String!) { createService(input: { name: $name, team: "audit" }) { id } }`;

async function principalIdOf(h: Harness, name: string): Promise<string> {
  const rows = await h.dataSource.query<Array<{ id: string }>>(`SELECT id FROM principals WHERE name = $1`, [
    name,
  ]);
  return rows[0]!.id;
}

describe('auditLog', () => {
  test('pages the trail newest first, filters by principal and operation, and is for ADMINs only', async ({
    harness: h,
  }) => {
    for (const name of ['audit-a', 'audit-b', 'audit-c']) await ok(h, createService, { name });
    const viewer = await h.tokenFor('VIEWER', 'vera');
    expect((await h.gql(createService, { name: 'audit-d' }, viewer)).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );

    // Paging: two at a time, newest first, no entry twice, the count of everything on every page.
    const first = await ok<AuditPage>(h, auditLog, { operation: 'createService', first: 2 });
    expect(first.auditLog.totalCount).toBe(4);
    expect(first.auditLog.pageInfo.hasNextPage).toBe(true);
    expect(first.auditLog.edges.map((e) => e.node.outcome)).toEqual(['DENIED', 'ALLOWED']);
    const second = await ok<AuditPage>(h, auditLog, {
      operation: 'createService',
      first: 2,
      after: first.auditLog.pageInfo.endCursor,
    });
    expect(second.auditLog.totalCount).toBe(4);
    expect(second.auditLog.pageInfo.hasNextPage).toBe(false);
    const all = [...first.auditLog.edges, ...second.auditLog.edges].map((e) => e.node);
    expect(new Set(all.map((n) => n.id)).size).toBe(4);
    expect(all.map((n) => Number(n.id))).toEqual([...all.map((n) => Number(n.id))].sort((a, b) => b - a));
    const allowed = all.filter((n) => n.outcome === 'ALLOWED');
    expect(allowed.map((n) => n.principal?.role)).toEqual(['ADMIN', 'ADMIN', 'ADMIN']);
    // The target holds the names among the arguments, as JSON.
    expect(allowed.map((n) => JSON.parse(n.target!) as unknown)).toEqual([
      { 'input.name': 'audit-c' },
      { 'input.name': 'audit-b' },
      { 'input.name': 'audit-a' },
    ]);

    // By principal: only the viewer's refused attempt.
    const vera = await principalIdOf(h, 'vera');
    const hers = await ok<AuditPage>(h, auditLog, { principalId: vera });
    expect(hers.auditLog.totalCount).toBe(1);
    expect(hers.auditLog.edges[0]!.node).toMatchObject({
      operation: 'createService',
      outcome: 'DENIED',
      principal: { id: vera, name: 'vera', role: 'VIEWER' },
    });
    // A filter nothing matches, and an id that is not one, list nothing.
    expect((await ok<AuditPage>(h, auditLog, { operation: 'noSuchMutation' })).auditLog.totalCount).toBe(0);
    expect((await ok<AuditPage>(h, auditLog, { principalId: 'not-a-uuid' })).auditLog.edges).toEqual([]);

    // A forged cursor is refused before any SQL; other roles are refused.
    const forged = Buffer.from(JSON.stringify(['1; DROP TABLE audit_log'])).toString('base64url');
    expect((await h.gql(auditLog, { after: forged })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    for (const role of ['VIEWER', 'OPERATOR', 'APPROVER'] as const) {
      const res = await h.gql(auditLog, {}, await h.tokenFor(role, `reader-${role.toLowerCase()}`));
      expect(res.errors?.[0]?.extensions?.code, role).toBe('FORBIDDEN');
      expect(res.data?.auditLog ?? null).toBeNull();
    }
    expect((await h.gql(auditLog, {}, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
