// A deliberately simple, slow and obvious implementation of the queries
// (filter, breakdown, access sites, filtered totals) and of symbol
// resolution, written straight from ../../docs/kmap-format.md ("Kernel
// symbols", "Grouping keys") and the contracts in ../query/types.ts and
// ../query/search-syntax.ts. Used only to check src/query/ and src/symbols/.
//
// It shares nothing with src/query/ or src/symbols/ except types: it reads
// the NDJSON of `kmap dump` (plain objects with hex strings), does 64-bit
// arithmetic with BigInt, keeps symbols in a plain sorted array, and groups
// with Maps keyed by strings.

import type { BreakdownKey, BreakdownRow, FilteredTotals, HierarchyCell, ObjectFilter } from '../query/types.ts';

export type RefQueryVariant = 'A' | 'B' | 'C' | 'D' | 'E';

/** A 64-bit count or size as `kmap dump` prints it: a number, or a decimal string above 2^53 - 1. */
export type DumpCount = number | string;

/** One access line as `kmap dump` prints it. */
export interface DumpAccess {
  ip: string;
  pid: number | null;
  reads: DumpCount;
  writes: DumpCount;
  caller?: string;
}

/** One object as `kmap dump` prints it (the fields the queries need). */
export interface DumpObject {
  idx: number;
  allocIp: string;
  pid: number;
  address: string;
  size: DumpCount;
  allocIndex: string;
  freeIndex: string;
  freeIp: string;
  type: string;
  command: string;
  slab: string;
  newType: string;
  live: boolean;
  accesses: DumpAccess[];
}

/** Parses `kmap dump` output: one JSON object per line. */
export function parseDump(ndjson: string): DumpObject[] {
  return ndjson
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as DumpObject);
}

// ---------------------------------------------------------------------------
// Symbols
// ---------------------------------------------------------------------------

export interface RefSymbol {
  addr: bigint;
  type: string;
  name: string;
  module: string;
  /** 1-based line number. */
  line: number;
}

export interface RefSymbolMap {
  /** The one chosen text symbol of each address, ascending by address. */
  entries: RefSymbol[];
  /** Addresses of the core kernel's markers, when the map has them. */
  etext: bigint | null;
  sinittext: bigint | null;
  einittext: bigint | null;
  /** Lines that are not `ADDR TYPE NAME [module]`, by 1-based line number. */
  badLines: number[];
}

export interface RefResolved {
  name: string;
  module: string;
  offset: bigint;
  /** `name+0xoff`, with ` [module]` for a module symbol. */
  label: string;
  /** The grouping key: `name`, or `name [module]`. */
  key: string;
}

function isSectionMarkerName(name: string): boolean {
  return (
    name === '_stext' ||
    name === '_etext' ||
    name === '_sinittext' ||
    name === '_einittext' ||
    name.endsWith('_text_start') ||
    name.endsWith('_text_end')
  );
}

function countLeadingUnderscores(name: string): number {
  let n = 0;
  for (const ch of name) {
    if (ch !== '_') break;
    n++;
  }
  return n;
}

/** Negative when `a` is the better name for one address (docs, "Several names at one address"). */
function betterName(a: RefSymbol, b: RefSymbol): number {
  const markerA = isSectionMarkerName(a.name) ? 1 : 0;
  const markerB = isSectionMarkerName(b.name) ? 1 : 0;
  if (markerA !== markerB) return markerA - markerB;
  const globalA = a.type === 'T' || a.type === 'W' ? 0 : 1;
  const globalB = b.type === 'T' || b.type === 'W' ? 0 : 1;
  if (globalA !== globalB) return globalA - globalB;
  const usA = countLeadingUnderscores(a.name);
  const usB = countLeadingUnderscores(b.name);
  if (usA !== usB) return usA - usB;
  return a.line - b.line;
}

/** Parses a System.map or /proc/kallsyms text the obvious way. */
export function refParseSymbols(text: string): RefSymbolMap {
  const lines = text.split('\n');
  const text_: RefSymbol[] = [];
  const badLines: number[] = [];
  let etext: bigint | null = null;
  let sinittext: bigint | null = null;
  let einittext: bigint | null = null;
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    const parts = line.trim().split(/[ \t]+/);
    let module = '';
    if (parts.length === 4) {
      const m = /^\[([^\]]+)\]$/.exec(parts[3]);
      if (!m) {
        badLines.push(i + 1);
        return;
      }
      module = m[1];
    } else if (parts.length !== 3) {
      badLines.push(i + 1);
      return;
    }
    const [addrText, type, name] = parts;
    if (!/^[0-9a-fA-F]{1,16}$/.test(addrText) || !/^[A-Za-z?]$/.test(type)) {
      badLines.push(i + 1);
      return;
    }
    const addr = BigInt('0x' + addrText);
    if (module === '') {
      if (name === '_etext') etext = addr;
      if (name === '_sinittext') sinittext = addr;
      if (name === '_einittext') einittext = addr;
    }
    if (type === 'T' || type === 't' || type === 'W' || type === 'w') {
      text_.push({ addr, type, name, module, line: i + 1 });
    }
  });
  // One entry per address: the best name.
  const byAddr = new Map<bigint, RefSymbol>();
  for (const s of text_) {
    const cur = byAddr.get(s.addr);
    if (!cur || betterName(s, cur) < 0) byAddr.set(s.addr, s);
  }
  const entries = [...byAddr.values()].sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
  return { entries, etext, sinittext, einittext, badLines };
}

/** The sentinel rule of docs/kmap-format.md: 0 through 0xff, and feedbeef. */
export function refIsSentinelIp(ipHex: string): boolean {
  const v = BigInt('0x' + ipHex);
  return v <= 0xffn || v === 0xfeedbeefn;
}

/** Resolves a return address (16 hex digits) by the docs' rules, or null. */
export function refResolve(map: RefSymbolMap, ipHex: string): RefResolved | null {
  if (refIsSentinelIp(ipHex)) return null;
  const ip = BigInt('0x' + ipHex);
  const q = ip - 1n; // the call instruction lies before the return address
  // The greatest entry address <= q (binary search over the sorted array).
  const e = map.entries;
  let lo = 0;
  let hi = e.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (e[mid].addr <= q) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (found < 0) return null;
  const s = e[found];
  // An end marker chosen for its address: nothing resolves to it.
  if (s.module === '' && (s.name === '_etext' || s.name === '_einittext')) return null;
  // The IP is past the end of the text its symbol belongs to.
  for (const end of [map.etext, map.einittext]) {
    if (end !== null && s.addr < end && end <= ip) return null;
  }
  // Symbols past _etext resolve only in init text, or past _einittext (module text).
  if (map.etext !== null && s.addr >= map.etext) {
    const inInit = map.sinittext !== null && s.addr >= map.sinittext && (map.einittext === null || s.addr < map.einittext);
    const pastInit = map.einittext !== null && s.addr >= map.einittext;
    if (!inInit && !pastInit) return null;
  }
  const offset = ip - s.addr;
  const mod = s.module ? ` [${s.module}]` : '';
  return { name: s.name, module: s.module, offset, label: `${s.name}+0x${offset.toString(16)}${mod}`, key: `${s.name}${mod}` };
}

// ---------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------

export interface RefCapture {
  variant: RefQueryVariant;
  objects: DumpObject[];
  symbols: RefSymbolMap | null;
}

const HAS_SLAB: Record<RefQueryVariant, boolean> = { A: false, B: false, C: false, D: true, E: true };
const HAS_TYPE: Record<RefQueryVariant, boolean> = { A: false, B: false, C: true, D: true, E: true };
const HAS_ACCESS_PID: Record<RefQueryVariant, boolean> = { A: true, B: true, C: false, D: false, E: true };

export function refCapture(variant: RefQueryVariant, dumpText: string, symbolsText: string | null): RefCapture {
  return { variant, objects: parseDump(dumpText), symbols: symbolsText === null ? null : refParseSymbols(symbolsText) };
}

/** Live: free_index 0 (B-E), free_ip 0 (A). */
export function refIsLive(cap: RefCapture, o: DumpObject): boolean {
  if (cap.variant === 'A') return BigInt('0x' + o.freeIp) === 0n;
  return o.freeIndex === '0';
}

const siteCache = new WeakMap<RefCapture, Map<string, string>>();

/** The site key of an IP: the function name (with ` [mod]`) when it resolves, else the 16 hex digits. */
export function refSiteKey(cap: RefCapture, ipHex: string): string {
  let cache = siteCache.get(cap);
  if (!cache) siteCache.set(cap, (cache = new Map()));
  let key = cache.get(ipHex);
  if (key === undefined) {
    const r = cap.symbols ? refResolve(cap.symbols, ipHex) : null;
    key = r ? r.key : ipHex.toLowerCase().padStart(16, '0');
    cache.set(ipHex, key);
  }
  return key;
}

/**
 * Whether a site filter keeps an IP: its site key is listed, or its own
 * 16-digit hex is (a site picked before symbols named its function).
 */
function siteMatches(keys: readonly string[], cap: RefCapture, ipHex: string): boolean {
  return keys.includes(refSiteKey(cap, ipHex)) || keys.includes(ipHex.toLowerCase().padStart(16, '0'));
}

/** The allocating function's key when the alloc IP resolves, else null. */
function allocFunction(cap: RefCapture, o: DumpObject): string | null {
  if (!cap.symbols) return null;
  const r = refResolve(cap.symbols, o.allocIp);
  return r ? r.key : null;
}

/** Whole-name, case-insensitive match with `*` matching any run of characters. */
export function refGlob(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase();
  const s = name.toLowerCase();
  // memo[i][j]: p from i matches s from j
  const memo = new Map<string, boolean>();
  const go = (i: number, j: number): boolean => {
    const k = `${i},${j}`;
    const m = memo.get(k);
    if (m !== undefined) return m;
    let r: boolean;
    if (i === p.length) r = j === s.length;
    else if (p[i] === '*') r = go(i + 1, j) || (j < s.length && go(i, j + 1));
    else r = j < s.length && p[i] === s[j] && go(i + 1, j + 1);
    memo.set(k, r);
    return r;
  };
  return go(0, 0);
}

interface RefSearch {
  words: string[];
  comm: string[];
  slab: string[];
  type: string[];
  fn: string[];
  ip: bigint[];
  addr: bigint[];
  pid: number[];
  numErrors: number;
}

const FIELDS = ['comm', 'slab', 'type', 'fn', 'ip', 'addr', 'pid'];

/** Splits on spaces outside double quotes; quotes stay in the token. */
function splitTerms(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && /\s/.test(ch)) {
      if (cur) out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  if (cur) out.push(cur);
  return out;
}

export function refParseSearch(text: string): RefSearch {
  const s: RefSearch = { words: [], comm: [], slab: [], type: [], fn: [], ip: [], addr: [], pid: [], numErrors: 0 };
  for (const term of splitTerms(text)) {
    const colon = term.indexOf(':');
    const field = colon > 0 ? term.slice(0, colon).toLowerCase() : '';
    if (!FIELDS.includes(field)) {
      const w = term.split('"').join('').toLowerCase();
      if (w) s.words.push(w);
      continue;
    }
    const value = term.slice(colon + 1).split('"').join('');
    if (value === '') {
      s.numErrors++;
      continue;
    }
    if (field === 'comm' || field === 'slab' || field === 'type' || field === 'fn') s[field].push(value);
    else if (field === 'ip' || field === 'addr') {
      const h = value.toLowerCase().startsWith('0x') ? value.slice(2) : value;
      if (/^[0-9a-fA-F]{1,16}$/.test(h)) s[field].push(BigInt('0x' + h));
      else s.numErrors++;
    } else if (/^-?[0-9]+$/.test(value) && value.replace('-', '').length <= 10) s.pid.push(Number(value));
    else s.numErrors++;
  }
  return s;
}

function matchesSearch(cap: RefCapture, o: DumpObject, s: RefSearch): boolean {
  const slab = HAS_SLAB[cap.variant] ? o.slab : null;
  const type = HAS_TYPE[cap.variant] ? o.type : null;
  const fn = allocFunction(cap, o);
  if (s.comm.length > 0 && !s.comm.some((p) => refGlob(p, o.command))) return false;
  if (s.slab.length > 0 && (slab === null || !s.slab.some((p) => refGlob(p, slab)))) return false;
  if (s.type.length > 0 && (type === null || !s.type.some((p) => refGlob(p, type)))) return false;
  // A module function (`name [mod]`) also matches by its bare name.
  const bareFn = fn === null ? null : fn.split(' [')[0];
  if (s.fn.length > 0 && (fn === null || !s.fn.some((p) => refGlob(p, fn) || refGlob(p, bareFn!)))) return false;
  if (s.ip.length > 0 && !s.ip.includes(BigInt('0x' + o.allocIp))) return false;
  if (s.addr.length > 0) {
    const va = BigInt('0x' + o.address);
    const end = va + BigInt(o.size);
    if (!s.addr.some((a) => va <= a && a < end)) return false;
  }
  if (s.pid.length > 0 && !s.pid.includes(o.pid)) return false;
  for (const w of s.words) {
    const hay = [o.command, slab, type, fn].filter((x): x is string => x !== null);
    if (!hay.some((h) => h.toLowerCase().includes(w))) return false;
  }
  return true;
}

/** Whether an access line counts as "another task" for object `o`. */
function byOtherTask(cap: RefCapture, o: DumpObject, a: DumpAccess): boolean {
  return HAS_ACCESS_PID[cap.variant] && a.pid !== null && a.pid !== o.pid;
}

/** The objects the filter keeps, as dump indices (`idx`), in file order. */
export function refFilter(cap: RefCapture, f: ObjectFilter): number[] {
  const search = refParseSearch(f.search);
  const kept: number[] = [];
  for (const o of cap.objects) {
    if (f.slabs.length > 0 && !(HAS_SLAB[cap.variant] && f.slabs.includes(o.slab))) continue;
    if (f.types.length > 0 && !(HAS_TYPE[cap.variant] && f.types.includes(o.type))) continue;
    if (f.commands.length > 0 && !f.commands.includes(o.command)) continue;
    if (f.pids.length > 0 && !f.pids.includes(o.pid)) continue;
    if (f.state === 'live' && !refIsLive(cap, o)) continue;
    if (f.state === 'freed' && refIsLive(cap, o)) continue;
    if (f.hideSentinels && refIsSentinelIp(o.allocIp)) continue;
    if (f.minSize !== null && BigInt(o.size) < BigInt(f.minSize)) continue;
    if (f.maxSize !== null && BigInt(o.size) > BigInt(f.maxSize)) continue;
    if (f.allocSites.length > 0 && !siteMatches(f.allocSites, cap, o.allocIp)) continue;
    if (!matchesSearch(cap, o, search)) continue;
    if (f.accessSites.length > 0 || f.otherTasks) {
      // One access line must satisfy both conditions: "touched at site X by
      // another task" (the reading that matches the Access-sites counts,
      // which with otherTasks include only other tasks' lines). Reading the
      // two fields as independent conditions on the object would keep more.
      const hit = o.accesses.some(
        (a) =>
          (f.accessSites.length === 0 || siteMatches(f.accessSites, cap, a.ip)) &&
          (!f.otherTasks || byOtherTask(cap, o, a)),
      );
      if (!hit) continue;
    }
    kept.push(o.idx);
  }
  return kept;
}

/** Unicode code point order (the order of UTF-8 bytes). */
export function refCompareCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

function objectAt(cap: RefCapture, idx: number): DumpObject {
  const o = cap.objects[idx];
  if (!o || o.idx !== idx) throw new Error(`dump has no object ${idx} at position ${idx}`);
  return o;
}

function groupKey(cap: RefCapture, o: DumpObject, by: BreakdownKey): string {
  switch (by) {
    case 'type':
      return HAS_TYPE[cap.variant] ? o.type : '';
    case 'slab':
      return HAS_SLAB[cap.variant] ? o.slab : '';
    case 'command':
      return o.command;
    case 'pid':
      return String(o.pid);
    case 'site':
      return refSiteKey(cap, o.allocIp);
  }
}

/** A BigInt sum as the queries report it: a number up to 2^53 - 1, a bigint above. */
function refExact(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Breakdown rows: bytes descending, then key in code point order. Sums in BigInt. */
export function refBreakdown(cap: RefCapture, kept: readonly number[], by: BreakdownKey): BreakdownRow[] {
  const rows = new Map<string, { key: string; objects: number; live: number; bytes: bigint; liveBytes: bigint; accessLines: number; reads: bigint; writes: bigint }>();
  for (const idx of kept) {
    const o = objectAt(cap, idx);
    const key = groupKey(cap, o, by);
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { key, objects: 0, live: 0, bytes: 0n, liveBytes: 0n, accessLines: 0, reads: 0n, writes: 0n }));
    row.objects += 1;
    row.bytes += BigInt(o.size);
    if (refIsLive(cap, o)) {
      row.live += 1;
      row.liveBytes += BigInt(o.size);
    }
    for (const a of o.accesses) {
      row.accessLines += 1;
      row.reads += BigInt(a.reads);
      row.writes += BigInt(a.writes);
    }
  }
  return [...rows.values()]
    .sort((a, b) => (a.bytes !== b.bytes ? (b.bytes > a.bytes ? 1 : -1) : refCompareCodePoints(a.key, b.key)))
    .map((r) => ({ ...r, bytes: refExact(r.bytes), liveBytes: refExact(r.liveBytes), reads: refExact(r.reads), writes: refExact(r.writes) }));
}

/** Breakdown chart cells by (type, slab, alloc site): bytes descending, then type, slab, site in code point order. */
export function refHierarchy(cap: RefCapture, kept: readonly number[]): HierarchyCell[] {
  const cells = new Map<string, { type: string; slab: string; site: string; objects: number; bytes: bigint }>();
  for (const idx of kept) {
    const o = objectAt(cap, idx);
    const type = groupKey(cap, o, 'type');
    const slab = groupKey(cap, o, 'slab');
    const site = groupKey(cap, o, 'site');
    const key = JSON.stringify([type, slab, site]);
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = { type, slab, site, objects: 0, bytes: 0n }));
    cell.objects += 1;
    cell.bytes += BigInt(o.size);
  }
  return [...cells.values()]
    .sort(
      (a, b) =>
        (a.bytes !== b.bytes ? (b.bytes > a.bytes ? 1 : -1) : 0) ||
        refCompareCodePoints(a.type, b.type) ||
        refCompareCodePoints(a.slab, b.slab) ||
        refCompareCodePoints(a.site, b.site),
    )
    .map((c) => ({ ...c, bytes: refExact(c.bytes) }));
}

export interface RefSiteRow {
  site: string;
  reads: number | bigint;
  writes: number | bigint;
  accessLines: number;
  objects: number;
  pids: number;
}

/** Access-site rows: reads + writes descending, then site in code point order. */
export function refSites(cap: RefCapture, kept: readonly number[], otherTasks: boolean): RefSiteRow[] {
  if (otherTasks && !HAS_ACCESS_PID[cap.variant]) return [];
  const rows = new Map<string, { row: { site: string; reads: bigint; writes: bigint; accessLines: number }; objects: Set<number>; pids: Set<number> }>();
  for (const idx of kept) {
    const o = objectAt(cap, idx);
    for (const a of o.accesses) {
      if (otherTasks && !byOtherTask(cap, o, a)) continue;
      const site = refSiteKey(cap, a.ip);
      let g = rows.get(site);
      if (!g) {
        g = { row: { site, reads: 0n, writes: 0n, accessLines: 0 }, objects: new Set(), pids: new Set() };
        rows.set(site, g);
      }
      g.row.reads += BigInt(a.reads);
      g.row.writes += BigInt(a.writes);
      g.row.accessLines += 1;
      g.objects.add(o.idx);
      if (a.pid !== null) g.pids.add(a.pid);
    }
  }
  const out = [...rows.values()].sort((x, y) => {
    const d = y.row.reads + y.row.writes - (x.row.reads + x.row.writes);
    return d !== 0n ? (d > 0n ? 1 : -1) : refCompareCodePoints(x.row.site, y.row.site);
  });
  return out.map((g) => ({ ...g.row, reads: refExact(g.row.reads), writes: refExact(g.row.writes), objects: g.objects.size, pids: g.pids.size }));
}

export interface RefTotals extends FilteredTotals {
  bySlab: Record<string, number>;
  byType: Record<string, number>;
  byCommand: Record<string, number>;
}

/** Totals over the kept objects (`stats --json` with filters). */
export function refTotals(cap: RefCapture, kept: readonly number[]): RefTotals {
  const t = { objects: 0, liveObjects: 0, bytes: 0n, liveBytes: 0n, accesses: 0, reads: 0n, writes: 0n, bySlab: {}, byType: {}, byCommand: {} } as
    Omit<RefTotals, 'bytes' | 'liveBytes' | 'reads' | 'writes'> & { bytes: bigint; liveBytes: bigint; reads: bigint; writes: bigint };
  const bump = (m: Record<string, number>, k: string) => {
    m[k] = (m[k] ?? 0) + 1;
  };
  for (const idx of kept) {
    const o = objectAt(cap, idx);
    t.objects++;
    t.bytes += BigInt(o.size);
    if (refIsLive(cap, o)) {
      t.liveObjects++;
      t.liveBytes += BigInt(o.size);
    }
    for (const a of o.accesses) {
      t.accesses++;
      t.reads += BigInt(a.reads);
      t.writes += BigInt(a.writes);
    }
    if (HAS_SLAB[cap.variant]) bump(t.bySlab, o.slab);
    if (HAS_TYPE[cap.variant]) bump(t.byType, o.type);
    bump(t.byCommand, o.command);
  }
  return { ...t, bytes: refExact(t.bytes), liveBytes: refExact(t.liveBytes), reads: refExact(t.reads), writes: refExact(t.writes) };
}
