import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect } from 'vitest';
import { lockstep, runCommand as run, type CliResult } from '../support/cli-process';
import { eventually, test, type Harness } from '../support/fixtures';
import { command, createPipeline } from '../support/pipelines';
import { sharedFolder } from '../support/shared-folder';

const root = path.join(__dirname, '..', '..');
const example = path.join(root, 'examples', 'lockstep.yaml');
const scratch = mkdtempSync(path.join(tmpdir(), 'lockstep-cli-'));

const json = <T>(result: CliResult): T => JSON.parse(result.stdout) as T;
const waitForStatus = (h: Harness, run: string, status: string) =>
  eventually(
    async () => json<{ status: string }>(await lockstep(h, ['--json', 'status', run])).status,
    (now) => now === status,
    60_000,
  );

/** The stored definition of the example's pipeline, to tell that a refused file changed nothing. */
const definitionOf = async (h: Harness, name: string) =>
  JSON.stringify(
    (
      await h.gql(
        `query($n: String!) { pipelineByName(name: $n) { description source { repository branch }
           stages { name environment { name } actions { name kind runOrder config retryPolicy { maximumAttempts } } } } }`,
        { n: name },
      )
    ).data,
  );

beforeAll(() => {
  // The bundle the bin runs when it is current (otherwise the bin falls back to the sources through tsx).
  const built = spawnSync('npm', ['run', '-s', 'cli:build'], { cwd: root, encoding: 'utf8' });
  expect(built.status, built.stderr).toBe(0);
}, 120_000);

describe('lockstep apply', () => {
  test('creates, then changes nothing, then updates what was edited; a file with a mistake changes nothing', async ({
    harness: h,
  }) => {
    const first = await lockstep(h, ['apply', '-f', example]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout.trim().split('\n')).toEqual([
      'service checkout: created',
      'environment staging: created',
      'environment production: created',
      'deployment checkout-staging: created',
      'deployment checkout-production: created',
      'pipeline checkout: created',
    ]);
    const created = await definitionOf(h, 'checkout');
    expect(created).toContain('"source":{"repository":"acme/checkout","branch":"main"}');

    const again = await lockstep(h, ['--json', 'apply', '-f', example]);
    expect(again.code).toBe(0);
    const objects = json<{ dryRun: boolean; objects: Array<{ change: string }> }>(again).objects;
    expect(objects.map((o) => o.change)).toEqual(Array(6).fill('unchanged'));

    const edited = path.join(scratch, 'edited.yaml');
    writeFileSync(
      edited,
      readFileSync(example, 'utf8')
        .replace('echo "tests pass"', 'echo "all tests pass"')
        .replace('team: payments', 'team: checkout-team'),
    );
    const dry = await lockstep(h, ['apply', '-f', edited, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('service checkout: updated (dry run)');
    expect(dry.stdout).toContain('pipeline checkout: updated (dry run)');
    expect(await definitionOf(h, 'checkout')).toBe(created);

    const update = await lockstep(h, ['apply', '-f', edited]);
    expect(update.code).toBe(0);
    expect(update.stdout.trim().split('\n')).toEqual([
      'service checkout: updated',
      'environment staging: unchanged',
      'environment production: unchanged',
      'deployment checkout-staging: unchanged',
      'deployment checkout-production: unchanged',
      'pipeline checkout: updated',
    ]);
    const updated = await definitionOf(h, 'checkout');
    expect(updated).toContain('all tests pass');

    // A file with two mistakes: an environment nobody defined, and an action kind that does not exist.
    const broken = path.join(scratch, 'broken.yaml');
    const lines = readFileSync(edited, 'utf8').replace('all tests pass', 'broken').split('\n');
    const stageEnv = lines.findIndex((l) => l.includes('environment: staging') && l.startsWith('        '));
    lines[stageEnv] = lines[stageEnv]!.replace('staging', 'stagging');
    const kind = lines.findIndex((l) => l.includes('kind: COMMAND'));
    lines[kind] = lines[kind]!.replace('COMMAND', 'SHELL');
    writeFileSync(broken, lines.join('\n'));
    const refused = await lockstep(h, ['apply', '-f', broken]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trim().split('\n')).toEqual([
      `lockstep: ${broken}:${kind + 1}: pipelines[0].stages[0].actions[0].kind: must be one of COMMAND, HTTP, APPROVAL, DEPLOYMENT, WAIT`,
    ]);
    lines[kind] = lines[kind].replace('SHELL', 'COMMAND');
    writeFileSync(broken, lines.join('\n'));
    const unknown = await lockstep(h, ['apply', '-f', broken]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe(
      `lockstep: ${broken}:${stageEnv + 1}: no environment is named "stagging", in this file or in Lockstep`,
    );
    expect(await definitionOf(h, 'checkout')).toBe(updated);
  });
});

describe('lockstep runs', () => {
  test('trigger --wait exits 0 on success and 1 on failure, printing each stage and action change', async ({
    harness: h,
  }) => {
    await createPipeline(h, {
      name: 'passes',
      // Long enough to be seen RUNNING: the subscription shows each state the run is in when it answers, and
      // an action that ends before the client has connected is first seen SUCCEEDED.
      stages: [{ name: 'build', actions: [command('hello', 'sleep 1; echo hello from the build')] }],
    });
    await createPipeline(h, {
      name: 'fails',
      stages: [{ name: 'build', actions: [command('broken', 'echo oops >&2; exit 3')] }],
    });

    const ok = await lockstep(h, ['trigger', 'passes', '--sha', 'abc1234', '--message', 'ship it', '--wait']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const lines = ok.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^passes#1 [0-9a-f-]{36}$/);
    expect(lines).toContain('passes#1 build/hello RUNNING');
    expect(lines).toContain('passes#1 build/hello SUCCEEDED');
    expect(lines).toContain('passes#1 build SUCCEEDED');
    expect(lines.at(-1)).toBe('passes#1 SUCCEEDED');

    const failed = await lockstep(h, ['trigger', 'fails', '--sha', 'abc1234', '--wait']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/fails#1 build\/broken FAILED/);
    expect(failed.stdout.trim().split('\n').at(-1)).toMatch(/^fails#1 FAILED/);

    const status = await lockstep(h, ['status', 'passes#1', '--json']);
    expect(status.code).toBe(0);
    expect(
      json<{ status: string; number: number; revision: { sha: string; message: string } }>(status),
    ).toMatchObject({
      status: 'SUCCEEDED',
      number: 1,
      revision: { sha: 'abc1234', message: 'ship it' },
    });
    const human = await lockstep(h, ['status', 'passes#1']);
    expect(human.stdout).toContain('passes#1 SUCCEEDED');
    expect(human.stdout).toContain('    hello (COMMAND) SUCCEEDED');

    const runs = await lockstep(h, ['--json', 'runs', 'passes']);
    expect(json<Array<{ number: number; status: string }>>(runs)).toEqual([
      expect.objectContaining({ number: 1, status: 'SUCCEEDED' }),
    ]);

    const logs = await lockstep(h, ['logs', 'passes#1']);
    expect(logs.stderr).toBe('');
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain('build/hello | hello from the build');
    const failedLogs = await lockstep(h, ['--json', 'logs', 'fails#1']);
    const entries = failedLogs.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { action: string; stream: string; text: string });
    expect(entries).toContainEqual(
      expect.objectContaining({ action: 'build/broken', stream: 'stderr', text: 'oops' }),
    );
  });

  test('a script imports the typed client as lockstep/client', async ({ harness: h }) => {
    await createPipeline(h, {
      name: 'scripted',
      stages: [{ name: 'build', actions: [command('hi', 'true')] }],
    });
    expect((await lockstep(h, ['trigger', 'scripted', '--sha', 'ccc3333', '--wait'])).code).toBe(0);
    const script = await run(h, 'node', ['--import', 'tsx', 'examples/latest-run.ts', 'scripted']);
    expect(script.stderr).toBe('');
    expect(JSON.parse(script.stdout)).toEqual({ pipeline: 'scripted', number: 1, status: 'SUCCEEDED' });
  });

  test('approve from the CLI while another trigger --wait waits; approve says when nothing waits', async ({
    harness: h,
  }) => {
    await lockstep(h, ['apply', '-f', example]);
    const approver = await h.tokenFor('APPROVER', 'release-manager');
    const waiting = lockstep(h, ['trigger', 'checkout', '--sha', 'def5678', '--wait']);

    // The run waits at the production gate; `status` shows it.
    let number = 0;
    for (let i = 0; i < 200 && number === 0; i++) {
      const runs = json<Array<{ number: number; status: string }>>(
        await lockstep(h, ['--json', 'runs', 'checkout']),
      );
      number = runs.find((r) => r.status === 'WAITING')?.number ?? 0;
      if (number === 0) await new Promise((r) => setTimeout(r, 500));
    }
    expect(number).toBeGreaterThan(0);
    const approved = await lockstep(
      h,
      ['approve', `checkout#${number}`, '--comment', 'staging looks good'],
      approver,
    );
    expect(approved.stderr).toBe('');
    expect(approved.stdout.trim()).toBe(`checkout#${number} production/release-approval: approved`);

    const waited = await waiting;
    expect(waited.code).toBe(0);
    expect(waited.stdout).toContain(`checkout#${number} production/release-approval WAITING_FOR_APPROVAL`);
    expect(waited.stdout.trim().split('\n').at(-1)).toBe(`checkout#${number} SUCCEEDED`);

    const nothing = await lockstep(h, ['approve', `checkout#${number}`], approver);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr.trim()).toBe(`lockstep: checkout#${number} waits at no approval (it is SUCCEEDED)`);
  });

  test('retry, cancel and rollback', async ({ harness: h }) => {
    // Commands run as a uid of their own per attempt (docs/security.md): the marker's folder is shared.
    const marker = path.join(await sharedFolder('lockstep-cli-flaky-'), 'flaky-once');
    await createPipeline(h, {
      name: 'flaky',
      stages: [
        { name: 'build', actions: [command('flaky', `test -f ${marker} || { touch ${marker}; exit 1; }`)] },
      ],
    });
    expect((await lockstep(h, ['trigger', 'flaky', '--sha', 'aaa1111', '--wait'])).code).toBe(1);
    const retried = await lockstep(h, ['retry', 'flaky#1']);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toMatch(/^flaky#1 retrying its failed actions/);
    const follow = await lockstep(h, ['logs', 'flaky#1', '--follow']);
    expect(follow.code).toBe(0);
    const again = await lockstep(h, ['--json', 'status', 'flaky#1']);
    expect(json<{ status: string }>(again).status).toBe('SUCCEEDED');

    const rollback = await lockstep(h, ['rollback', 'flaky', '--to', 'flaky#1']);
    expect(rollback.code).toBe(0);
    expect(rollback.stdout.trim()).toMatch(/^flaky#2 [0-9a-f-]{36} \(rolling back to flaky#1\)$/);

    await createPipeline(h, {
      name: 'slow',
      stages: [{ name: 'build', actions: [command('sleep', 'echo started; sleep 60')] }],
    });
    const started = await lockstep(h, ['--json', 'trigger', 'slow', '--sha', 'bbb2222']);
    const run = json<{ id: string }>(started);
    const logs = lockstep(h, ['logs', run.id, '--follow']);
    await new Promise((r) => setTimeout(r, 3000));
    const cancelled = await lockstep(h, ['cancel', 'slow#1', '--reason', 'not today']);
    expect(cancelled.code).toBe(0);
    const followed = await logs;
    expect(followed.code).toBe(0);
    expect(followed.stdout).toContain('build/sleep | started');
    const status = await lockstep(h, ['--json', 'status', 'slow#1']);
    expect(json<{ status: string }>(status).status).toBe('CANCELLED');
  });

  test('after a failure: retry the whole stage, skip past the failed actions, rerun from a stage', async ({
    harness: h,
  }) => {
    // Commands run as a uid of their own per attempt (docs/security.md): the marker's folder is shared.
    const counts = ['compile', 'test', 'upload', 'lint', 'publish'];
    const folder = await sharedFolder('lockstep-cli-decide-', counts);
    const marker = path.join(folder, 'failed-once');
    const counted = (name: string, script = 'true') =>
      command(name, `echo x >> ${folder}/${name}; ${script}`);
    await createPipeline(h, {
      name: 'held',
      stages: [
        {
          name: 'build',
          actions: [counted('compile'), counted('test', `test -f ${marker} || { touch ${marker}; exit 1; }`)],
        },
        { name: 'ship', actions: [counted('upload')] },
      ],
    });
    const runs = (name: string) => readFileSync(path.join(folder, name), 'utf8').split('\n').length - 1;
    expect((await lockstep(h, ['trigger', 'held', '--sha', 'ccc3333', '--wait'])).code).toBe(1);
    const retried = await lockstep(h, ['retry', 'held#1', '--stage']);
    expect(retried.stdout, retried.stderr).toMatch(/^held#1 retrying its failed stage/);
    await waitForStatus(h, 'held#1', 'SUCCEEDED');
    // The whole stage ran again: its action that had succeeded too.
    expect([runs('compile'), runs('test'), runs('upload')]).toEqual([2, 2, 1]);

    const rerun = await lockstep(h, ['rerun', 'held#1', '--from', 'ship']);
    expect(rerun.stdout.trim(), rerun.stderr).toMatch(/^held#2 [0-9a-f-]{36} \(rerun of held#1 from ship\)$/);
    await waitForStatus(h, 'held#2', 'SUCCEEDED');
    expect([runs('compile'), runs('test'), runs('upload')]).toEqual([2, 2, 2]);
    const unknown = await lockstep(h, ['rerun', 'held#1', '--from', 'deploy']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe('lockstep: held#1 has no stage "deploy" (its stages: build, ship)');

    await createPipeline(h, {
      name: 'broken-check',
      stages: [
        { name: 'check', actions: [counted('lint', 'exit 3')] },
        { name: 'ship', actions: [counted('publish')] },
      ],
    });
    expect((await lockstep(h, ['trigger', 'broken-check', '--sha', 'ddd4444', '--wait'])).code).toBe(1);
    // Skipping needs APPROVER: an OPERATOR may retry but not go on past a failure.
    const operator = await h.tokenFor('OPERATOR', 'operator');
    const refused = await lockstep(
      h,
      ['skip', 'broken-check#1', '--reason', 'lint is broken upstream'],
      operator,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe('lockstep: This operation needs the APPROVER role');
    const approver = await h.tokenFor('APPROVER', 'on-call');
    const skipped = await lockstep(
      h,
      ['skip', 'broken-check#1', '--reason', 'lint is broken upstream'],
      approver,
    );
    expect(skipped.stdout, skipped.stderr).toMatch(/^broken-check#1 skipping its failed actions/);
    await waitForStatus(h, 'broken-check#1', 'SUCCEEDED');
    expect(runs('publish')).toBe(1);
    const status = await lockstep(h, ['--json', 'status', 'broken-check#1']);
    const lint = json<{ stages: Array<{ actions: Array<{ status: string }> }> }>(status).stages[0]!
      .actions[0]!;
    expect(lint.status).toBe('SKIPPED');
  });

  test('promote carries a known-good run into another pipeline without rebuilding, and live shows it', async ({
    harness: h,
  }) => {
    const folder = await sharedFolder('lockstep-cli-promote-', ['builds']);
    const builds = path.join(folder, 'builds');
    const build = command(
      'image',
      `echo built >> ${builds}; echo '{"name":"app-image","version":"1.0.0","digest":"sha256:abc123","uri":"registry/app:1.0.0"}' >> "$LOCKSTEP_ARTIFACTS"`,
    );
    await createPipeline(h, { name: 'promote-src', stages: [{ name: 'build', actions: [build] }] });
    await createPipeline(h, {
      name: 'promote-dst',
      stages: [
        { name: 'build', actions: [build] },
        { name: 'ship', actions: [command('ship', 'echo "shipping $LOCKSTEP_ARTIFACT_APP_IMAGE_DIGEST"')] },
      ],
    });
    expect((await lockstep(h, ['trigger', 'promote-src', '--sha', 'ccc3333', '--wait'])).code).toBe(0);
    const promoted = await lockstep(h, ['promote', 'promote-dst', '--from', 'promote-src#1']);
    expect(promoted.stderr).toBe('');
    expect(promoted.code).toBe(0);
    expect(promoted.stdout.trim()).toMatch(/^promote-dst#1 [0-9a-f-]{36} \(promoted from promote-src#1\)$/);
    const status = async () =>
      json<{ status: string }>(await lockstep(h, ['--json', 'status', 'promote-dst#1'])).status;
    const final = await eventually(status, (st) => !['QUEUED', 'RUNNING', 'WAITING'].includes(st), 60_000);
    expect(final).toBe('SUCCEEDED');
    // Built once, in the source run: the promoted run reused it.
    expect(readFileSync(builds, 'utf8').trim().split('\n')).toEqual(['built']);
    const logs = await lockstep(h, ['logs', 'promote-dst#1']);
    expect(logs.stdout).toContain('ship/ship | shipping sha256:abc123');
  });

  test('a wrong token, an unknown run or a bad option: one line and a non-zero exit', async ({
    harness: h,
  }) => {
    const wrong = await lockstep(h, ['status', 'passes#1'], 'lsk_not-a-token');
    expect(wrong.code).toBe(3);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr.trim().split('\n')).toEqual([
      'lockstep: The API token is not valid, was revoked or has expired',
    ]);

    const unknown = await lockstep(h, ['status', 'nowhere#1']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe('lockstep: no pipeline is named or has the id "nowhere"');

    const usage = await lockstep(h, ['trigger', 'passes']);
    expect(usage.code).toBe(2);
    expect(usage.stderr.trim()).toBe("error: required option '--sha <sha>' not specified");
  });
});
