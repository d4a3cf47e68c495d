#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0-only
//
// check-own-workload.mjs KMAP COMMAND
//
// Host checks of a capture made with --mode pid of a program copied in with
// --add (scripts/test.sh, test/probe.c): the program's own allocations are
// there (objects whose command is COMMAND), its forked child was followed
// (access lines from at least two pids), and only its task tree was
// recorded: no access line from interrupt context (pid -1) and none from
// /init (pid 1), which ran the setup and the capture sequence around it. Reads the kmap through the dashboard's CLI (`kmap dump`), like
// check-capture.mjs. Exits 1 if any check fails.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const [kmapArg, command] = process.argv.slice(2);
if (!kmapArg || !command) {
  console.error('usage: check-own-workload.mjs KMAP COMMAND');
  process.exit(2);
}

let failed = 0;
let n = 0;
function check(desc, cond, detail = '') {
  n += 1;
  console.log(cond ? `ok ${n} - ${desc}` : `not ok ${n} - ${desc}${detail ? `\n# ${detail}` : ''}`);
  if (!cond) failed += 1;
}

const byCommand = new Map();
const accessPids = new Map(); // pid -> access lines
let objects = 0;
const child = spawn('npm', ['run', '--silent', 'kmap', '--', 'dump', resolve(kmapArg)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) {
  if (!line.trim()) continue;
  const o = JSON.parse(line);
  objects += 1;
  byCommand.set(o.command, (byCommand.get(o.command) ?? 0) + 1);
  for (const a of o.accesses) accessPids.set(a.pid, (accessPids.get(a.pid) ?? 0) + 1);
}
const code = await new Promise((res) => child.on('close', res));
check('kmap dump reads the capture', code === 0 && objects > 0, `exit ${code}, ${objects} objects`);
const commands = JSON.stringify(Object.fromEntries(byCommand));
check(`objects allocated by ${command} itself`, (byCommand.get(command) ?? 0) > 0, commands);
const pids = JSON.stringify(Object.fromEntries(accessPids));
check('access lines from the program and its forked child (two pids or more)', accessPids.size >= 2, pids);
check('no access line from interrupt context (pid -1): mode pid leaves it out', !accessPids.has(-1) && !accessPids.has('-1'), pids);
check('no access line from /init (pid 1), outside the task tree', !accessPids.has(1) && !accessPids.has('1'), pids);

console.log(`1..${n}`);
if (failed) {
  console.error(`check-own-workload: ${failed} of ${n} checks failed`);
  process.exit(1);
}
console.error(`check-own-workload: all ${n} checks passed`);
