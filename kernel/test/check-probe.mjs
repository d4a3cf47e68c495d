#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0-only
//
// check-probe.mjs KMAP SYSTEM_MAP [ALLOCATIONS ACCESSES]
//
// Host checks of a capture of one round of Memorizer's content probe
// (`echo 1 > /sys/kernel/debug/memorizer/probe`, mm/memorizer/probe.c, which
// says what a round does; this file is what a kmap of it must show, exactly):
// every object's allocation and free site, type, size, cache, task and
// access counts, and the sentinels of a free Memorizer never saw. Given
// the split CSV pair of the same capture (capture.sh --split), every check
// runs on it again, read by the dashboard's parser as the kmap it stands
// for. Exits 1 if any check fails.

import { dumpObjects, loadSymbols, resolveIp, tap } from './host-lib.mjs';

const [kmapPath, mapPath, ...pair] = process.argv.slice(2);
if (!kmapPath || !mapPath || (pair.length !== 0 && pair.length !== 2)) {
  console.error('usage: check-probe.mjs KMAP SYSTEM_MAP [ALLOCATIONS ACCESSES]');
  process.exit(2);
}
const { check, finish } = tap();
const symbols = loadSymbols(mapPath);
// GCC may suffix a function it specialised (.isra.0, .constprop.0).
const fn = (ip) => resolveIp(symbols, ip)?.replace(/\..*$/, '') ?? null;

const PAGE = 4096;
// What mzprobe_alloc() allocates in one round: [type, size, cache, count].
const ALLOCATED = [
  ['KMEM_CACHE', 200, 'memorizer_probe', 4], // 3 + kmem_cache_alloc_node(NUMA_NO_NODE)
  ['KMEM_CACHE_ND', 200, 'memorizer_probe', 1], // kmem_cache_alloc_node(node 0)
  ['KMEM_CACHE_BULK', 200, 'memorizer_probe', 2],
  ['KMALLOC', 100, 'kmalloc-128', 1], // the requested size, not the cache's
  ['KMALLOC_ND', 100, 'kmalloc-128', 1],
  ['ALLOC_PAGES', 2 * PAGE, 'no-slab', 1], // order 1
  ['ALLOC_PAGES', PAGE, 'no-slab', 2], // alloc_pages_bulk_array()
  ['VMALLOC', 3 * PAGE + 100, 'no-slab', 1], // the requested size
  // Freed by the second of two free_pages() (a second reference held over the first) and touched
  // between them: its accesses are its own only if the first call, which frees nothing, did not retire it.
  ['ALLOC_PAGES_GETFREEPAGES', PAGE, 'no-slab', 1],
];
const ALLOCATED_TOTAL = ALLOCATED.reduce((n, [, , , c]) => n + c, 0);
const NONE = ''; // newType when no later allocation closed the object

// Access lines of an object by function: { fn: [writes, reads] }, and pids.
function accessesOf(o) {
  const byFn = {};
  const pids = new Set();
  for (const a of o.accesses) {
    const f = fn(a.ip) ?? a.ip;
    const [w, r] = byFn[f] ?? [0, 0];
    byFn[f] = [w + a.writes, r + a.reads];
    pids.add(String(a.pid));
  }
  return { byFn, pids };
}
const TOUCHED = JSON.stringify({ mzprobe_store: [2, 0], mzprobe_load: [0, 3] });
function touchedOnce(o) {
  const { byFn } = accessesOf(o);
  const sorted = Object.fromEntries(Object.entries(byFn).sort(([a], [b]) => b.localeCompare(a)));
  return JSON.stringify(sorted) === TOUCHED;
}
const show = (o) => `${o.type} ${o.size} ${o.slab} at ${o.address} alloc ${o.allocIndex} free ${o.freeIndex} ` +
  `${o.freeIp}=${fn(o.freeIp)} new ${o.newType || '-'} pid ${o.pid} ${o.command} ${JSON.stringify(accessesOf(o).byFn)}`;

// Every check, on one reading of the capture (a kmap, or the split pair).
async function checkCapture(paths, what) {
  const fromAlloc = [];
  const fromOverlap = [];
  const { exitCode } = await dumpObjects(paths, (o) => {
    const site = fn(o.allocIp);
    if (site === 'mzprobe_alloc') fromAlloc.push(o);
    else if (site === 'mzprobe_overlap') fromOverlap.push(o);
  });
  console.log(`# ${what}`);
  check(`kmap dump reads the ${what}`, exitCode === 0, `exit ${exitCode}`);

  // ---- the objects mzprobe_alloc() made ----------------------------------------
  check(`${ALLOCATED_TOTAL} objects allocated in mzprobe_alloc()`, fromAlloc.length === ALLOCATED_TOTAL,
    `${fromAlloc.length}:\n# ${fromAlloc.map(show).join('\n# ')}`);
  for (const [type, size, slab, count] of ALLOCATED) {
    const got = fromAlloc.filter((o) => o.type === type && o.size === size && o.slab === slab);
    check(`${count} x ${type}, ${size} bytes, cache ${slab}`, got.length === count,
      `found ${got.length}; of mzprobe_alloc: ${JSON.stringify(fromAlloc.map((o) => [o.type, o.size, o.slab]))}`);
  }
  const writer = fromAlloc[0];
  const oneTask = fromAlloc.every((o) => o.pid === writer?.pid && o.command === writer?.command);
  check('all allocated by the task that wrote the probe file (one pid and command)', writer && oneTask,
    JSON.stringify([...new Set(fromAlloc.map((o) => `${o.pid}/${o.command}`))]));
  const live = fromAlloc.filter((o) => o.freeIndex === '0');
  check('one object left live: a memorizer_probe KMEM_CACHE object, freed by the next round',
    live.length === 1 && live[0].type === 'KMEM_CACHE' && live[0].freeIp === '0000000000000000',
    live.map(show).join('; '));
  const freed = fromAlloc.filter((o) => o.freeIndex !== '0');
  const badFree = freed.filter((o) => fn(o.freeIp) !== 'mzprobe_free' || BigInt(o.freeIndex) <= BigInt(o.allocIndex) ||
    o.newType !== NONE);
  check('every other one freed in mzprobe_free(), after its allocation, not closed by another',
    freed.length === ALLOCATED_TOTAL - 1 && badFree.length === 0, badFree.map(show).join('\n# '));
  const badTouch = fromAlloc.filter((o) => !touchedOnce(o));
  check('each written twice by mzprobe_store() and read three times by mzprobe_load(), nothing else',
    badTouch.length === 0, badTouch.map(show).join('\n# '));
  const badPid = fromAlloc.filter((o) => [...accessesOf(o).pids].some((p) => p !== String(writer?.pid)));
  check('every access line carries the writer\'s pid', badPid.length === 0, badPid.map(show).join('\n# '));

  // ---- the sentinels of unseen frees (mzprobe_overlap) ---------------------------
  const page = fromOverlap.find((o) => o.type === 'ALLOC_PAGES');
  const first = fromOverlap.find((o) => o.type === 'VMALLOC' && o.size === 128);
  const second = fromOverlap.find((o) => o.type === 'VMALLOC' && o.size === 64);
  check('mzprobe_overlap(): a page and two objects inside it', fromOverlap.length === 3 && page && first && second,
    fromOverlap.map(show).join('\n# '));
  if (page && first && second) {
    const at = BigInt(`0x${page.address}`) + 256n;
    check('both inner objects start 256 bytes into the page',
      BigInt(`0x${first.address}`) === at && BigInt(`0x${second.address}`) === at, `${first.address} ${second.address}`);
    check('the page, overlapped at another address: free_ip 00000000deadbeef, new type VMALLOC, closed by the first',
      page.size === PAGE && page.freeIp === '00000000deadbeef' && page.newType === 'VMALLOC' &&
        page.freeIndex === first.allocIndex && page.accesses.length === 0, show(page));
    check('the first, overlapped at its own address: free_ip 000000000fedbeef, new type VMALLOC, closed by the second',
      first.freeIp === '000000000fedbeef' && first.newType === 'VMALLOC' && first.freeIndex === second.allocIndex &&
        first.accesses.length === 0, show(first));
    check('the second: touched like the others, freed in mzprobe_overlap()',
      fn(second.freeIp) === 'mzprobe_overlap' && second.newType === NONE && touchedOnce(second) &&
        BigInt(second.freeIndex) > BigInt(second.allocIndex), show(second));
  }
}

await checkCapture(kmapPath, 'kmap');
if (pair.length) await checkCapture(pair, 'split CSV pair (allocations, accesses)');
finish('check-probe');
