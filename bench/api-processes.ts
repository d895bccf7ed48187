import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, realpath, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ApiProcessMessage, ApiProcessSpec } from './api-process';
import type { Teardown } from './teardown';

export interface ApiProcess {
  url: string;
  /** Peak RSS and heap since start (or the last `resetMemory`), bytes; CPU time used since start, µs. */
  memory(): Promise<{ peakRssBytes: number; peakHeapBytes: number; cpuMicros: number }>;
  resetMemory(): void;
  stop(): Promise<void>;
}

/** A benchmark server in a child process (`api-process.ts`), stopped by the teardown at the latest. */
export async function startApiProcess(spec: ApiProcessSpec, teardown: Teardown): Promise<ApiProcess> {
  const child: ChildProcess = fork(path.join(__dirname, 'api-process.ts'), [JSON.stringify(spec)], {
    execArgv: ['--import', 'tsx'],
    // tsx compiles with the tsconfig of its working directory, and only for the files under it.
    cwd: spec.kind === 'lockstep' ? spec.root : undefined,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // As deployed (Dockerfile, docker-compose.yml): graphql-js and Express leave out their development checks.
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.connected) child.send({ type: 'stop' });
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  };
  teardown.add(`stop the ${spec.kind} API process`, stop);
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (message: ApiProcessMessage) => {
      if (message.type === 'listening') resolve(message.port);
      if (message.type === 'failed')
        reject(new Error(`the ${spec.kind} API process failed: ${message.message}`));
    });
    child.once('exit', (code) => reject(new Error(`the ${spec.kind} API process exited (${code})`)));
  });
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    memory: () =>
      new Promise((resolve) => {
        const answer = (message: ApiProcessMessage) => {
          if (message.type !== 'memory') return;
          child.off('message', answer);
          resolve(message);
        };
        child.on('message', answer);
        child.send({ type: 'memory' });
      }),
    resetMemory: () => void child.send({ type: 'reset-memory' }),
    stop,
  };
}

/**
 * The source tree of an earlier revision (`git archive`), with this checkout's node_modules, so the
 * benchmark can run that revision's API beside this one's ("before" and "after" in one run).
 */
export async function revisionTree(revision: string, teardown: Teardown): Promise<string> {
  const root = path.resolve(__dirname, '..');
  const tree = await mkdtemp(path.join(os.tmpdir(), 'lockstep-bench-rev-'));
  teardown.add('remove the earlier revision tree', () => rm(tree, { recursive: true, force: true }));
  const archive = execFileSync('git', ['-C', root, 'archive', '--format=tar', revision], {
    maxBuffer: 1024 * 1024 * 1024,
  });
  execFileSync('tar', ['-x', '-C', tree], { input: archive });
  await symlink(await realpath(path.join(root, 'node_modules')), path.join(tree, 'node_modules'));
  return tree;
}
