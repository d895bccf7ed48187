#!/usr/bin/env node
// The `lockstep` command. It runs the bundle `npm run cli:build` writes (cli/dist/, plain JavaScript that
// starts in tens of milliseconds) when it is newer than every source of the CLI; otherwise, as in a fresh
// checkout or after an edit, it runs the TypeScript sources through tsx, which is slower to start but
// always current.
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(cli, 'dist', 'lockstep.mjs');

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

let built = 0;
try {
  built = statSync(bundle).mtimeMs;
} catch {
  // no bundle yet
}
if (built > 0 && built >= newestSource(cli)) {
  await import(pathToFileURL(bundle).href);
} else {
  // The sources are CommonJS TypeScript like the rest of the repository: tsx's require hook runs them.
  const { register } = await import('tsx/cjs/api');
  register();
  createRequire(import.meta.url)(join(cli, 'main.ts'));
}
