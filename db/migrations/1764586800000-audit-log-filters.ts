import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The `auditLog` query lists entries newest first by id (the order they were recorded), filtered by
 * principal or operation: one index for each filter, in that order, so a page is an index range scan.
 */
export class AuditLogFilters1764586800000 implements MigrationInterface {
  name = 'AuditLogFilters1764586800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX audit_log_principal_id_idx ON audit_log (principal_id, id DESC)`);
    await q.query(`CREATE INDEX audit_log_operation_id_idx ON audit_log (operation, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_log_operation_id_idx`);
    await q.query(`DROP INDEX audit_log_principal_id_idx`);
  }
}
