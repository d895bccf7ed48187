import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * A folder that commands and the test share. As root, the worker runs each command attempt as a uid of its
 * own (docs/security.md), so the folder is writable by all, and the files that several attempts append to
 * are created here, writable by all, before the commands run.
 */
export async function sharedFolder(prefix: string, files: string[] = []): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await chmod(dir, 0o777);
  for (const file of files) {
    await writeFile(path.join(dir, file), '');
    await chmod(path.join(dir, file), 0o666);
  }
  return dir;
}
