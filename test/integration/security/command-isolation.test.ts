import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { eventually, test } from '../../support/fixtures';
import { actionOf, command, createPipeline, ended, trigger, waitForRun } from '../../support/pipelines';

/**
 * Finding 1 of the trust-boundary review: a COMMAND ran as the worker's own user, so it could read the
 * worker's secret key and database credentials (and every other running action's secrets) from
 * /proc/<pid>/environ. As root, the worker now runs each attempt as a uid of its own (docs/security.md,
 * "Commands and the worker"). CI runs as root, and this test checks that path: it refuses to pass quietly
 * as another user, where the boundary does not exist.
 */

const setSecret = `mutation($i: SecretInput!) { setSecret(input: $i) { id } }`;
const cancel = `mutation($id: ID!) { cancelRun(runId: $id) { id } }`;

let scratch = '';
let decoy: ChildProcess | undefined;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'lockstep-hunt-'));
});
afterAll(async () => {
  decoy?.kill('SIGKILL');
  await rm(scratch, { recursive: true, force: true });
});

/** Every file of a folder tree, with its text. */
async function filesUnder(dir: string): Promise<Array<{ file: string; text: string }>> {
  const found: Array<{ file: string; text: string }> = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    found.push({ file, text: await readFile(file, 'latin1') });
  }
  return found;
}

describe('commands and the worker', () => {
  test("a COMMAND cannot read the worker's secret key, the database password or another running action's secret", async ({
    harness: h,
    secretKey,
  }) => {
    expect(
      process.getuid?.(),
      'this test checks the isolation of commands, which needs the worker (here: the test) to run as root',
    ).toBe(0);
    const databasePassword = `pw-${randomBytes(12).toString('hex')}`;
    const otherSecret = `other-${randomBytes(12).toString('hex')}`;
    const canaries = { secretKey, databasePassword, otherSecret };

    // The worker as an operator starts it (`npm run worker`): its key and database URL in its environment.
    decoy = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], {
      env: {
        PATH: process.env.PATH,
        LOCKSTEP_SECRET_KEY: secretKey,
        DATABASE_URL: `postgres://lockstep:${databasePassword}@127.0.0.1:5432/lockstep`,
      },
      stdio: 'ignore',
    });
    // A data folder as `npm start` keeps it: the key and the database URL in files of its own.
    const data = path.join(scratch, 'data');
    await mkdir(path.join(data, 'run'), { recursive: true, mode: 0o700 });
    await chmod(data, 0o711);
    await writeFile(path.join(data, 'secret-key'), `${secretKey}\n`, { mode: 0o600 });
    await writeFile(path.join(data, 'run', 'secret-key'), `${secretKey}\n`, { mode: 0o600 });
    await writeFile(
      path.join(data, 'run', 'database-url'),
      `postgres://lockstep:${databasePassword}@127.0.0.1:5432/lockstep\n`,
      { mode: 0o600 },
    );
    // Where the hunter leaves all it could read, and where the other action says it runs.
    const loot = path.join(scratch, 'loot');
    await mkdir(loot);
    await chmod(loot, 0o777);
    await chmod(scratch, 0o755);

    // Another pipeline's action, holding a secret of its own scope, runs while the hunter hunts.
    const other = await createPipeline(h, {
      name: 'holds-a-secret',
      stages: [
        {
          name: 'deploy',
          actions: [
            command('waits', `touch ${loot}/other-started; while [ ! -e ${loot}/stop ]; do sleep 0.2; done`),
          ],
        },
      ],
    });
    const set = await h.gql(setSecret, {
      i: { name: 'OTHER_TOKEN', value: otherSecret, pipelineId: other.id },
    });
    expect(set.errors).toBeUndefined();
    const otherRun = await trigger(h, other.id);
    await eventually(async () => existsSync(path.join(loot, 'other-started')), Boolean, 30_000);

    // The hunter copies whatever it can read; this test then looks for the secrets in the copies.
    const hunt = [
      'out=$LOOT/hunter; mkdir -p $out/proc',
      'for p in /proc/[0-9]*; do n=${p#/proc/}; for f in environ cmdline; do cat $p/$f > $out/proc/$n.$f 2>/dev/null || rm -f $out/proc/$n.$f; done; done',
      'env > $out/self.env',
      'cp -r $DATA $out/data 2>/dev/null',
      'for f in $DATA/secret-key $DATA/run/secret-key $DATA/run/database-url; do cat $f >> $out/files 2>/dev/null; done',
      'ls -la $DATA $DATA/run > $out/listing 2>&1',
      'id > $out/id',
    ].join('\n');
    const hunter = await createPipeline(h, {
      name: 'hunter',
      stages: [
        {
          name: 'build',
          actions: [
            { name: 'hunt', kind: 'COMMAND', config: { command: hunt, env: { LOOT: loot, DATA: data } } },
          ],
        },
      ],
    });
    const hunted = await waitForRun(h, (await trigger(h, hunter.id)).id, ended);
    await writeFile(path.join(loot, 'stop'), '');
    await h.gql(cancel, { id: otherRun.id }).catch(() => undefined);
    expect(actionOf(hunted, 'build', 'hunt').status).toBe('SUCCEEDED');

    const copies = await filesUnder(path.join(loot, 'hunter'));
    const copy = (name: string) => copies.find((c) => c.file === path.join(loot, 'hunter', name));
    // The hunt really ran, and read what a process may read of itself and of others.
    expect(copy('self.env')?.text).toContain('LOCKSTEP_RUN_ID=');
    expect(copies.filter((c) => c.file.endsWith('.cmdline')).length).toBeGreaterThan(10);

    const leaks = copies.flatMap(({ file, text }) =>
      Object.entries(canaries)
        .filter(([, canary]) => text.includes(canary))
        .map(([name]) => `${name} in ${path.relative(loot, file)}`),
    );
    expect(leaks).toEqual([]);
    // It ran as a user of its own, which may not read the environment of this process (the worker) or the decoy's.
    expect(copy('id')?.text).toMatch(/^uid=(\d+) gid=\1 /);
    expect(copy('id')?.text).not.toMatch(/^uid=0\(/);
    expect(copy(`proc/${process.pid}.environ`)).toBeUndefined();
    expect(copy(`proc/${decoy.pid}.environ`)).toBeUndefined();
  });

  test('a process a COMMAND leaves behind (setsid, holding its output open) does not outlive its attempt', async ({
    harness: h,
  }) => {
    // Left running, it could read what a later attempt given the same uid holds.
    const pipeline = await createPipeline(h, {
      name: 'leaves-a-daemon',
      stages: [
        {
          name: 'build',
          actions: [
            command(
              'daemon',
              `setsid sh -c 'echo $$ > ${scratch}/daemon.pid; exec sleep 300' & sleep 1; echo started`,
            ),
          ],
        },
      ],
    });
    await chmod(scratch, 0o777);
    const done = await waitForRun(h, (await trigger(h, pipeline.id)).id, ended);
    expect(actionOf(done, 'build', 'daemon').status).toBe('SUCCEEDED');
    const pid = Number((await readFile(path.join(scratch, 'daemon.pid'), 'utf8')).trim());
    const alive = () => {
      try {
        return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z');
      } catch {
        return false;
      }
    };
    expect(
      await eventually(
        async () => alive(),
        (running) => !running,
        5_000,
      ).catch(() => alive()),
    ).toBe(false);
  });
});
