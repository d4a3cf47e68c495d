// Runs the browser tests: checks for Debian's chromium, serves dist/ (build
// it first: `npm run test:e2e` does `vite build` before this), runs every
// e2e/*.test.mjs with Node's test runner, one file at a time, and exits with
// its code. Screenshots go to test-results/.

import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const chromium = process.env.KMAP_CHROMIUM ?? '/usr/bin/chromium';

if (!existsSync(chromium)) {
  console.error("Chromium not found: install Debian's chromium with `apt-get install -y chromium`");
  process.exit(1);
}
const dist = join(root, 'dist');
if (!existsSync(join(dist, 'index.html'))) {
  console.error('dist/ has no index.html: run `npx vite build` first (npm run test:e2e does).');
  process.exit(1);
}
mkdirSync(join(root, 'test-results'), { recursive: true });

const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.test.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort()
  .map((f) => join('e2e', f));

const server = await startServer(dist);
console.log(`serving dist/ at ${server.url}`);
const child = spawn(process.execPath, ['--test', '--test-concurrency=1', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, KMAP_E2E_BASE_URL: server.url, KMAP_CHROMIUM: chromium },
});
const stop = (signal) => child.kill(signal);
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
child.on('exit', async (code, signal) => {
  await server.close();
  process.exit(code ?? (signal ? 1 : 0));
});
