// Reads through a reading worker (slice-reads.ts, slice-reader.ts), with a
// stand-in worker that runs the reading worker's own handler a message hop
// away: fileChunks gives the same bytes through it as on its own thread, the
// first three slices are read here, a worker that fails (at start or later) leaves
// the reads to this thread, and close() ends the worker.
import { describe, expect, it } from 'vitest';
import { concatBytes, sameBytes } from '../src/testing/bytes.ts';
import { FILE_SLICE_BYTES, FIRST_SLICE_BYTES, fileChunks } from './load-sources.ts';
import { sliceServer } from './slice-reader.ts';
import { threadedReads, type ReaderWorker, type SliceAnswer, type SliceRequest } from './slice-reads.ts';

const SIZE = 2 * FILE_SLICE_BYTES + 4321;
const data = new Uint8Array(SIZE).map((_, i) => (i * 7919) >>> 3);

/** A stand-in reading worker: messages both ways a macrotask away; `fail` fires its error event before it answers anything. */
class FakeReader implements ReaderWorker {
  onmessage: ((e: { data: SliceAnswer }) => void) | null = null;
  onerror: ((e: { message?: string; preventDefault?: () => void }) => void) | null = null;
  onmessageerror: (() => void) | null = null;
  readonly asked: [number, number][] = [];
  terminated = false;
  private readonly serve = sliceServer((m) => setTimeout(() => !this.terminated && this.onmessage?.({ data: m }), 0));

  constructor(private readonly fail: 'never' | 'at once' | 'after one' | 'garbled answer' = 'never') {}

  postMessage(m: SliceRequest): void {
    if (m.type === 'read') {
      this.asked.push([m.from, m.to]);
      if (this.fail === 'at once' || (this.fail === 'after one' && this.asked.length === 2)) {
        setTimeout(() => this.onerror?.({ message: 'failed', preventDefault: () => {} }), 0);
        return;
      }
      if (this.fail === 'garbled answer' && this.asked.length === 2) {
        setTimeout(() => this.onmessageerror?.(), 0);
        return;
      }
    }
    setTimeout(() => !this.terminated && this.serve(m), 0);
  }

  terminate(): void {
    this.terminated = true;
  }
}

async function readAll(fake: FakeReader, start = 0, end = SIZE): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of fileChunks(new Blob([data]), () => false, () => end, start, (blob) => threadedReads(blob, () => fake))) parts.push(c);
  return concatBytes(parts);
}

describe('reads through a reading worker', () => {
  it('give the same bytes as this thread; the first three slices are read here, the rest by the worker, which ends with the read', async () => {
    for (const [start, end] of [
      [0, SIZE],
      [FIRST_SLICE_BYTES + 3, SIZE],
      [5, 7 * FIRST_SLICE_BYTES + 9],
    ]) {
      const fake = new FakeReader();
      expect(sameBytes(await readAll(fake, start, end), data.subarray(start, end))).toBe('same');
      // Slices of 1, 2, 4, ... times FIRST_SLICE_BYTES: the fourth starts 7 of them in.
      expect(fake.asked[0]?.[0]).toBe(start + 7 * FIRST_SLICE_BYTES);
      expect(fake.terminated).toBe(true);
    }
  });

  it('go on in this thread when the worker fails to start, fails later, garbles an answer or cannot be made', async () => {
    for (const fail of ['at once', 'after one', 'garbled answer'] as const) {
      const fake = new FakeReader(fail);
      expect(sameBytes(await readAll(fake), data)).toBe('same');
      expect(fake.terminated).toBe(true);
    }
    // A worker the page's policy refuses (the constructor throws): every read here.
    const parts: Uint8Array[] = [];
    const refused = () => {
      throw new TypeError('refused by Trusted Types');
    };
    for await (const c of fileChunks(new Blob([data]), () => false, undefined, 0, (blob) => threadedReads(blob, refused))) parts.push(c);
    expect(sameBytes(concatBytes(parts), data)).toBe('same');
  });

  it('end the worker when the caller stops early, and start none for a file of the first slices only', async () => {
    const fake = new FakeReader();
    let n = 0;
    for await (const c of fileChunks(new Blob([data]), () => false, undefined, 0, (blob) => threadedReads(blob, () => fake))) {
      n += c.length;
      if (fake.asked.length > 0) break;
    }
    expect(n).toBeLessThan(SIZE);
    expect(fake.terminated).toBe(true);
    // 256 KiB + 512 KiB + 1 MiB read here cover a file of 1.5 MiB: no worker is made.
    let made = 0;
    const small = data.subarray(0, 6 * FIRST_SLICE_BYTES);
    const got: Uint8Array[] = [];
    for await (const c of fileChunks(new Blob([small]), () => false, undefined, 0, (blob) => threadedReads(blob, () => (made++, new FakeReader())))) got.push(c);
    expect(sameBytes(concatBytes(got), small)).toBe('same');
    expect(made).toBe(0);
  });

  it('say why a slice could not be read, by the error the worker met', async () => {
    const reads = threadedReads(new Blob([data]), () => new FakeReader());
    const broken = { slice: () => ({ arrayBuffer: () => Promise.reject(Object.assign(new Error('gone'), { name: 'NotReadableError' })) }) } as unknown as Blob;
    const failing = threadedReads(broken, () => new FakeReader());
    await expect(failing.read(0, 10)).rejects.toMatchObject({ message: 'gone', name: 'NotReadableError' });
    expect(new Uint8Array(await reads.read(3, 8))).toEqual(data.subarray(3, 8));
    // A read still waiting when the reads close fails (nobody awaits it then) instead of hanging.
    const pending = reads.read(0, 100);
    reads.close();
    await expect(pending).rejects.toThrow(/stopped/);
    failing.close();
  });
});
