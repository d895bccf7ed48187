import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lead time over every service reads hundreds of thousands of commit facts per window; sorting them all
 * for each percentile is what made that read slow. This keeps, per UTC day and per UTC hour, how many
 * credited commits fall in each lead-time bin (eight bins per doubling), maintained by a trigger on
 * `dora_commit_facts` itself: a range is counted from whole days, then the hours at its edges, then the
 * facts of the part-hours left.
 * A percentile is then found exactly in two steps: the counts say which bin holds the wanted rank, and only
 * that bin's values within the range are read, through an index on (bin, finish time), and sorted.
 */
export class DoraLeadHistogram1763820000000 implements MigrationInterface {
  name = 'DoraLeadHistogram1763820000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION dora_lead_bin(lead double precision) RETURNS int
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      RETURN CASE WHEN lead < 1 THEN 0 ELSE 1 + floor(8 * ln(lead) / ln(2.0))::int END`);
    await q.query(`
      CREATE TABLE dora_lead_hours (
        hour timestamptz NOT NULL,
        bin int NOT NULL,
        n int NOT NULL,
        PRIMARY KEY (hour, bin)
      )`);
    await q.query(`
      CREATE TABLE dora_lead_days (
        day timestamptz NOT NULL,
        bin int NOT NULL,
        n int NOT NULL,
        PRIMARY KEY (day, bin)
      )`);
    await q.query(`
      CREATE INDEX dora_commit_facts_bin_idx ON dora_commit_facts (dora_lead_bin(lead_seconds), finished_at)
        INCLUDE (lead_seconds) WHERE lead_seconds >= 0`);
    // Rows in, rows out: the counts follow. Hours and bins in order, so concurrent writers lock alike.
    await q.query(`
      CREATE FUNCTION dora_lead_hours_changed() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO dora_lead_days (day, bin, n)
        SELECT date_trunc('day', finished_at, 'UTC'), dora_lead_bin(lead_seconds),
               CASE WHEN TG_OP = 'INSERT' THEN count(*) ELSE -count(*) END
          FROM changed_rows WHERE lead_seconds >= 0
         GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (day, bin) DO UPDATE SET n = dora_lead_days.n + EXCLUDED.n;
        INSERT INTO dora_lead_hours (hour, bin, n)
        SELECT date_trunc('hour', finished_at, 'UTC'), dora_lead_bin(lead_seconds),
               CASE WHEN TG_OP = 'INSERT' THEN count(*) ELSE -count(*) END
          FROM changed_rows WHERE lead_seconds >= 0
         GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (hour, bin) DO UPDATE SET n = dora_lead_hours.n + EXCLUDED.n;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER dora_lead_hours_insert AFTER INSERT ON dora_commit_facts
        REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_lead_hours_changed()`);
    await q.query(`
      CREATE TRIGGER dora_lead_hours_delete AFTER DELETE ON dora_commit_facts
        REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_lead_hours_changed()`);
    await q.query(`
      INSERT INTO dora_lead_hours (hour, bin, n)
      SELECT date_trunc('hour', finished_at, 'UTC'), dora_lead_bin(lead_seconds), count(*)
        FROM dora_commit_facts WHERE lead_seconds >= 0 GROUP BY 1, 2`);
    await q.query(`
      INSERT INTO dora_lead_days (day, bin, n)
      SELECT date_trunc('day', finished_at, 'UTC'), dora_lead_bin(lead_seconds), count(*)
        FROM dora_commit_facts WHERE lead_seconds >= 0 GROUP BY 1, 2`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER dora_lead_hours_delete ON dora_commit_facts`);
    await q.query(`DROP TRIGGER dora_lead_hours_insert ON dora_commit_facts`);
    await q.query(`DROP FUNCTION dora_lead_hours_changed()`);
    await q.query(`DROP INDEX dora_commit_facts_bin_idx`);
    await q.query(`DROP TABLE dora_lead_days`);
    await q.query(`DROP TABLE dora_lead_hours`);
    await q.query(`DROP FUNCTION dora_lead_bin(double precision)`);
  }
}
