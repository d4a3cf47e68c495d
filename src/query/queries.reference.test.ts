// The queries (filterObjects, breakdown, accessSites, filteredStatsJson)
// against the simple reference in ../testing/reference-queries.ts, which
// reads the `kmap dump` NDJSON of the same file and resolves IPs with BigInt.
// Inputs: seeded random kmaps of every variant (../testing/kmap-writer.ts)
// with synthetic symbol maps, and the bundled sample with its System.map.
// Then hand-checked cases of the field-scoped search, and compareBytes.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKmapBytes } from '../format/parser.ts';
import type { KmapStore } from '../store/kmap-store.ts';
import { IpSymbols } from '../symbols/ip-symbols.ts';
import { parseSymbolMap } from '../symbols/symbol-map.ts';
import { rng, writeKmap } from '../testing/kmap-writer.ts';
import {
  refBreakdown,
  refHierarchy,
  refCapture,
  refCompareCodePoints,
  refFilter,
  refIsLive,
  refIsSentinelIp,
  refSiteKey,
  refSites,
  refTotals,
  type RefCapture,
  type RefQueryVariant,
} from '../testing/reference-queries.ts';
import { breakdown, filteredTotals, hierarchy } from './breakdown.ts';
import { compareBytes } from './compare.ts';
import { QueryContext } from './context.ts';
import { objectSumsToGo } from './object-sums.ts';
import { dumpText } from './dump.ts';
import { filterObjects } from './filter.ts';
import { accessSites } from './sites.ts';
import { filteredStatsJson } from './stats.ts';
import { summarize } from './summary.ts';
import { BREAKDOWN_KEYS, emptyFilter, type ObjectFilter } from './types.ts';

const ROOT = join(import.meta.dirname, '..', '..');


const hex16 = (v: bigint) => v.toString(16).padStart(16, '0');

/**
 * A synthetic symbol map over the writer's IP range (ffffffff81000000 +
 * 0..ffffff): random functions (repeated names, several names per address,
 * data symbols in between, lines in random order), optionally _etext with
 * init text after it, and kallsyms module symbols.
 */
function synthMap(seed: number, opts: { etext: boolean; modules: boolean }): string {
  const r = rng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const names = ['kmalloc_trace', 'd_alloc', 'd_alloc_parallel', '__kmalloc', '_raw_spin_lock', 'copy_process', 'Alloc_Mixed'];
  for (let i = 0; i < 150; i++) names.push(`fn_${i.toString(36)}`);
  const base = 0xffffffff81000000n;
  const lines: string[] = [`${hex16(base + 0x100n)} T _stext`, `${hex16(base + 0x100n)} T startup_64`];
  const core = opts.etext ? 0xa00000 - 0x100 : 0xc00000;
  for (let i = 0; i < 500; i++) {
    const addr = base + 0x100n + BigInt(int(core));
    lines.push(`${hex16(addr)} ${pick(['T', 't', 't', 'W', 'w'])} ${pick(names)}`);
    if (r() < 0.1) lines.push(`${hex16(addr)} ${pick(['T', 't', 'W'])} ${pick(['__', '_', ''])}${pick(names)}`);
    if (r() < 0.05) lines.push(`${hex16(addr)} T ${pick(['__entry_text_start', 'x_text_end'])}`);
    if (r() < 0.1) lines.push(`${hex16(addr + BigInt(int(0x100)))} ${pick(['D', 'd', 'b', 'r', 'A'])} data_${i}`);
  }
  if (opts.etext) {
    lines.push(`${hex16(base + 0xa00000n)} T _etext`);
    lines.push(`${hex16(base + 0xb00000n)} T _sinittext`, `${hex16(base + 0xb00000n)} T init_start`);
    for (let i = 0; i < 60; i++) lines.push(`${hex16(base + 0xb00000n + BigInt(int(0x100000)))} t ${pick(['kernel_init_freeable', 'init_a', 'init_b'])}`);
    lines.push(`${hex16(base + 0xc00000n)} T _einittext`);
  }
  if (opts.modules) {
    for (let i = 0; i < 80; i++) lines.push(`${hex16(base + 0xd00000n + BigInt(int(0x100000)))} ${pick(['t', 'T'])} ${pick(['mod_init', 'mod_fn', 'd_alloc'])}\t[${pick(['foo', 'bar'])}]`);
  }
  // Random order (kallsyms is not fully sorted; "first in the file" must follow the file).
  for (let i = lines.length - 1; i > 0; i--) {
    const j = int(i + 1);
    [lines[i], lines[j]] = [lines[j], lines[i]];
  }
  return lines.join('\n') + '\n';
}

interface Case {
  name: string;
  store: KmapStore;
  ctx: QueryContext;
  cap: RefCapture;
}

function makeCase(name: string, variant: RefQueryVariant, kmap: Uint8Array, symbols: string | null): Case {
  const store = parseKmapBytes(kmap);
  const ctx = new QueryContext(store, symbols === null ? null : new IpSymbols(parseSymbolMap(symbols), store.ips));
  return { name, store, ctx, cap: refCapture(variant, dumpText(store), symbols) };
}

const enc = (s: string) => new TextEncoder().encode(s);

/** The kmap with the pid of every `every`-th object line set to -1 (B-E: the pid is the second field). */
function withObjectPidMinusOne(text: string, every: number): string {
  let k = 0;
  return text
    .split('\n')
    .map((line) => {
      if (line === '' || line[0] === ' ' || line[0] === '\t' || k++ % every !== 0) return line;
      const f = line.split(',');
      if (f.length < 8) return line;
      f[1] = '-1';
      return f.join(',');
    })
    .join('\n');
}
const SAMPLE = readFileSync(join(ROOT, 'public', 'sample.kmap'));
const SAMPLE_MAP = readFileSync(join(ROOT, 'public', 'sample.System.map'), 'utf8');

const CASES: (() => Case)[] = [
  ...(['A', 'B', 'C', 'D', 'E'] as const).map(
    (v, k) => () => makeCase(`random ${v} + map`, v, enc(writeKmap({ variant: v, objects: 700, seed: 1000 + k })), synthMap(77 + k, { etext: true, modules: v === 'E' || v === 'B' })),
  ),
  () => makeCase('random E, no symbols', 'E', enc(writeKmap({ variant: 'E', objects: 700, seed: 2024 })), null),
  () => makeCase('random D, map without _etext', 'D', enc(writeKmap({ variant: 'D', objects: 700, seed: 31 })), synthMap(5, { etext: false, modules: false })),
  () => makeCase('random E, every 5th object pid -1, no symbols', 'E', enc(withObjectPidMinusOne(writeKmap({ variant: 'E', objects: 700, seed: 4242 }), 5)), null),
  () => makeCase('random B, every 3rd object pid -1 + map', 'B', enc(withObjectPidMinusOne(writeKmap({ variant: 'B', objects: 700, seed: 4343 }), 3)), synthMap(9, { etext: true, modules: true })),
  () => makeCase('sample + System.map', 'E', SAMPLE, SAMPLE_MAP),
  () => makeCase('sample, no symbols', 'E', SAMPLE, null),
];

/** The most frequent value of `f` over the objects, and the next. */
function topValues<T>(cap: RefCapture, f: (o: RefCapture['objects'][number]) => T | null): T[] {
  const counts = new Map<T, number>();
  for (const o of cap.objects) {
    const v = f(o);
    if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([v]) => v);
}

/** `comm:X comm:other [slab:Y] [type:Z] pid:P pid:other`, from one object with a command, so that it keeps that object. */
function fieldsSearch(cap: RefCapture): string {
  const o = cap.objects.slice(5).find((x) => x.command !== '' && !x.command.includes('"'))!;
  const terms = [`comm:"${o.command}"`, 'comm:bash', `pid:${o.pid}`, 'pid:77777'];
  if (cap.variant === 'D' || cap.variant === 'E') terms.push(`slab:${o.slab}`, 'slab:dentry');
  if (cap.variant !== 'A' && cap.variant !== 'B') terms.push(`type:${o.type.replace(/ /g, '*')}`);
  return terms.join(' ');
}

/** Filters built from the capture's own values (so they keep something), plus unknown and empty ones. */
function filtersFor(cap: RefCapture): [string, Partial<ObjectFilter>][] {
  const slabs = topValues(cap, (o) => o.slab);
  const types = topValues(cap, (o) => o.type);
  const commands = topValues(cap, (o) => o.command);
  const pids = topValues(cap, (o) => o.pid);
  const allocSites = topValues(cap, (o) => (refIsSentinelIp(o.allocIp) ? null : refSiteKey(cap, o.allocIp)));
  const accessSites = topValues(cap, (o) => (o.accesses.length > 0 ? refSiteKey(cap, o.accesses[o.accesses.length - 1].ip) : null));
  const withFn = cap.objects.find((o) => !refIsSentinelIp(o.allocIp) && refSiteKey(cap, o.allocIp) !== o.allocIp);
  const fn = withFn ? refSiteKey(cap, withFn.allocIp) : 'kmalloc_trace';
  const someObj = cap.objects[Math.floor(cap.objects.length / 3)];
  const inside = hex16(BigInt('0x' + someObj.address) + (BigInt(someObj.size) > 0n ? BigInt(someObj.size) - 1n : 0n));
  const end = hex16(BigInt('0x' + someObj.address) + BigInt(someObj.size));
  const word = commands.find((c) => c.length >= 3)?.slice(1, 3) ?? 'sh';
  return [
    ['empty filter', {}],
    ['empty lists', { slabs: [], types: [], commands: [], pids: [], allocSites: [], accessSites: [] }],
    ['one slab', { slabs: [slabs[0]] }],
    ['two slabs (OR)', { slabs: [slabs[0], slabs[1] ?? 'x'] }],
    ['unknown slab', { slabs: ['no-such-cache'] }],
    ['known + unknown slab', { slabs: [slabs[0], 'no-such-cache'] }],
    ['empty-string slab', { slabs: [''] }],
    ['one type', { types: [types[0]] }],
    ['two types', { types: ['KMALLOC', 'NONE'] }],
    ['unknown type', { types: ['NO_SUCH_TYPE'] }],
    ['one command', { commands: [commands[0]] }],
    ['empty command', { commands: [''] }],
    ['commands with commas and spaces', { commands: ['a,b c', 'x,y,z', 'ls -la', 'Web Content'] }],
    ['unknown command', { commands: ['nope'] }],
    ['one pid', { pids: [pids[0]] }],
    ['two pids', { pids: [pids[0], pids[1] ?? 0] }],
    ['pid -1', { pids: [-1] }],
    ['pid 0', { pids: [0] }],
    ['live', { state: 'live' }],
    ['freed', { state: 'freed' }],
    ['hide sentinels', { hideSentinels: true }],
    ['min size', { minSize: 200 }],
    ['max size', { maxSize: 128 }],
    ['min and max size', { minSize: 64, maxSize: 64 }],
    ['one alloc site', { allocSites: [allocSites[0]] }],
    ['two alloc sites', { allocSites: [allocSites[0], allocSites[1] ?? 'x'] }],
    ['sentinel alloc sites as hex', { allocSites: ['0000000000000000', '00000000feedbeef', '0000000000000014'] }],
    ['unknown alloc site', { allocSites: ['no_such_fn'] }],
    ['one access site', { accessSites: [accessSites[0]] }],
    ['two access sites', { accessSites: [accessSites[0], accessSites[1] ?? 'x'] }],
    ['other tasks', { otherTasks: true }],
    ['slab AND command', { slabs: [slabs[0]], commands: [commands[0], commands[1] ?? ''] }],
    ['type, live, no sentinels', { types: [types[0]], state: 'live', hideSentinels: true }],
    ['pid AND other tasks', { pids: [pids[0], pids[1] ?? 0, pids[2] ?? 0], otherTasks: true }],
    ['access site AND other tasks', { accessSites: [accessSites[0], accessSites[1] ?? 'x'], otherTasks: true }],
    ['alloc site, access site, freed', { allocSites: allocSites.slice(0, 5), accessSites: accessSites.slice(0, 5), state: 'freed' }],
    ['everything', { slabs: slabs.slice(0, 3), types: types.slice(0, 3), commands: commands.slice(0, 5), state: 'all', hideSentinels: true, minSize: 16, maxSize: 4096, accessSites: accessSites.slice(0, 20) }],
    ['search comm:', { search: `comm:${commands[0] === '' ? 'bash' : commands[0]}` }],
    ['search comm: quoted', { search: 'comm:"a,b c" comm:"Web Content"' }],
    ['search comm: wildcard', { search: 'comm:*w*' }],
    ['search slab: wildcard', { search: 'slab:kmalloc-*' }],
    ['search slab: other case', { search: 'SLAB:DENTRY' }],
    ['search type:', { search: 'type:kmalloc' }],
    ['search type: wildcard', { search: 'type:*cache*' }],
    ['search fn:', { search: `fn:${fn}` }],
    ['search fn: wildcard', { search: `fn:${fn.slice(0, 3)}*` }],
    ['search fn: d_alloc*', { search: 'fn:d_alloc*' }],
    ['search fn: *alloc*', { search: 'fn:*alloc*' }],
    ['search ip:', { search: `ip:${cap.objects[1].allocIp}` }],
    ['search ip: 0x, two terms', { search: `ip:0x${cap.objects[1].allocIp} ip:${cap.objects[2].allocIp.toUpperCase()}` }],
    ['search addr: inside', { search: `addr:${inside}` }],
    ['search addr: end', { search: `addr:${end}` }],
    ['search pid:', { search: `pid:${pids[0]}` }],
    ['search free word', { search: word }],
    ['search free words (AND)', { search: `${word} k` }],
    ['search quoted word', { search: '"a,b"' }],
    ['search a word that is not a field', { search: 'kworker/0:1' }],
    ['search fields AND, same field OR', { search: fieldsSearch(cap) }],
    ['search with filters', { search: `type:${(types[0] || 'k').slice(0, 1)}*`, commands: commands.slice(0, 3), state: 'live' }],
  ];
}

describe.each(CASES.map((make) => [make] as const))('against the reference', (make) => {
  const c = make();
  describe(c.name, () => {
    it('has a consistent dump (variant, liveness)', () => {
      expect(c.store.variant).toBe(c.cap.variant);
      expect(c.cap.objects.length).toBe(c.store.numObjects);
      expect(c.cap.objects.length).toBeGreaterThan(500);
      for (const o of c.cap.objects) expect(o.live).toBe(refIsLive(c.cap, o));
    });

    for (const [label, partial] of filtersFor(c.cap)) {
      it(`filter: ${label}`, () => {
        const f: ObjectFilter = { ...emptyFilter(), ...partial };
        const got = filterObjects(c.ctx, f);
        const want = refFilter(c.cap, f);
        expect(Array.from(got.indices)).toEqual(want);
        for (const by of BREAKDOWN_KEYS) {
          expect({ by, rows: breakdown(c.ctx, got.indices, by) }).toEqual({ by, rows: refBreakdown(c.cap, want, by) });
        }
        const cells = refHierarchy(c.cap, want);
        expect(hierarchy(c.ctx, got.indices)).toEqual(cells);
        expect(hierarchy(c.ctx, got.indices, 0)).toEqual(cells); // counted in a Map by number
        expect(hierarchy(c.ctx, got.indices, 0, 0)).toEqual(cells); // by string (numbers past 2^53)
        const sites = accessSites(c.ctx, got.indices, f.otherTasks).map(({ site, reads, writes, accessLines, objects, pids }) => ({
          site,
          reads,
          writes,
          accessLines,
          objects,
          pids,
        }));
        expect(sites).toEqual(refSites(c.cap, want, f.otherTasks));
        const t = refTotals(c.cap, want);
        const { bySlab, byType, byCommand, ...totals } = t;
        expect(filteredTotals(c.ctx, got.indices)).toEqual(totals);
        // With no per-object sums made (a fresh context): a part of the store sums its own lines, and makes none.
        const fresh = new QueryContext(c.store);
        expect(filteredTotals(fresh, got.indices)).toEqual(totals);
        expect(objectSumsToGo(fresh)).toBe(c.store.numObjects);
        expect(filteredStatsJson(c.ctx, got.indices, summarize(c.store))).toEqual({
          format: c.cap.variant,
          objects: t.objects,
          accesses: t.accesses,
          liveObjects: t.liveObjects,
          reads: t.reads,
          writes: t.writes,
          bytes: t.bytes,
          badLines: c.store.numBadLines,
          bySlab,
          byType,
          byCommand,
        });
      });
    }
  });
});

describe('the in-process dump', () => {
  it('is what `kmap dump` prints for the sample', () => {
    const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'src', 'cli', 'kmap.ts'), 'dump', join(ROOT, 'public', 'sample.kmap')], {
      encoding: 'utf8',
      cwd: ROOT,
      maxBuffer: 1 << 28,
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(dumpText(parseKmapBytes(SAMPLE)));
  });
});

// ---------------------------------------------------------------------------
// The field-scoped search, by hand
// ---------------------------------------------------------------------------

const SEARCH_KMAP = [
  // 0: kmalloc_trace, cat, kmalloc-64, [ffff888000001000, +64)
  'ffffffff81001010,100,ffff888000001000,64,10,0,0000000000000000,KMALLOC,cat,kmalloc-64,',
  '  ffffffff81004010,0,3,100',
  // 1: d_alloc, kworker/0:1, dentry
  'ffffffff81002010,200,ffff888000002000,192,11,20,ffffffff81003050,KMEM_CACHE,kworker/0:1,dentry,',
  // 2: d_alloc_parallel, "my cmd", dentry
  'ffffffff81003010,300,ffff888000003000,192,12,0,0000000000000000,KMEM_CACHE,my cmd,dentry,',
  // 3: feedbeef, empty command
  'feedbeef        ,0,ffff888000004000,128,13,0,0000000000000000,KMEM_CACHE,,filp,',
  // 4: unresolved (past _etext), Xorg, kmalloc-128
  'ffffffff81009000,400,ffff888000005000,128,14,0,0000000000000000,KMALLOC,Xorg,kmalloc-128,',
  // 5: helper [mod], cat, size 0
  'ffffffffa0001010,100,ffff888000006000,0,15,0,0000000000000000,VMALLOC,cat,no-slab,',
  '',
].join('\n');
const SEARCH_MAP = [
  'ffffffff81000000 T _stext',
  'ffffffff81001000 T kmalloc_trace',
  'ffffffff81002000 T d_alloc',
  'ffffffff81003000 T d_alloc_parallel',
  'ffffffff81004000 t helper',
  'ffffffff81006000 T _etext',
  'ffffffff81007000 T _sinittext',
  'ffffffff81008000 T _einittext',
  'ffffffffa0001000 t helper\t[mod]',
].join('\n');

describe('field-scoped search', () => {
  const store = parseKmapBytes(enc(SEARCH_KMAP));
  const withSyms = new QueryContext(store, new IpSymbols(parseSymbolMap(SEARCH_MAP), store.ips));
  const noSyms = new QueryContext(store);
  const run = (search: string, ctx = withSyms) => {
    const r = filterObjects(ctx, { ...emptyFilter(), search });
    return { kept: Array.from(r.indices), errors: r.searchErrors };
  };

  it('comm:, slab:, type: match whole names, case-insensitively', () => {
    expect(run('comm:cat').kept).toEqual([0, 5]);
    expect(run('comm:CAT').kept).toEqual([0, 5]);
    expect(run('comm:ca').kept).toEqual([]); // whole name, not a substring
    expect(run('comm:kworker/0:1').kept).toEqual([1]);
    expect(run('slab:dentry').kept).toEqual([1, 2]);
    expect(run('slab:kmalloc-*').kept).toEqual([0, 4]);
    expect(run('type:kmem_cache').kept).toEqual([1, 2, 3]);
    expect(run('type:*alloc').kept).toEqual([0, 4, 5]);
  });

  it('quoted values keep their spaces', () => {
    expect(run('comm:"my cmd"').kept).toEqual([2]);
    expect(run('comm:"kworker/0:1" comm:"my cmd"').kept).toEqual([1, 2]);
  });

  it('fn: matches the allocating function (with symbols), with * wildcards', () => {
    expect(run('fn:d_alloc').kept).toEqual([1]);
    expect(run('fn:d_alloc*').kept).toEqual([1, 2]);
    expect(run('fn:KMALLOC_TRACE').kept).toEqual([0]);
    expect(run('fn:"helper [mod]"').kept).toEqual([5]);
    expect(run('fn:nothing_like_it').kept).toEqual([]);
  });

  it('fn: without symbols matches nothing and says so', () => {
    const r = run('fn:d_alloc', noSyms);
    expect(r.kept).toEqual([]);
    expect(r.errors.join(' ')).toMatch(/symbol/);
  });

  it('ip: is an exact allocation IP (0x and upper case accepted)', () => {
    expect(run('ip:ffffffff81002010').kept).toEqual([1]);
    expect(run('ip:0xFFFFFFFF81002010').kept).toEqual([1]);
    expect(run('ip:feedbeef').kept).toEqual([3]);
    expect(run('ip:ffffffff81002011').kept).toEqual([]);
    expect(run('ip:ffffffff81002010 ip:ffffffff81009000').kept).toEqual([1, 4]);
  });

  it('addr: finds the object whose [address, address + size) holds it', () => {
    expect(run('addr:ffff888000002000').kept).toEqual([1]);
    expect(run('addr:ffff8880000020bf').kept).toEqual([1]); // address + size - 1
    expect(run('addr:ffff8880000020c0').kept).toEqual([]); // address + size
    expect(run('addr:ffff888000001fff').kept).toEqual([]);
    expect(run('addr:ffff888000006000').kept).toEqual([]); // a 0-byte object holds nothing
  });

  it('pid: is the allocating pid', () => {
    expect(run('pid:100').kept).toEqual([0, 5]);
    expect(run('pid:100 pid:400').kept).toEqual([0, 4, 5]);
    expect(run('pid:-1').kept).toEqual([]);
  });

  it('free words: substring of command, slab, type or function; all words must match', () => {
    expect(run('worker').kept).toEqual([1]);
    expect(run('DENT').kept).toEqual([1, 2]);
    expect(run('vmall').kept).toEqual([5]);
    expect(run('parallel').kept).toEqual([2]); // the allocating function
    expect(run('parallel', noSyms).kept).toEqual([]);
    expect(run('cat kmalloc').kept).toEqual([0]);
    expect(run('"my cmd"').kept).toEqual([2]);
  });

  it('fields AND, terms of one field OR', () => {
    expect(run('slab:dentry comm:"my cmd"').kept).toEqual([2]);
    expect(run('slab:dentry slab:filp type:kmem_cache pid:0').kept).toEqual([3]);
  });

  it('bad values produce searchErrors', () => {
    for (const bad of ['ip:xyz', 'addr:ffff88800000200000', 'pid:abc', 'pid:1.5', 'ip:0x']) {
      expect(run(bad).errors.length, bad).toBeGreaterThan(0);
    }
    // A field with no value yet (typing "comm:") is no condition and no error.
    for (const partial of ['addr:', 'comm:']) {
      expect(run(partial).errors, partial).toEqual([]);
      expect(run(partial).kept.length, partial).toBe(run('').kept.length);
    }
    expect(run('comm:cat slab:kmalloc-64').errors).toEqual([]);
  });

  it('a term that cannot be read matches nothing (ParsedSearch.errors: "they match nothing")', () => {
    expect(run('ip:xyz').kept).toEqual([]);
    expect(run('pid:abc').kept).toEqual([]);
  });

  it('reports names the file lacks', () => {
    const r = filterObjects(withSyms, { ...emptyFilter(), slabs: ['nope', 'dentry'], commands: ['ghost'] });
    expect(Array.from(r.indices)).toEqual([]);
    expect(r.unknownNames).toEqual(['slab cache "nope"', 'command "ghost"']);
  });

  it('reports site keys the file lacks, saying when a function name needs the symbol file', () => {
    const withSymbols = filterObjects(withSyms, { ...emptyFilter(), allocSites: ['no_such_fn'], accessSites: ['ffffffff00000000'] });
    expect(withSymbols.unknownNames).toEqual(['allocation site "no_such_fn"', 'access site "ffffffff00000000"']);
    const without = filterObjects(noSyms, { ...emptyFilter(), allocSites: ['some_fn'] });
    expect(Array.from(without.indices)).toEqual([]);
    expect(without.unknownNames).toEqual(['allocation site "some_fn" (a function name needs the symbol file)']);
  });
});

describe('compareBytes', () => {
  it('orders by code point (UTF-8 byte order), not UTF-16 code unit', () => {
    expect(compareBytes('\uE000', '\u{1F600}')).toBeLessThan(0);
    expect(compareBytes('\u{1F600}', '\uE000')).toBeGreaterThan(0);
    expect(compareBytes('\uFFFF', '\u{10000}')).toBeLessThan(0);
    expect(compareBytes('a', 'b')).toBeLessThan(0);
    expect(compareBytes('B', 'a')).toBeLessThan(0);
    expect(compareBytes('', 'a')).toBeLessThan(0);
    expect(compareBytes('ab', 'a')).toBeGreaterThan(0);
    expect(compareBytes('x\u{1F600}', 'x\u{1F600}')).toBe(0);
    expect(compareBytes('\u{1F600}', '\u{1F601}')).toBeLessThan(0);
  });

  it('agrees with Buffer.compare of the UTF-8 bytes on random strings', () => {
    const r = rng(9);
    const alphabet = ['a', 'B', '-', ' ', ',', 'é', '\u0800', '\uE000', '\uFFFD', '\uFFFF', '\u{10000}', '\u{1F600}', '\u{10FFFF}'];
    const word = () => Array.from({ length: Math.floor(r() * 4) }, () => alphabet[Math.floor(r() * alphabet.length)]).join('');
    for (let k = 0; k < 3000; k++) {
      const a = word();
      const b = word();
      const want = Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
      expect(Math.sign(compareBytes(a, b)), JSON.stringify([a, b])).toBe(want);
      expect(Math.sign(refCompareCodePoints(a, b))).toBe(want);
    }
  });
});
