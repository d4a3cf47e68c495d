// The page's quick check of a chosen file (preflight.ts) on gzip files: it
// looks at the decompressed start, refuses a gzip of a non-kmap in the
// file's words and a gzip file damaged in its first part, answers a gzip
// bomb at once (it decompresses no more than it needs), and leaves a big
// file of unclear text, or a kmap, to the worker.

import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { preflight } from './preflight.ts';

const KMAP_LINE = 'ffffffff812e4410,731,ffff888004c2a000,64,120551,120870,ffffffff812e4f02,KMALLOC,cat,kmalloc-64,\n';
const gz = (content: string | Uint8Array) => new Blob([new Uint8Array(gzipSync(content))]);

describe('preflight of gzip files', () => {
  it('refuses a gzip of a non-kmap, saying the file is gzip-compressed and what its content is not', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(200_000).fill(9)]);
    expect(await preflight(gz(png))).toBe('This file is gzip-compressed, and its content is a PNG image, not a kmap text file.');
    expect(await preflight(gz('just some notes\n'.repeat(1000)))).toMatch(
      /^This file is gzip-compressed, and its content is not a kmap: none of its 1,000 lines is a kmap object line/,
    );
    expect(await preflight(gz(''))).toBe('This file is gzip-compressed, and its content is empty.');
  });

  it('refuses a small gzip file that is damaged', async () => {
    const bytes = new Uint8Array(gzipSync(KMAP_LINE.repeat(100)));
    expect(await preflight(new Blob([bytes.slice(0, bytes.length - 4)]))).toMatch(/^The gzip data ends early \(truncated\?\)/);
  });

  it('passes a gzip kmap, and a big gzip of text it cannot judge from the start (the worker judges)', async () => {
    expect(await preflight(gz(KMAP_LINE.repeat(10)))).toBeNull();
    expect(await preflight(gz(KMAP_LINE.repeat(100_000)))).toBeNull();
    expect(await preflight(gz('some words, and more words\n'.repeat(10_000)))).toBeNull();
  });

  it('answers a gzip bomb at once: from the start of the file, not all of it', async () => {
    /** A Blob that counts the bytes read through slice(). */
    class CountingBlob extends Blob {
      read = 0;
      override slice(start = 0, end = this.size, type?: string): Blob {
        this.read += Math.max(0, Math.min(end, this.size) - start);
        return super.slice(start, end, type);
      }
    }
    // 1 GB of text, as 200 members of 5 MB.
    const member = new Uint8Array(gzipSync(KMAP_LINE.repeat(50_000), { level: 9 }));
    const bomb = new CountingBlob(new Array(200).fill(member));
    expect(await preflight(bomb)).toBeNull();
    expect(bomb.read).toBeLessThan(bomb.size / 10);
    expect(bomb.read).toBeLessThanOrEqual(4 * 64 * 1024);
    // 90 MB of JSON.
    const json = new CountingBlob([new Uint8Array(gzipSync('{"a": [' + '0, '.repeat(30_000_000), { level: 9 }))]);
    expect(await preflight(json)).toMatch(/^This file is gzip-compressed, and its content looks like JSON, not a kmap/);
    expect(json.read).toBeLessThanOrEqual(4 * 64 * 1024);
  });
});
