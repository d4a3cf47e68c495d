// The general path of the parser: one complete line at a time (without its
// newline), classified as blank, object, access or bad, and appended to the
// store. Every line shape is handled here; FastPathE (fast-path-e.ts) takes
// the plain variant-E lines first and hands everything else back.
//
// Accounting invariant (checked by the tests): every non-blank line becomes
// exactly one of: an object, an access line, or a bad line.

import { GROUP_LIVE, GROUP_SENTINEL } from '../store/access-fold.ts';
import { ACCESS_PID_BIAS, ACCESS_PID_NONE, KmapStore, MAX_KEPT_BAD_LINES, OBJECT_PID_BIAS } from '../store/kmap-store.ts';
import { allocIpSentinel } from './sentinels.ts';
import { Field, LAYOUTS, fieldCount, type Variant, type VariantLayout } from './variants.ts';
import { BYTE, FieldReader } from './field-reader.ts';
import { BAD_TEXT_CHARS, MAX_NAME_BYTES, countFields, leadingFieldReason, longNameReason, numberReason, plural } from './field-reasons.ts';
import { nameCapReason, nearNameCap, type NameTable } from './name-cap.ts';
import { MAX_LINE_BYTES } from './line-carry.ts';

// Module-local copies of hot values (why: BYTE in field-reader.ts).
const { COMMA, CR, SPACE, TAB } = BYTE;
const MAX_EXACT = Number.MAX_SAFE_INTEGER;
const NAME_LIMIT = MAX_NAME_BYTES;

const LONG_LINE_REASON = `line longer than ${MAX_LINE_BYTES} bytes`;

// ignoreBOM: a U+FEFF inside the file is text (only the file's leading BOM is skipped, by the parser).
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export class LineParser extends FieldReader {
  readonly store = new KmapStore();
  protected layout: VariantLayout | null = null;
  protected numLines = 0;

  // Object-line state: access lines attach to the last good object line.
  protected haveObject = false;
  protected lastObjectBad = false;

  /** Exact values of the current line's fields above 2^53 - 1 (read only when the field's number is). */
  protected bigSize = 0n;
  protected bigAllocIndex = 0n;
  protected bigFreeIndex = 0n;
  protected bigWrites = 0n;
  protected bigReads = 0n;
  /** Start of each trailing field of the current object line. */
  protected readonly trailingStarts = new Int32Array(4);

  constructor(protected readonly maxNames: number) {
    super();
  }

  protected setVariant(variant: Variant): void {
    this.layout = LAYOUTS[variant];
    this.store.variant = variant;
  }

  protected longLine(start: Uint8Array): void {
    this.numLines++;
    this.bad(start, 0, start.length, LONG_LINE_REASON);
    if (start[0] !== SPACE && start[0] !== TAB) this.lastObjectBad = true;
  }

  protected line(b: Uint8Array, s: number, e: number): void {
    this.numLines++;
    if (e > s && b[e - 1] === CR) e--;
    if (s === e) {
      this.store.numBlankLines++;
      return;
    }
    const c = b[s];
    if (c === SPACE || c === TAB || c === CR) {
      // Blank if only spaces, tabs and \r; else an access line when indented
      // (by spaces and tabs only), an object line when it starts with \r.
      let p = s + 1;
      while (p < e && (b[p] === SPACE || b[p] === TAB)) p++;
      if (p < e && b[p] !== CR && c !== CR) return this.accessLine(b, p, e, s);
      let q = p;
      while (q < e && (b[q] === SPACE || b[q] === TAB || b[q] === CR)) q++;
      if (q === e) {
        this.store.numBlankLines++;
        return;
      }
      if (c === CR) this.objectLine(b, s, e);
      else this.accessLine(b, p, e, s);
    } else {
      this.objectLine(b, s, e);
    }
  }

  protected objectLine(b: Uint8Array, s: number, e: number): void {
    const layout = this.layout!;
    const leading = layout.leading;
    const trailing = layout.trailing;

    // Leading fields left to right, each parsed as it is scanned.
    let allocIpHi = 0, allocIpLo = 0, freeIpHi = 0, freeIpLo = 0, vaHi = 0, vaLo = 0;
    let size = 0, pid = 0, allocIndex = 0, freeIndex = 0;
    let typeStart = 0, typeEnd = 0;
    let p = s;
    for (let f = 0; f < leading.length; f++) {
      const role = leading[f];
      let end: number;
      if (role === Field.Type) {
        end = p;
        while (end < e && b[end] !== COMMA) end++;
        typeStart = p;
        typeEnd = end;
      } else if (role === Field.AllocIp || role === Field.FreeIp || role === Field.Va) {
        end = this.hexTo(b, p, e);
        if (end < 0) return this.badObjectField(b, s, e, p, role);
        if (role === Field.AllocIp) (allocIpHi = this.hexHi), (allocIpLo = this.hexLo);
        else if (role === Field.FreeIp) (freeIpHi = this.hexHi), (freeIpLo = this.hexLo);
        else (vaHi = this.hexHi), (vaLo = this.hexLo);
      } else {
        end = role === Field.Pid ? this.objectPidTo(b, p, e) : this.decTo(b, p, e, false);
        if (end < 0) return this.badObjectField(b, s, e, p, role);
        if (role === Field.Size) (size = this.num), (this.bigSize = this.numBig);
        else if (role === Field.Pid) pid = this.num;
        else if (role === Field.AllocIndex) (allocIndex = this.num), (this.bigAllocIndex = this.numBig);
        else (freeIndex = this.num), (this.bigFreeIndex = this.numBig);
      }
      if (end === e) return this.badObjectCount(b, s, e);
      p = end + 1;
    }
    // Trailing fields are found from the end: the command between may hold commas.
    const cmdStart = p;
    let cmdEnd = e;
    for (let t = trailing.length - 1; t >= 0; t--) {
      let q = cmdEnd;
      while (q > cmdStart && b[q - 1] !== COMMA) q--;
      if (q === cmdStart) return this.badObjectCount(b, s, e);
      this.trailingStarts[t] = q;
      cmdEnd = q - 1;
    }
    // Only a line longer than the name limit can hold a name longer than it.
    if (e - s > NAME_LIMIT) {
      const why = longNameReason(b, s, e, layout);
      if (why) return this.badObject(b, s, e, why);
    }

    // Every field is valid: intern the names and append the object.
    const store = this.store;
    if (nearNameCap(store, this.maxNames)) {
      const why = this.nameCapCheck(b, e, cmdStart, cmdEnd, layout.hasType ? typeStart : -1, typeEnd, trailing);
      if (why) return this.badObject(b, s, e, why);
    }
    let typeId = -1;
    if (layout.hasType) {
      const t = this.trim(b, typeStart, typeEnd);
      typeId = store.types.intern(b, t, this.trimEnd);
    }
    let slabId = -1;
    let newTypeId = 0;
    for (let t = 0; t < trailing.length; t++) {
      const fs = this.trailingStarts[t];
      const fe = t + 1 < trailing.length ? this.trailingStarts[t + 1] - 1 : e;
      const ts = this.trim(b, fs, fe);
      if (trailing[t] === Field.Slab) slabId = store.slabs.intern(b, ts, this.trimEnd);
      else newTypeId = store.types.intern(b, ts, this.trimEnd);
    }
    const live = layout.hasIndices ? freeIndex === 0 : freeIpHi === 0 && freeIpLo === 0;
    this.appendObject(
      allocIpHi, allocIpLo, freeIpHi, freeIpLo, vaHi, vaLo, size, pid, allocIndex, freeIndex,
      store.commands.intern(b, cmdStart, cmdEnd), typeId, slabId, newTypeId, live,
    );
  }

  /**
   * The name cap's verdict on an object line (ending at e) whose fields are
   * valid: the command b[cmdStart, cmdEnd), the type b[typeStart, typeEnd) (typeStart -1
   * when the variant has none), and the trailing names at trailingStarts.
   */
  protected nameCapCheck(
    b: Uint8Array, e: number, cmdStart: number, cmdEnd: number, typeStart: number, typeEnd: number, trailing: readonly Field[],
  ): string | null {
    const tables: NameTable[] = ['commands'];
    const starts = [cmdStart];
    const ends = [cmdEnd];
    const add = (table: NameTable, fs: number, fe: number) => {
      tables.push(table);
      starts.push(this.trim(b, fs, fe));
      ends.push(this.trimEnd);
    };
    if (typeStart >= 0) add('types', typeStart, typeEnd);
    for (let t = 0; t < trailing.length; t++) {
      const fe = t + 1 < trailing.length ? this.trailingStarts[t + 1] - 1 : e;
      add(trailing[t] === Field.Slab ? 'slabs' : 'types', this.trailingStarts[t], fe);
    }
    return nameCapReason(this.store, this.maxNames, b, tables, starts, ends);
  }

  /**
   * Appends one valid object line (both parse paths end here). typeId and
   * slabId are -1 when the variant has no such field.
   */
  protected appendObject(
    allocIpHi: number, allocIpLo: number, freeIpHi: number, freeIpLo: number, vaHi: number, vaLo: number,
    size: number, pid: number, allocIndex: number, freeIndex: number,
    cmdId: number, typeId: number, slabId: number, newTypeId: number, live: boolean,
  ): void {
    const store = this.store;
    const o = store.objects;
    o.allocIp.push(store.ips.intern(allocIpHi, allocIpLo));
    o.freeIp.push(store.ips.intern(freeIpHi, freeIpLo));
    o.vaHi.push(vaHi);
    o.vaLo.push(vaLo);
    // A value above 2^53 - 1 (only the general path reads one) keeps its exact value beside the column.
    if (size > MAX_EXACT) o.size.pushWide(this.bigSize);
    else o.size.push(size);
    o.pid.push(pid + OBJECT_PID_BIAS);
    if (allocIndex > MAX_EXACT) o.allocIndex.pushWide(this.bigAllocIndex);
    else o.allocIndex.push(allocIndex);
    if (freeIndex > MAX_EXACT) o.freeIndex.pushWide(this.bigFreeIndex);
    else o.freeIndex.push(freeIndex);
    o.accessStart.push(store.numAccesses);
    // An aggregate-only store folds the object's lines as they come (store/access-fold.ts).
    if (store.fold) {
      const i = o.accessStart.length - 1;
      // Its group's flags by the filters' rules: liveness as the store defines it (its free fields are in), sentinel alloc IPs.
      const flags = (store.isLive(i) ? GROUP_LIVE : 0) | (allocIpSentinel(allocIpHi, allocIpLo) !== null ? GROUP_SENTINEL : 0);
      store.fold.startObject(i, slabId < 0 ? 0 : slabId, typeId < 0 ? 0 : typeId, pid + ACCESS_PID_BIAS, flags);
    }
    o.command.push(cmdId);
    bump(store.objectsByCommand, cmdId);
    o.type.push(typeId < 0 ? 0 : typeId);
    if (typeId >= 0) bump(store.objectsByType, typeId);
    o.slab.push(slabId < 0 ? 0 : slabId);
    if (slabId >= 0) bump(store.objectsBySlab, slabId);
    o.newType.push(newTypeId);
    store.bytesNear += size;
    if (live) store.numLive++;
    this.haveObject = true;
    this.lastObjectBad = false;
  }

  /** Appends one valid access line (both parse paths end here); pidCode is pid + 2, or 0 for none. */
  protected appendAccess(ipHi: number, ipLo: number, pidCode: number, writes: number, reads: number): void {
    const store = this.store;
    store.writesNear += writes;
    store.readsNear += reads;
    const fold = store.fold;
    if (fold !== null) {
      // A fold of sums alone reads no IP: not interned (store/access-fold.ts).
      if (!fold.keepsCells) return fold.sumLine(pidCode, writes, reads, this.bigWrites, this.bigReads);
      return fold.line(store.ips.intern(ipHi, ipLo), pidCode, writes, reads, this.bigWrites, this.bigReads);
    }
    const a = store.accesses;
    a.ip.push(store.ips.intern(ipHi, ipLo));
    a.pid.push(pidCode);
    // A count above 2^53 - 1 (only the general path reads one) keeps its exact value beside the column.
    if (writes > MAX_EXACT) a.writes.pushWide(this.bigWrites);
    else a.writes.push(writes);
    if (reads > MAX_EXACT) a.reads.pushWide(this.bigReads);
    else a.reads.push(reads);
  }

  protected badObjectCount(b: Uint8Array, s: number, e: number): void {
    const numFields = countFields(b, s, e);
    const need = fieldCount(this.layout!.variant);
    this.badObject(b, s, e, `${plural(numFields, 'field')}; a variant ${this.layout!.variant} object line has ${need}`);
  }

  /** A leading field at `fs` did not parse: say so, or that fields are missing. */
  protected badObjectField(b: Uint8Array, s: number, e: number, fs: number, role: Field): void {
    if (countFields(b, s, e) < fieldCount(this.layout!.variant)) return this.badObjectCount(b, s, e);
    this.badObject(b, s, e, leadingFieldReason(b, fs, e, role));
  }

  protected accessLine(b: Uint8Array, s: number, e: number, lineStart: number): void {
    if (!this.haveObject) return this.bad(b, lineStart, e, 'access line before any object line');
    if (this.lastObjectBad) return this.bad(b, lineStart, e, 'access line follows a bad object line');
    const accessPid = this.layout!.accessPid;
    let ipHi: number, ipLo: number;
    let writes: number, reads: number;
    let pidCode = ACCESS_PID_NONE;
    let hasCaller = false;
    let callerHi = 0;
    let callerLo = 0;
    let p: number;

    const isFrom = e - s > 5 && b[s] === 0x66 && b[s + 1] === 0x72 && b[s + 2] === 0x6f && b[s + 3] === 0x6d && b[s + 4] === 0x3a;
    if (!isFrom) {
      // ip,[pid,]writes,reads[,pid]
      p = this.hexTo(b, s, e);
      if (p < 0 || p === e) return this.badAccess(b, s, e, lineStart, p < 0 ? numberReason('access IP', 'hex', b, s, e) : null);
      ipHi = this.hexHi;
      ipLo = this.hexLo;
      let fs: number;
      if (accessPid === 'second') {
        p = this.pidTo(b, (fs = p + 1), e);
        if (p < 0 || p === e) return this.badAccess(b, s, e, lineStart, p < 0 ? numberReason('pid', 'pid', b, fs, e) : null);
        pidCode = this.num + ACCESS_PID_BIAS;
      }
      p = this.decTo(b, (fs = p + 1), e, false);
      if (p < 0 || p === e) return this.badAccess(b, s, e, lineStart, p < 0 ? numberReason('writes', 'decimal', b, fs, e) : null);
      writes = this.num;
      this.bigWrites = this.numBig;
      p = this.decTo(b, (fs = p + 1), e, false);
      if (p < 0) return this.badAccess(b, s, e, lineStart, numberReason('reads', 'decimal', b, fs, e));
      reads = this.num;
      this.bigReads = this.numBig;
      if (accessPid === 'last') {
        if (p === e) return this.badAccess(b, s, e, lineStart, null);
        p = this.pidTo(b, (fs = p + 1), e);
        if (p < 0) return this.badAccess(b, s, e, lineStart, numberReason('pid', 'pid', b, fs, e));
        pidCode = this.num + ACCESS_PID_BIAS;
      }
      if (p !== e) return this.badAccess(b, s, e, lineStart, null);
    } else {
      // from:IP,[caller:IP,]writes,reads (and an optional pid last in E).
      p = this.hexTo(b, s + 5, e);
      if (p < 0 || p === e) return this.badFrom(b, e, lineStart, p < 0 ? numberReason('the from: IP', 'hex', b, s + 5, e) : null);
      ipHi = this.hexHi;
      ipLo = this.hexLo;
      let fs: number;
      if (startsWithCaller(b, p + 1, e)) {
        p = this.hexTo(b, (fs = p + 8), e);
        if (p < 0 || p === e) return this.badFrom(b, e, lineStart, p < 0 ? numberReason('the caller: IP', 'hex', b, fs, e) : null);
        hasCaller = true;
        callerHi = this.hexHi;
        callerLo = this.hexLo;
      }
      p = this.decTo(b, (fs = p + 1), e, false);
      if (p < 0 || p === e) return this.badFrom(b, e, lineStart, p < 0 ? numberReason('writes', 'decimal', b, fs, e) : null);
      writes = this.num;
      this.bigWrites = this.numBig;
      p = this.decTo(b, (fs = p + 1), e, false);
      if (p < 0) return this.badFrom(b, e, lineStart, numberReason('reads', 'decimal', b, fs, e));
      reads = this.num;
      this.bigReads = this.numBig;
      if (p !== e && accessPid === 'last') {
        p = this.pidTo(b, (fs = p + 1), e);
        if (p < 0) return this.badFrom(b, e, lineStart, numberReason('pid', 'pid', b, fs, e));
        pidCode = this.num + ACCESS_PID_BIAS;
      }
      if (p !== e) return this.badFrom(b, e, lineStart, null);
    }

    const store = this.store;
    if (hasCaller) {
      // An aggregate-only store keeps no caller (its lines are summed by IP), but interns it all the same: the
      // store's IP ids are then the same whenever the fold began (from the start, midway, in ranges).
      const caller = store.ips.intern(callerHi, callerLo);
      if (!store.fold) store.accesses.callers.set(store.numAccesses, caller);
    }
    this.appendAccess(ipHi, ipLo, pidCode, writes, reads);
  }

  /** A bad access line: a field count message when the count is off, else `reason`. */
  protected badAccess(b: Uint8Array, s: number, e: number, lineStart: number, reason: string | null): void {
    const numFields = countFields(b, s, e);
    const need = this.layout!.accessPid === 'none' ? 3 : 4;
    if (numFields !== need || reason === null) {
      return this.bad(b, lineStart, e, `${plural(numFields, 'field')} in an access line; variant ${this.layout!.variant} has ${need}`);
    }
    this.bad(b, lineStart, e, reason);
  }

  protected badFrom(b: Uint8Array, e: number, lineStart: number, reason: string | null): void {
    this.bad(b, lineStart, e, reason ?? '"from:" access line is not from:IP,[caller:IP,]writes,reads');
  }

  protected badObject(b: Uint8Array, s: number, e: number, reason: string): void {
    this.lastObjectBad = true;
    this.bad(b, s, e, reason);
  }

  protected bad(b: Uint8Array, s: number, e: number, reason: string): void {
    const store = this.store;
    store.numBadLines++;
    if (store.badLines.length < MAX_KEPT_BAD_LINES) {
      const t = decoder.decode(b.subarray(s, Math.min(e, s + BAD_TEXT_CHARS * 4)));
      store.badLines.push({ lineNum: this.numLines, text: t.length > BAD_TEXT_CHARS ? t.slice(0, BAD_TEXT_CHARS) : t, reason });
    }
  }
}

function startsWithCaller(b: Uint8Array, p: number, e: number): boolean {
  // "caller:"
  return p + 7 <= e && b[p] === 0x63 && b[p + 1] === 0x61 && b[p + 2] === 0x6c && b[p + 3] === 0x6c && b[p + 4] === 0x65 && b[p + 5] === 0x72 && b[p + 6] === 0x3a;
}

function bump(counts: number[], id: number): void {
  while (counts.length <= id) counts.push(0);
  counts[id]++;
}
