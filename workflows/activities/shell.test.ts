import type { Context } from '@temporalio/activity';
import { afterEach, describe, expect, it } from 'vitest';
import { Launcher, LauncherLost } from './launcher';
import { runShell, type ShellOptions } from './shell';

const launchers: Launcher[] = [];
afterEach(async () => {
  await Promise.all(launchers.splice(0).map((l) => l.stop()));
});

/** An activity's context as runShell uses it: only its cancellation signal. */
function activity() {
  const controller = new AbortController();
  return {
    ctx: { cancellationSignal: controller.signal } as unknown as Context,
    cancel: () => controller.abort(),
  };
}

function options(launcher: Launcher, command: string, lines: string[] = []): ShellOptions {
  return {
    launcher,
    command,
    cwd: '/',
    env: { PATH: '/usr/bin:/bin' },
    timeoutSeconds: 30,
    onLine: (stream, line) => lines.push(`${stream}: ${line}`),
    mask: (text) => text.replaceAll('hunter2', '***'),
    killGraceMs: 100,
  };
}

describe('runShell', () => {
  it('reads every line, masked, and says how the command exited', async () => {
    const launcher = new Launcher();
    launchers.push(launcher);
    const lines: string[] = [];
    const { ctx } = activity();
    const outcome = await runShell(
      ctx,
      options(launcher, 'echo one; echo hunter2 >&2; echo two; exit 4', lines),
    );
    expect(outcome).toEqual({ kind: 'exited', code: 4, stderrTail: '***' });
    expect(lines.filter((l) => l.startsWith('stdout'))).toEqual(['stdout: one', 'stdout: two']);
    expect(lines).toContain('stderr: ***');
  });

  it('a cancel or a timeout while the launcher has not answered ends the call at once', async () => {
    const silent = { launch: () => new Promise(() => undefined) } as unknown as Launcher;
    const cancelled = activity();
    const running = runShell(cancelled.ctx, options(silent, 'true'));
    cancelled.cancel();
    expect((await running).kind).toBe('cancelled');

    const timedOut = await runShell(activity().ctx, { ...options(silent, 'true'), timeoutSeconds: 0.05 });
    expect(timedOut).toEqual({ kind: 'timedOut', stderrTail: '' });
  });

  it('a launcher that stops mid-command loses it, unless the command was being cancelled anyway', async () => {
    const launcher = new Launcher();
    launchers.push(launcher);
    const lost = runShell(activity().ctx, options(launcher, 'echo started; sleep 30'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await launcher.stop();
    const outcome = await lost;
    expect(outcome.kind).toBe('lost');
    expect(outcome.kind === 'lost' && outcome.reason).toBeInstanceOf(LauncherLost);

    // Trapping SIGTERM, the command outlives the cancel's first signal; the launcher goes meanwhile.
    const { ctx, cancel } = activity();
    const stubborn = runShell(ctx, {
      ...options(launcher, 'trap "" TERM; sleep 30'),
      killGraceMs: 10_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    cancel();
    await launcher.stop();
    expect((await stubborn).kind).toBe('cancelled');
  });
});
