import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

  it('removes what an attempt leaves: nothing, a tree in its folder, or a large outputs file', async () => {
    const uid = 2_900_001_000 + Math.floor(Math.random() * 1000);
    const sandbox = CommandSandbox.forThisProcess({ first: uid, last: uid + 10 });
    const prefix = `lockstep-removal-test-${process.pid}`;
    const untouched = await sandbox.open(prefix);
    writeFileSync(untouched.outputFile, 'A=1\n');
    await untouched.release();
    const tree = await sandbox.open(prefix);
    mkdirSync(path.join(tree.dir, 'a', 'b'), { recursive: true });
    writeFileSync(path.join(tree.dir, 'a', 'b', 'c'), 'x');
    await tree.release();
    const large = await sandbox.open(prefix);
    writeFileSync(large.outputFile, Buffer.alloc(2 << 20));
    await large.release();
    expect(leftovers(prefix)).toEqual([]);
  });
});
