// SPDX-License-Identifier: GPL-2.0-only
//
// host-lib.mjs - what the host checks of captures share: TAP output, the
// System.map symbolizer and the kmap read through the dashboard's own parser
// (its CLI, `npm run --silent kmap -- ...`), so that the kernel's output and
// the app's reader are tested against each other. Node only, no packages.

import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// TAP: check(desc, cond, detail) prints one test; finish(name) prints the
// plan and exits 1 if any check failed.
export function tap() {
  let n = 0;
  let failed = 0;
  return {
    check(desc, cond, detail = '') {
      n += 1;
      if (cond) {
        console.log(`ok ${n} - ${desc}`);
      } else {
        failed += 1;
        console.log(`not ok ${n} - ${desc}${detail ? `\n# ${detail}` : ''}`);
      }
      return cond;
    },
    finish(name) {
      console.log(`1..${n}`);
      if (failed) {
        console.error(`${name}: ${failed} of ${n} checks failed`);
        process.exit(1);
      }
      console.error(`${name}: all ${n} checks passed`);
    },
  };
}

function kmapCli(args) {
  return ['run', '--silent', 'kmap', '--', ...args];
}

// `kmap stats FILE --json`, parsed; exits 1 if the CLI fails.
export function kmapStats(path) {
  const run = spawnSync('npm', kmapCli(['stats', resolve(path), '--json']), {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (run.status !== 0) {
    console.error(run.stderr);
    console.error('the dashboard CLI failed (npm run kmap -- stats); is src/cli present?');
    process.exit(1);
  }
  return JSON.parse(run.stdout);
}

// Every object of a kmap as `kmap dump` prints it (one JSON object per
// line: allocIp, pid, address, size, allocIndex, freeIndex, freeIp, type,
// command, slab, newType, live, accesses [{ ip, writes, reads, pid }]).
// Resolves to { objects, exitCode }; onObject(o) sees each as it comes.
// paths: a kmap, or the split CSV pair [allocations, accesses].
export async function dumpObjects(paths, onObject) {
  const files = (Array.isArray(paths) ? paths : [paths]).map((p) => resolve(p));
  const child = spawn('npm', kmapCli(['dump', ...files]), { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const closed = new Promise((res) => child.on('close', res));
  let objects = 0;
  for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) {
    if (!line.trim()) continue;
    objects += 1;
    onObject(JSON.parse(line));
  }
  return { objects, exitCode: await closed };
}

// System.map: symbols sorted by address, for range lookup.
export function loadSymbols(path) {
  const syms = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^([0-9a-f]{16}) (\S) (\S+)/.exec(line);
    if (m) syms.push({ addr: BigInt(`0x${m[1]}`), type: m[2], name: m[3] });
  }
  syms.sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
  const end = syms.find((s) => s.name === '_end')?.addr ?? 0n;
  return { syms, end };
}

// The function containing ip: the greatest symbol <= ip, if it is text.
export function resolveIp({ syms, end }, ipHex) {
  const ip = BigInt(`0x${ipHex}`);
  if (ip >= end) return null;
  let lo = 0;
  let hi = syms.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (syms[mid].addr <= ip) {
      best = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (best < 0 || !'tTwW'.includes(syms[best].type)) return null;
  return syms[best].name;
}
