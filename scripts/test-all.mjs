#!/usr/bin/env node
// `npm test`: every test of the project, each suite run even when another
// failed, then one closing line with the counts.
//   1. lint (scripts/check-imports.mjs: the import table of src/README.md)
//   2. type check (tsc, strict)
//   3. unit tests (Vitest: parser, store, queries, URL codec, generator)
//   4. browser tests (playwright-core + Debian's chromium against the built app)
//   5. kernel tests (build Linux 6.1 with Memorizer, boot it in QEMU, capture, check)
// Suites 1-4 run one after another; the kernel suite runs beside them from
// the start (its output, kept in a file meanwhile, is printed once it ends).
// Why: alone it takes 14-18 minutes on two cores, and much of that leaves a
// core idle (half of its QEMU boots are at one CPU), as the browser suite
// does (it waits on pages): side by side, a fresh clone's whole run took 22
// minutes against 26 one after another (kernel 22 of them, unit and browser
// 18). The cost: every suite runs on a busier machine (a first run also
// builds the kernel meanwhile), and a few tests bound a wait (a refusal
// within 1.5 s). KMAP_TEST_SERIAL=1 runs all five one after another instead.
// Set KMAP_TEST_ONLY=unit,e2e (a comma list of suite names) to run fewer.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const suites = [
  { name: 'lint', cmd: ['node', 'scripts/check-imports.mjs'] },
  { name: 'typecheck', cmd: ['npx', 'tsc', '-p', 'tsconfig.json', '--noEmit'] },
  { name: 'unit', cmd: ['npx', 'vitest', 'run'] },
  { name: 'e2e', cmd: ['npm', 'run', '--silent', 'test:e2e'] },
  { name: 'kernel', cmd: ['npm', 'run', '--silent', 'kernel:test'], beside: true },
];

const only = process.env.KMAP_TEST_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
const serial = process.env.KMAP_TEST_SERIAL === '1';
const chosen = suites.filter((s) => !only || only.includes(s.name));
const t00 = Date.now();

/** A suite running beside the others: its output to a file, its end as a promise. */
function startBeside(suite) {
  const dir = mkdtempSync(join(tmpdir(), `kmap-test-${suite.name}-`));
  const logPath = join(dir, 'output.log');
  const fd = openSync(logPath, 'w');
  const t0 = Date.now();
  console.log(`\n=== ${suite.name}: ${suite.cmd.join(' ')} (beside the other suites; its output follows when it ends)`);
  const child = spawn(suite.cmd[0], suite.cmd.slice(1), { stdio: ['ignore', fd, fd] });
  // Stopped by hand (Ctrl-C reaches the suite too): say where its output is.
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      console.log(`\n=== ${suite.name}: stopped; its output so far is in ${logPath}`);
      process.exit(130);
    });
  }
  const done = new Promise((resolve) => {
    child.on('error', (err) => resolve({ code: null, signal: String(err) }));
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    suite,
    async finish() {
      const { code, signal } = await done;
      closeSync(fd);
      const seconds = ((Date.now() - t0) / 1000).toFixed(1);
      console.log(`\n=== ${suite.name}: output (it ran beside the other suites)`);
      process.stdout.write(readFileSync(logPath, 'utf8'));
      rmSync(dir, { recursive: true, force: true });
      const ok = code === 0;
      console.log(`=== ${suite.name}: ${ok ? 'passed' : `FAILED (exit ${code ?? signal})`} in ${seconds} s`);
      return { name: suite.name, ok, seconds };
    },
  };
}

function runHere(suite) {
  const t0 = Date.now();
  console.log(`\n=== ${suite.name}: ${suite.cmd.join(' ')}`);
  const r = spawnSync(suite.cmd[0], suite.cmd.slice(1), { stdio: 'inherit' });
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  const ok = r.status === 0;
  console.log(`=== ${suite.name}: ${ok ? 'passed' : `FAILED (exit ${r.status ?? r.signal})`} in ${seconds} s`);
  return { name: suite.name, ok, seconds };
}

// Beside the others only when there are others to run beside.
const besideOk = !serial && chosen.some((s) => !s.beside);
const running = besideOk ? chosen.filter((s) => s.beside).map(startBeside) : [];
const results = [];
for (const suite of chosen) {
  if (besideOk && suite.beside) continue;
  results.push(runHere(suite));
}
for (const r of running) results.push(await r.finish());

console.log('\nsummary:');
for (const r of results) console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(10)} ${r.seconds} s`);
console.log(`  all suites: ${((Date.now() - t00) / 1000).toFixed(1)} s${besideOk && running.length ? ' (the kernel suite beside the others)' : ''}`);
const passed = results.filter((r) => r.ok).length;
console.log(`suites: ${passed} passed, ${results.length - passed} failed`);
process.exit(passed === results.length ? 0 : 1);
