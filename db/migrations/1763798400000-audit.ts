import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Who did what through the API, and what came of it: every mutation, allowed or denied. */
export class Audit1763798400000 implements MigrationInterface {
  name = 'Audit1763798400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        principal_id uuid CONSTRAINT audit_log_principal_fk REFERENCES principals (id) ON DELETE SET NULL,
        principal_name text,
        operation text NOT NULL,
        target jsonb NOT NULL DEFAULT '{}'::jsonb,
        outcome text NOT NULL CONSTRAINT audit_log_outcome_check CHECK (outcome IN ('ALLOWED', 'DENIED', 'FAILED')),
        error_code text,
        detail text
      )`);
    await q.query(`CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC)`);
    await q.query(`CREATE INDEX audit_log_principal_idx ON audit_log (principal_id, at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
  }
}
