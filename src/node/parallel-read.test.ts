// The parallel parse with real threads: a generated kmap over the size
// where threads start (PARALLEL_MIN_BYTES), with damaged lines near the cuts,
// read in 1, 2 and 3 threads, must give the same store as the single parse
// (storeDump: every column, id, total and bad line with its line number).
// Also: a file that changes under the read fails with a message, and a
// gzip file or a small one is read in one piece (the same store either way).

import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARALLEL_MIN_BYTES } from '../format/ranges.ts';
import { storeDump } from '../testing/fuzz-check.ts';
import { writeKmap } from '../testing/kmap-writer.ts';
import { readKmapFileInRanges } from './parallel-read.ts';
import { readKmapFile } from './read-kmap-file.ts';

let dir: string;
let file: string;
let size: number;

/**
 * A generated kmap just over the size where threads start: damaged lines
 * (0.1% of lines), blank and CRLF lines throughout and one over-long line,
 * so that every range holds some.
 */
function writeDamagedKmap(to: string): number {
  const text = writeKmap({ variant: 'E', objects: Math.ceil(PARALLEL_MIN_BYTES / 150), seed: 3, damage: 0.001 });
  writeFileSync(to, text, 'utf8');
  return Buffer.byteLength(text, 'utf8');
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kmap-parallel-'));
  file = path.join(dir, 'big.kmap');
  size = writeDamagedKmap(file);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the parallel parse in threads', () => {
  it('gives the single parse\'s store in 2 and 3 threads, bad lines numbered in the whole file', async () => {
    const single = await readKmapFile(file);
    expect(size).toBeGreaterThanOrEqual(PARALLEL_MIN_BYTES);
    expect(single.numBadLines).toBeGreaterThan(100); // more than are kept: the first 100 must be the file's first
    const want = storeDump(single);
    for (const workers of [2, 3]) {
      const seen: number[] = [];
      const got = await readKmapFileInRanges(file, size, { workers, chunkBytes: 1 << 20, onProgress: (p) => seen.push(p.bytesRead) });
      expect(got?.threads, `${workers} threads parsed the file`).toBe(workers);
      expect(storeDump(got!.store)).toEqual(want);
      // Progress counts every thread's bytes, up to the whole file.
      expect(Math.max(...seen)).toBe(size);
    }
    // readKmapFile takes the same path when asked for workers.
    expect(storeDump(await readKmapFile(file, { workers: 2 }))).toEqual(want);
  }, 120_000);

  it('a file that ends early while it is read fails with a message naming the bytes', async () => {
    const copy = path.join(dir, 'shrinks.kmap');
    writeFileSync(copy, readFileSync(file));
    // The plan is made for `size` bytes; the file then holds fewer.
    truncateSync(copy, size - 1_000_000);
    await expect(readKmapFileInRanges(copy, size, { workers: 2, chunkBytes: 1 << 20 })).rejects.toThrow(/the file ended at byte \d+, before \d+/);
  }, 60_000);

  it('gzip and small files are read in one piece, to the same store', async () => {
    const gz = path.join(dir, 'big.kmap.gz');
    writeFileSync(gz, gzipSync(readFileSync(file), { level: 1 }));
    expect(storeDump(await readKmapFile(gz, { workers: 2 }))).toEqual(storeDump(await readKmapFile(file)));
    const small = path.join(dir, 'small.kmap');
    writeFileSync(small, readFileSync(file).subarray(0, 1_000_000));
    expect(await readKmapFileInRanges(small, 1_000_000, { workers: 1, chunkBytes: 1 << 16 })).toBeNull();
  }, 120_000);
});
