#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0-only
//
// check-own-workload.mjs KMAP COMMAND [--slab NAME]...
//
// Host checks of a capture made with --mode pid of a program copied in with
// --add (scripts/test.sh, scripts/test-full.sh, test/probe.c): the program's
// own allocations are there (objects whose command is COMMAND), its forked
// child was followed (access lines from at least two pids), and only its task
// tree was recorded: no access line from interrupt context (pid -1) and none
// from /init (pid 1), which ran the setup and the capture sequence around it.
// Each --slab NAME: the kmap has objects of that cache allocated by COMMAND
// (the full kernel's test asks for ext4's and TCP's). Exits 1 if any check
// fails.

import { dumpObjects, tap } from './host-lib.mjs';

const args = process.argv.slice(2);
const slabs = [];
const positional = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--slab' && args[i + 1]) slabs.push(args[++i]);
  else positional.push(args[i]);
}
const [kmapPath, command] = positional;
if (!kmapPath || !command || positional.length > 2) {
  console.error('usage: check-own-workload.mjs KMAP COMMAND [--slab NAME]...');
  process.exit(2);
}
const { check, finish } = tap();

const byCommand = new Map();
const accessPids = new Map(); // pid -> access lines
const ownSlabs = new Map(); // cache -> objects allocated by COMMAND
const { objects, exitCode } = await dumpObjects(kmapPath, (o) => {
  byCommand.set(o.command, (byCommand.get(o.command) ?? 0) + 1);
  if (o.command === command) ownSlabs.set(o.slab, (ownSlabs.get(o.slab) ?? 0) + 1);
  for (const a of o.accesses) accessPids.set(a.pid, (accessPids.get(a.pid) ?? 0) + 1);
});
check('kmap dump reads the capture', exitCode === 0 && objects > 0, `exit ${exitCode}, ${objects} objects`);
const commands = JSON.stringify(Object.fromEntries(byCommand));
check(`objects allocated by ${command} itself`, (byCommand.get(command) ?? 0) > 0, commands);
const pids = JSON.stringify(Object.fromEntries(accessPids));
check('access lines from the program and its forked child (two pids or more)', accessPids.size >= 2, pids);
check('no access line from interrupt context (pid -1): mode pid leaves it out', !accessPids.has(-1) && !accessPids.has('-1'), pids);
check('no access line from /init (pid 1), outside the task tree', !accessPids.has(1) && !accessPids.has('1'), pids);
for (const slab of slabs) {
  check(`objects of cache ${slab} allocated by ${command}`, (ownSlabs.get(slab) ?? 0) > 0,
    JSON.stringify(Object.fromEntries([...ownSlabs].sort((a, b) => b[1] - a[1]).slice(0, 20))));
}
finish('check-own-workload');
