// Every input that ever broke a fuzz property (./parser-fuzz.test.ts) is a
// file in ./fuzz-fixtures/ (listed, with what it caught, in its README.md).
// Each is checked on the same properties (./fuzz-check.ts) at every chunking
// that matters: one chunk, chunks of 1 to 64 bytes, two chunks split at every
// byte (small files) or at every awkward position (CRLF, multi-byte UTF-8,
// line starts, 4 KiB), and with a caller that reuses its buffer.

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

/** Files up to this size are also split in two at every byte. */
const SPLIT_EVERYWHERE_BYTES = 8192;

function allChunkings(bytes: Uint8Array): { cuts: number[]; reuse: boolean }[] {
  const out: { cuts: number[]; reuse: boolean }[] = [];
  for (let size = 1; size <= 64 && size < bytes.length; size++) out.push({ cuts: sizeCuts(bytes.length, size), reuse: size % 2 === 0 });
  for (const size of [100, 1000, 4095, 4096, 4097, 65536]) if (size < bytes.length) out.push({ cuts: sizeCuts(bytes.length, size), reuse: true });
  const splits = bytes.length <= SPLIT_EVERYWHERE_BYTES ? Array.from({ length: bytes.length - 1 }, (_, i) => i + 1) : awkwardCuts(bytes);
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
