import type { DataSource } from 'typeorm';

/** One row of the audit trail (table `audit_log`, written by the API's AuditService). */
export interface AuditLogRow {
  id: string;
  at: Date;
  principalId: string | null;
  principalName: string | null;
  operation: string;
  target: Record<string, unknown>;
  outcome: 'ALLOWED' | 'DENIED' | 'FAILED';
  errorCode: string | null;
  detail: string | null;
}

export interface AuditLogFilter {
  principalId: string | null;
  operation: string | null;
}

/**
 * Entries newest first by id (the order they were recorded: `at` is the transaction's start and not
 * unique), narrowed by principal and operation, after the id `beforeId` (exclusive; null: from the newest).
 */
export function auditLogPage(
  dataSource: DataSource,
  filter: AuditLogFilter,
  beforeId: string | null,
  limit: number,
): Promise<AuditLogRow[]> {
  return dataSource.query(
    `SELECT id::text AS id, at, principal_id AS "principalId", principal_name AS "principalName", operation,
            target, outcome, error_code AS "errorCode", detail
       FROM audit_log
      WHERE ($1::uuid IS NULL OR principal_id = $1::uuid)
        AND ($2::text IS NULL OR operation = $2::text)
        AND ($3::bigint IS NULL OR id < $3::bigint)
      ORDER BY id DESC
      LIMIT $4`,
    [filter.principalId, filter.operation, beforeId, limit],
  );
}

/** How many entries the filter matches, all pages together. */
export async function auditLogCount(dataSource: DataSource, filter: AuditLogFilter): Promise<number> {
  const [row] = await dataSource.query<Array<{ count: string }>>(
    `SELECT count(*) AS count
       FROM audit_log
      WHERE ($1::uuid IS NULL OR principal_id = $1::uuid)
        AND ($2::text IS NULL OR operation = $2::text)`,
    [filter.principalId, filter.operation],
  );
  return Number(row?.count ?? 0);
}
