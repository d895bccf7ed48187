import { describe, expect } from 'vitest';
import { test } from '../../support/fixtures';
import {
  actionOf,
  command,
  createPipeline,
  ended,
  eventTypes,
  trigger,
  waitForRun,
} from '../../support/pipelines';

/**
 * Finding 2 of the trust-boundary review: outputs written to $LOCKSTEP_OUTPUT become environment variables
 * of every later action, so a build step could set LD_PRELOAD or PATH for the production deploy that holds
 * production secrets, or hand down a value too large for any later spawn (E2BIG).
 */
describe('outputs handed to later actions', () => {
  test('an output cannot set LD_PRELOAD or PATH for a later action: the action fails naming the key, the later one never runs', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, {
      name: 'poisoned-outputs',
      stages: [
        {
          name: 'build',
          actions: [
            command(
              'poison',
              'printf "VERSION=1.2.3\\nLD_PRELOAD=/tmp/evil-hook.so\\nPATH=/tmp/evil-bin:$PATH\\n" > "$LOCKSTEP_OUTPUT"',
            ),
          ],
        },
        { name: 'production', actions: [command('deploy', 'echo "preload=$LD_PRELOAD path=$PATH"')] },
      ],
    });
    const done = await waitForRun(h, (await trigger(h, pipeline.id)).id, ended);
    const poison = actionOf(done, 'build', 'poison');
    expect(done.status).toBe('FAILED');
    expect(poison.status).toBe('FAILED');
    expect(poison.attempts).toHaveLength(1); // not retried: the command would write the same again
    expect(poison.attempts[0]!.error).toMatch(
      /^output LD_PRELOAD is refused: it could change how later commands run/,
    );
    expect(poison.outputs ?? {}).toEqual({});
    const deploy = actionOf(done, 'production', 'deploy');
    expect(deploy.status).not.toBe('SUCCEEDED');
    expect(deploy.startedAt).toBeNull();
    expect(deploy.logs).toEqual([]);
    // The value never leaves the activity, in any text the run keeps.
    const kept = JSON.stringify([done, await eventTypes(h, done.id)]);
    expect(kept).not.toContain('evil-hook');
    expect(kept).not.toContain('evil-bin');
  });

  test('an output value over the limit fails its own action with its size, not a later spawn with E2BIG', async ({
    harness: h,
  }) => {
    const pipeline = await createPipeline(h, {
      name: 'huge-output',
      stages: [
        {
          name: 'build',
          actions: [
            command(
              'huge',
              `printf BLOB= > "$LOCKSTEP_OUTPUT"; head -c 200000 /dev/zero | tr '\\0' x >> "$LOCKSTEP_OUTPUT"`,
            ),
          ],
        },
        { name: 'test', actions: [command('after', 'echo ran')] },
      ],
    });
    const done = await waitForRun(h, (await trigger(h, pipeline.id)).id, ended);
    expect(done.status).toBe('FAILED');
    expect(actionOf(done, 'build', 'huge').attempts[0]!.error).toBe(
      'output BLOB is 200000 bytes, over the limit of 65536',
    );
    expect(actionOf(done, 'test', 'after').startedAt).toBeNull();
  });
});
