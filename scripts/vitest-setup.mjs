// Vitest's global setup: bundles the `kmap` CLI from the current source
// (scripts/build-cli.mjs) into a temporary folder once per test run, so that
// the CLI tests run what `npm run build` ships, in Node's own start-up time
// instead of tsx's (about a second per run). The tests find it with
// inject('kmapCli') (src/cli/run-kmap.ts). The folder is inside the project
// (node_modules/.cache), as dist-cli/ is: the bundle loads DuckDB, a native
// package left out of it, from the project's node_modules.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCli } from './build-cli.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export default async function setup(project) {
  const cache = path.join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(path.join(cache, 'kmap-cli-bundle-'));
  const out = path.join(dir, 'kmap.mjs');
  project.provide('kmapCli', await buildCli(out));
  // In watch mode: a re-run after an edit runs the edited CLI.
  project.onTestsRerun?.(async () => {
    await buildCli(out);
  });
  return () => rmSync(dir, { recursive: true, force: true });
}
