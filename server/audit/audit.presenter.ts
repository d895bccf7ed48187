import type { DataSource } from 'typeorm';
import { auditLogCount, auditLogPage, type AuditLogRow } from '../../db/audit-log';
import { badInput } from '../errors';
import { decodeCursor, encodeCursor } from '../graphql/cursor';
import { emptyPage, pageSize, type Page } from '../graphql/page';
import { isUuid } from '../graphql/validate';

/** Reads the audit trail: every mutation, allowed, denied or failed (docs/operations.md, "Audit log"). */
export class AuditPresenter {
  constructor(private readonly dataSource: DataSource) {}

  async list(args: {
    principalId?: string | null;
    operation?: string | null;
    first?: number | null;
    after?: string | null;
  }): Promise<Page<AuditLogRow>> {
    const limit = pageSize(args.first);
    if (args.principalId && !isUuid(args.principalId)) return emptyPage();
    const filter = { principalId: args.principalId || null, operation: args.operation || null };
    // The cursor is the last entry's id (a bigserial), checked here so a forged one never reaches SQL.
    let beforeId: string | null = null;
    if (args.after) {
      const [id] = decodeCursor(args.after, 1);
      if (typeof id !== 'string' || !/^\d{1,19}$/.test(id))
        throw badInput('after', 'is not a cursor this API returned');
      beforeId = id;
    }
    const [totalCount, rows] = await Promise.all([
      auditLogCount(this.dataSource, filter),
      auditLogPage(this.dataSource, filter, beforeId, limit + 1),
    ]);
    const edges = rows.slice(0, limit).map((node) => ({ cursor: encodeCursor([node.id]), node }));
    return {
      edges,
      pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.at(-1)?.cursor ?? null },
      totalCount,
    };
  }
}
