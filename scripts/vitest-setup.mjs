// Vitest's global setup: bundles the `kmap` CLI from the current source
// (scripts/build-cli.mjs) into a temporary folder once per test run, so that
// the CLI tests run what `npm run build` ships, in Node's own start-up time
// instead of tsx's (about a second per run). The tests find it with
// inject('kmapCli') (src/cli/run-kmap.ts).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildCli } from './build-cli.mjs';

export default async function setup(project) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kmap-cli-bundle-'));
  const out = path.join(dir, 'kmap.mjs');
  project.provide('kmapCli', await buildCli(out));
  // In watch mode: a re-run after an edit runs the edited CLI.
  project.onTestsRerun?.(async () => {
    await buildCli(out);
  });
  return () => rmSync(dir, { recursive: true, force: true });
}
