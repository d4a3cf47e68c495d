// A deliberately simple, slow and obvious kmap parser, written straight from
// ../../docs/kmap-format.md, used only to check the real streaming parser.
// It splits the whole text on '\n', works on JS strings, uses
// String.split(',') and BigInt for hex. Nothing here is shared with
// src/format/parser.ts on purpose.

import type { AccessView, ObjectView } from './snapshot.ts';

export type RefVariant = 'A' | 'B' | 'C' | 'D' | 'E';

export interface RefBadLine {
  lineNum: number;
  text: string;
}

export interface RefResult {
  variant: RefVariant;
  objects: ObjectView[];
  numAccesses: number;
  numLive: number;
  /** Sums of 64-bit values: a number up to 2^53 - 1, a bigint above. */
  bytes: number | bigint;
  reads: number | bigint;
  writes: number | bigint;
  numBlankLines: number;
  /** Every bad line (not only the first 100). */
  badLines: RefBadLine[];
  numNonBlankLines: number;
}

interface Layout {
  /** Names of the fields before the command. */
  leading: string[];
  /** Names of the fields after the command. */
  trailing: string[];
}

const B_LEADING = ['allocIp', 'pid', 'va', 'size', 'allocIndex', 'freeIndex', 'freeIp'];
const LAYOUTS: Record<RefVariant, Layout> = {
  A: { leading: ['allocIp', 'freeIp', 'va', 'size', 'pid'], trailing: [] },
  B: { leading: B_LEADING, trailing: [] },
  C: { leading: [...B_LEADING, 'type'], trailing: [] },
  D: { leading: [...B_LEADING, 'type'], trailing: ['slab'] },
  E: { leading: [...B_LEADING, 'type'], trailing: ['slab', 'newType'] },
};

const MAX_LINE_BYTES = 64 * 1024;
const MAX_NAME_BYTES = 256;
const MAX_DISTINCT_NAMES = 2 ** 20;
/** Detection reads at most this many bytes. */
const MAX_DETECT_BYTES = 64 * 2 ** 20;
const TWO_64 = 2n ** 64n;

function trimSpaces(s: string): string {
  return s.replace(/^[ \t]+/, '').replace(/[ \t]+$/, '');
}

/** A hex field as 16 lower-case digits, or null when it is not one. */
export function refHex(field: string): string | null {
  let s = trimSpaces(field);
  if (s === '(null)') return '0'.repeat(16);
  if (s.length > 2 && (s.startsWith('0x') || s.startsWith('0X'))) s = s.slice(2);
  if (!/^[0-9a-fA-F]+$/.test(s)) return null;
  const v = BigInt('0x' + s);
  if (v >= TWO_64) return null;
  return v.toString(16).padStart(16, '0');
}

/** A 64-bit value as the parser reports it: a number up to 2^53 - 1, a bigint above. */
function exactOf(v: bigint): number | bigint {
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? v : Number(v);
}

/** A decimal field (0 to 2^64 - 1), or null. With allowMinusOne, "-1" is -1. */
export function refDecimal(field: string, allowMinusOne = false): number | bigint | null {
  const s = trimSpaces(field);
  if (allowMinusOne && s === '-1') return -1;
  if (!/^[0-9]+$/.test(s)) return null;
  const v = BigInt(s);
  if (v >= TWO_64) return null;
  return exactOf(v);
}

/** Largest pid: 2^53 - 3, since the store keeps an access pid as pid + 2 (docs/kmap-format.md, Fields). */
const MAX_PID = Number.MAX_SAFE_INTEGER - 2;

/** A pid field (object or access line), or null. With allowMinusOne, "-1" is -1. */
export function refPid(field: string, allowMinusOne = false): number | null {
  const v = refDecimal(field, allowMinusOne);
  return v === null || typeof v === 'bigint' || v > MAX_PID ? null : v;
}

/** A name as the parser gives it (docs/kmap-format.md, Names): a backslash reads \\ (the input here is valid UTF-8, so there is no \xNN). */
function nameText(s: string): string {
  return s.replaceAll('\\', '\\\\');
}

function isBlank(line: string): boolean {
  return /^[ \t\r]*$/.test(line);
}

function isAccess(line: string): boolean {
  return line[0] === ' ' || line[0] === '\t';
}

function byteLength(s: string): number {
  return new TextEncoder().encode(s).length;
}

function variantOfFieldNum(n: number): RefVariant | null {
  if (n < 6) return null; // no variant has fewer fields
  if (n <= 7) return 'A';
  if (n === 8) return 'B';
  if (n === 9) return 'C';
  if (n === 10) return 'D';
  return 'E';
}

/**
 * The variant of a kmap whose object lines (those that end within its first
 * 64 MiB) are given: a line votes for its field count when it is
 * a valid object line of the variant that count names; the first 2,000
 * votes count; the most common count wins, ties to the
 * smaller. null when nothing votes.
 */
export function detectRefVariant(objectLines: string[]): RefVariant | null {
  const counts = new Map<number, number>();
  let votes = 0;
  for (const line of objectLines) {
    if (votes === 2000) break;
    const n = line.split(',').length;
    const v = variantOfFieldNum(n);
    if (!v || parseObject(line, v) === null) continue;
    counts.set(n, (counts.get(n) ?? 0) + 1);
    votes++;
  }
  let best = -1;
  let bestCount = 0;
  for (const [n, c] of counts) {
    if (c > bestCount || (c === bestCount && n < best)) {
      best = n;
      bestCount = c;
    }
  }
  return variantOfFieldNum(best);
}

/** Lines longer than this many bytes are bad lines whatever they hold. */
function isLong(rawLine: string): boolean {
  return rawLine.length * 3 > MAX_LINE_BYTES && byteLength(rawLine) > MAX_LINE_BYTES;
}

/**
 * The cap on distinct names, written from docs/kmap-format.md: an object line
 * that would add a command, slab cache or alloc type (types and new types
 * together) past maxDistinctNames of its kind is a bad line.
 */
class RefNameCap {
  private readonly seen = { commands: new Set<string>(), slabs: new Set<string>(), types: new Set<string>() };
  constructor(private readonly max: number) {}

  /** Records obj's names and returns true, or returns false (recording nothing) when one would pass the cap. */
  admit(obj: ObjectView): boolean {
    const names = {
      commands: [obj.command],
      slabs: obj.slab === null ? [] : [obj.slab],
      types: [obj.type, obj.newType].filter((t): t is string => t !== null),
    };
    for (const table of ['commands', 'slabs', 'types'] as const) {
      const fresh = new Set(names[table].filter((n) => !this.seen[table].has(n)));
      if (this.seen[table].size + fresh.size > this.max) return false;
    }
    for (const table of ['commands', 'slabs', 'types'] as const) for (const n of names[table]) this.seen[table].add(n);
    return true;
  }
}

export function referenceParse(text: string, maxDistinctNames = MAX_DISTINCT_NAMES): RefResult {
  const nameCap = new RefNameCap(maxDistinctNames);
  const rawLines = text.split('\n');
  const endsInNewline = rawLines[rawLines.length - 1] === '';
  if (endsInNewline) rawLines.pop();
  const lines = rawLines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));

  // Detection: the object lines that end within the first 64 MiB.
  const objectLines: string[] = [];
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    offset += byteLength(rawLines[i]) + 1;
    const complete = i + 1 < rawLines.length || endsInNewline;
    if (complete ? offset > MAX_DETECT_BYTES : offset - 1 >= MAX_DETECT_BYTES) break; // its \n (or the end) lies past the bound
    if (!isLong(rawLines[i]) && !isBlank(lines[i]) && !isAccess(lines[i])) objectLines.push(lines[i]);
  }
  const variant = detectRefVariant(objectLines);
  if (!variant) throw new Error('reference: not a kmap');

  const result: RefResult = {
    variant,
    objects: [],
    numAccesses: 0,
    numLive: 0,
    bytes: 0,
    reads: 0,
    writes: 0,
    numBlankLines: 0,
    badLines: [],
    numNonBlankLines: 0,
  };
  let current: ObjectView | null = null;
  let lastObjectBad = false;
  let sumBytes = 0n;
  let sumReads = 0n;
  let sumWrites = 0n;

  const bad = (lineNum: number, line: string) => {
    result.badLines.push({ lineNum, text: line.slice(0, 200) });
  };

  for (let i = 0; i < lines.length; i++) {
    const lineNum = i + 1;
    const line = lines[i];
    if (isLong(rawLines[i])) {
      result.numNonBlankLines++;
      bad(lineNum, rawLines[i].slice(0, 200));
      if (!isAccess(line)) lastObjectBad = true;
      continue;
    }
    if (isBlank(line)) {
      result.numBlankLines++;
      continue;
    }
    result.numNonBlankLines++;

    if (isAccess(line)) {
      if (current === null || lastObjectBad) {
        bad(lineNum, line);
        continue;
      }
      const access = parseAccess(line.replace(/^[ \t]+/, ''), variant);
      if (!access) {
        bad(lineNum, line);
        continue;
      }
      current.accesses.push(access);
      result.numAccesses++;
      sumReads += BigInt(access.reads);
      sumWrites += BigInt(access.writes);
      continue;
    }

    const obj = parseObject(line, variant);
    if (!obj || !nameCap.admit(obj)) {
      bad(lineNum, line);
      lastObjectBad = true;
      continue;
    }
    result.objects.push(obj);
    if (obj.live) result.numLive++;
    sumBytes += BigInt(obj.size);
    current = obj;
    lastObjectBad = false;
  }
  return { ...result, bytes: exactOf(sumBytes), reads: exactOf(sumReads), writes: exactOf(sumWrites) };
}

/** An object line read as `variant`, or null when it is not a valid one (also the reference for split CSV allocation rows). */
export function parseObject(line: string, variant: RefVariant): ObjectView | null {
  const layout = LAYOUTS[variant];
  const need = layout.leading.length + 1 + layout.trailing.length;
  const fields = line.split(',');
  if (fields.length < need) return null;
  const lead = fields.slice(0, layout.leading.length);
  const trail = fields.slice(fields.length - layout.trailing.length);
  const rawCommand = fields.slice(layout.leading.length, fields.length - layout.trailing.length).join(',');
  // A name longer than 256 bytes (the command as it is, the others trimmed) makes the line bad.
  const tooLong = (name: string) => byteLength(name) > MAX_NAME_BYTES;
  if (tooLong(rawCommand) || trail.some((f) => tooLong(trimSpaces(f)))) return null;
  if (layout.leading.some((name, k) => name === 'type' && tooLong(trimSpaces(lead[k])))) return null;
  const command = nameText(rawCommand);
  const obj: ObjectView = {
    allocIp: '',
    freeIp: '',
    va: '',
    size: 0,
    pid: 0,
    allocIndex: 0,
    freeIndex: 0,
    type: null,
    command,
    slab: null,
    newType: null,
    live: false,
    accesses: [],
  };
  let ok = true;
  layout.leading.forEach((name, k) => {
    const f = lead[k];
    if (name === 'allocIp' || name === 'freeIp' || name === 'va') {
      const h = refHex(f);
      if (h === null) ok = false;
      else obj[name] = h;
    } else if (name === 'type') {
      obj.type = nameText(trimSpaces(f));
    } else {
      const d = name === 'pid' ? refPid(f, true) : refDecimal(f); // a pid, object or access, may be -1
      if (d === null) ok = false;
      else (obj as unknown as Record<string, number | bigint>)[name] = d;
    }
  });
  layout.trailing.forEach((name, k) => {
    if (name === 'slab') obj.slab = nameText(trimSpaces(trail[k]));
    else obj.newType = nameText(trimSpaces(trail[k]));
  });
  if (!ok) return null;
  obj.live = variant === 'A' ? obj.freeIp === '0'.repeat(16) : obj.freeIndex === 0;
  return obj;
}

function parseAccess(body: string, variant: RefVariant): AccessView | null {
  const fields = body.split(',');
  if (body.startsWith('from:') && body.length > 5) {
    const ip = refHex(fields[0].slice(5));
    let caller: string | null = null;
    let rest = fields.slice(1);
    if (rest.length >= 1 && rest[0].startsWith('caller:')) {
      caller = refHex(rest[0].slice(7));
      if (caller === null) return null;
      rest = rest.slice(1);
    }
    let pid: number | null = null;
    if (rest.length === 3 && variant === 'E') {
      pid = refPid(rest[2], true);
      if (pid === null) return null;
    } else if (rest.length !== 2) {
      return null;
    }
    const writes = refDecimal(rest[0]);
    const reads = refDecimal(rest[1]);
    if (ip === null || writes === null || reads === null) return null;
    return { ip, pid, writes, reads, caller };
  }
  if (variant === 'A' || variant === 'B') {
    if (fields.length !== 4) return null;
    const [ip, pid, writes, reads] = [refHex(fields[0]), refPid(fields[1], true), refDecimal(fields[2]), refDecimal(fields[3])];
    if (ip === null || pid === null || writes === null || reads === null) return null;
    return { ip, pid, writes, reads, caller: null };
  }
  if (variant === 'C' || variant === 'D') {
    if (fields.length !== 3) return null;
    const [ip, writes, reads] = [refHex(fields[0]), refDecimal(fields[1]), refDecimal(fields[2])];
    if (ip === null || writes === null || reads === null) return null;
    return { ip, pid: null, writes, reads, caller: null };
  }
  if (fields.length !== 4) return null;
  const [ip, writes, reads, pid] = [refHex(fields[0]), refDecimal(fields[1]), refDecimal(fields[2]), refPid(fields[3], true)];
  if (ip === null || pid === null || writes === null || reads === null) return null;
  return { ip, pid, writes, reads, caller: null };
}
