// Kernel symbol maps: System.map and /proc/kallsyms, parsed into a sorted
// table of text symbols that resolve return addresses to functions. The rules
// are the contract in docs/kmap-format.md, "Kernel symbols":
//
// - only text symbols (types T t W w) are kept; other well-formed lines are
//   skipped, malformed ones counted (first few kept with line numbers);
// - one entry per address, named by preference: not a section marker, then
//   global (T W) over local (t w), then fewer leading underscores, then the
//   first in the file;
// - `_etext` and `_einittext` end the text before them: an address found to
//   lie at or past one of them (and before the next text symbol) is not in
//   any function. Init text (`_sinittext`.. `_einittext`) sits after `_etext`
//   on x86, and boot-time allocations are made from it, so it resolves;
// - same-name functions at different addresses (static functions in several
//   files) share one function id, the grouping key; module symbols keep their
//   module in both the label and the key.
//
// Addresses are hi/lo Uint32 halves, never JS numbers (kernel addresses are
// above 2^53).

export class SymbolFormatError extends Error {}

export interface SymbolBadLine {
  lineNum: number;
  text: string;
}

export interface SymbolTable {
  /** Entries sorted by address, one per address. */
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
  /** Entry kind: 0 a function, 1 an end-of-text marker (nothing resolves to it). */
  readonly isEnd: Uint8Array;
  /** Function id of each entry (end markers: 0, unused). */
  readonly fnOf: Uint32Array;
  /** Display name of each entry (without module). */
  readonly names: readonly string[];
  /** Module of each entry, '' for the core kernel. */
  readonly modules: readonly string[];
  /** Grouping key of each function id: `name`, or `name [module]`. */
  readonly fnNames: readonly string[];
  /** Text symbols read (before merging same-address names). */
  readonly numTextSymbols: number;
  readonly numLines: number;
  readonly numBadLines: number;
  readonly firstBadLines: readonly SymbolBadLine[];
  /** Whether the map had `_etext` (without it, IPs past the last symbol resolve to it). */
  readonly hasEtext: boolean;
}

const MAX_KEPT_BAD = 20;
const TEXT_TYPES = new Set(['T', 't', 'W', 'w']);
const END_MARKERS = new Set(['_etext', '_einittext']);

/** Section markers: names that label a place, not a function. */
export function isSectionMarker(name: string): boolean {
  return (
    name === '_stext' ||
    name === '_etext' ||
    name === '_sinittext' ||
    name === '_einittext' ||
    name.endsWith('_text_start') ||
    name.endsWith('_text_end')
  );
}

function leadingUnderscores(name: string): number {
  let n = 0;
  while (n < name.length && name.charCodeAt(n) === 0x5f) n++;
  return n;
}

interface Candidate {
  hi: number;
  lo: number;
  name: string;
  module: string;
  global: boolean;
  order: number;
  end: boolean;
}

/** Lower is preferred (the docs' order of preference); ties go to the earlier line. */
function preference(a: Candidate, b: Candidate): number {
  return (
    Number(isSectionMarker(a.name)) - Number(isSectionMarker(b.name)) ||
    Number(b.global) - Number(a.global) ||
    leadingUnderscores(a.name) - leadingUnderscores(b.name) ||
    a.order - b.order
  );
}

const LINE = /^([0-9a-fA-F]{1,16})\s+([A-Za-z?])\s+(\S+)(?:\s+\[([^\]\s]+)\])?\s*$/;

function hexHalves(hex: string): [number, number] {
  const padded = hex.padStart(16, '0');
  return [parseInt(padded.slice(0, 8), 16) >>> 0, parseInt(padded.slice(8), 16) >>> 0];
}

/**
 * Parses a System.map or /proc/kallsyms text. Throws SymbolFormatError (a
 * sentence for the user) when it has no text symbol at all, or when every
 * address is 0 (kallsyms read without privilege).
 */
export function parseSymbolMap(text: string): SymbolTable {
  const candidates: Candidate[] = [];
  const firstBadLines: SymbolBadLine[] = [];
  let numBadLines = 0;
  let numLines = 0;
  let numWellFormed = 0;
  let numNonZero = 0;
  let hasEtext = false;
  let start = 0;
  let lineNum = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let line = text.slice(start, end);
    start = end + 1;
    lineNum++;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') {
      if (start > text.length) break;
      continue;
    }
    numLines++;
    const m = LINE.exec(line);
    if (!m) {
      numBadLines++;
      if (firstBadLines.length < MAX_KEPT_BAD) firstBadLines.push({ lineNum, text: line.slice(0, 200) });
      continue;
    }
    numWellFormed++;
    const [, hex, type, name, module = ''] = m;
    const [hi, lo] = hexHalves(hex);
    if (hi !== 0 || lo !== 0) numNonZero++;
    const end_ = END_MARKERS.has(name) && module === '';
    if (name === '_etext' && module === '') hasEtext = true;
    if (!end_ && !TEXT_TYPES.has(type)) continue;
    candidates.push({ hi, lo, name, module, global: type === 'T' || type === 'W', order: candidates.length, end: end_ });
  }
  if (numWellFormed > 0 && numNonZero === 0) {
    throw new SymbolFormatError(
      'every address in it is 0: /proc/kallsyms read without privilege hides addresses (read it as root, or use the kernel build\'s System.map).',
    );
  }
  const numTextSymbols = candidates.filter((c) => !c.end).length;
  if (numTextSymbols === 0) {
    throw new SymbolFormatError(
      numWellFormed === 0
        ? 'it is not a System.map or /proc/kallsyms file (no line of the form "ADDRESS TYPE NAME").'
        : 'it has no text symbols (types T, t, W, w), so no instruction address can resolve.',
    );
  }
  // By address; at one address a real function comes first (one that starts
  // where the previous text ends is a function), then an end marker (it must
  // beat the section markers that share its address, such as
  // `__static_call_text_end` at `_etext`), then the rest by preference.
  const rank = (c: Candidate) => (c.end ? 1 : isSectionMarker(c.name) ? 2 : 0);
  candidates.sort((a, b) => a.hi - b.hi || a.lo - b.lo || rank(a) - rank(b) || preference(a, b));
  const n = candidates.length;
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  const isEnd = new Uint8Array(n);
  const fnOf = new Uint32Array(n);
  const names: string[] = [];
  const modules: string[] = [];
  const fnNames: string[] = [];
  const fnIds = new Map<string, number>();
  let k = 0;
  for (let i = 0; i < n; i++) {
    const c = candidates[i];
    if (k > 0 && hi[k - 1] === c.hi && lo[k - 1] === c.lo) continue; // the first is the preferred
    hi[k] = c.hi;
    lo[k] = c.lo;
    isEnd[k] = c.end ? 1 : 0;
    names.push(c.name);
    modules.push(c.module);
    if (!c.end) {
      const key = c.module ? `${c.name} [${c.module}]` : c.name;
      let id = fnIds.get(key);
      if (id === undefined) {
        id = fnNames.length;
        fnIds.set(key, id);
        fnNames.push(key);
      }
      fnOf[k] = id;
    }
    k++;
  }
  return {
    hi: hi.slice(0, k),
    lo: lo.slice(0, k),
    isEnd: isEnd.slice(0, k),
    fnOf: fnOf.slice(0, k),
    names,
    modules,
    fnNames,
    numTextSymbols,
    numLines,
    numBadLines,
    firstBadLines,
    hasEtext,
  };
}

/**
 * The entry an instruction address resolves to, or -1. The IP is a return
 * address, so the entry is the one with the greatest address <= IP - 1; an
 * IP at or past an end marker (`_etext`, `_einittext`) before the next
 * function, or at or below the first symbol, resolves to nothing.
 */
export function lookupEntry(table: SymbolTable, ipHi: number, ipLo: number): number {
  // ip - 1 as hi/lo halves (ip 0 has no predecessor).
  if (ipHi === 0 && ipLo === 0) return -1;
  const qHi = ipLo === 0 ? ipHi - 1 : ipHi;
  const qLo = ipLo === 0 ? 0xffffffff : ipLo - 1;
  const { hi, lo } = table;
  let left = 0;
  let right = hi.length - 1;
  let found = -1;
  while (left <= right) {
    const mid = (left + right) >>> 1;
    if (hi[mid] < qHi || (hi[mid] === qHi && lo[mid] <= qLo)) {
      found = mid;
      left = mid + 1;
    } else {
      right = mid - 1;
    }
  }
  if (found < 0 || table.isEnd[found] === 1) return -1;
  // IP exactly at an end marker: "at or above _etext" stays unresolved.
  const next = found + 1;
  if (next < hi.length && table.isEnd[next] === 1 && hi[next] === ipHi && lo[next] === ipLo) return -1;
  return found;
}

/** IP - entry address, as a number (offsets inside one function are far below 2^53). */
export function entryOffset(table: SymbolTable, entry: number, ipHi: number, ipLo: number): number {
  return (ipHi - table.hi[entry]) * 0x100000000 + (ipLo - table.lo[entry]);
}

/** `name+0xoff`, with ` [module]` for a module symbol. */
export function entryLabel(table: SymbolTable, entry: number, offset: number): string {
  const mod = table.modules[entry];
  return `${table.names[entry]}+0x${offset.toString(16)}${mod ? ` [${mod}]` : ''}`;
}
