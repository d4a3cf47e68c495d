// A slice of a capture as a kmap file: the kept objects with their access
// lines, in file order, written so that reading the slice back gives the
// same objects (`kmap slice`, the dashboard's "Save as kmap"). For sharing a
// few objects of a multi-GB capture, or a window of it.
//
// Layout: variant E (docs/kmap-format.md), whatever the source's variant, so
// that every field the store has survives: a field the source lacks is
// written as E's empty value (type, slab cache, new type ''). Access lines
// with a pid are `  ip,writes,reads,pid`; access lines without one (variants
// C and D, and from: lines without a pid) and lines with a caller use the
// `from:` form, which carries no pid unless one is known. Variant A has no
// indices, and E decides liveness by free_index: an A source is written as
// A instead, so that its freed objects stay freed.
//
// Names go back to their bytes (encodeName undoes the store's \xNN text of
// bytes that are not UTF-8), sizes, indices and counts are written exactly.

import { LAYOUTS } from '../format/variants.ts';
import { ACCESS_PID_BIAS, ACCESS_PID_NONE, OBJECT_PID_BIAS, type KmapStore } from '../store/kmap-store.ts';
import { encodeName, hex64 } from '../store/interners.ts';

const CHUNK_BYTES = 1 << 20;

/** Builds byte chunks of about CHUNK_BYTES from text and raw name bytes. */
class ChunkWriter {
  private buf = new Uint8Array(CHUNK_BYTES + 4096);
  private at = 0;
  readonly done: Uint8Array[] = [];

  text(s: string): void {
    // Fields are ASCII (hex, decimals, commas): one byte a character.
    if (this.at + s.length > this.buf.length) this.grow(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.at++] = s.charCodeAt(i);
  }

  bytes(b: Uint8Array): void {
    if (this.at + b.length > this.buf.length) this.grow(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
  }

  /** Hands out the chunk once it is big enough (at a line end). */
  lineEnd(): void {
    this.text('\n');
    if (this.at >= CHUNK_BYTES) this.flush();
  }

  flush(): void {
    if (this.at === 0) return;
    this.done.push(this.buf.slice(0, this.at));
    this.at = 0;
  }

  private grow(extra: number): void {
    this.flush();
    if (extra > this.buf.length) this.buf = new Uint8Array(extra + 4096);
  }
}

/**
 * The kmap text of the kept objects (`indices`, ascending) in chunks of
 * about 1 MiB; the caller writes or collects them as they come.
 */
export function* kmapSliceChunks(store: KmapStore, indices: Uint32Array): Generator<Uint8Array> {
  const variantA = store.variant === 'A';
  const layout = LAYOUTS[store.variant ?? 'E'];
  const o = store.objects;
  const a = store.accesses;
  const ips = store.ips;
  const names = (interner: KmapStore['slabs']) => interner.names().map(encodeName);
  const commands = names(store.commands);
  const slabs = layout.hasSlab ? names(store.slabs) : null;
  const types = layout.hasType ? names(store.types) : null;
  const newTypes = layout.hasNewType ? types : null;
  const hasCaller = a.callers.size > 0;
  const w = new ChunkWriter();
  for (let p = 0; p < indices.length; p++) {
    const i = indices[p];
    const allocIp = ips.hex(o.allocIp.data[i]);
    const freeIp = ips.hex(o.freeIp.data[i]);
    const va = hex64(o.vaHi.data[i], o.vaLo.data[i]);
    const pid = o.pid.data[i] - OBJECT_PID_BIAS;
    const size = String(o.size.exact(i));
    if (variantA) {
      w.text(`${allocIp},${freeIp},${va},${size},${pid},`);
      w.bytes(commands[o.command.data[i]]);
    } else {
      w.text(`${allocIp},${pid},${va},${size},${o.allocIndex.exact(i)},${o.freeIndex.exact(i)},${freeIp},`);
      if (types) w.bytes(types[o.type.data[i]]);
      w.text(',');
      w.bytes(commands[o.command.data[i]]);
      w.text(',');
      if (slabs) w.bytes(slabs[o.slab.data[i]]);
      w.text(',');
      if (newTypes) w.bytes(newTypes[o.newType.data[i]]);
    }
    w.lineEnd();
    const [start, end] = store.accessRange(i);
    for (let k = start; k < end; k++) {
      const ip = ips.hex(a.ip.data[k]);
      const code = a.pid.data[k];
      const writes = a.writes.exact(k);
      const reads = a.reads.exact(k);
      const caller = hasCaller ? a.callers.get(k) : undefined;
      if (caller !== undefined || code === ACCESS_PID_NONE) {
        // The from: form: no pid unless one is known (only E reads one there).
        const callerText = caller !== undefined ? `caller:${ips.hex(caller)},` : '';
        const pidText = code !== ACCESS_PID_NONE && !variantA ? `,${code - ACCESS_PID_BIAS}` : '';
        w.text(`  from:${ip},${callerText}${writes},${reads}${pidText}`);
      } else if (variantA) {
        w.text(`  ${ip},${code - ACCESS_PID_BIAS},${writes},${reads}`);
      } else {
        w.text(`  ${ip},${writes},${reads},${code - ACCESS_PID_BIAS}`);
      }
      w.lineEnd();
    }
    if (w.done.length > 0) yield* w.done.splice(0);
  }
  w.flush();
  yield* w.done.splice(0);
}
