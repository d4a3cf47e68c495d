// fileChunks: a dropped file's slices in order, one read ahead, cut to an
// end that moves while it reads (a parallel load's first range grows to the
// whole file; one that moved down is cut to, though no caller does that today).
import { describe, expect, it } from 'vitest';
import { Cancelled, FILE_SLICE_BYTES, FIRST_SLICE_BYTES, fileChunks } from './load-sources.ts';
import { concatBytes as concat, sameBytes } from '../src/testing/bytes.ts';

/** A blob that counts the reads asked of it. */
class CountingBlob extends Blob {
  reads: [number, number][] = [];
  override slice(start?: number, end?: number): Blob {
    this.reads.push([start ?? 0, end ?? this.size]);
    return super.slice(start, end);
  }
}

function bytes(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(new ArrayBuffer(n));
  let x = 12345;
  for (let i = 0; i < n; i++) out[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
}

/** The same bytes (a deep equal of megabytes element by element takes minutes). */
function expectBytes(got: Uint8Array, want: Uint8Array): void {
  expect(sameBytes(got, want)).toBe('same');
}

const SIZE = 3 * FILE_SLICE_BYTES + 12345;
const data = bytes(SIZE);

describe('fileChunks', () => {
  it('yields the bytes from start to the end in order, slices growing from FIRST_SLICE_BYTES to FILE_SLICE_BYTES', async () => {
    for (const start of [0, 1, FIRST_SLICE_BYTES + 7]) {
      const parts: Uint8Array[] = [];
      for await (const c of fileChunks(new Blob([data]), () => false, undefined, start)) parts.push(c);
      expectBytes(concat(parts), data.subarray(start));
      expect(parts[0].length).toBe(FIRST_SLICE_BYTES);
      expect(parts[1].length).toBe(2 * FIRST_SLICE_BYTES);
      expect(Math.max(...parts.map((p) => p.length))).toBe(FILE_SLICE_BYTES);
    }
  });

  it('asks for the next slice before it hands on this one', async () => {
    const blob = new CountingBlob([data]);
    let k = 0;
    let total = 0;
    for await (const c of fileChunks(blob, () => false)) {
      total += c.length;
      // Slice k is in the caller's hands; slice k + 1 is already asked unless k is the last.
      expect({ k, asked: blob.reads.length }).toEqual({ k, asked: total < SIZE ? k + 2 : k + 1 });
      k++;
    }
    expect(total).toBe(SIZE);
  });

  it('stops at an end that moved down into the slice read ahead, and goes on to one that moved up', async () => {
    // Down: after the first slice the end moves inside the second, already asked for.
    let end = SIZE;
    const down: Uint8Array[] = [];
    for await (const c of fileChunks(new Blob([data]), () => false, () => end)) {
      down.push(c);
      end = FIRST_SLICE_BYTES + 1000;
    }
    expectBytes(concat(down), data.subarray(0, FIRST_SLICE_BYTES + 1000));
    // Up: the end starts short and moves to the whole file once the caller reaches it.
    end = FIRST_SLICE_BYTES + 5;
    const up: Uint8Array[] = [];
    for await (const c of fileChunks(new Blob([data]), () => false, () => end)) {
      up.push(c);
      if (up.reduce((s, p) => s + p.length, 0) === FIRST_SLICE_BYTES + 5) end = SIZE;
    }
    expectBytes(concat(up), data);
  });

  it('a stale load stops with Cancelled; an empty range yields nothing', async () => {
    let stale = false;
    const it = fileChunks(new Blob([data]), () => stale);
    expect((await it.next()).done).toBe(false);
    stale = true;
    await expect(it.next()).rejects.toBeInstanceOf(Cancelled);
    // Stale while the caller holds the slice at the end, then the end moves on: Cancelled, not a clean end.
    let end = FIRST_SLICE_BYTES;
    stale = false;
    const held = fileChunks(new Blob([data]), () => stale, () => end);
    expect((await held.next()).value.length).toBe(FIRST_SLICE_BYTES);
    stale = true;
    end = SIZE;
    await expect(held.next()).rejects.toBeInstanceOf(Cancelled);
    const none: Uint8Array[] = [];
    for await (const c of fileChunks(new Blob([data]), () => false, () => 100, 100)) none.push(c);
    expect(none).toEqual([]);
  });
});
