import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Freeze windows (docs/run-semantics.md, "Freeze windows"): a time range in which no run enters a stage of
 * one environment (`environment_id`), or of every PRODUCTION environment (null). `freeze_holds` is the run
 * a freeze holds now, written by the engine as it (re)reads the windows at a stage boundary and deleted when
 * it is released: the API overrides and signals only what it lists. `freeze_overrides` records who let
 * which run through which window and why; an override stays with the run (the window's name is kept,
 * should the window be deleted).
 */
export class FreezeWindows1764576000000 implements MigrationInterface {
  name = 'FreezeWindows1764576000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE freeze_windows (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        environment_id uuid CONSTRAINT freeze_windows_environment_fk REFERENCES environments (id) ON DELETE CASCADE,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        reason text,
        created_by uuid NOT NULL CONSTRAINT freeze_windows_created_by_fk REFERENCES principals (id) ON DELETE RESTRICT,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT freeze_windows_range_check CHECK (ends_at > starts_at)
      )`);
    // Runs entering a stage ask which windows cover an environment now: the ones not ended yet, by end.
    await q.query(`CREATE INDEX freeze_windows_ends_at_idx ON freeze_windows (ends_at, starts_at)`);
    await q.query(`
      CREATE TABLE freeze_holds (
        run_id uuid PRIMARY KEY CONSTRAINT freeze_holds_run_fk REFERENCES pipeline_runs (id) ON DELETE CASCADE,
        stage_run_id uuid NOT NULL CONSTRAINT freeze_holds_stage_run_fk REFERENCES stage_runs (id) ON DELETE CASCADE,
        environment_id uuid NOT NULL,
        window_ids uuid[] NOT NULL,
        since timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE freeze_overrides (
        id bigserial PRIMARY KEY,
        run_id uuid NOT NULL CONSTRAINT freeze_overrides_run_fk REFERENCES pipeline_runs (id) ON DELETE CASCADE,
        window_id uuid CONSTRAINT freeze_overrides_window_fk REFERENCES freeze_windows (id) ON DELETE SET NULL,
        window_name text NOT NULL,
        principal_id uuid CONSTRAINT freeze_overrides_principal_fk REFERENCES principals (id) ON DELETE SET NULL,
        principal_name text NOT NULL,
        reason text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT freeze_overrides_run_window_key UNIQUE (run_id, window_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE freeze_overrides`);
    await q.query(`DROP TABLE freeze_holds`);
    await q.query(`DROP TABLE freeze_windows`);
  }
}
