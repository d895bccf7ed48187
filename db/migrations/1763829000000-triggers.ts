import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What starts runs without a person: a pipeline's source (repository + branch) and the pushes received for
 * it; schedules (Temporal Schedules; these rows name them) and each of their ticks; the two principals that
 * trigger those runs (db/triggers/system-principals.ts).
 */
export class Triggers1763829000000 implements MigrationInterface {
  name = 'Triggers1763829000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE pipelines
        ADD COLUMN source_repository text,
        ADD COLUMN source_branch text,
        ADD CONSTRAINT pipelines_source_check CHECK ((source_repository IS NULL) = (source_branch IS NULL))`);
    // GitHub spells a repository's owner and name in any case; a push finds its pipelines case-blind.
    await q.query(`
      CREATE INDEX pipelines_source_idx ON pipelines (lower(source_repository), source_branch)
        WHERE source_repository IS NOT NULL`);
    await q.query(`
      CREATE TABLE source_pushes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        repository text NOT NULL,
        branch text NOT NULL,
        revision_sha text NOT NULL,
        revision_message text,
        revision_author text,
        revision_committed_at timestamptz NOT NULL,
        commits jsonb NOT NULL DEFAULT '[]',
        delivery_id text NOT NULL,
        pushed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX source_pushes_branch_idx ON source_pushes (lower(repository), branch, pushed_at DESC)`,
    );
    await q.query(`
      CREATE TABLE pipeline_schedules (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        pipeline_id uuid NOT NULL CONSTRAINT pipeline_schedules_pipeline_fk REFERENCES pipelines (id) ON DELETE CASCADE,
        cron text NOT NULL,
        time_zone text NOT NULL,
        paused boolean NOT NULL DEFAULT false,
        created_by_id uuid CONSTRAINT pipeline_schedules_created_by_fk REFERENCES principals (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX pipeline_schedules_pipeline_idx ON pipeline_schedules (pipeline_id, created_at)`,
    );
    await q.query(`
      CREATE TABLE schedule_ticks (
        schedule_id uuid NOT NULL CONSTRAINT schedule_ticks_schedule_fk REFERENCES pipeline_schedules (id) ON DELETE CASCADE,
        tick_key text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        outcome text NOT NULL CONSTRAINT schedule_ticks_outcome_check CHECK (outcome IN ('TRIGGERED', 'NOTHING_TO_DEPLOY')),
        run_id uuid CONSTRAINT schedule_ticks_run_fk REFERENCES pipeline_runs (id) ON DELETE SET NULL,
        message text,
        PRIMARY KEY (schedule_id, tick_key)
      )`);
    await q.query(`CREATE INDEX schedule_ticks_at_idx ON schedule_ticks (schedule_id, at DESC)`);
    await q.query(`
      INSERT INTO principals (id, name, role) VALUES
        ('00000000-0000-4000-8000-00000000f001', 'GitHub push', 'OPERATOR'),
        ('00000000-0000-4000-8000-00000000f002', 'schedule', 'OPERATOR')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE schedule_ticks`);
    await q.query(`DROP TABLE pipeline_schedules`);
    await q.query(`DROP TABLE source_pushes`);
    await q.query(`DROP INDEX pipelines_source_idx`);
    await q.query(`
      ALTER TABLE pipelines DROP CONSTRAINT pipelines_source_check,
        DROP COLUMN source_branch, DROP COLUMN source_repository`);
    // Runs they triggered keep them: the rows stay unless nothing refers to them.
    await q.query(`
      DELETE FROM principals p WHERE p.id IN ('00000000-0000-4000-8000-00000000f001', '00000000-0000-4000-8000-00000000f002')
        AND NOT EXISTS (SELECT 1 FROM pipeline_runs r WHERE r.triggered_by_id = p.id)`);
  }
}
