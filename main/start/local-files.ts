import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SecretBox } from '../../db/secret-box';

/** A value kept in the data folder: generated on first start (readable by us alone), read after. */
async function keptValue(file: string, generate: () => string): Promise<string> {
  if (!existsSync(file)) await writeFile(file, `${generate()}\n`, { mode: 0o600 });
  return (await readFile(file, 'utf8')).trim();
}

/** LOCKSTEP_ADMIN_TOKEN, or one generated on first start and kept in <data>/admin-token. */
export async function adminToken(
  configured: string | undefined,
  dataDir: string,
): Promise<{ token: string; generated: string | undefined }> {
  if (configured) return { token: configured, generated: undefined };
  const file = path.join(dataDir, 'admin-token');
  return {
    token: await keptValue(file, () => `lsk_${randomBytes(32).toString('base64url')}`),
    generated: file,
  };
}

/** LOCKSTEP_SECRET_KEY, or one generated on first start and kept in <data>/secret-key. */
export async function secretKey(
  configured: string | undefined,
  dataDir: string,
): Promise<{ key: string; generated: string | undefined }> {
  if (configured) return { key: configured, generated: undefined };
  const file = path.join(dataDir, 'secret-key');
  return { key: await keptValue(file, () => SecretBox.generateKey()), generated: file };
}

/**
 * The secrets the worker and the API need, as files they read at start (LOCKSTEP_SECRET_KEY_FILE,
 * DATABASE_URL_FILE) instead of environment variables, which stay readable in /proc/<pid>/environ for the
 * life of a process. In <data>/run (mode 700, files mode 600); `remove` when everything has stopped.
 */
export async function secretFiles(
  dataDir: string,
  values: { secretKey: string; databaseUrl: string },
): Promise<{ secretKeyFile: string; databaseUrlFile: string; remove: () => Promise<void> }> {
  const dir = path.join(dataDir, 'run');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const write = async (name: string, value: string) => {
    const file = path.join(dir, name);
    await rm(file, { force: true }); // a file left by an earlier start may have another mode
    await writeFile(file, `${value}\n`, { mode: 0o600 });
    return file;
  };
  return {
    secretKeyFile: await write('secret-key', values.secretKey),
    databaseUrlFile: await write('database-url', values.databaseUrl),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * Files of the data folder are for this user alone: the folder itself stays passable (the embedded
 * PostgreSQL's user may need to reach its cluster inside) but no longer listable by others, and the files
 * named here (the Temporal dev server's database, which SQLite's journals follow) lose any access by others.
 */
export async function keepPrivate(dataDir: string, files: string[]): Promise<void> {
  const folder = await stat(dataDir);
  await chmod(dataDir, folder.mode & 0o7711);
  for (const file of files) {
    for (const variant of [file, `${file}-wal`, `${file}-shm`]) {
      if (existsSync(variant)) await chmod(variant, 0o600);
    }
  }
}

/** The built dashboard is at least as new as every source file of web/ (a pull or an edit rebuilds it). */
export function webBuildIsCurrent(webDir: string): boolean {
  const buildId = path.join(webDir, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return false;
  const built = statSync(buildId).mtimeMs;
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((entry) => {
      // the build's output, and files tools write next to the sources (TypeScript's, Next's type stubs)
      if (
        ['.next', 'node_modules', 'next-env.d.ts'].includes(entry.name) ||
        entry.name.endsWith('.tsbuildinfo')
      )
        return false;
      const file = path.join(dir, entry.name);
      return entry.isDirectory() ? newer(file) : statSync(file).mtimeMs > built;
    });
  return !newer(webDir);
}
