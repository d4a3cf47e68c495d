// Every input that ever broke a fuzz property (./parser-fuzz.test.ts) is a
// file in ./fuzz-fixtures/ (listed, with what it caught, in its README.md).
// Each is checked on the same properties (./fuzz-check.ts) at every chunking
// that matters: one chunk, chunks of 1 to 64 bytes (a few of them for big
// files) and some bigger sizes, two chunks split at every byte (small files)
// or at awkward positions (CRLF, multi-byte UTF-8, line starts and ends,
// 4 KiB), all awkward positions at once, and with a caller that reuses its
// buffer.

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkKmapProperties } from './fuzz-check.ts';
import { awkwardCuts, sizeCuts } from './fuzz-kmaps.ts';

const DIR = path.join(import.meta.dirname, 'fuzz-fixtures');

/**
 * Fixtures whose failure is known and owned elsewhere: file -> why. Each runs
 * as it.fails, so it is reported when it starts to pass.
 */
const KNOWN_FAILURES: Record<string, string> = {};

/** Files up to this size are also split in two at every byte; bigger ones at up to MAX_SPLITS awkward positions. */
const SPLIT_EVERYWHERE_BYTES = 2048;
/** Files up to this size get every chunk size from 1 to 64, bigger ones a few (to keep the test quick). */
const ALL_SMALL_SIZES_BYTES = 16384;

function allChunkings(bytes: Uint8Array): { cuts: number[]; reuse: boolean }[] {
  const out: { cuts: number[]; reuse: boolean }[] = [];
  const small = bytes.length <= ALL_SMALL_SIZES_BYTES;
  const maxSplits = small ? 300 : 60;
  for (let size = 1; size <= 64 && size < bytes.length; size++) {
    if (small || [1, 2, 3, 7, 13, 64].includes(size)) out.push({ cuts: sizeCuts(bytes.length, size), reuse: size % 2 === 0 });
  }
  for (const size of [100, 1000, 4095, 4096, 4097, 65536]) if (size < bytes.length) out.push({ cuts: sizeCuts(bytes.length, size), reuse: true });
  let splits = bytes.length <= SPLIT_EVERYWHERE_BYTES ? Array.from({ length: bytes.length - 1 }, (_, i) => i + 1) : awkwardCuts(bytes);
  if (splits.length > maxSplits) splits = Array.from({ length: maxSplits }, (_, k) => splits[Math.floor((k * splits.length) / maxSplits)]);
  for (const at of splits) out.push({ cuts: [at], reuse: false });
  out.push({ cuts: awkwardCuts(bytes), reuse: true });
  return out;
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.kmap')).sort();

describe('fuzz fixtures: inputs that once broke a property', () => {
  it('every fixture is listed in fuzz-fixtures/README.md, and every known failure is a fixture', () => {
    const readme = readFileSync(path.join(DIR, 'README.md'), 'utf8');
    expect(files.filter((f) => !readme.includes(f))).toEqual([]);
    expect(Object.keys(KNOWN_FAILURES).filter((f) => !files.includes(f))).toEqual([]);
  });

  for (const file of files) {
    const known = KNOWN_FAILURES[file];
    const test = known ? it.fails : it;
    test(`${file}${known ? ` (known failure: ${known})` : ''}`, () => {
      const bytes = new Uint8Array(readFileSync(path.join(DIR, file)));
      checkKmapProperties(bytes, allChunkings(bytes));
    });
  }
});
