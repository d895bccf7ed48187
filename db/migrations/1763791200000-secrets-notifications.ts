import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Encrypted secrets by scope; outgoing webhook subscriptions and their deliveries. */
export class SecretsNotifications1763791200000 implements MigrationInterface {
  name = 'SecretsNotifications1763791200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE secrets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        scope text NOT NULL CONSTRAINT secrets_scope_check CHECK (scope IN ('GLOBAL', 'ENVIRONMENT', 'PIPELINE')),
        environment_id uuid CONSTRAINT secrets_environment_fk REFERENCES environments (id) ON DELETE CASCADE,
        pipeline_id uuid CONSTRAINT secrets_pipeline_fk REFERENCES pipelines (id) ON DELETE CASCADE,
        ciphertext bytea NOT NULL,
        iv bytea NOT NULL,
        auth_tag bytea NOT NULL,
        key_fingerprint text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT secrets_scope_target_check CHECK (
          (scope = 'GLOBAL' AND environment_id IS NULL AND pipeline_id IS NULL) OR
          (scope = 'ENVIRONMENT' AND environment_id IS NOT NULL AND pipeline_id IS NULL) OR
          (scope = 'PIPELINE' AND pipeline_id IS NOT NULL AND environment_id IS NULL))
      )`);
    // One secret of a name per scope target (the nil uuid stands for "global").
    await q.query(`
      CREATE UNIQUE INDEX secrets_scope_name_key
        ON secrets (scope, COALESCE(environment_id, pipeline_id, '00000000-0000-0000-0000-000000000000'::uuid), name)`);
    await q.query(`
      CREATE TABLE webhook_subscriptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        url text NOT NULL,
        event_types text[] NOT NULL DEFAULT '{}',
        pipeline_id uuid CONSTRAINT webhook_subscriptions_pipeline_fk REFERENCES pipelines (id) ON DELETE CASCADE,
        format text NOT NULL CONSTRAINT webhook_subscriptions_format_check CHECK (format IN ('lockstep', 'slack')),
        secret_ciphertext bytea NOT NULL,
        secret_iv bytea NOT NULL,
        secret_auth_tag bytea NOT NULL,
        key_fingerprint text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subscription_id uuid NOT NULL
          CONSTRAINT webhook_deliveries_subscription_fk REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
        event_id bigint NOT NULL CONSTRAINT webhook_deliveries_event_fk REFERENCES pipeline_events (id) ON DELETE CASCADE,
        event_type text NOT NULL,
        run_id uuid NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        response_status integer,
        delivered_at timestamptz,
        error text,
        -- when the worker's dispatcher started the delivery's workflow (null: still queued)
        dispatched_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT webhook_deliveries_subscription_event_key UNIQUE (subscription_id, event_id)
      )`);
    await q.query(
      `CREATE INDEX webhook_deliveries_subscription_created_idx ON webhook_deliveries (subscription_id, created_at DESC)`,
    );
    await q.query(`CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id)`);
    await q.query(
      `CREATE INDEX webhook_deliveries_queued_idx ON webhook_deliveries (created_at) WHERE dispatched_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_deliveries`);
    await q.query(`DROP TABLE webhook_subscriptions`);
    await q.query(`DROP TABLE secrets`);
  }
}
