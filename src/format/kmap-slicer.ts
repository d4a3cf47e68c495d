// A kmap parsed in slices: the bytes of a stream of any length cut at object
// lines into slices of about `sliceBytes` each, every slice parsed into a
// store of its own (the parallel parse's ranges, ./ranges.ts, taken one after
// another from a stream instead of side by side from a file). A caller that
// writes each slice out and lets it go (`kmap export`) holds one slice's store
// at a time, whatever the file's size.
//
// Invariants, why a slice's store is the whole parse's rows for its lines:
// - a cut falls only before an object line (a byte after a newline that is
//   neither blank nor indented: isRangeStart), so every access line stays
//   with the object line before it, and no line is split;
// - the first slice is parsed as the whole file is (sniff, BOM, detection);
//   a later one with that variant, as a range that starts after a good object
//   line (ParserOptions.range 'later'). No cut is made until the slice being
//   parsed holds a good object, so that is true of every later slice;
// - a slice's ids (objects, lines, names) are its own: a slice tells how many
//   objects and lines came before it (objectsBefore, linesBefore; a bad line's
//   number in the file is linesBefore + its number in the slice);
// - the cap on distinct names (./name-cap.ts) holds per slice. The whole parse
//   applies it over the file, so the two agree while the file's distinct
//   names stay below it: namesNearCap says when they may not.

import { KmapParser } from './parser.ts';
import { MAX_DISTINCT_NAMES } from './name-cap.ts';
import { isRangeStart, nextRangeStart } from './ranges.ts';
import type { Variant } from './variants.ts';
import { reserveForBytes, type KmapStore } from '../store/kmap-store.ts';

const NL = 0x0a;

/** Text parsed into a slice before its columns are sized for the whole slice from it (reserveForBytes). */
const RESERVE_AFTER_BYTES = 1 << 20;
/** The most text a slice's columns are sized for ahead (a slice size past any file's, or a pipe's, grows as it goes). */
const RESERVE_MAX_BYTES = 1 << 30;

/** Bytes pushed at a time while the variant is not yet known (the first slice then ends within this of its size). */
const DETECT_STEP_BYTES = 64 * 1024;

/** One slice: the store of the lines in it, and what came before it in the file. */
export interface KmapSlice {
  readonly store: KmapStore;
  /** 0 for the first slice, then 1, 2, ... */
  readonly index: number;
  /** Objects in the slices before this one: the file-wide id of the store's object 0. */
  readonly objectsBefore: number;
  /** Lines (blank and bad ones included) in the slices before: add to a bad line's number in the store. */
  readonly linesBefore: number;
  /** Bytes of the text before the slice. */
  readonly bytesBefore: number;
  /** Bytes of the text in the slice. */
  readonly bytes: number;
  /** Lines in the slice (blank and bad ones included). */
  readonly lines: number;
}

export class KmapSlicer {
  private parser: KmapParser;
  private variant: Variant | null = null;
  private readonly done: KmapSlice[] = [];
  /** The last byte pushed (a cut at a chunk's first byte needs a newline before it); -1 before any. */
  private lastByte = -1;
  private index = 0;
  private objectsBefore = 0;
  private accessesBefore = 0;
  private linesBefore = 0;
  private bytesBefore = 0;
  /** The distinct names of each table (commands, slab caches, types) over the finished slices; emptied once near the cap. */
  private readonly namesBefore: Set<string>[] = [new Set(), new Set(), new Set()];
  /** A table's names over the finished slices came near the cap (then no more are kept: the answer cannot change). */
  private nearCap = false;
  private finished = false;
  /** Whether the current slice's columns were sized for it (reserveForBytes). */
  private reserved = false;

  constructor(
    /** Text per slice, about: a slice ends at the first object line at or after this many bytes (and holding a good object). */
    readonly sliceBytes: number,
    private readonly maxNames = MAX_DISTINCT_NAMES,
  ) {
    if (!(sliceBytes >= 1)) throw new RangeError('sliceBytes must be at least 1');
    this.parser = new KmapParser({ maxDistinctNames: maxNames });
  }

  /** Text bytes taken so far. */
  get bytesIn(): number {
    return this.bytesBefore + this.parser.bytesIn;
  }

  /** Objects and access lines parsed so far, over all slices (for progress). */
  get counts(): { numObjects: number; numAccesses: number } {
    return { numObjects: this.objectsBefore + this.parser.store.numObjects, numAccesses: this.accessesBefore + this.parser.store.numAccesses };
  }

  /**
   * Whether a name table's distinct names over all the slices came near the
   * cap on distinct names. Below it, neither the whole parse nor any slice
   * refuses a name, so the slices hold the whole parse's rows; near it they
   * may not, which a caller must not promise. The names are kept as a set
   * per table until one comes near the cap, then let go (the answer stays
   * yes): at most the cap's worth. Final once finish() has returned.
   */
  get namesNearCap(): boolean {
    if (this.nearCap) return true;
    const s = this.parser.store;
    return [s.commands, s.slabs, s.types].some((table, t) => {
      const before = this.namesBefore[t];
      let n = before.size;
      for (const name of table.names()) if (!before.has(name)) n++;
      return n >= this.maxNames - 1;
    });
  }

  /** Parses the next bytes; a slice that ends in them waits in takeSlices(). Keeps no reference to `chunk`. */
  push(chunk: Uint8Array): void {
    if (this.finished) throw new Error('kmap slicer: push after finish');
    while (chunk.length > 0) {
      const p = this.parser;
      // Until the variant is known, in steps, so that a large chunk does not carry the first slice far past its size.
      if (p.variant === null) {
        const step = Math.min(chunk.length, DETECT_STEP_BYTES);
        this.take(chunk.subarray(0, step));
        chunk = chunk.subarray(step);
        continue;
      }
      // A slice with no good object yet (a later one, or bad lines after a cut) takes its lines an object line at a time.
      if (p.store.numObjects === 0) {
        const next = nextRangeStart(chunk, 1);
        const upTo = next < 0 ? chunk.length : next;
        this.take(chunk.subarray(0, upTo));
        chunk = chunk.subarray(upTo);
        continue;
      }
      const from = Math.max(0, this.sliceBytes - p.bytesIn);
      const cut = from >= chunk.length ? -1 : from === 0 && this.lastByte === NL && startsLine(chunk) ? 0 : nextRangeStart(chunk, from);
      if (cut < 0) {
        this.take(chunk);
        return;
      }
      this.take(chunk.subarray(0, cut));
      this.endSlice();
      chunk = chunk.subarray(cut);
    }
  }

  /** Hands bytes to the current slice's parser. */
  private take(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const p = this.parser;
    p.push(bytes);
    this.lastByte = bytes[bytes.length - 1];
    // Once its first MiB of rows is in, the slice's columns are sized for the slice (none grows while it is parsed).
    if (!this.reserved && p.bytesIn >= RESERVE_AFTER_BYTES && p.store.numObjects > 0) {
      this.reserved = true;
      reserveForBytes(p.store, p.bytesIn, Math.min(this.sliceBytes, RESERVE_MAX_BYTES));
    }
  }

  /** The slices ended so far and not yet taken, in file order. */
  takeSlices(): KmapSlice[] {
    return this.done.splice(0);
  }

  /** Ends the input: the last slice joins takeSlices(). Throws what the whole parse throws for a file that is no kmap. */
  finish(): void {
    if (this.finished) return;
    this.endSlice();
    this.finished = true;
  }

  private endSlice(): void {
    const p = this.parser;
    const store = p.finish();
    this.variant ??= p.variant;
    this.done.push({ store, index: this.index, objectsBefore: this.objectsBefore, linesBefore: this.linesBefore, bytesBefore: this.bytesBefore, bytes: p.bytesIn, lines: p.linesRead });
    this.index++;
    this.objectsBefore += store.numObjects;
    this.accessesBefore += store.numAccesses;
    this.linesBefore += p.linesRead;
    this.bytesBefore += p.bytesIn;
    if (!this.nearCap) {
      [store.commands, store.slabs, store.types].forEach((table, t) => {
        for (const name of table.names()) this.namesBefore[t].add(name);
      });
      if (this.namesBefore.some((names) => names.size >= this.maxNames - 1)) {
        this.nearCap = true;
        for (const names of this.namesBefore) names.clear();
      }
    }
    // The next slice: a range after a good object line (./ranges.ts), under this slicer's cap.
    this.parser = new KmapParser({ variant: this.variant!, range: 'later', maxDistinctNames: this.maxNames });
    this.reserved = false;
  }
}

/** Whether a chunk's first byte starts an object line when a newline came before it. */
function startsLine(chunk: Uint8Array): boolean {
  const b = new Uint8Array(2);
  b[0] = NL;
  b[1] = chunk[0];
  return isRangeStart(b, 1);
}
