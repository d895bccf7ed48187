// Bundles the CLI into cli/dist/ (`npm run cli:build`; `npm run build` and `npm start` run it too): one
// ES module per entry plus the chunks loaded on demand (apply's YAML and JSON Schema, the WebSocket
// client), so `lockstep status` loads only what it uses. Dependencies are bundled: the CLI starts without
// resolving node_modules.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { runMain } from './process';

runMain('cli:build', async () => {
  const cli = path.join(__dirname, '..', 'cli');
  const outdir = path.join(cli, 'dist');
  await rm(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: { lockstep: path.join(cli, 'main.ts') },
    outdir,
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
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  const entry = result.metafile.outputs[path.relative(process.cwd(), path.join(outdir, 'lockstep.mjs'))];
  console.log(
    `wrote cli/dist/ (${Math.round(bytes / 1024)} kB in all; the entry ${Math.round((entry?.bytes ?? 0) / 1024)} kB)`,
  );
});
