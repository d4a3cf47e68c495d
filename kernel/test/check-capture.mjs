#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0-only
//
// check-capture.mjs KMAP SYSTEM_MAP
//
// Host checks of a capture of `ls -l /`, through the dashboard's own parser
// (its CLI: `npm run --silent kmap -- stats FILE --json` and `... dump FILE`),
// so the kernel's output and the app's reader are tested against each other.
// No dependencies beyond Node itself. Exits 1 if any check fails.

import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const [kmapArg, mapArg] = process.argv.slice(2);
if (!kmapArg || !mapArg) {
  console.error('usage: check-capture.mjs KMAP SYSTEM_MAP');
  process.exit(2);
}
const kmapPath = resolve(kmapArg); // the CLI runs in the repository root
const mapPath = resolve(mapArg);

const MIN_RESOLVED = 0.9; // share of distinct IPs that must name a function
let failed = 0;
let n = 0;
function check(desc, cond, detail = '') {
  n += 1;
  if (cond) {
    console.log(`ok ${n} - ${desc}`);
  } else {
    failed += 1;
    console.log(`not ok ${n} - ${desc}${detail ? `\n# ${detail}` : ''}`);
  }
}

function kmapCli(args) {
  return ['run', '--silent', 'kmap', '--', ...args];
}

// ---- System.map: text symbols, sorted, for range lookup ----------------------
function loadSymbols(path) {
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
function resolveIp({ syms, end }, ipHex) {
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

// The instrumentation's own code: KASAN and its stack saving (the unwinder,
// the stack-trace helpers) and Memorizer. An access line whose IP resolves
// to one of these is noise that quiet sections and kasan_depth must keep out.
const NOISE = /^(kasan_|__kasan_|__asan_|check_region_inline|unwind_|__unwind_|__orc_find|orc_find|deref_stack_reg|stack_trace_|arch_stack_walk|on_stack|in_task_stack|in_irq_stack|in_entry_stack|get_stack_info|stack_access_ok|memorizer_|__memorizer_|mz_)/;

// Sentinels of the format that are not code addresses.
function isSentinel(ipHex) {
  const v = BigInt(`0x${ipHex}`);
  return v < 0x1000n || v === 0xfeedbeefn || v === 0xdeadbeefn || v === 0xfedbeefn;
}

// ---- stats -----------------------------------------------------------------
const statsRun = spawnSync('npm', kmapCli(['stats', kmapPath, '--json']), {
  cwd: ROOT,
  encoding: 'utf8',
  maxBuffer: 64 << 20,
});
if (statsRun.status !== 0) {
  console.error(statsRun.stderr);
  console.error(`check-capture: the dashboard CLI failed (npm run kmap -- stats); is src/cli present?`);
  process.exit(1);
}
const stats = JSON.parse(statsRun.stdout);
console.log(`# stats: ${JSON.stringify({ ...stats, bySlab: undefined, byCommand: undefined })}`);

check('parses as variant E', stats.format === 'E', `format ${stats.format}`);
check('zero bad lines', stats.badLines === 0, `badLines ${stats.badLines}`);
check('has objects and accesses', stats.objects > 0 && stats.accesses > 0,
  `objects ${stats.objects}, accesses ${stats.accesses}`);
check('has objects allocated by ls', (stats.byCommand?.ls ?? 0) > 0,
  `byCommand ${JSON.stringify(stats.byCommand)}`);
const kmallocCaches = Object.keys(stats.bySlab ?? {}).filter((s) => /^kmalloc-\d+k?$/.test(s));
check('several kmalloc-N caches', kmallocCaches.length >= 3, `kmalloc caches: ${kmallocCaches}`);
for (const cache of ['dentry', 'filp', 'vm_area_struct']) {
  check(`cache ${cache} appears`, (stats.bySlab?.[cache] ?? 0) > 0);
}
for (const type of ['KMALLOC', 'KMEM_CACHE', 'ALLOC_PAGES']) {
  check(`type ${type} appears`, (stats.byType?.[type] ?? 0) > 0,
    `byType ${JSON.stringify(stats.byType)}`);
}

// ---- dump: per-object checks -------------------------------------------------
const symbols = loadSymbols(mapPath);
const allocIps = new Map(); // ip -> resolved?
const accessIps = new Map();
const noise = new Map(); // function -> access lines
const taskStructTypes = new Map(); // type -> task_struct objects
const stackSizes = new Map(); // size -> STACK_PAGE objects
const globalSites = new Map(); // a GLOBAL's call site -> the function it resolves to
let vmemmapLines = 0; // access lines on the vmemmap catch-all (struct pages)
let lsWithAccesses = 0;
let freed = 0;
const badOrder = [];
let dumped = 0;

const child = spawn('npm', kmapCli(['dump', kmapPath]), { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
const rl = createInterface({ input: child.stdout, crlfDelay: Infinity });
for await (const line of rl) {
  if (!line.trim()) continue;
  const o = JSON.parse(line);
  dumped += 1;
  if (!isSentinel(o.allocIp) && !allocIps.has(o.allocIp)) {
    allocIps.set(o.allocIp, resolveIp(symbols, o.allocIp) !== null);
  }
  for (const a of o.accesses) {
    if (!accessIps.has(a.ip)) accessIps.set(a.ip, resolveIp(symbols, a.ip) !== null);
    const fn = resolveIp(symbols, a.ip);
    if (fn && NOISE.test(fn)) noise.set(fn, (noise.get(fn) ?? 0) + 1);
  }
  if (o.command === 'ls' && o.accesses.length > 0) lsWithAccesses += 1;
  // The idle tasks of secondary CPUs are the one exception: fork_idle() asks
  // for the CPU's node, from pid 1 while it is still called swapper/0.
  const idleTask = o.type === 'KMEM_CACHE_ND' && o.pid === 1 && o.command === 'swapper/0';
  if (o.slab === 'task_struct' && !idleTask) taskStructTypes.set(o.type, (taskStructTypes.get(o.type) ?? 0) + 1);
  if (o.type === 'STACK_PAGE') stackSizes.set(o.size, (stackSizes.get(o.size) ?? 0) + 1);
  if (o.type === 'MEMBLOCK' && o.address === 'ffffea0000000000') vmemmapLines += o.accesses.length;
  if (o.type === 'GLOBAL' && !globalSites.has(o.allocIp)) globalSites.set(o.allocIp, resolveIp(symbols, o.allocIp) ?? 'unresolved');
  if (o.freeIndex !== '0') {
    freed += 1;
    if (BigInt(o.freeIndex) <= BigInt(o.allocIndex)) badOrder.push(o.idx);
  }
}
const exitCode = await new Promise((res) => child.on('close', res));
check('dump ran and lists every object', exitCode === 0 && dumped === stats.objects,
  `exit ${exitCode}, dumped ${dumped} of ${stats.objects}`);

check('objects allocated by ls have accesses', lsWithAccesses > 0);
const share = (m) => {
  const v = [...m.values()];
  return v.length ? v.filter(Boolean).length / v.length : 0;
};
const allocShare = share(allocIps);
const accessShare = share(accessIps);
check(`>= ${MIN_RESOLVED * 100}% of allocation IPs resolve to a function in System.map`,
  allocShare >= MIN_RESOLVED, `${(allocShare * 100).toFixed(1)}% of ${allocIps.size}`);
check(`>= ${MIN_RESOLVED * 100}% of access IPs resolve to a function in System.map`,
  accessShare >= MIN_RESOLVED, `${(accessShare * 100).toFixed(1)}% of ${accessIps.size}`);
check('no access line comes from KASAN, the unwinder under its stack saving or Memorizer itself', noise.size === 0,
  `access lines by function: ${JSON.stringify(Object.fromEntries([...noise].sort((a, b) => b[1] - a[1]).slice(0, 10)))}`);
check('task_struct objects are typed KMEM_CACHE (fork asks for no node, so not _ND; idle tasks apart)',
  taskStructTypes.size === 1 && (taskStructTypes.get('KMEM_CACHE') ?? 0) > 0, JSON.stringify(Object.fromEntries(taskStructTypes)));
check('thread stacks are typed STACK_PAGE, all of one size (THREAD_SIZE)',
  stackSizes.size === 1 && [...stackSizes.keys()].every((s) => Number(s) >= 16384), JSON.stringify(Object.fromEntries(stackSizes)));
check('every GLOBAL names the constructor that registered it (_sub_I_*; several distinct ones)',
  globalSites.size > 1 && [...globalSites.values()].every((f) => f.startsWith('_sub_I_')), JSON.stringify(Object.fromEntries([...globalSites].slice(0, 8))));
check('struct page accesses land on the vmemmap catch-all (MEMBLOCK at ffffea0000000000)', vmemmapLines > 0, `${vmemmapLines} access lines`);
check('every freed object has free index > alloc index', freed > 0 && badOrder.length === 0,
  `freed ${freed}, out of order: ${badOrder.slice(0, 5)}`);
console.log(`# ${allocIps.size} distinct allocation IPs (${(allocShare * 100).toFixed(1)}% resolved), ` +
  `${accessIps.size} distinct access IPs (${(accessShare * 100).toFixed(1)}% resolved), ` +
  `${freed} freed objects, ${lsWithAccesses} ls objects with accesses`);

console.log(`1..${n}`);
if (failed) {
  console.error(`check-capture: ${failed} of ${n} checks failed`);
  process.exit(1);
}
console.error(`check-capture: all ${n} checks passed`);
