// Bundles the `lockstep` command into cli/dist/ (`npm run cli:build`; `npm run build` runs it, `npm start`
// runs it with --if-stale): one ES module per entry plus the chunks loaded on demand (apply's YAML and
// JSON Schema, the WebSocket client), so `lockstep status` loads only what it uses. Dependencies are
// bundled: the CLI starts without resolving node_modules. The bundle is written beside cli/dist/ and then
// moved into place, so a `lockstep` started meanwhile never sees half of it.
import { build } from 'esbuild';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { runMain } from './process';

runMain('cli:build', async () => {
  const state = await import('../cli/bin/bundle-state.mjs');
  const ifStale = process.argv.includes('--if-stale');
  if (ifStale && state.bundleIsCurrent()) return;
  const cli = path.join(__dirname, '..', 'cli');
  const outdir = path.join(cli, 'dist');
  const staging = `${outdir}.${process.pid}`;
  const result = await build({
    entryPoints: { lockstep: path.join(cli, 'main.ts') },
    outdir: staging,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    // Bundled CommonJS modules (ws, ajv) call require() for Node's built-ins.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    metafile: true,
    logLevel: 'warning',
  });
  await rm(outdir, { recursive: true, force: true });
  await rename(staging, outdir);
  if (ifStale) return;
  const outputs = Object.entries(result.metafile.outputs);
  const bytes = outputs.reduce((sum, [, output]) => sum + output.bytes, 0);
  const entry = outputs.find(([file]) => file.endsWith('lockstep.mjs'))?.[1].bytes ?? 0;
  console.log(
    `wrote cli/dist/ (${Math.round(bytes / 1024)} kB in all; the entry ${Math.round(entry / 1024)} kB)`,
  );
});
