import type { PoolClient } from 'pg';

export interface DoraSeedShape {
  services: number;
  deployments: number;
  incidents: number;
  days: number;
  /** The instant the history ends (the newest deployment finishes just before it). */
  end: Date;
}

/**
 * A history written straight into the tables by PostgreSQL itself (generate_series), deterministic for a
 * given shape: `services` services in ten teams, one production and one staging environment, `deployments`
 * production deployments spread over `days` (busy services deploy more often), each with one to five
 * commits authored up to three days earlier (one commit in fifty re-delivered by the next deployment), one
 * deployment in forty a rollback, and `incidents` incidents, three quarters of them caused by a deployment
 * and resolved within hours, the rest external or unattributed; some of the last two days' still open.
 *
 * The facts triggers are off while it writes; the caller rebuilds the facts afterwards.
 */
export async function seedDoraHistory(client: PoolClient, shape: DoraSeedShape): Promise<void> {
  const q = (sql: string, params: unknown[] = []) => client.query(sql, params);
  const span = `make_interval(days => ${shape.days})`;
  await q(`ALTER TABLE deployment_runs DISABLE TRIGGER USER`);
  await q(`ALTER TABLE deployment_run_commits DISABLE TRIGGER USER`);
  await q(`ALTER TABLE incidents DISABLE TRIGGER USER`);
  await q(`SELECT setseed(0.42)`);
  await q(
    `INSERT INTO environments (name, tier) VALUES ('bench-production', 'PRODUCTION'), ('bench-staging', 'STAGING')`,
  );
  await q(
    `INSERT INTO services (name, team)
     SELECT format('bench-service-%s', s), format('team-%s', s % 10) FROM generate_series(1, $1::int) s`,
    [shape.services],
  );
  // Service s gets a share of the deployments proportional to 1 + (s mod 7): some deploy hourly, some weekly.
  await q(
    `CREATE TEMP TABLE bench_deploys AS
     SELECT gen_random_uuid() AS id, s.id AS service_id,
            $2::timestamptz - ${span} * random() AS finished_at,
            random() < 0.025 AS is_rollback,
            1 + floor(random() * 5)::int AS commits
       FROM (SELECT id, row_number() OVER (ORDER BY name) AS n FROM services WHERE name LIKE 'bench-service-%') s,
            LATERAL generate_series(1, (($1::bigint * (1 + s.n % 7)) /
              (SELECT sum(1 + n2 % 7) FROM generate_series(1, $3::int) n2))::int) g`,
    [shape.deployments, shape.end, shape.services],
  );
  await q(
    `INSERT INTO deployment_runs (id, service_id, environment_id, status, revision_sha, is_rollback, external,
                                  started_at, finished_at)
     SELECT d.id, d.service_id, (SELECT id FROM environments WHERE name = 'bench-production'), 'SUCCEEDED',
            md5(d.id::text), d.is_rollback, true, d.finished_at - interval '4 minutes', d.finished_at
       FROM bench_deploys d`,
  );
  await q(
    `INSERT INTO deployment_run_commits (deployment_run_id, sha, committed_at)
     SELECT d.id, md5(d.id::text || c), d.finished_at - interval '3 days' * random() ^ 3
       FROM bench_deploys d, generate_series(1, d.commits) c`,
  );
  // Re-deliveries: the next deployment of the service carries one of the previous one's commits again.
  await q(
    `INSERT INTO deployment_run_commits (deployment_run_id, sha, committed_at)
     SELECT n.next_id, md5(n.id::text || 1), n.finished_at - interval '1 hour'
       FROM (SELECT id, finished_at, lead(id) OVER (PARTITION BY service_id ORDER BY finished_at) AS next_id
               FROM bench_deploys) n
      WHERE n.next_id IS NOT NULL AND random() < 0.02
     ON CONFLICT DO NOTHING`,
  );
  await q(
    `INSERT INTO incidents (service_id, title, opened_at, resolved_at, external, caused_by_deployment_run_id, attribution)
     SELECT d.service_id, 'bench incident', o.opened_at,
            CASE WHEN o.opened_at > $2::timestamptz - interval '2 days' AND random() < 0.5 THEN NULL
                 ELSE o.opened_at + interval '8 hours' * random() ^ 2 END,
            k.kind = 'EXTERNAL', CASE WHEN k.kind = 'EXPLICIT' THEN d.id END, k.kind
       FROM (SELECT * FROM bench_deploys ORDER BY random() LIMIT $1) d,
            LATERAL (SELECT d.finished_at + interval '6 hours' * random() AS opened_at) o,
            LATERAL (SELECT CASE WHEN r < 0.75 THEN 'EXPLICIT' WHEN r < 0.9 THEN 'EXTERNAL' ELSE 'NONE' END AS kind
                       FROM (SELECT random() + 0 * length(d.id::text) AS r) x) k`,
    [shape.incidents, shape.end],
  );
  await q(`DROP TABLE bench_deploys`);
  await q(`VACUUM ANALYZE deployment_runs, deployment_run_commits, incidents, services, environments`);
  await q(`ALTER TABLE deployment_runs ENABLE TRIGGER USER`);
  await q(`ALTER TABLE deployment_run_commits ENABLE TRIGGER USER`);
  await q(`ALTER TABLE incidents ENABLE TRIGGER USER`);
}

/** Rebuilds every service's facts from the views (what the migration does for existing data). */
export async function rebuildDoraFacts(client: PoolClient): Promise<void> {
  await client.query(`TRUNCATE dora_deployment_facts, dora_commit_facts, dora_lead_hours, dora_lead_days`);
  await client.query(`SELECT dora_refresh(id, '-infinity') FROM services`);
  await client.query(
    `VACUUM ANALYZE dora_deployment_facts, dora_commit_facts, dora_lead_hours, dora_lead_days`,
  );
}
