// Whether cli/dist/ holds a bundle built after the last change to the CLI's sources. The bin uses it to
// choose between the bundle and the sources; main/build-cli.ts --if-stale to skip a build.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const cliDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const bundlePath = join(cliDir, 'dist', 'lockstep.mjs');

function newestSource(folder, newest = 0) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'bin' || entry.name === 'node_modules') continue;
    const file = join(folder, entry.name);
    if (entry.isDirectory()) newest = newestSource(file, newest);
    else if (/\.(ts|json|graphql)$/.test(entry.name) && !entry.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}

export function bundleIsCurrent() {
  let built;
  try {
    built = statSync(bundlePath).mtimeMs;
  } catch {
    return false;
  }
  return built >= newestSource(cliDir);
}
