#!/usr/bin/env node
// `npm test`: every test of the project, in order of speed, each suite run
// even when an earlier one failed, then one closing line with the counts.
//   1. lint (scripts/check-imports.mjs: the import table of src/README.md)
//   2. type check (tsc, strict)
//   3. unit tests (Vitest: parser, store, queries, URL codec, generator)
//   4. browser tests (playwright-core + Debian's chromium against the built app)
//   5. kernel tests (build Linux 6.1 with Memorizer, boot it in QEMU, capture, check)
// Set KMAP_TEST_ONLY=unit,e2e (a comma list of suite names) to run fewer.

import { spawnSync } from 'node:child_process';

const suites = [
  { name: 'lint', cmd: ['node', 'scripts/check-imports.mjs'] },
  { name: 'typecheck', cmd: ['npx', 'tsc', '-p', 'tsconfig.json', '--noEmit'] },
  { name: 'unit', cmd: ['npx', 'vitest', 'run'] },
  { name: 'e2e', cmd: ['npm', 'run', '--silent', 'test:e2e'] },
  { name: 'kernel', cmd: ['npm', 'run', '--silent', 'kernel:test'] },
];

const only = process.env.KMAP_TEST_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
const results = [];
for (const suite of suites) {
  if (only && !only.includes(suite.name)) continue;
  const t0 = Date.now();
  console.log(`\n=== ${suite.name}: ${suite.cmd.join(' ')}`);
  const r = spawnSync(suite.cmd[0], suite.cmd.slice(1), { stdio: 'inherit' });
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  const ok = r.status === 0;
  results.push({ name: suite.name, ok, seconds });
  console.log(`=== ${suite.name}: ${ok ? 'passed' : `FAILED (exit ${r.status ?? r.signal})`} in ${seconds} s`);
}

console.log('\nsummary:');
for (const r of results) console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(10)} ${r.seconds} s`);
const passed = results.filter((r) => r.ok).length;
console.log(`suites: ${passed} passed, ${results.length - passed} failed`);
process.exit(passed === results.length ? 0 : 1);
