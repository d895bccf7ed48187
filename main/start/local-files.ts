import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
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
