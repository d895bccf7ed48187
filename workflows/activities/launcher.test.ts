import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Launcher, LauncherLost } from './launcher';

const read = (stream: Readable) =>
  new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('close', () => resolve(Buffer.concat(chunks).toString()));
  });

/** Running, as opposed to gone or a zombie (an orphan's reaper may take its time). */
const running = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
};

const launchers: Launcher[] = [];
const launcher = () => {
  const made = new Launcher();
  launchers.push(made);
  return made;
};
afterEach(async () => {
  await Promise.all(launchers.splice(0).map((l) => l.stop()));
});

describe('Launcher', () => {
  it('runs a command with exactly the environment asked, its output and exit code whole, and never forks this process', async () => {
    const l = launcher();
    const command = 'env | sort; head -c 300000 /dev/zero | tr "\\0" x; echo; echo oops >&2; exit 3';
    const child = await l.launch({
      file: '/bin/sh',
      args: ['-c', command],
      env: { ONLY: 'this', PATH: '/usr/bin:/bin' },
      piped: true,
    });
    expect(child.pid).not.toBe(process.pid);
    expect(readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(' ')[3]).toBe(String(l.pid)); // its parent
    const [stdout, stderr, ended] = await Promise.all([read(child.stdout), read(child.stderr), child.exited]);
    child.release();
    const lines = stdout.split('\n');
    expect(lines.filter((line) => /^[A-Z_]+=/.test(line) && !line.startsWith('PWD='))).toEqual([
      'ONLY=this',
      'PATH=/usr/bin:/bin',
    ]);
    expect(lines.find((line) => line.startsWith('xxx'))).toHaveLength(300_000); // many chunks, in order
    expect(stderr).toBe('oops\n');
    expect(ended).toEqual({ code: 3, signal: null });
  });

  it('holds none of the worker’s environment', async () => {
    process.env.LOCKSTEP_LAUNCHER_TEST_SECRET = 'not-for-commands';
    try {
      const l = launcher();
      const child = await l.launch({ file: '/bin/true', args: [], env: {}, piped: false });
      await child.exited;
      const environ = readFileSync(`/proc/${l.pid}/environ`, 'utf8').split('\0').filter(Boolean);
      // Node's own channel settings, which it takes out of process.env as it starts; nothing else.
      expect(environ.filter((entry) => !entry.startsWith('NODE_CHANNEL_'))).toEqual([]);
      expect(environ.length).toBeGreaterThan(0);
    } finally {
      delete process.env.LOCKSTEP_LAUNCHER_TEST_SECRET;
    }
  });

  it('ignores a SIGTERM sent to the worker’s process group: the worker drains its commands first', async () => {
    const l = launcher();
    const child = await l.launch({
      file: '/bin/sh',
      args: ['-c', 'sleep 0.5; echo done'],
      env: {},
      piped: true,
    });
    process.kill(l.pid!, 'SIGTERM');
    process.kill(l.pid!, 'SIGINT');
    expect(await read(child.stdout)).toBe('done\n');
    expect(await child.exited).toEqual({ code: 0, signal: null });
    child.release();
    expect(running(l.pid!)).toBe(true);
  });

  it('rejects a command that cannot start with spawn’s error, and goes on serving', async () => {
    const l = launcher();
    await expect(
      l.launch({ file: '/bin/sh', args: ['-c', 'true'], cwd: '/nonexistent/lockstep', env: {}, piped: true }),
    ).rejects.toMatchObject({ code: 'ENOENT' });
    const child = await l.launch({ file: '/bin/sh', args: ['-c', 'exit 0'], env: {}, piped: false });
    expect(await child.exited).toEqual({ code: 0, signal: null });
  });

  it('a launcher that stops loses what it had in flight (its lifelines close), and the next launch starts another', async () => {
    const l = launcher();
    // Like runShell's watchdog: the command is killed once its fd 3 reads end-of-file.
    const child = await l.launch({
      file: '/bin/sh',
      args: ['-c', 'sleep 30 3<&- & read -r _ <&3; kill -KILL 0'],
      env: { PATH: '/usr/bin:/bin' },
      detached: true,
      piped: true,
    });
    const first = l.pid;
    await l.stop();
    await expect(child.exited).rejects.toBeInstanceOf(LauncherLost);
    await expect.poll(() => running(child.pid)).toBe(false);
    child.release();

    const next = await l.launch({ file: '/bin/sh', args: ['-c', 'echo again'], env: {}, piped: true });
    expect(await read(next.stdout)).toBe('again\n');
    expect(await next.exited).toEqual({ code: 0, signal: null });
    next.release();
    expect(l.pid).not.toBe(first);
  });
});
