// The memory estimate a load makes from a file's first megabyte, against what
// the whole file's store really holds.

import { describe, expect, it } from 'vitest';
import { parseKmapBytes } from '../format/parser.ts';
import { captureLike } from '../testing/capture-like.ts';
import { writeKmap } from '../testing/kmap-writer.ts';
import { estimateStore, storeBytes } from './memory-estimate.ts';

const TEXT = writeKmap({ variant: 'E', objects: 60_000, seed: 3, damage: 0, blank: 0, crlf: 0, longLine: false, leadingAccess: false });
const BYTES = new TextEncoder().encode(TEXT);
/** The first megabyte, cut after a whole line. */
const HEAD = BYTES.subarray(0, BYTES.lastIndexOf(10, 1 << 20) + 1);

describe('estimateStore', () => {
  const whole = parseKmapBytes(BYTES);
  const head = parseKmapBytes(HEAD);

  it('scales the first megabyte to the whole file: rows and bytes within a few percent', () => {
    expect(BYTES.length).toBeGreaterThan(5 * HEAD.length);
    const est = estimateStore(head, HEAD.length, BYTES.length, Infinity);
    expect(Math.abs(est.objects - whole.numObjects) / whole.numObjects).toBeLessThan(0.05);
    expect(Math.abs(est.accessLines - whole.numAccesses) / whole.numAccesses).toBeLessThan(0.05);
    whole.trim();
    const held = storeBytes(whole);
    expect(Math.abs(est.bytes - held) / held).toBeLessThan(0.1);
    expect(est.fitFraction).toBe(1);
  });

  it('counts what grows with the file beside the rows: new names and IPs, from:/caller: callers', () => {
    // A new command and alloc IP per object; every access line a from:IP,caller:IP line.
    const lines: string[] = [];
    for (let i = 0; i < 60_000; i++) {
      const ip = (0x81000000 + i * 16).toString(16);
      lines.push(`ffffffff${ip},7,ffff888004c2a000,64,${i + 1},0,0000000000000000,KMALLOC,task-${i},kmalloc-64,`);
      lines.push(`  from:ffffffff81533a28,caller:ffffffff${ip},1,2`);
    }
    const bytes = new TextEncoder().encode(lines.join('\n') + '\n');
    const headBytes = bytes.subarray(0, bytes.lastIndexOf(10, 1 << 20) + 1);
    const full = parseKmapBytes(bytes);
    full.trim();
    const est = estimateStore(parseKmapBytes(headBytes), headBytes.length, bytes.length, Infinity);
    const held = storeBytes(full);
    expect(full.internBytes).toBeGreaterThan(held / 4); // the names and IPs are a large part
    expect(Math.abs(est.bytes - held) / held).toBeLessThan(0.15);
  });

  it('says how much fits under a limit: less under a smaller one, never more than all', () => {
    const all = estimateStore(head, HEAD.length, BYTES.length, Infinity);
    const fractions = [4, 2, 1, 0.5, 0.25].map((k) => estimateStore(head, HEAD.length, BYTES.length, all.bytes * k).fitFraction);
    expect(fractions[0]).toBe(1);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeLessThanOrEqual(fractions[i - 1]);
    expect(fractions[2]).toBeLessThan(1); // the limit counts growth headroom: the data alone does not fit
    expect(fractions[4]).toBeGreaterThan(0);
    expect(fractions[4]).toBeLessThan(0.25);
  });

  it('says how much fits of a file a million times what fits (a gzip bomb\'s text), not 0', () => {
    const all = estimateStore(head, HEAD.length, BYTES.length, Infinity);
    const huge = BYTES.length * 1e6;
    const est = estimateStore(head, HEAD.length, huge, all.bytes * 4);
    // About 4 whole files' worth (with growth headroom, less) of a million.
    expect(est.fitFraction).toBeGreaterThan(0.5e-6);
    expect(est.fitFraction).toBeLessThan(4e-6);
    expect(est.fitFraction * huge).toBeGreaterThan(HEAD.length);
  });
});

describe('estimateStore, aggregate-only', () => {
  const bytes = captureLike(100_000);
  const headBytes = bytes.subarray(0, bytes.lastIndexOf(10, 1 << 20) + 1);
  const head = parseKmapBytes(headBytes);

  it('scales the first megabyte to what the whole file takes folded, and leaves the part read as it was', () => {
    expect(bytes.length).toBeGreaterThan(5 * headBytes.length);
    const before = head.numAccesses;
    const est = estimateStore(head, headBytes.length, bytes.length, Infinity);
    expect(head.fold).toBeNull();
    expect(head.numAccesses).toBe(before);
    const folded = parseKmapBytes(bytes, 1 << 20, { aggregateOnly: true });
    folded.trim();
    const held = storeBytes(folded);
    // Over rather than under: the cells' growth is extrapolated from a megabyte.
    expect(est.aggregate.bytes / held).toBeGreaterThan(0.9);
    expect(est.aggregate.bytes / held).toBeLessThan(1.5);
    expect(est.aggregate.bytes).toBeLessThan(est.bytes * 0.85);
    expect(est.aggregate.fits).toBe(true);
  });

  it('says whether it fits, with the growth headroom the running check allows: first under limits the whole file passes', () => {
    const all = estimateStore(head, headBytes.length, bytes.length, Infinity);
    const at = (k: number) => estimateStore(head, headBytes.length, bytes.length, all.aggregate.bytes * k);
    // Its own bytes leave no room to grow.
    expect(at(1).aggregate.fits).toBe(false);
    const k = [1.25, 1.5, 1.75, 2, 2.25, 2.5, 2.75, 3].find((x) => at(x).aggregate.fits);
    expect(k).toBeDefined();
    // Where the folded file first fits, the whole one does not.
    expect(at(k!).fitFraction).toBeLessThan(1);
  });
});
