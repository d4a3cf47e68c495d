// Interning tables: every distinct IP and every distinct name is stored once
// and referred to by a dense integer id (0, 1, 2, ...). Ids are assigned in
// first-seen order and never change, so columns written while a file is still
// streaming stay valid, and symbols can later name an IP id.
//
// Both tables are open-addressing hash tables over typed arrays, so interning
// on the parser's hot path allocates nothing and creates no strings.

import { concatBytes } from './bytes.ts';
import { Uint32Column } from './columns.ts';

const EMPTY = -1;

function hashPair(hi: number, lo: number): number {
  let h = Math.imul(lo ^ 0x9e3779b9, 0x85ebca6b);
  h ^= Math.imul(hi ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Interns 64-bit values given as (hi, lo) unsigned 32-bit halves. */
export class IpInterner {
  readonly hi = new Uint32Column(256);
  readonly lo = new Uint32Column(256);
  private table = new Int32Array(1024).fill(EMPTY);
  private mask = 1023;

  get size(): number {
    return this.hi.length;
  }

  intern(hi: number, lo: number): number {
    let slot = hashPair(hi, lo) & this.mask;
    const hiData = this.hi.data;
    const loData = this.lo.data;
    for (;;) {
      const id = this.table[slot];
      if (id === EMPTY) break;
      if (loData[id] === lo && hiData[id] === hi) return id;
      slot = (slot + 1) & this.mask;
    }
    const id = this.hi.length;
    this.hi.push(hi);
    this.lo.push(lo);
    this.table[slot] = id;
    if (id * 2 >= this.mask) this.rehash();
    return id;
  }

  /**
   * Gives every id a new one: `newIdOf[id]`, a permutation of [0, size). The
   * caller rewrites the columns that hold ids (the split CSV reader, to give
   * IPs the ids a kmap's order of lines gives them).
   */
  renumber(newIdOf: Uint32Array): void {
    const n = this.hi.length;
    if (newIdOf.length < n) throw new RangeError(`renumber needs ${n} new ids, not ${newIdOf.length}`);
    const hi = this.hi.data.slice(0, n);
    const lo = this.lo.data.slice(0, n);
    for (let id = 0; id < n; id++) {
      this.hi.data[newIdOf[id]] = hi[id];
      this.lo.data[newIdOf[id]] = lo[id];
    }
    this.rehash(this.table.length);
  }

  /** The value of `id` as 16 lower-case hex digits (the kmap's own spelling). */
  hex(id: number): string {
    return hex64(this.hi.data[id], this.lo.data[id]);
  }

  get byteLength(): number {
    return this.hi.byteLength + this.lo.byteLength + this.table.byteLength;
  }

  private rehash(capacity = this.table.length * 2): void {
    this.table = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
    for (let id = 0; id < this.hi.length; id++) {
      let slot = hashPair(this.hi.data[id], this.lo.data[id]) & this.mask;
      while (this.table[slot] !== EMPTY) slot = (slot + 1) & this.mask;
      this.table[slot] = id;
    }
  }
}

export function hex64(hi: number, lo: number): string {
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}

// ignoreBOM: a U+FEFF inside the file is text (only the file's leading BOM is skipped, by the parser).
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

const BACKSLASH = 0x5c;

/** Length of the well-formed UTF-8 sequence at b[i] (Unicode table 3-7), or 0 when the byte starts none. */
function utf8SequenceAt(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  const n = b.length;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < n && b[i + k] >= lo && b[i + k] <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((c >= 0xe1 && c <= 0xec) || c === 0xee || c === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/**
 * A name's bytes as text, one to one (docs/kmap-format.md, "Names"): UTF-8,
 * except that a byte which is not part of well-formed UTF-8 reads \xNN (two
 * lower-case hex digits) and a backslash reads \\. So two names that differ
 * in any byte are two different strings (a decoder that replaces bad bytes
 * with U+FFFD would make \xff, \xfe and a real U+FFFD one name).
 */
export function decodeName(b: Uint8Array): string {
  let plain = true;
  for (let i = 0; i < b.length; i++) {
    if (b[i] >= 0x80 || b[i] === BACKSLASH) {
      plain = false;
      break;
    }
  }
  if (plain) return decoder.decode(b);
  let out = '';
  let i = 0;
  let run = 0; // start of the bytes decoded as they are
  while (i < b.length) {
    const len = b[i] === BACKSLASH ? 0 : utf8SequenceAt(b, i);
    if (len > 0) {
      i += len;
      continue;
    }
    out += decoder.decode(b.subarray(run, i)) + (b[i] === BACKSLASH ? '\\\\' : `\\x${b[i].toString(16).padStart(2, '0')}`);
    run = ++i;
  }
  return out + decoder.decode(b.subarray(run, i));
}

const encoder = new TextEncoder();

/**
 * The bytes of a name read by decodeName: UTF-8, with \xNN back to the byte
 * 0xNN and \\ back to one backslash, so encodeName(decodeName(b)) equals b
 * for any bytes b.
 */
export function encodeName(name: string): Uint8Array {
  if (!name.includes('\\')) return encoder.encode(name);
  const parts: Uint8Array[] = [];
  let run = 0;
  for (let i = 0; i < name.length; i++) {
    if (name.charCodeAt(i) !== BACKSLASH) continue;
    parts.push(encoder.encode(name.slice(run, i)));
    if (name[i + 1] === '\\') {
      parts.push(Uint8Array.of(BACKSLASH));
      i += 1;
    } else if (name[i + 1] === 'x' && /^[0-9a-f]{2}$/.test(name.slice(i + 2, i + 4))) {
      parts.push(Uint8Array.of(parseInt(name.slice(i + 2, i + 4), 16)));
      i += 3;
    } else {
      parts.push(Uint8Array.of(BACKSLASH)); // not from decodeName: kept as written
    }
    run = i + 1;
  }
  parts.push(encoder.encode(name.slice(run)));
  return concatBytes(parts);
}

/** FNV-1a over buf[start, end). */
function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  return h >>> 0;
}

/** Interns byte strings (task names, cache names, type names). */
export class NameInterner {
  private bytes = new Uint8Array(4096);
  private numBytes = 0;
  private readonly starts = new Uint32Column(256);
  private readonly ends = new Uint32Column(256);
  private readonly hashes = new Uint32Column(256);
  private table = new Int32Array(256).fill(EMPTY);
  private mask = 255;
  private decoded: string[] = [];

  get size(): number {
    return this.starts.length;
  }

  intern(buf: Uint8Array, start: number, end: number): number {
    const h = hashBytes(buf, start, end);
    const found = this.probe(buf, start, end, h);
    return found >= 0 ? found : this.add(buf, start, end, h, ~found);
  }

  /** Id of the name buf[start, end) when it was interned, else -1; interns nothing. */
  lookup(buf: Uint8Array, start: number, end: number): number {
    const found = this.probe(buf, start, end, hashBytes(buf, start, end));
    return found >= 0 ? found : -1;
  }

  /** Interns a JS string's UTF-8 bytes (used off the hot path: tests, fixed names). */
  internString(s: string): number {
    const b = new TextEncoder().encode(s);
    return this.intern(b, 0, b.length);
  }

  /** Id of `s` when it was interned, else -1. */
  find(s: string): number {
    const names = this.names();
    return names.indexOf(s);
  }

  name(id: number): string {
    if (id >= this.decoded.length) this.names();
    return this.decoded[id];
  }

  /** All names by id; decoded lazily and cached, extended as ids are added. */
  names(): readonly string[] {
    for (let id = this.decoded.length; id < this.starts.length; id++) {
      this.decoded.push(decodeName(this.bytes.subarray(this.starts.data[id], this.ends.data[id])));
    }
    return this.decoded;
  }

  /**
   * The names' bytes as they were interned, ends[id] the end of name `id`
   * (it starts where the one before ends): copies, so that they can be sent
   * to another thread and interned there with intern().
   */
  exportBytes(): { bytes: Uint8Array; ends: Uint32Array } {
    const n = this.starts.length;
    const ends = new Uint32Array(n);
    const bytes = new Uint8Array(n > 0 ? this.ends.data[n - 1] : 0);
    bytes.set(this.bytes.subarray(0, bytes.length));
    for (let id = 0; id < n; id++) ends[id] = this.ends.data[id];
    return { bytes, ends };
  }

  get byteLength(): number {
    return this.bytes.byteLength + this.starts.byteLength + this.ends.byteLength + this.hashes.byteLength + this.table.byteLength;
  }

  /** The name's id, or ~slot (negative) of the empty slot where it would go. */
  private probe(buf: Uint8Array, start: number, end: number, h: number): number {
    const len = end - start;
    let slot = h & this.mask;
    for (;;) {
      const id = this.table[slot];
      if (id === EMPTY) return ~slot;
      if (this.hashes.data[id] === h && this.equals(id, buf, start, len)) return id;
      slot = (slot + 1) & this.mask;
    }
  }

  private equals(id: number, buf: Uint8Array, start: number, len: number): boolean {
    const s = this.starts.data[id];
    if (this.ends.data[id] - s !== len) return false;
    for (let i = 0; i < len; i++) if (this.bytes[s + i] !== buf[start + i]) return false;
    return true;
  }

  private add(buf: Uint8Array, start: number, end: number, h: number, slot: number): number {
    const len = end - start;
    if (this.numBytes + len > this.bytes.length) {
      const next = new Uint8Array(Math.max(this.bytes.length * 2, this.numBytes + len));
      next.set(this.bytes.subarray(0, this.numBytes));
      this.bytes = next;
    }
    this.bytes.set(buf.subarray(start, end), this.numBytes);
    const id = this.starts.length;
    this.starts.push(this.numBytes);
    this.ends.push(this.numBytes + len);
    this.hashes.push(h);
    this.numBytes += len;
    this.table[slot] = id;
    if (id * 2 >= this.mask) this.rehash();
    return id;
  }

  private rehash(): void {
    const capacity = this.table.length * 2;
    this.table = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
    for (let id = 0; id < this.starts.length; id++) {
      let slot = this.hashes.data[id] & this.mask;
      while (this.table[slot] !== EMPTY) slot = (slot + 1) & this.mask;
      this.table[slot] = id;
    }
  }
}
