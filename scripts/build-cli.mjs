#!/usr/bin/env node
// `npm run build:cli` (and the last step of `npm run build`): bundles the
// `kmap` command (src/cli/kmap.ts and everything it imports) into one plain
// JavaScript file, dist-cli/kmap.mjs, that Node runs without a TypeScript
// loader: it starts in tens of milliseconds where `tsx` takes about a second.
// package.json's "bin" points at it (`npm install -g .` puts `kmap` on PATH).
//
// Usage: node scripts/build-cli.mjs [OUTFILE]   (default dist-cli/kmap.mjs)

import { build } from 'esbuild';
import { chmodSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Bundles the CLI into `outfile`; resolves once it is written (and executable). */
export async function buildCli(outfile = path.join(root, 'dist-cli', 'kmap.mjs')) {
  await build({
    entryPoints: [path.join(root, 'src/cli/kmap.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    // Readable stack traces in bug reports; the bundle is small either way.
    minify: false,
    sourcemap: false,
    logLevel: 'warning',
    // DuckDB is a native addon: loaded from node_modules, and only by export and query.
    external: ['@duckdb/node-api', '@duckdb/node-bindings'],
  });
  chmodSync(outfile, 0o755);
  return outfile;
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const out = await buildCli(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  console.log(`build-cli: ${path.relative(process.cwd(), out)}`);
}
