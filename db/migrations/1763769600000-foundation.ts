import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Principals and tokens, the pipeline definition, and the run records the engine projects into. */
export class Foundation1763769600000 implements MigrationInterface {
  name = 'Foundation1763769600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE principals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        role text NOT NULL CONSTRAINT principals_role_check CHECK (role IN ('VIEWER', 'OPERATOR', 'APPROVER', 'ADMIN')),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        principal_id uuid NOT NULL CONSTRAINT api_tokens_principal_fk REFERENCES principals (id) ON DELETE CASCADE,
        token_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX api_tokens_token_hash_key ON api_tokens (token_hash)`);
    await q.query(`CREATE INDEX api_tokens_principal_idx ON api_tokens (principal_id)`);

    await q.query(`
      CREATE TABLE services (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        team text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX services_name_key ON services (name)`);
    await q.query(`
      CREATE TABLE environments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        tier text NOT NULL CONSTRAINT environments_tier_check CHECK (tier IN ('DEVELOPMENT', 'STAGING', 'PRODUCTION')),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX environments_name_key ON environments (name)`);

    await q.query(`
      CREATE TABLE pipelines (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        description text,
        service_id uuid CONSTRAINT pipelines_service_fk REFERENCES services (id) ON DELETE RESTRICT,
        execution_mode text NOT NULL DEFAULT 'QUEUED'
          CONSTRAINT pipelines_execution_mode_check CHECK (execution_mode IN ('QUEUED', 'SUPERSEDED', 'PARALLEL')),
        run_counter integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX pipelines_name_key ON pipelines (name)`);
    await q.query(`CREATE INDEX pipelines_service_idx ON pipelines (service_id)`);
    await q.query(`
      CREATE TABLE stages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        pipeline_id uuid NOT NULL CONSTRAINT stages_pipeline_fk REFERENCES pipelines (id) ON DELETE CASCADE,
        name text NOT NULL,
        position integer NOT NULL,
        environment_id uuid CONSTRAINT stages_environment_fk REFERENCES environments (id) ON DELETE RESTRICT,
        max_parallel integer NOT NULL DEFAULT 4 CONSTRAINT stages_max_parallel_check CHECK (max_parallel >= 1),
        transition_enabled boolean NOT NULL DEFAULT true,
        transition_reason text,
        CONSTRAINT stages_pipeline_position_key UNIQUE (pipeline_id, position) DEFERRABLE INITIALLY DEFERRED
      )`);
    await q.query(`
      CREATE TABLE actions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        stage_id uuid NOT NULL CONSTRAINT actions_stage_fk REFERENCES stages (id) ON DELETE CASCADE,
        name text NOT NULL,
        kind text NOT NULL CONSTRAINT actions_kind_check CHECK (kind IN ('COMMAND', 'HTTP', 'APPROVAL', 'DEPLOYMENT', 'WAIT')),
        run_order integer NOT NULL DEFAULT 1,
        config jsonb NOT NULL,
        timeout_seconds integer CONSTRAINT actions_timeout_check CHECK (timeout_seconds > 0),
        retry_maximum_attempts integer NOT NULL DEFAULT 1 CONSTRAINT actions_retry_attempts_check CHECK (retry_maximum_attempts >= 1),
        retry_initial_interval_ms integer NOT NULL DEFAULT 1000,
        retry_backoff_coefficient double precision NOT NULL DEFAULT 2,
        CONSTRAINT actions_stage_name_key UNIQUE (stage_id, name)
      )`);

    await q.query(`
      CREATE TABLE pipeline_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        pipeline_id uuid NOT NULL CONSTRAINT pipeline_runs_pipeline_fk REFERENCES pipelines (id) ON DELETE CASCADE,
        number integer NOT NULL,
        status text NOT NULL CONSTRAINT pipeline_runs_status_check
          CHECK (status IN ('QUEUED', 'RUNNING', 'WAITING', 'FAILED', 'SUCCEEDED', 'CANCELLED', 'SUPERSEDED')),
        definition jsonb NOT NULL,
        revision_sha text NOT NULL,
        revision_message text,
        revision_author text,
        revision_committed_at timestamptz NOT NULL,
        commits jsonb NOT NULL DEFAULT '[]'::jsonb,
        triggered_by_id uuid NOT NULL CONSTRAINT pipeline_runs_triggered_by_fk REFERENCES principals (id) ON DELETE RESTRICT,
        temporal_workflow_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        failure_reason text,
        CONSTRAINT pipeline_runs_pipeline_number_key UNIQUE (pipeline_id, number)
      )`);
    await q.query(
      `CREATE INDEX pipeline_runs_pipeline_created_idx ON pipeline_runs (pipeline_id, created_at DESC, id DESC)`,
    );
    await q.query(`CREATE INDEX pipeline_runs_created_idx ON pipeline_runs (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX pipeline_runs_status_idx ON pipeline_runs (status)`);
    await q.query(`
      CREATE TABLE stage_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        run_id uuid NOT NULL CONSTRAINT stage_runs_run_fk REFERENCES pipeline_runs (id) ON DELETE CASCADE,
        stage_id uuid NOT NULL,
        name text NOT NULL,
        position integer NOT NULL,
        environment_id uuid,
        status text NOT NULL CONSTRAINT stage_runs_status_check
          CHECK (status IN ('PENDING', 'RUNNING', 'WAITING', 'BLOCKED', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'SKIPPED')),
        started_at timestamptz,
        finished_at timestamptz,
        failure_reason text,
        CONSTRAINT stage_runs_run_position_key UNIQUE (run_id, position)
      )`);
    await q.query(`
      CREATE TABLE action_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        run_id uuid NOT NULL CONSTRAINT action_runs_run_fk REFERENCES pipeline_runs (id) ON DELETE CASCADE,
        stage_run_id uuid NOT NULL CONSTRAINT action_runs_stage_run_fk REFERENCES stage_runs (id) ON DELETE CASCADE,
        action_id uuid NOT NULL,
        name text NOT NULL,
        kind text NOT NULL,
        run_order integer NOT NULL,
        status text NOT NULL CONSTRAINT action_runs_status_check CHECK (status IN
          ('PENDING', 'RUNNING', 'WAITING_FOR_APPROVAL', 'SUCCEEDED', 'FAILED', 'REJECTED', 'CANCELLED', 'SKIPPED')),
        started_at timestamptz,
        finished_at timestamptz,
        outputs jsonb,
        failure_reason text
      )`);
    await q.query(`CREATE INDEX action_runs_stage_run_idx ON action_runs (stage_run_id, run_order, name)`);
    await q.query(`CREATE INDEX action_runs_run_idx ON action_runs (run_id)`);
    await q.query(`
      CREATE TABLE action_attempts (
        action_run_id uuid NOT NULL CONSTRAINT action_attempts_action_run_fk REFERENCES action_runs (id) ON DELETE CASCADE,
        number integer NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        error text,
        PRIMARY KEY (action_run_id, number)
      )`);
    await q.query(`
      CREATE TABLE log_lines (
        action_run_id uuid NOT NULL CONSTRAINT log_lines_action_run_fk REFERENCES action_runs (id) ON DELETE CASCADE,
        seq integer NOT NULL,
        attempt integer NOT NULL,
        at timestamptz NOT NULL,
        stream text NOT NULL CONSTRAINT log_lines_stream_check CHECK (stream IN ('stdout', 'stderr')),
        text text NOT NULL,
        PRIMARY KEY (action_run_id, seq)
      )`);
    await q.query(`
      CREATE TABLE pipeline_events (
        id bigserial PRIMARY KEY,
        run_id uuid NOT NULL CONSTRAINT pipeline_events_run_fk REFERENCES pipeline_runs (id) ON DELETE CASCADE,
        pipeline_id uuid NOT NULL,
        event_key text NOT NULL,
        type text NOT NULL,
        stage_name text,
        action_name text,
        message text,
        at timestamptz NOT NULL,
        CONSTRAINT pipeline_events_run_key_key UNIQUE (run_id, event_key)
      )`);
    await q.query(`CREATE INDEX pipeline_events_pipeline_idx ON pipeline_events (pipeline_id, id)`);
    await q.query(`CREATE INDEX pipeline_events_run_idx ON pipeline_events (run_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'pipeline_events',
      'log_lines',
      'action_attempts',
      'action_runs',
      'stage_runs',
      'pipeline_runs',
      'actions',
      'stages',
      'pipelines',
      'environments',
      'services',
      'api_tokens',
      'principals',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
