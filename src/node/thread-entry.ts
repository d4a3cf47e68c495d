// What a worker thread loads to run a module's thread entry (the module
// checks workerData at its top level and serves when it finds its key). In
// the bundled CLI that is the bundle itself: import.meta.url is the bundle,
// and the CLI's main() runs only on the main thread. Run from TypeScript
// source (tsx, the tests), a thread cannot load .ts files (tsx's loader does
// not reach threads on Node 20), so the module is first bundled for the
// threads into a temporary file with esbuild (a dev dependency; about 0.1 s),
// which done() deletes.

import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export async function threadEntry(moduleUrl: string): Promise<{ url: URL; done: () => void }> {
  const self = new URL(moduleUrl);
  if (!self.pathname.endsWith('.ts')) return { url: self, done: () => {} };
  // A computed name, so that the CLI's bundler leaves esbuild out of the bundle (where this branch never runs).
  const bundler = 'esbuild';
  const { build } = (await import(bundler)) as typeof import('esbuild');
  const dir = await mkdtemp(join(tmpdir(), 'kmap-thread-'));
  const outfile = join(dir, 'thread.mjs');
  await build({ entryPoints: [fileURLToPath(self)], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
  return { url: pathToFileURL(outfile), done: () => rmSync(dir, { recursive: true, force: true }) };
}
