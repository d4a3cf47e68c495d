// The read-ahead chunks of a file (chunks-ahead.ts): every byte of the range
// once and in order at any chunk size, a spare buffer taken as one of the two,
// a pipe's way (on from the file's position), a chunk left whole while the next is
// read into the other buffer, a file shorter than the range said so, and a
// loop left early leaving no read behind it.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chunksAhead, chunksInOrder } from './chunks-ahead.ts';

const dir = mkdtempSync(join(tmpdir(), 'kmap-chunks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bytes = Uint8Array.from({ length: 10_007 }, (_, i) => (i * 131 + (i >> 8)) & 0xff);
const file = join(dir, 'f.bin');
writeFileSync(file, bytes);

/** A few turns of the event loop: time for a read in flight to land. */
const settle = async () => {
  for (let k = 0; k < 5; k++) await new Promise((r) => setImmediate(r));
};

async function collect(from: number, to: number, chunkBytes: number, check = false): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  const out: number[] = [];
  try {
    for await (const chunk of chunksAhead(handle, from, to, chunkBytes)) {
      expect(chunk.length).toBeGreaterThan(0);
      expect(chunk.length).toBeLessThanOrEqual(chunkBytes);
      if (check) {
        // The next chunk is being read meanwhile, into the other buffer: this one stays as it was.
        const copy = chunk.slice();
        await settle();
        expect(chunk).toEqual(copy);
      }
      out.push(...chunk);
    }
  } finally {
    await handle.close();
  }
  return Uint8Array.from(out);
}

describe('chunksAhead', () => {
  it('gives every byte of the range once, in order, at any chunk size', async () => {
    for (const size of [1, 7, 4096, 10_007, 1 << 16]) {
      expect(await collect(0, Infinity, size)).toEqual(bytes);
      expect(await collect(0, bytes.length, size)).toEqual(bytes);
      expect(await collect(1234, 5678, size)).toEqual(bytes.subarray(1234, 5678));
    }
    expect(await collect(bytes.length, Infinity, 64)).toEqual(new Uint8Array(0));
    expect(await collect(500, 500, 64)).toEqual(new Uint8Array(0));
  });

  it('takes a spare buffer as one of its two', async () => {
    const handle = await open(file, 'r');
    const spare = new Uint8Array(600);
    const buffers = new Set<ArrayBufferLike>();
    const out: number[] = [];
    try {
      for await (const chunk of chunksAhead(handle, 0, Infinity, 512, spare)) {
        buffers.add(chunk.buffer);
        out.push(...chunk);
      }
    } finally {
      await handle.close();
    }
    expect(Uint8Array.from(out)).toEqual(bytes);
    expect(buffers.size).toBe(2);
    expect(buffers.has(spare.buffer)).toBe(true);
  });

  it('chunksInOrder reads on from where the file is, in one buffer', async () => {
    const handle = await open(file, 'r');
    const out: number[] = [];
    try {
      await handle.read(new Uint8Array(100), 0, 100, null); // the file's position is now 100
      for await (const chunk of chunksInOrder(handle, new Uint8Array(999))) out.push(...chunk);
    } finally {
      await handle.close();
    }
    expect(Uint8Array.from(out)).toEqual(bytes.subarray(100));
  });

  it('leaves a chunk whole while the next one is read', async () => {
    expect(await collect(0, Infinity, 1000, true)).toEqual(bytes);
  });

  it('says so when the file ends before the range does', async () => {
    await expect(collect(9000, bytes.length + 50, 256)).rejects.toThrow(`the file ended at byte ${bytes.length}, before ${bytes.length + 50}: did it change while it was read?`);
  });

  it('a loop left early leaves no read behind it: a read that fails after the loop is left is no unhandled error', async () => {
    // A file whose second read fails, a little later: the loop has been left by then.
    let reads = 0;
    const failing = {
      read: (buf: Uint8Array) => {
        reads++;
        if (reads === 1) return Promise.resolve({ bytesRead: 4, buffer: buf.fill(7, 0, 4) });
        return new Promise((_, reject) => setTimeout(() => reject(new Error('EIO: i/o error, read')), 20));
      },
    } as unknown as FileHandle;
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      for await (const chunk of chunksAhead(failing, 0, Infinity, 4)) {
        expect([...chunk]).toEqual([7, 7, 7, 7]);
        break;
      }
      expect(reads).toBe(2);
      await new Promise((r) => setTimeout(r, 50));
      await settle();
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});
