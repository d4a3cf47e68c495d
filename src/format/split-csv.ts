// Reads Memorizer's split CSV pair, `allocations` then `accesses`
// (docs/kmap-format.md, "The split CSV files"), into the KmapStore that the
// kmap parser builds from the equivalent variant-E kmap: the same columns,
// ids, liveness, totals and bad-line rules, with every bad line naming its
// file. Both files stream through in chunks of any size:
//
// 1. allocations (split-allocations.ts): every row is a variant-E object
//    line and goes through the kmap parser's object-line code. The store's
//    objects grow while it loads; they have no access lines yet.
// 2. accesses: each row (split-access-row.ts) is joined to an object by its
//    alloc_index (split-join.ts, where the rule for shared indices is) and
//    kept, in file order, in access columns apart from the store with the
//    object it joined. A row that joins no object is a bad line, counted
//    and kept like any other ("matches no object"), never dropped.
// 3. at the end (split-attach.ts) the kept rows become the store's access
//    columns, grouped by object by a counting sort, and the IPs are
//    renumbered in kmap order.
//
// Why one pass over the accesses and a sort, rather than two passes (count,
// then place): a second pass would read the file twice, which a browser's
// fetch cannot, and it would cost the parse twice; the sort costs 4 bytes a
// row only when the rows are out of object order (they are not when
// Memorizer printed both files by one walk), and the row columns are what the
// store keeps anyway. Bounded extra memory: the join index (10 to 25 bytes
// an object), 4 bytes of row count an object, and while grouping out-of-order
// rows 4 bytes a row plus one column's copy.
//
// Invariant: every non-blank line but the two headers becomes exactly one
// object, one access line or one bad line, at any chunk size.

import { AccessColumns, MAX_KEPT_BAD_LINES, type KmapStore, type SplitSource } from '../store/kmap-store.ts';
import { Uint32Column } from '../store/columns.ts';
import { BYTE } from './field-reader.ts';
import { BAD_TEXT_CHARS } from './field-reasons.ts';
import { LineCarry, MAX_LINE_BYTES } from './line-carry.ts';
import { MAX_DISTINCT_NAMES } from './name-cap.ts';
import { KmapFormatError } from './sniff.ts';
import { AccessRowReader } from './split-access-row.ts';
import { AllocationsReader } from './split-allocations.ts';
import { attachAccesses } from './split-attach.ts';
import { notSplitMessage, readSplitHeader } from './split-csv-header.ts';
import { AllocIndexJoin } from './split-join.ts';

const { CR, NL, SPACE, TAB } = BYTE;
const MAX_EXACT = Number.MAX_SAFE_INTEGER;
const LONG_LINE_REASON = `line longer than ${MAX_LINE_BYTES} bytes`;

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export interface SplitCsvOptions {
  /** File names, for bad lines, errors and the summary (default "allocations" and "accesses"). */
  readonly allocationsName?: string;
  readonly accessesName?: string;
  /** Distinct names kept per name table (default MAX_DISTINCT_NAMES). */
  readonly maxDistinctNames?: number;
}

export class SplitCsvReader {
  readonly store: KmapStore;
  readonly split: SplitSource;
  private readonly allocations: AllocationsReader;
  private readonly accessesName: string;
  private phase: 'allocations' | 'accesses' | 'done' = 'allocations';

  // The accesses file.
  private readonly carry = new LineCarry();
  private numLines = 0;
  private rowReader: AccessRowReader | null = null;
  private join: AllocIndexJoin | null = null;
  private pending = new AccessColumns();
  private counts = new Uint32Array(0);
  private owners: Uint32Column | null = null;
  private lastOwner = 0;
  /** The object the previous joined row went to (-1 before the first), its alloc index (-1: none, or above 2^53 - 1), group and candidates. */
  private prev = -1;
  private prevKey = -1;
  private prevGroup = 0;
  private prevCandidates = 0;
  private readsNear = 0;
  private writesNear = 0;
  /** Groups (alloc indices) already counted as ambiguous. */
  private ambiguousSeen: Uint8Array | null = null;

  constructor(options: SplitCsvOptions = {}) {
    const allocationsName = options.allocationsName ?? 'allocations';
    this.accessesName = options.accessesName ?? 'accesses';
    this.allocations = new AllocationsReader(allocationsName, options.maxDistinctNames ?? MAX_DISTINCT_NAMES);
    this.store = this.allocations.store;
    this.split = { allocations: allocationsName, accesses: this.accessesName, ambiguousRows: 0, ambiguousIndices: 0, orphanRows: 0 };
    this.store.split = this.split;
  }

  /** True once the allocations header is read (the store is then a variant-E store that grows). */
  get started(): boolean {
    return this.allocations.header !== null;
  }

  /** Access rows joined so far (they join the store at the end). */
  get pendingAccesses(): number {
    return this.pending.ip.length;
  }

  /** Bytes held beside the store while the accesses file loads (kept rows, join index, counts). */
  get pendingBytes(): number {
    return this.pending.all().reduce((n, c) => n + c.byteLength, 0) + (this.join?.byteLength ?? 0) + this.counts.byteLength + (this.owners?.byteLength ?? 0);
  }

  pushAllocations(chunk: Uint8Array): void {
    if (this.phase !== 'allocations') throw new Error('the allocations file is already read');
    this.allocations.push(chunk);
  }

  /** Ends the allocations file; the accesses file comes next. */
  endAllocations(): void {
    if (this.phase !== 'allocations') return;
    this.allocations.finish();
    this.phase = 'accesses';
    this.join = new AllocIndexJoin(this.store);
    this.counts = new Uint32Array(this.store.numObjects);
  }

  pushAccesses(buf: Uint8Array): void {
    if (this.phase === 'allocations') this.endAllocations();
    if (this.phase !== 'accesses') throw new Error('the accesses file is already read');
    let pos = this.carry.resume(buf, BAD_TEXT_CHARS * 4, (line) => this.line(line, 0, line.length), (head) => this.longLine(head));
    if (pos < 0) return;
    const len = buf.length;
    const rows = this.rowReader;
    for (;;) {
      // A plain row is read while its end is found (no separate newline search); anything else: line().
      if (rows && pos < len) {
        const next = rows.fastRow(buf, pos, len);
        if (next >= 0) {
          this.numLines++;
          this.joinRow(rows, buf, pos, rows.rowEnd);
          pos = next;
          continue;
        }
      }
      const nl = buf.indexOf(NL, pos);
      if (nl < 0) break;
      if (nl - pos > MAX_LINE_BYTES) this.longLine(buf.subarray(pos, nl));
      else this.line(buf, pos, nl);
      pos = nl + 1;
    }
    if (pos < len) this.extendCarry(buf.subarray(pos));
  }

  /**
   * Ends the input and attaches the access rows. `complete` false: the load
   * stopped early (the pair's first part, complete lines only): whatever was
   * read is kept, and a file not reached is no error.
   */
  finish(complete = true): KmapStore {
    if (this.phase === 'allocations') {
      if (!complete) {
        this.allocations.finish();
        this.phase = 'accesses';
        this.counts = new Uint32Array(this.store.numObjects);
      } else {
        this.endAllocations();
      }
    }
    if (this.phase === 'accesses') {
      if (this.carry.len > 0) {
        const len = this.carry.len;
        this.carry.len = 0;
        this.line(this.carry.buf, 0, len);
      }
      this.carry.skipping = false;
      if (!this.rowReader && complete) throw new KmapFormatError(`${this.accessesName}: the file is empty; it should start with the accesses header.`);
      this.phase = 'done';
      this.join = null;
      attachAccesses(this.store, {
        columns: this.pending,
        counts: this.counts,
        owners: this.owners ? this.owners.data.subarray(0, this.owners.length) : null,
        readsNear: this.readsNear,
        writesNear: this.writesNear,
      });
      this.pending = new AccessColumns();
      this.owners = null;
      this.counts = new Uint32Array(0);
      this.store.trim();
    }
    return this.store;
  }

  private extendCarry(part: Uint8Array): void {
    const head = this.carry.extend(part, BAD_TEXT_CHARS * 4);
    if (head) this.longLine(head);
  }

  private longLine(start: Uint8Array): void {
    if (!this.rowReader) throw new KmapFormatError(`${this.accessesName}: ${notSplitMessage(null, 'accesses')}`);
    this.numLines++;
    this.bad(start, 0, start.length, LONG_LINE_REASON);
  }

  private line(b: Uint8Array, s: number, e: number): void {
    this.numLines++;
    if (e > s && b[e - 1] === CR) e--;
    const rows = this.rowReader;
    if (!rows) return this.header(b, s, e);
    let p = s;
    while (p < e && (b[p] === SPACE || b[p] === TAB || b[p] === CR)) p++;
    if (p === e) {
      this.store.numBlankLines++;
      return;
    }
    const why = rows.read(b, s, e);
    if (why !== null) return this.bad(b, s, e, why);
    this.joinRow(rows, b, s, e);
  }

  /** A valid row b[s, e) just read by `rows`: joined and kept, or an orphan (a bad line). */
  private joinRow(rows: AccessRowReader, b: Uint8Array, s: number, e: number): void {
    const o = this.target(rows.allocIndex, rows.allocIndexBig);
    if (o < 0) {
      this.split.orphanRows++;
      return this.bad(b, s, e, `alloc_index ${rows.allocIndex > MAX_EXACT ? rows.allocIndexBig : rows.allocIndex} matches no object of ${this.split.allocations}`);
    }
    this.append(o, rows);
  }

  private header(b: Uint8Array, s: number, e: number): void {
    if (b[s] === 0xef && b[s + 1] === 0xbb && b[s + 2] === 0xbf) s += 3;
    const line = decoder.decode(b.subarray(s, e));
    const header = readSplitHeader(line);
    if (header?.kind !== 'accesses') throw new KmapFormatError(`${this.accessesName}: ${notSplitMessage(line, 'accesses')}`);
    this.rowReader = new AccessRowReader(header.hasPid);
  }

  /** The object a row of alloc index `v` (exactly `big` above 2^53 - 1) joins, or -1 (split-join.ts). */
  private target(v: number, big: bigint): number {
    const join = this.join;
    if (!join) return -1;
    let g: number;
    let o: number;
    let candidates: number;
    if (v === this.prevKey) {
      // The previous row's index (most rows: an object's rows come together): the rule gives its object again.
      g = this.prevGroup;
      o = this.prev;
      candidates = this.prevCandidates;
    } else {
      g = join.group(v);
      if (g < 0) return -1;
      candidates = join.size(g);
      if (v > MAX_EXACT) {
        // Doubles this big may round distinct indices together: compare exactly.
        const col = this.store.objects.allocIndex;
        const exact: number[] = [];
        for (let k = 0; k < candidates; k++) if (col.exact(join.member(g, k)) === big) exact.push(join.member(g, k));
        if (exact.length === 0) return -1;
        candidates = exact.length;
        o = exact.find((m) => m >= this.prev) ?? exact[0];
      } else {
        o = join.choose(g, this.prev);
      }
    }
    if (candidates > 1) {
      this.split.ambiguousRows++;
      const seen = (this.ambiguousSeen ??= new Uint8Array(join.numGroups));
      if (!seen[g]) {
        seen[g] = 1;
        this.split.ambiguousIndices++;
      }
    }
    this.prev = o;
    this.prevKey = v > MAX_EXACT ? -1 : v;
    this.prevGroup = g;
    this.prevCandidates = candidates;
    return o;
  }

  /** Keeps a joined row (in file order) and notes its object. */
  private append(o: number, r: AccessRowReader): void {
    const a = this.pending;
    if (this.owners) this.owners.push(o);
    else if (o < this.lastOwner) this.startOwners().push(o);
    this.lastOwner = o;
    this.counts[o]++;
    a.ip.push(this.store.ips.intern(r.ipHi, r.ipLo));
    a.pid.push(r.pidCode);
    if (r.writes > MAX_EXACT) a.writes.pushWide(r.writesBig);
    else a.writes.push(r.writes);
    if (r.reads > MAX_EXACT) a.reads.pushWide(r.readsBig);
    else a.reads.push(r.reads);
    this.writesNear += r.writes;
    this.readsNear += r.reads;
  }

  /** The first row out of object order: the owners of the rows so far, which the counts give (they never decreased). */
  private startOwners(): Uint32Column {
    const owners = new Uint32Column(Math.max(1024, this.pending.ip.length * 2));
    for (let o = 0; o < this.counts.length; o++) for (let k = 0; k < this.counts[o]; k++) owners.push(o);
    this.owners = owners;
    return owners;
  }

  private bad(b: Uint8Array, s: number, e: number, reason: string): void {
    const store = this.store;
    store.numBadLines++;
    if (store.badLines.length < MAX_KEPT_BAD_LINES) {
      const t = decoder.decode(b.subarray(s, Math.min(e, s + BAD_TEXT_CHARS * 4)));
      store.badLines.push({ lineNum: this.numLines, text: t.length > BAD_TEXT_CHARS ? t.slice(0, BAD_TEXT_CHARS) : t, reason, file: this.accessesName });
    }
  }
}

/**
 * The pair as one stream of bytes: the allocations file's bytes, then the
 * accesses file's (the data worker reads the two files one after the other
 * and hands over chunks as for a kmap). The boundary is the allocations
 * file's size. Offers what the worker uses of KmapParser.
 */
export class SplitCsvStream {
  readonly reader: SplitCsvReader;
  bytesIn = 0;

  constructor(
    private readonly allocationsBytes: number,
    private readonly accessesBytes: number,
    options: SplitCsvOptions = {},
  ) {
    this.reader = new SplitCsvReader(options);
  }

  get store(): KmapStore {
    return this.reader.store;
  }

  /** 'E' once the allocations header is read (the worker then shows the store), else null. */
  get variant(): 'E' | null {
    return this.reader.started ? 'E' : null;
  }

  push(chunk: Uint8Array): void {
    const n = chunk.length;
    const inAllocations = Math.max(0, Math.min(n, this.allocationsBytes - this.bytesIn));
    if (inAllocations > 0) this.reader.pushAllocations(chunk.subarray(0, inAllocations));
    this.bytesIn += n;
    if (this.bytesIn >= this.allocationsBytes) {
      this.reader.endAllocations();
      if (n > inAllocations) this.reader.pushAccesses(chunk.subarray(inAllocations));
    }
  }

  /** Ends the input: the whole pair when every byte came, else the part read (a stop). */
  finish(): KmapStore {
    return this.reader.finish(this.bytesIn >= this.allocationsBytes + this.accessesBytes);
  }
}

/** Reads a whole pair in chunks of `chunkSize` (tests and small files). */
export function parseSplitCsvBytes(allocations: Uint8Array, accesses: Uint8Array, chunkSize = 1 << 20, options: SplitCsvOptions = {}): KmapStore {
  if (!(chunkSize >= 1)) throw new RangeError(`chunkSize must be at least 1, not ${chunkSize}`);
  const reader = new SplitCsvReader(options);
  for (let i = 0; i < allocations.length; i += chunkSize) reader.pushAllocations(allocations.subarray(i, Math.min(allocations.length, i + chunkSize)));
  reader.endAllocations();
  for (let i = 0; i < accesses.length; i += chunkSize) reader.pushAccesses(accesses.subarray(i, Math.min(accesses.length, i + chunkSize)));
  return reader.finish();
}

