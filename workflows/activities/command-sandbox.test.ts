import { readdirSync } from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { CommandSandbox } from './command-sandbox';

const leftovers = (prefix: string) =>
  readdirSync(os.tmpdir()).filter((name) => name.startsWith(`${prefix}-`));

describe('CommandSandbox', () => {
  it('an attempt that finds no free uid fails without leaving its folder behind', async () => {
    expect(process.getuid?.(), 'uids are leased only by a worker running as root').toBe(0);
    // One uid in the range, held by the first workspace.
    const uid = 2_900_000_000 + Math.floor(Math.random() * 1000);
    const sandbox = CommandSandbox.forThisProcess({ first: uid, last: uid });
    const prefix = `lockstep-sandbox-test-${process.pid}`;
    const first = await sandbox.open(prefix);
    try {
      expect(first.user).toEqual({ uid, gid: uid });
      await expect(sandbox.open(prefix)).rejects.toThrow(/no free uid/);
      expect(leftovers(prefix)).toHaveLength(1); // the first one's only
    } finally {
      await first.release();
    }
    expect(leftovers(prefix)).toEqual([]);
  });
});
