// Any window of a selection in a sort's order, without sorting it: the rows
// a scroll shows while the store's order by that column is still being made
// in turns (first-in-order.ts gives the first rows; this, the rows after).
// Exactly the sort's rows: by key, ties in file order in both directions,
// as sortSelection gives them.
//
// Keys of up to 32 bits go straight to the counting select on their two
// 16-bit digits (DigitWindows, window-digits.ts). Keys past 32 bits
// (addresses always; sizes and indices held as doubles once one passes
// 2^32 - 1, per-object sums past it) are ordered by their high word first:
// - once per sort, one pass counts the selection's objects by the high word
//   of their keys, a second scatters them into one array by word (none when
//   they all have one), and one per word of more than `sortedWordMax`
//   objects counts their low words for a DigitWindows over them alone, the
//   biggest first: three passes in all. prepare() does them ahead, a step at
//   a time;
// - a window takes, from each high word its positions meet, that word's
//   rows in the order of their low words: from its DigitWindows, or, for a
//   word of few objects, from those objects sorted.
// A kernel address's high word spans 4 GiB, so a capture's addresses have a
// handful (the direct map, vmalloc, modules). A selection of more than
// MAX_HIGH_WORDS high words gives null: the caller sorts. Held: the
// selection by word (4 bytes an object, the context's scratch, held with
// it: 94 MB at 23.5 M objects), per word counted about 1 MB (its digit
// counts and block), for the last `keptWindows` words used (another is
// counted again), and the small words' objects sorted (4 bytes each).

import { BLOCK, DigitWindows } from './window-digits.ts';
import type { QueryContext } from './context.ts';
import { SortKeyReader } from './sort-keys.ts';
import type { ObjectColumn, SortSpec } from './types.ts';

/** The most distinct high words a selection's keys may have. */
const MAX_HIGH_WORDS = 1 << 12;
/** A high word of at most this many objects is sorted whole when a window meets it, not counted. */
const SORTED_WORD_MAX = 1 << 12;
/** Words whose counts (DigitWindows) are kept between windows, the last used. */
const KEPT_WINDOWS = 16;
/** Slots of the table from high word to word (a power of two, at least twice MAX_HIGH_WORDS), and a word's home slot: its top bits times a Fibonacci constant. */
const TABLE_SLOTS = 1 << 14;
const HASH = 0x9e3779b1 | 0;
const HASH_SHIFT = 32 - 14;

/** The selection's objects whose keys have one high word. */
interface HighWord {
  readonly hi: number;
  /** How many objects of the selection have it (once they are all counted). */
  count: number;
  /** Where its objects start in the selection by word. */
  start: number;
  /** The counting select over its objects' low words (a word of more than sortedWordMax objects). */
  windows: DigitWindows | null;
  /** A word of few objects: its objects in the sort's order, once a window met it. */
  sorted: Uint32Array | null;
}

/** Per context, the WindowInOrder whose scatter its scratch 'windowInOrder.byWord' holds. */
const scatterOwner = new WeakMap<QueryContext, WindowInOrder>();

/** What tests set low: objects read at a time, the most objects of a high word sorted whole, the words whose counts are kept. */
export interface WindowTuning {
  block?: number;
  sortedWordMax?: number;
  keptWindows?: number;
}

/**
 * The windows of one sort of one selection: `indices` (distinct, ascending:
 * a filter's selection) in the order of `sort`, as sortSelection would give
 * them. Holds what it counted for the next windows; made again for another
 * selection or sort. Of keys past 32 bits, the selection by word is the
 * context's scratch 'windowInOrder.byWord': another WindowInOrder's scatter
 * on the same context takes it, and this one then scatters again.
 */
export class WindowInOrder {
  private readonly reader: SortKeyReader;
  /** Keys within 32 bits: the counting select itself. */
  private readonly digits: DigitWindows | null;
  /** Keys past 32 bits: the selection's high words, as they were first met. */
  private readonly words: HighWord[] = [];
  /** Per word (by index in `words`): its objects while they are counted, then where its next object is scattered to. */
  private readonly wordCounts = new Uint32Array(MAX_HIGH_WORDS);
  /** Open addressing from high word to its index in `words` (+1; 0: empty). */
  private readonly tableHi = new Int32Array(TABLE_SLOTS);
  private readonly tableWord = new Int32Array(TABLE_SLOTS);
  /** Of the selection, how many objects are counted into `words`, and how many scattered into `byWord`. */
  private countedTo = 0;
  private scatteredTo = 0;
  /** The selection by high word (each word's objects in file order from its `start`): `indices` itself when one word has them all. */
  private byWord: Uint32Array | null = null;
  /** More than MAX_HIGH_WORDS high words: every window is null. */
  private tooMany = false;
  /** The words of more than sortedWordMax objects, biggest first, and how many of them are counted ahead. */
  private big: HighWord[] | null = null;
  private countedWords = 0;
  /** Words whose windows are kept, the last used last. */
  private kept: HighWord[] = [];
  private readonly blockLo: Uint32Array;
  private readonly blockHi: Uint32Array;
  private readonly block: number;
  private readonly sortedWordMax: number;
  private readonly keptWindows: number;

  constructor(
    private readonly ctx: QueryContext,
    private readonly indices: Uint32Array,
    private readonly sort: SortSpec<ObjectColumn>,
    tuning: WindowTuning = {},
  ) {
    this.block = tuning.block ?? BLOCK;
    this.sortedWordMax = tuning.sortedWordMax ?? SORTED_WORD_MAX;
    this.keptWindows = tuning.keptWindows ?? KEPT_WINDOWS;
    const block = this.block;
    this.reader = new SortKeyReader(ctx, sort.key);
    this.digits = this.reader.wide ? null : new DigitWindows(ctx, indices, sort, block, false, this.reader);
    const size = this.digits ? 0 : Math.min(block, indices.length);
    this.blockLo = new Uint32Array(size);
    this.blockHi = new Uint32Array(size);
  }

  /** Whether prepare() has nothing left to do: the keys are counted, or cannot be. */
  get prepared(): boolean {
    if (this.digits) return this.digits.prepared;
    if (this.tooMany) return true;
    const n = this.indices.length;
    if (this.countedTo < n || this.scatteredTo < n || this.big === null) return false;
    return this.countedWords >= Math.min(this.big.length, this.keptWindows);
  }

  /**
   * Counts the keys ahead of the first window, block by block until
   * `deadline` (performance.now(); a block at least): one pass over the
   * selection for keys within 32 bits (40-100 ms at 23 M objects), three for
   * keys past them (the high words counted, the objects scattered by word,
   * each big word's low words counted). True once it is prepared.
   */
  prepare(deadline = Number.POSITIVE_INFINITY): boolean {
    if (this.digits) return this.digits.prepare(deadline);
    // The phases in order, each going on where the last call stopped; a phase that ends goes on into the
    // next, a block at least (so a call can pass its deadline by about two blocks).
    if (!this.tooMany && !this.countWords(deadline)) return this.prepared;
    if (this.tooMany) return true;
    this.ownScatter();
    if (!this.scatter(deadline)) return this.prepared;
    const big = this.bigWords();
    while (this.countedWords < Math.min(big.length, this.keptWindows)) {
      const windows = this.windowsOf(big[this.countedWords]);
      if (!windows.prepare(deadline)) break;
      this.countedWords++;
      if (performance.now() >= deadline) break;
    }
    return this.prepared;
  }

  /**
   * The objects at positions [from, from + count) of the sorted selection
   * (those of them inside it: as many as a slice of the sorted selection
   * gives), or null when they cannot be counted (the caller sorts).
   */
  rows(from: number, count: number): Uint32Array | null {
    if (this.digits) return this.digits.rows(from, count);
    const n = this.indices.length;
    const start = Math.floor(from);
    from = Math.max(0, start);
    const to = Math.min(n, start + Math.max(0, Math.floor(count)));
    if (from >= to) return new Uint32Array(0);
    if (!this.countWords(Number.POSITIVE_INFINITY)) return null;
    this.ownScatter();
    this.scatter(Number.POSITIVE_INFINITY);
    const desc = this.sort.desc;
    const words = [...this.words].sort((a, b) => (desc ? b.hi - a.hi : a.hi - b.hi));
    const out = new Uint32Array(to - from);
    // Each word's rows lie at [at, at + count) of the sort.
    for (let w = 0, at = 0; w < words.length && at < to; at += words[w++].count) {
      const word = words[w];
      const s = Math.max(from, at);
      const e = Math.min(to, at + word.count);
      if (s >= e) continue;
      let part: Uint32Array | null;
      if (word.count <= this.sortedWordMax) part = (word.sorted ??= this.sortedLow(this.objectsOf(word))).subarray(s - at, e - at);
      else {
        const windows = this.windowsOf(word);
        windows.prepare();
        part = windows.rows(s - at, e - s);
      }
      if (part === null) return null;
      out.set(part, s - from);
    }
    return out;
  }

  /** Counts the selection's objects by high word until `deadline`; true once all are counted (and not too many words). */
  private countWords(deadline: number): boolean {
    const n = this.indices.length;
    if (this.countedTo >= n || this.tooMany) return !this.tooMany;
    const counts = this.wordCounts;
    while (this.countedTo < n && !this.tooMany) {
      const start = this.countedTo;
      const len = Math.min(this.block, n - start);
      const { his, at } = this.highWords(start, len);
      // Each word from its home slot in the table (two reads, no branch to mispredict where words
      // interleave at random); a new word, or one moved off its home slot, from wordOf.
      const tableHi = this.tableHi;
      const tableWord = this.tableWord;
      for (let j = at, end = at + len; j < end; j++) {
        // As an int32: a word past 2^31 read as a number would be a double.
        const hi = his[j] | 0;
        const home = Math.imul(hi, HASH) >>> HASH_SHIFT;
        let w = tableWord[home] - 1;
        if (w < 0 || tableHi[home] !== hi) {
          w = this.wordOf(hi);
          if (w < 0) return false;
        }
        counts[w]++;
      }
      this.countedTo = start + len;
      if (performance.now() >= deadline) break;
    }
    if (this.tooMany || this.countedTo < n) return false;
    // Counted: the counts go to their words (the array is the scatter's next).
    for (let w = 0; w < this.words.length; w++) this.words[w].count = counts[w];
    return true;
  }

  /** The index of high word `hi` (as an int32) in `words`, made if new; -1 past MAX_HIGH_WORDS (tooMany). */
  private wordOf(hi: number): number {
    const mask = TABLE_SLOTS - 1;
    for (let slot = Math.imul(hi, HASH) >>> HASH_SHIFT; ; slot = (slot + 1) & mask) {
      const w = this.tableWord[slot];
      if (w === 0) break;
      if (this.tableHi[slot] === hi) return w - 1;
    }
    if (this.words.length >= MAX_HIGH_WORDS) {
      this.tooMany = true;
      return -1;
    }
    this.words.push({ hi: hi >>> 0, count: 0, start: 0, windows: null, sorted: null });
    for (let slot = Math.imul(hi, HASH) >>> HASH_SHIFT; ; slot = (slot + 1) & mask) {
      if (this.tableWord[slot] !== 0) continue;
      this.tableHi[slot] = hi;
      this.tableWord[slot] = this.words.length;
      return this.words.length - 1;
    }
  }

  /** When another WindowInOrder's scatter has taken the context's scratch since this one's, scatters again (its words' counts go too). */
  private ownScatter(): void {
    if (this.byWord === null || this.byWord === this.indices || scatterOwner.get(this.ctx) === this) return;
    this.byWord = null;
    this.scatteredTo = 0;
    for (const w of this.words) w.windows = null;
    this.kept = [];
    this.countedWords = 0;
  }

  /** Scatters the counted selection into `byWord` until `deadline`; true once done. */
  private scatter(deadline: number): boolean {
    const n = this.indices.length;
    const words = this.words;
    // Where each word's next object goes (the word counts' array, reused).
    const next = this.wordCounts;
    if (this.byWord === null) {
      if (words.length <= 1) {
        this.byWord = this.indices;
        this.scatteredTo = n;
        return true;
      }
      // The context's scratch: a fresh array would cost more to touch than the scatter (scratch.ts).
      this.byWord = this.ctx.scratch.u32('windowInOrder.byWord', n, false); // every element written before it is read
      scatterOwner.set(this.ctx, this);
      for (let w = 0, at = 0; w < words.length; at += words[w++].count) next[w] = words[w].start = at;
    }
    const byWord = this.byWord;
    const indices = this.indices;
    while (this.scatteredTo < n) {
      const start = this.scatteredTo;
      const len = Math.min(this.block, n - start);
      const { his, at } = this.highWords(start, len);
      const tableHi = this.tableHi;
      const tableWord = this.tableWord;
      for (let j = 0; j < len; j++) {
        const hi = his[at + j] | 0;
        const home = Math.imul(hi, HASH) >>> HASH_SHIFT;
        let w = tableWord[home] - 1;
        if (w < 0 || tableHi[home] !== hi) w = this.wordOf(hi);
        byWord[next[w]++] = indices[start + j];
      }
      this.scatteredTo = start + len;
      if (performance.now() >= deadline) return false;
    }
    return true;
  }

  /** The words of more than sortedWordMax objects, biggest first (ties: the first met). */
  private bigWords(): HighWord[] {
    return (this.big ??= this.words.filter((w) => w.count > this.sortedWordMax).sort((a, b) => b.count - a.count));
  }

  /** A word's objects, in file order (once scattered). */
  private objectsOf(word: HighWord): Uint32Array {
    return this.byWord!.subarray(word.start, word.start + word.count);
  }

  /** A big word's windows, made if not kept (its low words then still to count), kept as the last used. */
  private windowsOf(word: HighWord): DigitWindows {
    const windows = (word.windows ??= new DigitWindows(this.ctx, this.objectsOf(word), this.sort, this.block, true, this.reader));
    const kept = this.kept.filter((w) => w !== word);
    kept.push(word);
    // Past keptWindows, the words used longest ago let their counts go.
    while (kept.length > this.keptWindows) kept.shift()!.windows = null;
    this.kept = kept;
    return windows;
  }

  /** Few objects of one high word, in the order of their low words (ties in file order, both ways). */
  private sortedLow(objects: Uint32Array): Uint32Array {
    const m = objects.length;
    const lo = new Uint32Array(m);
    this.reader.fill(objects, lo, new Uint32Array(m), 0, m, () => new Uint32Array(m));
    const order = Array.from({ length: m }, (_, j) => j);
    const desc = this.sort.desc;
    order.sort((a, b) => (desc ? lo[b] - lo[a] : lo[a] - lo[b]) || objects[a] - objects[b]);
    return Uint32Array.from(order, (j) => objects[j]);
  }

  /** The high words of the keys of the selection's objects [start, start + len): his[at + j] for objects[start + j]. */
  private highWords(start: number, len: number): { his: ArrayLike<number>; at: number } {
    // Every object, its keys' high words a column of their own (addresses): read straight.
    const direct = this.reader.directHigh;
    if (direct && this.indices.length === this.ctx.store.numObjects) return { his: direct, at: start };
    // Zeroed: a column of sums writes only the high words that are not 0.
    const hi = this.blockHi.subarray(0, len).fill(0);
    this.reader.fill(this.indices.subarray(start, start + len), this.blockLo.subarray(0, len), hi, 0, len, () => hi);
    return { his: hi, at: 0 };
  }
}
