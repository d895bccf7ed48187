import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { Launcher } from '../../workflows/activities/launcher';
import { eventually, test } from '../support/fixtures';
import { processesMatching } from '../support/processes';
import { sharedFolder } from '../support/shared-folder';
import { actionOf, command, createPipeline, ended, trigger, waitForRun } from '../support/pipelines';

describe('the command launcher', () => {
  test('stopped while a command runs: the command ends with it, the attempt is lost (not counted) and runs again', async ({
    harness: h,
  }) => {
    const dir = await sharedFolder('lockstep-launcher-');
    const marker = `${5000 + Math.floor(Math.random() * 1000)}.${Date.now() % 1000}`;
    const pipeline = await createPipeline(h, {
      name: 'launcher-lost',
      stages: [
        {
          name: 'build',
          actions: [
            // The first attempt waits; the second finds the mark and succeeds. One attempt allowed: a lost
            // one must not use it up.
            command(
              'once-more',
              `if [ -e ${dir}/ran ]; then echo second; else touch ${dir}/ran; sleep ${marker}; fi`,
              1,
              {
                retryPolicy: { maximumAttempts: 1, initialIntervalMs: 100, backoffCoefficient: 1 },
              },
            ),
          ],
        },
      ],
    });
    const run = await trigger(h, pipeline.id);
    const sleeping = () => processesMatching(marker).filter((p) => p.cmdline === `sleep ${marker}`);
    await eventually(
      async () => existsSync(path.join(dir, 'ran')) && sleeping().length,
      (n) => n === 1,
      30_000,
    );

    // The harness's worker runs in this process: its commands go through this process's launcher.
    await Launcher.shared().stop();

    const done = await waitForRun(h, run.id, ended);
    expect(done.status).toBe('SUCCEEDED');
    const attempts = actionOf(done, 'build', 'once-more').attempts;
    expect(attempts).toHaveLength(2);
    expect(attempts[0]!.error).toMatch(/^lost: the command launcher stopped/);
    expect(attempts[1]).toEqual({ number: 2, error: null });
    expect(sleeping()).toEqual([]); // its watchdog ended the first attempt's group
  });
});
