import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Harness } from './fixtures';

export const repositoryRoot = path.join(__dirname, '..', '..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A command against the harness's API (LOCKSTEP_API_URL, LOCKSTEP_TOKEN). Never spawnSync: the API runs in
 * this process and must keep answering.
 */
export function runCommand(
  h: Harness,
  file: string,
  args: string[],
  token = h.adminToken,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: repositoryRoot,
      env: { ...process.env, LOCKSTEP_API_URL: h.apiUrl, LOCKSTEP_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `npx lockstep ...`, as a user runs it. */
export const lockstep = (h: Harness, args: string[], token = h.adminToken) =>
  runCommand(h, 'npx', ['--no-install', 'lockstep', ...args], token);
