// The words of src/format/gzip.ts: every refusal the parser can give reads
// right when said of a gzip file's content, and the decompressors' reasons
// (zlib's, Node's, Chromium's) become the user's words.

import { describe, expect, it } from 'vitest';
import { parseKmapBytes } from './parser.ts';
import { gzipContentMessage, gzipDamaged, gzipTruncated, isGzip } from './gzip.ts';
import { KmapFormatError } from './sniff.ts';

const enc = new TextEncoder();

/** The parser's message for `bytes` (each of which is no kmap). */
function refusal(bytes: Uint8Array | string): string {
  try {
    parseKmapBytes(typeof bytes === 'string' ? enc.encode(bytes) : bytes);
  } catch (err) {
    if (err instanceof KmapFormatError) return err.message;
    throw err;
  }
  throw new Error('parsed');
}

describe('gzip.ts', () => {
  it('isGzip: the magic number 1f 8b, not the name', () => {
    expect(isGzip(new Uint8Array([0x1f, 0x8b]))).toBe(true);
    expect(isGzip(new Uint8Array([0x1f]))).toBe(false);
    expect(isGzip(enc.encode('ffffffff81234567,0,'))).toBe(false);
  });

  it('says every refusal of the parser of a gzip file\'s content', () => {
    const cases: [Uint8Array | string, string][] = [
      [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), 'This file is gzip-compressed, and its content is a PNG image, not a kmap text file.'],
      [new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0]), 'This file is gzip-compressed, and its content is gzip data (a .gz inside a .gz? decompress it once, e.g. gunzip, and open the result), not a kmap text file.'],
      [new Uint8Array([0x61, 0, 0x62]), 'This file is gzip-compressed, and its content holds binary data (a NUL byte at offset 1), not a kmap text file.'],
      ['{"a": 1}', 'This file is gzip-compressed, and its content looks like JSON, not a kmap (a kmap is comma-separated text, one object per line).'],
      ['', 'This file is gzip-compressed, and its content is empty.'],
      ['\n\n', 'This file is gzip-compressed, and its content holds only blank lines.'],
      ['  a,b\n', 'This file is gzip-compressed, and its content is not a kmap: no line starts at column 0 with comma-separated fields (every line is indented or blank).'],
      ['just some notes\n', 'This file is gzip-compressed, and its content is not a kmap: its one line is not a kmap object line (1 field; an object line has at least 6).'],
    ];
    for (const [content, said] of cases) expect(gzipContentMessage(refusal(content))).toBe(said);
    expect(gzipContentMessage('This file is UTF-16 text; a kmap is UTF-8 (convert it first, e.g. iconv -f UTF-16 -t UTF-8).')).toMatch(/^This file is gzip-compressed, and its content is UTF-16 text; a kmap is UTF-8/);
  });

  it('puts the decompressors\' reasons in the user\'s words, with the text read before the damage', () => {
    expect(gzipTruncated(1_234_567).message).toBe(
      'The gzip data ends early (truncated?) after 1.2 MB of kmap text. Nothing of it was loaded; gunzip -c FILE > part.kmap saves what can be read, and that file loads.',
    );
    expect(gzipTruncated(0).message).toMatch(/^The gzip data ends early \(truncated\?\) before any kmap text\./);
    // zlib (Node) and Chromium say the same things differently.
    for (const reason of [
      'incorrect data check',
      'The compressed data was not valid: incorrect data check.',
      "Failed to execute 'write' on 'WritableStreamDefaultWriter': The compressed data was not valid: incorrect data check",
    ]) {
      expect(gzipDamaged(reason, 850_000).message).toMatch(/^The gzip data is damaged \(its CRC-32 check fails\) after about 850 kB of kmap text\./);
    }
    expect(gzipDamaged('incorrect length check', 10).message).toMatch(/\(its length check fails\) after about 10 bytes of kmap text/);
    expect(gzipDamaged('invalid block type', 0).message).toMatch(/^The gzip data is damaged \(the compressed data is invalid: invalid block type\) near its start\./);
    for (const reason of ['Junk found after end of compressed data.', "Failed to execute 'write' on 'WritableStreamDefaultWriter': Junk found after end of compressed data.", 'incorrect header check']) {
      expect(gzipDamaged(reason, 5).message).toMatch(/^The gzip data is followed by bytes that are not gzip data \(garbage after the end\?\)\./);
    }
  });
});
