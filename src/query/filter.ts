// The structured filter (types.ts, ObjectFilter) applied to a store: the
// indices of the objects it keeps, in file order. Every view and aggregate
// starts from these indices, and the worker caches them by filterKey().
//
// Names are matched by id: each condition on a name is turned into a 0/1
// mask over the interned ids once, then every object costs a few array
// look-ups. The conditions on objects run as passes, one condition each, the
// later ones over what the earlier kept (narrowing.ts). Conditions that read
// access lines (access sites, other tasks) run last, on the objects still
// kept.

import { allocIpSentinel } from '../format/sentinels.ts';
import { LAYOUTS } from '../format/variants.ts';
import { ACCESS_PID_BIAS, ACCESS_PID_NONE, OBJECT_PID_BIAS, type KmapStore } from '../store/kmap-store.ts';
import type { QueryContext } from './context.ts';
import { candidatesByName } from './column-index.ts';
import { Narrowing } from './narrowing.ts';
import { flagTester } from './quality.ts';
import { parseSearch } from './search-syntax.ts';
import type { ObjectFilter } from './types.ts';

export interface FilterResult {
  /** Object indices kept, ascending. */
  indices: Uint32Array;
  /** Names in the filter the file does not have, for a notice ('slab cache "x"'). */
  unknownNames: string[];
  searchErrors: string[];
}

/** 0/1 by id: names equal to one of `wanted` (null when nothing is wanted). */
function exactMask(names: readonly string[], wanted: readonly string[], what: string, unknown: string[]): Uint8Array | null {
  if (wanted.length === 0) return null;
  const mask = new Uint8Array(names.length);
  const ids = new Map<string, number>();
  names.forEach((n, id) => ids.set(n, id));
  for (const w of wanted) {
    const id = ids.get(w);
    if (id === undefined) unknown.push(`${what} ${JSON.stringify(w)}`);
    else mask[id] = 1;
  }
  return mask;
}

function patternMask(names: readonly string[], patterns: readonly RegExp[]): Uint8Array | null {
  if (patterns.length === 0) return null;
  const mask = new Uint8Array(names.length);
  for (let id = 0; id < names.length; id++) if (patterns.some((p) => p.test(names[id]))) mask[id] = 1;
  return mask;
}

function and(a: Uint8Array | null, b: Uint8Array | null): Uint8Array | null {
  if (!a) return b;
  if (!b) return a;
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] & b[i];
  return out;
}

/** 0/1 by IP id: alloc IPs that are sentinels (0, a UFO type code, feedbeef). */
export function sentinelIpMask(store: KmapStore): Uint8Array {
  const n = store.ips.size;
  const mask = new Uint8Array(n);
  const hi = store.ips.hi.data;
  const lo = store.ips.lo.data;
  for (let id = 0; id < n; id++) if (hi[id] === 0 && allocIpSentinel(0, lo[id]) !== null) mask[id] = 1;
  return mask;
}

/** Whether the object's [address, address + size) contains the 64-bit address hi:lo. */
function contains(vaHi: number, vaLo: number, size: number, hi: number, lo: number, wideSize: bigint | undefined): boolean {
  // offset = address - va, as a 64-bit difference; contained when 0 <= offset < size.
  let dHi = hi - vaHi;
  let dLo = lo - vaLo;
  if (dLo < 0) {
    dLo += 0x100000000;
    dHi -= 1;
  }
  if (dHi < 0) return false;
  // An offset of 2^53 or more may be rounded, but is then above any size up to 2^53 - 1 all the same.
  if (size <= Number.MAX_SAFE_INTEGER) return dHi * 0x100000000 + dLo < size;
  return (BigInt(dHi) << 32n) + BigInt(dLo) < wideSize!;
}

export function filterObjects(ctx: QueryContext, filter: ObjectFilter): FilterResult {
  const store = ctx.store;
  const layout = LAYOUTS[store.variant ?? 'E'];
  const n = store.numObjects;
  const o = store.objects;
  const unknownNames: string[] = [];
  const search = parseSearch(filter.search);
  const searchErrors = search.errors.slice();

  const slabNames = layout.hasSlab ? store.slabs.names() : [];
  const typeNames = layout.hasType ? store.types.names() : [];
  const cmdNames = store.commands.names();
  if (!layout.hasSlab && (filter.slabs.length > 0 || search.slab.length > 0)) searchErrors.push(`Format ${store.variant} has no slab caches; the slab filter keeps nothing.`);
  if (!layout.hasType && (filter.types.length > 0 || search.type.length > 0)) searchErrors.push(`Format ${store.variant} has no alloc types; the type filter keeps nothing.`);
  const win = filter.window;
  if (win && !layout.hasIndices) searchErrors.push(`Format ${store.variant} has no alloc or free indices; the index window keeps nothing.`);

  const slabMask = and(exactMask(slabNames, filter.slabs, 'slab cache', unknownNames), patternMask(slabNames, search.slab));
  const typeMask = and(exactMask(typeNames, filter.types, 'type', unknownNames), patternMask(typeNames, search.type));
  const cmdMask = and(exactMask(cmdNames, filter.commands, 'command', unknownNames), patternMask(cmdNames, search.comm));
  // A filter on a name the format lacks keeps nothing (masks of length 0).
  const emptyIfLacking = (lacks: boolean, wants: boolean) => (lacks && wants ? new Uint8Array(0) : null);
  const slabFinal = slabMask ?? emptyIfLacking(!layout.hasSlab, filter.slabs.length + search.slab.length > 0);
  const typeFinal = typeMask ?? emptyIfLacking(!layout.hasType, filter.types.length + search.type.length > 0);

  // Conditions on the alloc IP, as one mask by IP id.
  let ipMask: Uint8Array | null = null;
  if (filter.hideSentinels) {
    const s = sentinelIpMask(store);
    for (let i = 0; i < s.length; i++) s[i] ^= 1;
    ipMask = s;
  }
  /** Site keys that name no site of this file, as unknown names (a function name may only lack its symbols). */
  const siteMask = (keys: readonly string[], what: string): Uint8Array => {
    const missing: string[] = [];
    const mask = ctx.sites().ipMask(keys, missing);
    for (const k of missing) {
      const needsSymbols = !ctx.symbols && !/^[0-9a-f]{16}$/.test(k);
      unknownNames.push(`${what} ${JSON.stringify(k)}${needsSymbols ? ' (a function name needs the symbol file)' : ''}`);
    }
    return mask;
  };
  if (filter.allocSites.length > 0) ipMask = and(ipMask, siteMask(filter.allocSites, 'allocation site'));
  if (search.ip.length > 0) {
    const m = new Uint8Array(store.ips.size);
    const hi = store.ips.hi.data;
    const lo = store.ips.lo.data;
    for (let id = 0; id < m.length; id++) if (search.ip.some(([h, l]) => hi[id] === h && lo[id] === l)) m[id] = 1;
    ipMask = and(ipMask, m);
  }
  let fnMask: Uint8Array | null = null; // by IP id: the alloc function matches fn:
  let fnWordMasks: Uint8Array[] = []; // by IP id, one per free word: the function name contains it
  if (search.fn.length > 0 || search.words.length > 0) {
    const symbols = ctx.symbols;
    symbols?.update();
    if (search.fn.length > 0 && !symbols) searchErrors.push('"fn:" needs a symbol file (Open symbols); without one it matches nothing.');
    const numIps = store.ips.size;
    const fnOfIp = symbols ? symbols.fnByIp() : new Int32Array(numIps).fill(-1);
    const fnNames = symbols ? symbols.table.fnNames : [];
    if (search.fn.length > 0) {
      // A module function matches by its key (`foo_init [foo]`) or its bare name.
      const bare = fnNames.map((k) => k.replace(/ \[[^\]]+\]$/, ''));
      const hit = new Uint8Array(fnNames.length);
      for (let f = 0; f < fnNames.length; f++) if (search.fn.some((p) => p.test(fnNames[f]) || p.test(bare[f]))) hit[f] = 1;
      fnMask = new Uint8Array(numIps);
      for (let id = 0; id < numIps; id++) if (fnOfIp[id] >= 0 && hit[fnOfIp[id]]) fnMask[id] = 1;
    }
    fnWordMasks = search.words.map((w) => {
      const hit = new Uint8Array(fnNames.length);
      for (let f = 0; f < fnNames.length; f++) if (fnNames[f].toLowerCase().includes(w)) hit[f] = 1;
      const m = new Uint8Array(numIps);
      for (let id = 0; id < numIps; id++) if (fnOfIp[id] >= 0 && hit[fnOfIp[id]]) m[id] = 1;
      return m;
    });
  }
  ipMask = and(ipMask, fnMask);
  // Free words: each must hit the command, slab, type or alloc function.
  // (0/1 by id, at least one entry: a format without slabs or types has id 0 only.)
  const wordMask = (names: readonly string[], w: string) => {
    const m = new Uint8Array(Math.max(1, names.length));
    names.forEach((s, id) => (m[id] = s.toLowerCase().includes(w) ? 1 : 0));
    return m;
  };
  const wordMasks = search.words.map((w, k) => ({ cmd: wordMask(cmdNames, w), slab: wordMask(slabNames, w), type: wordMask(typeNames, w), fn: fnWordMasks[k] }));

  // Stored pids are pid + OBJECT_PID_BIAS: so are the pids looked for.
  const pids = new Set<number>(filter.pids.map((p) => p + OBJECT_PID_BIAS));
  const searchPids = new Set<number>(search.pid.map((p) => p + OBJECT_PID_BIAS));
  const state = filter.state;
  const minSize = filter.minSize;
  const maxSize = filter.maxSize;
  const slab = o.slab.data;
  const type = o.type.data;
  const cmd = o.command.data;
  const allocIp = o.allocIp.data;
  const pid = o.pid.data;
  const size = o.size.data;
  const vaHi = o.vaHi.data;
  const vaLo = o.vaLo.data;
  const addrs = search.addr;

  // The index window (types.ts, WINDOW_MEANINGS): indices as doubles, free index 0 = never freed.
  const allocIndex = o.allocIndex.data;
  const freeIndex = o.freeIndex.data;
  const winStart = win ? win.start : 0;
  const winEnd = win ? win.end : 0;
  const winAllocFrom = win && win.meaning !== 'liveAtEnd' ? winStart : Number.NEGATIVE_INFINITY;
  const winAlive = win !== null && win.meaning !== 'allocated';

  const hasFlag = filter.flag ? flagTester(ctx, filter.flag) : null;

  // An unreadable search term, or a window without indices, matches nothing (search-syntax.ts).
  const nothing = search.errors.length > 0 || (win && !layout.hasIndices);
  // Names that keep few objects: only theirs are visited (column-index.ts); each is still tested in full below.
  const candidates = nothing ? null : candidatesByName(ctx, [['slab', slabFinal], ['type', typeFinal], ['command', cmdMask]]);
  const total = nothing ? 0 : candidates ? candidates.length : n;
  // The kept indices are gathered in scratch and copied out at the end (the result is cached).
  const out = ctx.scratch.u32('filterObjects.out', total, false); // read only up to what was written
  // Conditions run one at a time, each a pass that keeps what passes of
  // what the last one kept (the first reads 0..n-1, or the candidates).
  const scan = new Narrowing(out, total, candidates);
  if (slabFinal) scan.byMask(slab, slabFinal);
  if (typeFinal) scan.byMask(type, typeFinal);
  if (cmdMask) scan.byMask(cmd, cmdMask);
  if (ipMask) scan.byMask(allocIp, ipMask);
  if (state !== 'all') scan.byLiveness(store, state === 'live');
  if (minSize !== null || maxSize !== null) scan.bySize(size, minSize ?? Number.NEGATIVE_INFINITY, maxSize ?? Number.POSITIVE_INFINITY);
  for (const m of wordMasks) scan.byAnyMask(cmd, m.cmd, slab, m.slab, type, m.type, allocIp, m.fn);
  const rest = pids.size > 0 || searchPids.size > 0 || hasFlag !== null || win !== null || addrs.length > 0;
  if (rest) {
    scan.byTest((i) => {
      if (pids.size > 0 && !pids.has(pid[i])) return false;
      if (searchPids.size > 0 && !searchPids.has(pid[i])) return false;
      if (hasFlag && !hasFlag(i)) return false;
      if (win) {
        const a = allocIndex[i];
        if (a < winAllocFrom || a >= winEnd) return false;
        if (winAlive && freeIndex[i] !== 0 && freeIndex[i] < winEnd) return false;
      }
      if (addrs.length > 0 && !addrs.some(([h, l]) => contains(vaHi[i], vaLo[i], size[i], h, l, o.size.wide?.get(i)))) return false;
      return true;
    });
  }
  const k = scan.kept();
  let indices = out.subarray(0, k);

  if (filter.accessSites.length > 0 || filter.otherTasks) {
    const accessMask = filter.accessSites.length > 0 ? siteMask(filter.accessSites, 'access site') : null;
    const otherTasks = filter.otherTasks && layout.accessPid !== 'none';
    if (filter.otherTasks && layout.accessPid === 'none') {
      searchErrors.push(`Format ${store.variant} records no pid on access lines, so "other tasks" keeps nothing.`);
    }
    const accIp = store.accesses.ip.data;
    const accPid = store.accesses.pid.data;
    const fold = store.fold;
    if (fold && accessMask) {
      searchErrors.push('This kmap was loaded aggregates only: which objects each access site reached was not kept, so the access-site filter keeps nothing.');
    }
    let kept = 0;
    for (let p = 0; p < indices.length; p++) {
      const i = indices[p];
      if (fold) {
        // Its lines are summed per object: other-task lines counted, sites not kept.
        if (!accessMask && otherTasks && fold.otherLines.data[i] > 0) indices[kept++] = i;
        continue;
      }
      const [start, end] = store.accessRange(i);
      let hit = false;
      for (let a = start; a < end && !hit; a++) {
        if (accessMask && accessMask[accIp[a]] !== 1) continue;
        if (filter.otherTasks) {
          if (!otherTasks) continue;
          const code = accPid[a];
          if (code === ACCESS_PID_NONE || code - ACCESS_PID_BIAS === pid[i] - OBJECT_PID_BIAS) continue;
        }
        hit = true;
      }
      if (hit) indices[kept++] = i;
    }
    indices = indices.subarray(0, kept);
  }
  return { indices: indices.slice(), unknownNames, searchErrors };
}
