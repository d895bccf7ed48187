import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Pids of live processes whose command line or environment contains `needle` (Linux /proc). */
export function processesMatching(needle: string): Array<{ pid: number; cmdline: string }> {
  const found: Array<{ pid: number; cmdline: string }> = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      let environ = '';
      try {
        environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
      } catch {
        // another user's process: its command line is enough
      }
      const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
      if (state === 'Z') continue; // a zombie is already dead, waiting for its parent to reap it
      if (cmdline.includes(needle) || environ.includes(needle)) found.push({ pid, cmdline });
    } catch {
      // exited while we looked
    }
  }
  return found;
}

/** The process group of a live process, or undefined once it is gone (Linux /proc). */
export function processGroupOf(pid: number): number | undefined {
  try {
    // `pid (comm) state ppid pgrp ...`: comm may hold spaces, so count from its closing parenthesis.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ');
    if (!fields || fields[0] === 'Z') return undefined;
    return Number(fields[2]);
  } catch {
    return undefined;
  }
}

/** Live processes of a process group (Linux /proc). */
export function processesInGroup(pgid: number): Array<{ pid: number; cmdline: string }> {
  const found: Array<{ pid: number; cmdline: string }> = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || processGroupOf(pid) !== pgid) continue;
    try {
      found.push({ pid, cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim() });
    } catch {
      // exited while we looked
    }
  }
  return found;
}

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Ends every live process whose command line or environment holds `needle` (a folder the test handed its
 * children as TMPDIR: commands of a killed worker carry it too), retrying for up to 10 s; what survives.
 */
export async function endProcessesMatching(needle: string): Promise<Array<{ pid: number; cmdline: string }>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = processesMatching(needle);
    if (found.length === 0 || Date.now() > deadline) return found;
    for (const { pid } of found) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
