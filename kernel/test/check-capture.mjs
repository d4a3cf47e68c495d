#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0-only
//
// check-capture.mjs KMAP SYSTEM_MAP
//
// Host checks of a capture of `ls -l /`, through the dashboard's own parser
// (its CLI: `npm run --silent kmap -- stats FILE --json` and `... dump FILE`),
// so the kernel's output and the app's reader are tested against each other.
// No dependencies beyond Node itself. Exits 1 if any check fails.

import { dumpObjects, kmapStats, loadSymbols, resolveIp, tap } from './host-lib.mjs';

const [kmapPath, mapPath] = process.argv.slice(2);
if (!kmapPath || !mapPath) {
  console.error('usage: check-capture.mjs KMAP SYSTEM_MAP');
  process.exit(2);
}

const MIN_RESOLVED = 0.9; // share of distinct IPs that must name a function
const { check, finish } = tap();

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
const stats = kmapStats(kmapPath);
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
const { objects: dumped, exitCode } = await dumpObjects(kmapPath, (o) => {
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
});
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

finish('check-capture');
