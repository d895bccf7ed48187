#!/usr/bin/env node
// The `lockstep` command. It runs the bundle `npm run cli:build` writes (cli/dist/, plain JavaScript that
// starts in tens of milliseconds) when it is newer than every source of the CLI; otherwise, as in a fresh
// checkout or after an edit, it runs the TypeScript sources through tsx, which is slower to start but
// always current.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleIsCurrent, bundlePath, cliDir } from './bundle-state.mjs';

if (bundleIsCurrent()) {
  await import(pathToFileURL(bundlePath).href);
} else {
  // The sources are CommonJS TypeScript like the rest of the repository: tsx's require hook runs them.
  const { register } = await import('tsx/cjs/api');
  register();
  createRequire(import.meta.url)(join(cliDir, 'main.ts'));
}
