import type { MigrationInterface, QueryRunner } from 'typeorm';

/** API tokens may expire: past `expires_at` a token is refused like a revoked one. Null: it never expires. */
export class ApiTokenExpiry1763834400000 implements MigrationInterface {
  name = 'ApiTokenExpiry1763834400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_tokens DROP COLUMN expires_at`);
  }
}
