// The CLI start-up benchmark (`npm run bench:cli`): how long `lockstep` takes to start, the ways users start
// it, beside what node and npx cost on their own on this machine. Prints figures, asserts nothing.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { bundleIsCurrent } from '../cli/bin/bundle-state.mjs';
import { progress, runBench } from './runner';
import { ms, spread, table, type Spread } from './stats';

const root = path.resolve(__dirname, '..');
const bin = path.join(root, 'cli', 'bin', 'lockstep.mjs');
const samples = 15;
// Nothing listens here: `status` starts, parses, sends its one request and reports the refusal in one line.
const env = { ...process.env, LOCKSTEP_API_URL: 'http://127.0.0.1:9', LOCKSTEP_TOKEN: 'bench' };

interface Case {
  label: string;
  cwd: string;
  command: string;
  args: string[];
}

function time(c: Case): Spread {
  const runs: number[] = [];
  for (let i = 0; i < samples + 2; i++) {
    const started = performance.now();
    const result = spawnSync(c.command, c.args, { cwd: c.cwd, env, stdio: 'ignore' });
    if (result.error) throw new Error(`${c.label}: ${result.error.message}`);
    if (i >= 2) runs.push(performance.now() - started); // two warm-ups fill the file cache
  }
  return spread(runs);
}

/** A project that depends on lockstep as an installed package would: its bin linked into node_modules/.bin. */
function installedProject(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lockstep-bench-cli-'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'uses-lockstep', private: true }));
  mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(root, path.join(dir, 'node_modules', 'lockstep'));
  symlinkSync(
    path.join('..', 'lockstep', 'cli', 'bin', 'lockstep.mjs'),
    path.join(dir, 'node_modules', '.bin', 'lockstep'),
  );
  return dir;
}

const sizeOf = (folder: string): number =>
  readdirSync(folder, { withFileTypes: true }).reduce((sum, entry) => {
    const file = path.join(folder, entry.name);
    return sum + (entry.isDirectory() ? sizeOf(file) : statSync(file).size);
  }, 0);

interface Results {
  rows: Array<{ label: string; spread: Spread }>;
  bundleBytes: number;
}

runBench<Results>(
  async (teardown) => {
    if (!bundleIsCurrent()) throw new Error('the CLI bundle is stale: run `npm run cli:build` first');
    const project = installedProject();
    teardown.add(`remove ${project}`, () => rm(project, { recursive: true, force: true }));
    const cases: Case[] = [
      { label: 'node -e 0 (floor)', cwd: root, command: 'node', args: ['-e', '0'] },
      {
        label: 'npx node -e 0 (npx floor)',
        cwd: project,
        command: 'npx',
        args: ['--no-install', 'node', '-e', '0'],
      },
      { label: 'lockstep status (the bin)', cwd: root, command: 'node', args: [bin, 'status', 'x#1'] },
      {
        label: 'npx lockstep status (installed package)',
        cwd: project,
        command: 'npx',
        args: ['--no-install', 'lockstep', 'status', 'x#1'],
      },
      {
        label: 'npx lockstep status (this checkout)',
        cwd: root,
        command: 'npx',
        args: ['--no-install', 'lockstep', 'status', 'x#1'],
      },
    ];
    const rows = [];
    for (const c of cases) {
      progress(c.label);
      rows.push({ label: c.label, spread: time(c) });
    }
    return { rows, bundleBytes: sizeOf(path.join(root, 'cli', 'dist')) };
  },
  ({ rows, bundleBytes }) =>
    [
      `CLI start-up, ${samples} runs each (status against a closed port: start, one request, one-line error)`,
      table([
        ['how', 'p50', 'p95', 'min', 'p50 over node -e 0'],
        ...rows.map(({ label, spread: s }) => [
          label,
          ms(s.p50),
          ms(s.p95),
          ms(s.min),
          ms(s.p50 - rows[0]!.spread.p50),
        ]),
      ]),
      `what the bin loads: cli/dist ${(bundleBytes / 1024).toFixed(0)} KiB of bundled JavaScript (no node_modules)`,
      '',
    ].join('\n'),
);
