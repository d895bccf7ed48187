import { randomBytes } from 'node:crypto';
import { describe, expect } from 'vitest';
import { test, type Harness } from '../../support/fixtures';
import { command, createPipeline } from '../../support/pipelines';
import { actionIn, finishedRun, ok, revisionAt, triggerRevision } from '../../support/releases';

/** Artifacts are what a command says it built: untrusted data that later commands and approvers read. */

async function runOf(h: Harness, name: string, actions: Array<Record<string, unknown>>) {
  const pipeline = await createPipeline(h, { name, stages: [{ name: 'build', actions }] });
  return finishedRun(h, await triggerRevision(h, pipeline.id, revisionAt(1)));
}

describe('artifacts', () => {
  test('a COMMAND cannot carry a secret out in an artifact: history, database and later commands see it masked', async ({
    harness: h,
  }) => {
    const canary = `artifact-canary-${randomBytes(6).toString('hex')}`;
    await ok(h, `mutation($i: SecretInput!) { setSecret(input: $i) { id } }`, {
      i: { name: 'ARTIFACT_CANARY', value: canary },
    });
    const run = await runOf(h, 'artifact-canary', [
      command(
        'publish',
        `printf '{"name":"leak","version":"%s","uri":"https://x.test/%s"}\\n' "$ARTIFACT_CANARY" "$ARTIFACT_CANARY" >> "$LOCKSTEP_ARTIFACTS"`,
      ),
      command('read', 'echo "got $LOCKSTEP_ARTIFACT_LEAK_VERSION"; cat "$LOCKSTEP_ARTIFACTS_MANIFEST"', 2),
    ]);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.artifacts).toEqual([
      expect.objectContaining({ name: 'leak', version: '***', uri: 'https://x.test/***' }),
    ]);
    const stored: unknown[] = await h.dataSource.query('SELECT * FROM artifacts');
    expect(JSON.stringify(stored)).not.toContain(canary);
    expect(JSON.stringify(actionIn(run, 'build', 'read').logs)).not.toContain(canary);
    const history = await h.temporal.workflow.getHandle(`pipeline-run-${run.id}`).fetchHistory();
    expect(JSON.stringify(history)).not.toContain(canary);
    expect(JSON.stringify(history)).not.toContain(Buffer.from(canary).toString('base64'));
  });

  test("an artifact's name cannot set a later command's PATH or LD_PRELOAD: its variables keep their prefix", async ({
    harness: h,
  }) => {
    const run = await runOf(h, 'artifact-names', [
      command(
        'publish',
        `printf '{"name":"PATH","version":"/tmp/evil"}\\n{"name":"LD_PRELOAD","version":"/tmp/evil.so"}\\n' >> "$LOCKSTEP_ARTIFACTS"`,
      ),
      command(
        'read',
        'echo "path=$PATH"; echo "preload=${LD_PRELOAD:-none}"; echo "own=$LOCKSTEP_ARTIFACT_PATH_VERSION"',
        2,
      ),
    ]);
    expect(run.status).toBe('SUCCEEDED');
    const lines = actionIn(run, 'build', 'read').logs.map((l) => l.text);
    expect(lines).toContain('preload=none');
    expect(lines).toContain('own=/tmp/evil');
    expect(lines.find((l) => l.startsWith('path='))).not.toBe('path=/tmp/evil');
  });

  test('a COMMAND cannot make the worker read a huge artifacts file: past 64 KiB it fails unread, without retry', async ({
    harness: h,
  }) => {
    const run = await runOf(h, 'artifact-flood', [
      {
        ...command('flood', `head -c 10000000 /dev/zero | tr '\\0' ' ' > "$LOCKSTEP_ARTIFACTS"`),
        retryPolicy: { maximumAttempts: 3, initialIntervalMs: 100 },
      },
    ]);
    expect(run.status).toBe('FAILED');
    expect(run.failureReason).toContain('$LOCKSTEP_ARTIFACTS is 10000000 bytes, over the limit of 65536');
    const [attempts]: Array<{ n: number }> = await h.dataSource.query(
      `SELECT count(*)::int AS n FROM action_attempts t JOIN action_runs a ON a.id = t.action_run_id WHERE a.run_id = $1`,
      [run.id],
    );
    expect(attempts!.n).toBe(1);
  });
});
