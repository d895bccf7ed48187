import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { doraReadTables } from '../../db/dora/fact-maintenance';
import { lockstep } from '../support/cli-process';
import { ok, test, type Harness } from '../support/fixtures';

/** `lockstep import -f FILE`: deployment history from NDJSON, as a user imports it. */

const scratch = mkdtempSync(path.join(tmpdir(), 'lockstep-import-'));

async function catalog(h: Harness, name: string) {
  const { createService } = await ok<{ createService: { id: string } }>(
    h,
    `mutation($i: ServiceInput!) { createService(input: $i) { id } }`,
    { i: { name, team: 'imports' } },
  );
  const { createEnvironment } = await ok<{ createEnvironment: { id: string } }>(
    h,
    `mutation($i: EnvironmentInput!) { createEnvironment(input: $i) { id } }`,
    { i: { name: `${name}-prod`, tier: 'PRODUCTION' } },
  );
  return { serviceId: createService.id, environmentId: createEnvironment.id };
}

const base = Date.parse('2024-01-01T00:00:00Z');
/** `n` deployments an hour apart, each with two commits; one NDJSON line each. */
function history(ids: { serviceId: string; environmentId: string }, n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const finished = base + i * 3_600_000;
    const commits = [0, 1].map((c) => ({
      sha: (i * 2 + c).toString(16).padStart(10, '0'),
      committedAt: new Date(finished - (c + 1) * 1_800_000).toISOString(),
    }));
    return JSON.stringify({
      ...ids,
      status: 'SUCCEEDED',
      startedAt: new Date(finished - 300_000).toISOString(),
      finishedAt: new Date(finished).toISOString(),
      revision: commits[1],
      commits,
    });
  });
}

const write = (name: string, lines: string[]) => {
  const file = path.join(scratch, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
};

const stored = async (h: Harness, serviceId: string) =>
  Number(
    (
      await h.dataSource.query(`SELECT count(*) AS n FROM deployment_runs WHERE service_id = $1`, [serviceId])
    )[0].n,
  );

/** Manual VACUUM and ANALYZE runs over the six tables an import writes and the DORA metrics read. */
const vacuumCount = async (h: Harness) => {
  const rows: Array<{ vacuumed: number; analyzed: number }> = await h.dataSource.query(
    `SELECT sum(vacuum_count)::int AS vacuumed, sum(analyze_count)::int AS analyzed FROM pg_stat_user_tables
      WHERE relname = ANY ($1)`,
    [doraReadTables],
  );
  return rows[0]!;
};

describe('lockstep import', () => {
  test('imports an NDJSON history in batches, with progress and a summary; again, it adds nothing', async ({
    harness: h,
  }) => {
    const ids = await catalog(h, 'import-history');
    const lines = history(ids, 1500);
    lines.splice(700, 0, ''); // blank lines are skipped
    const file = write('history.ndjson', lines);

    const vacuums = await vacuumCount(h);
    const first = await lockstep(h, ['import', '-f', file, '--concurrency', '2']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(`${file}: 1500 deployments checked; importing`);
    expect(first.stderr).toContain('imported 1500/1500');
    expect(first.stderr).toContain('vacuuming and analyzing the DORA tables');
    expect(first.stdout).toMatch(
      /^imported 1500 deployments in \d+\.\d s \(\d+\/s; 1500 new or moved forward, 0 already known; DORA tables vacuumed in \d+\.\d s\)\n$/,
    );
    // The metrics' tables were vacuumed and analyzed by the import itself, not left to autovacuum.
    expect(await vacuumCount(h)).toEqual({ vacuumed: vacuums.vacuumed + 6, analyzed: vacuums.analyzed + 6 });
    expect(await stored(h, ids.serviceId)).toBe(1500);
    const { doraMetrics } = await ok<{ doraMetrics: { leadTimeForChanges: { sampleSize: number } } }>(
      h,
      `query($f: DoraFilter!) { doraMetrics(filter: $f) { leadTimeForChanges { sampleSize } } }`,
      { f: { from: '2024-01-01T00:00:00Z', to: '2024-03-31T00:00:00Z', serviceIds: [ids.serviceId] } },
    );
    expect(doraMetrics.leadTimeForChanges.sampleSize).toBe(3000);

    const again = await lockstep(h, ['--json', 'import', '-f', file]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toBe('');
    expect(JSON.parse(again.stdout)).toMatchObject({ file, deployments: 1500, recorded: 0 });
    // Nothing new: nothing to vacuum.
    expect(JSON.parse(again.stdout).vacuumSeconds).toBeNull();
    expect(await stored(h, ids.serviceId)).toBe(1500);

    const more = write('more.ndjson', history(await catalog(h, 'import-no-vacuum'), 10));
    const skipped = await lockstep(h, ['--json', 'import', '-f', more, '--no-vacuum']);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(JSON.parse(skipped.stdout)).toMatchObject({ deployments: 10, recorded: 10, vacuumSeconds: null });
    expect(await vacuumCount(h)).toEqual({ vacuumed: vacuums.vacuumed + 6, analyzed: vacuums.analyzed + 6 });
  });

  test('a malformed file names its line, exits 2 and sends nothing', async ({ harness: h }) => {
    const ids = await catalog(h, 'import-malformed');
    const lines = history(ids, 1200);
    lines[1100] = lines[1100]!.replace(/"sha":"[0-9a-f]+"/, '"sha":"not-a-sha"');
    const file = write('malformed.ndjson', lines);
    const refused = await lockstep(h, ['import', '-f', file]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      `lockstep: ${file}:1101: revision.sha: must be a commit SHA (7 to 64 hexadecimal characters)\n`,
    );
    expect(await stored(h, ids.serviceId)).toBe(0);

    const notJson = write('not-json.ndjson', [lines[0]!, '{"serviceId": ']);
    const broken = await lockstep(h, ['import', '-f', notJson]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(new RegExp(`^lockstep: ${notJson}:2: not JSON`));
    expect(await stored(h, ids.serviceId)).toBe(0);
  });

  test('a line the API refuses is named by its line; that batch stores nothing', async ({ harness: h }) => {
    const ids = await catalog(h, 'import-refused');
    const lines = history(ids, 10);
    lines[6] = lines[6]!.replace(ids.serviceId, '00000000-0000-4000-8000-000000000000');
    const file = write('refused.ndjson', lines);
    const refused = await lockstep(h, ['import', '-f', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`lockstep: ${file}:7: serviceId: no service has this id`);
    expect(await stored(h, ids.serviceId)).toBe(0);
  });
});
