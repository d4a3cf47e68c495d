// Test helpers: turn a KmapStore into plain data (strings for every 64-bit
// address, never JS numbers; sizes, indices and counts as exact numbers, or
// bigints above 2^53 - 1) and parse the same bytes at several chunk sizes.

import { expect } from 'vitest';
import { KmapParser, parseKmapBytes, type ParserOptions } from '../format/parser.ts';
import { KmapFormatError } from '../format/sniff.ts';
import { hex64 } from '../store/interners.ts';
import type { KmapStore } from '../store/kmap-store.ts';
import { ACCESS_PID_BIAS, ACCESS_PID_NONE, OBJECT_PID_BIAS } from '../store/kmap-store.ts';

/** The chunk sizes every parse-level test runs at (0 = the whole file in one chunk). */
export const CHUNK_SIZES = [1, 7, 64, 0] as const;

export interface AccessView {
  ip: string;
  /** null when the variant's access lines carry no pid; -1 for "no task". */
  pid: number | null;
  writes: number | bigint;
  reads: number | bigint;
  caller: string | null;
}

export interface ObjectView {
  allocIp: string;
  freeIp: string;
  va: string;
  size: number | bigint;
  pid: number;
  allocIndex: number | bigint;
  freeIndex: number | bigint;
  /** null for variants without the field. */
  type: string | null;
  command: string;
  slab: string | null;
  newType: string | null;
  live: boolean;
  accesses: AccessView[];
}

export interface StoreView {
  variant: string | null;
  numObjects: number;
  numAccesses: number;
  numLive: number;
  bytes: number | bigint;
  reads: number | bigint;
  writes: number | bigint;
  numBlankLines: number;
  numBadLines: number;
  badLines: { lineNum: number; text: string; reason: string }[];
}

export function accessView(store: KmapStore, a: number): AccessView {
  const acc = store.accesses;
  const code = acc.pid.get(a);
  const caller = acc.callers.get(a);
  return {
    ip: store.ips.hex(acc.ip.get(a)),
    pid: code === ACCESS_PID_NONE ? null : code - ACCESS_PID_BIAS,
    writes: acc.writes.exact(a),
    reads: acc.reads.exact(a),
    caller: caller === undefined ? null : store.ips.hex(caller),
  };
}

export function objectView(store: KmapStore, i: number): ObjectView {
  const o = store.objects;
  const v = store.variant;
  const hasType = v === 'C' || v === 'D' || v === 'E';
  const hasSlab = v === 'D' || v === 'E';
  const [start, end] = store.accessRange(i);
  const accesses: AccessView[] = [];
  for (let a = start; a < end; a++) accesses.push(accessView(store, a));
  return {
    allocIp: store.ips.hex(o.allocIp.get(i)),
    freeIp: store.ips.hex(o.freeIp.get(i)),
    va: hex64(o.vaHi.data[i], o.vaLo.data[i]),
    size: o.size.exact(i),
    pid: o.pid.get(i) - OBJECT_PID_BIAS,
    allocIndex: o.allocIndex.exact(i),
    freeIndex: o.freeIndex.exact(i),
    type: hasType ? store.types.name(o.type.get(i)) : null,
    command: store.commands.name(o.command.get(i)),
    slab: hasSlab ? store.slabs.name(o.slab.get(i)) : null,
    newType: v === 'E' ? store.types.name(o.newType.get(i)) : null,
    live: store.isLive(i),
    accesses,
  };
}

export function storeView(store: KmapStore): StoreView {
  return {
    variant: store.variant,
    numObjects: store.numObjects,
    numAccesses: store.numAccesses,
    numLive: store.numLive,
    bytes: store.bytes,
    reads: store.reads,
    writes: store.writes,
    numBlankLines: store.numBlankLines,
    numBadLines: store.numBadLines,
    badLines: store.badLines.map((b) => ({ lineNum: b.lineNum, text: b.text, reason: b.reason })),
  };
}

export interface FullView extends StoreView {
  objects: ObjectView[];
}

export function fullView(store: KmapStore): FullView {
  const objects: ObjectView[] = [];
  for (let i = 0; i < store.numObjects; i++) objects.push(objectView(store, i));
  return { ...storeView(store), objects };
}

export function toBytes(input: string | Uint8Array): Uint8Array {
  return typeof input === 'string' ? new TextEncoder().encode(input) : input;
}

export function parseAt(input: string | Uint8Array, chunkSize: number, options: ParserOptions = {}): KmapStore {
  const bytes = toBytes(input);
  return parseKmapBytes(bytes, chunkSize === 0 ? Math.max(1, bytes.length) : chunkSize, options);
}

/**
 * Parses the same bytes at every chunk size in CHUNK_SIZES, asserts that all
 * parses give the identical full view, and returns the view and the store of
 * the whole-file parse.
 */
export function parseAllChunkSizes(input: string | Uint8Array, options: ParserOptions = {}): { view: FullView; store: KmapStore } {
  const bytes = toBytes(input);
  const whole = parseAt(bytes, 0, options);
  const view = fullView(whole);
  for (const size of CHUNK_SIZES) {
    if (size === 0) continue;
    const other = fullView(parseAt(bytes, size, options));
    expect(other, `chunk size ${size} differs from the whole-file parse`).toEqual(view);
  }
  return { view, store: whole };
}

/** Runs `fn` and returns the KmapFormatError it throws (fails the test otherwise). */
export function catchFormatError(fn: () => unknown): KmapFormatError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(KmapFormatError);
    return err as KmapFormatError;
  }
  expect.fail('expected a KmapFormatError, but nothing was thrown');
}

/**
 * Asserts that every chunk size rejects the bytes with a KmapFormatError whose
 * message matches `message`; returns how many bytes each parse had taken in
 * when it threw (by chunk size).
 */
export function expectNotKmapAllChunkSizes(input: string | Uint8Array, message: RegExp): Map<number, number> {
  const bytes = toBytes(input);
  const taken = new Map<number, number>();
  for (const size of CHUNK_SIZES) {
    const chunk = size === 0 ? Math.max(1, bytes.length) : size;
    const parser = new KmapParser();
    const err = catchFormatError(() => {
      for (let i = 0; i < bytes.length; i += chunk) {
        parser.push(bytes.subarray(i, Math.min(bytes.length, i + chunk)));
      }
      parser.finish();
    });
    expect(err.message, `chunk size ${size}`).toMatch(message);
    taken.set(size, parser.bytesIn);
  }
  return taken;
}
