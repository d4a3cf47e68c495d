// Wrong and hostile files answered fast, in the parser itself (the CLI and
// the browser feed it the same way): one 200 MB line, a valid kmap followed
// by 50 MB of garbage, only access lines, every line bad. Each gets its
// answer (a KmapFormatError, or the good part kept and the bad lines
// counted) without the parser reading past its detection bound where it can
// refuse early, or holding more than it. "Fast" is asserted as work bounded
// (bytes read before the answer), not as wall-clock time, which a shared
// machine makes flaky (each case takes about a second or less here). Big
// inputs are made here, pushed in 1 MiB chunks from one reused buffer where
// they repeat.

import { describe, expect, it } from 'vitest';
import { KmapParser, MAX_DETECT_BYTES, MAX_LINE_BYTES } from './parser.ts';
import { catchFormatError } from '../testing/snapshot.ts';
import { rng } from '../testing/kmap-writer.ts';

const MiB = 1 << 20;
const enc = new TextEncoder();
const E_OBJ = 'ffffffff812e4410,731,ffff888004c2a000,64,120551,120870,ffffffff812e4f02,KMALLOC,cat,kmalloc-64,\n';
const E_ACC = '  ffffffff81533a17,0,3,731\n';

/** Pushes `chunk` `times` times (the caller's buffer reused, as a reader does). */
function pushRepeated(parser: KmapParser, chunk: Uint8Array, times: number): void {
  for (let i = 0; i < times; i++) parser.push(chunk);
}

function pushInChunks(parser: KmapParser, bytes: Uint8Array, size = MiB): void {
  for (let i = 0; i < bytes.length; i += size) parser.push(bytes.subarray(i, Math.min(bytes.length, i + size)));
}

/**
 * `numBlocks` times the same 1,000,000 random bytes that are never a space,
 * tab or \r (so no line is blank or indented), with a newline every 1,000
 * bytes: 1,000 lines per block.
 */
function garbage(numBlocks: number, seed: number): Uint8Array {
  const rand = rng(seed);
  const BLOCK = 1_000_000;
  const out = new Uint8Array(numBlocks * BLOCK);
  for (let i = 0; i < BLOCK; i++) {
    let c: number;
    do c = Math.floor(rand() * 256);
    while (c === 0x0a || c === 0x20 || c === 0x09 || c === 0x0d);
    out[i] = i % 1000 === 999 ? 0x0a : c;
  }
  for (let k = 1; k < numBlocks; k++) out.copyWithin(k * BLOCK, 0, BLOCK);
  return out;
}

describe('wrong files answered fast (parser)', () => {
  it('one 200 MB line without a newline: refused after 64 MiB, not read to its end', () => {
    const parser = new KmapParser();
    const chunk = new Uint8Array(MiB).fill(0x61);
    const err = catchFormatError(() => {
      pushRepeated(parser, chunk, 200);
      parser.finish();
    });
    expect(err.message).toBe(`Not a kmap: no kmap object line in the first 64 MiB (1 line): line 1: longer than ${MAX_LINE_BYTES} bytes.`);
    expect(parser.bytesIn).toBe(MAX_DETECT_BYTES); // it threw on the chunk that reached the bound
  });

  it('a 200 MB line inside a kmap is one bad line, skipped without being kept; the lines after it load', () => {
    const parser = new KmapParser();
    parser.push(enc.encode((E_OBJ + E_ACC).repeat(3000)));
    expect(parser.variant).toBe('E');
    const chunk = new Uint8Array(MiB).fill(0x61);
    pushRepeated(parser, chunk, 200);
    parser.push(enc.encode('\n' + E_OBJ + E_ACC));
    const store = parser.finish();
    expect([store.numObjects, store.numAccesses, store.numBadLines]).toEqual([3001, 3001, 1]);
    expect(store.badLines[0]).toMatchObject({ lineNum: 6001, reason: `line longer than ${MAX_LINE_BYTES} bytes`, text: 'a'.repeat(200) });
    expect(parser.linesRead).toBe(6003);
  });

  it('a valid kmap followed by 50 MB of garbage: the kmap is kept, every garbage line counted as bad', () => {
    const good = enc.encode((E_OBJ + E_ACC).repeat(1000));
    const junk = garbage(50, 5);
    const bytes = new Uint8Array(good.length + junk.length);
    bytes.set(good);
    bytes.set(junk, good.length);
    const parser = new KmapParser();
    pushInChunks(parser, bytes);
    const store = parser.finish();
    expect([store.numObjects, store.numAccesses, store.numBadLines]).toEqual([1000, 1000, 50_000]);
    expect(store.badLines[0].lineNum).toBe(2001);
  });

  it('only access lines (20 MB): refused', () => {
    const bytes = enc.encode(E_ACC.repeat(Math.ceil(20e6 / E_ACC.length)));
    const parser = new KmapParser();
    const err = catchFormatError(() => {
      pushInChunks(parser, bytes);
      parser.finish();
    });
    expect(err.message).toBe('Not a kmap: no line starts at column 0 with comma-separated fields (every line is indented or blank).');
  });

  it('every line bad (20 MB of object lines with a bad address): refused, naming the first', () => {
    const line = E_OBJ.replace('ffff888004c2a000', 'ffff888004c2a00g');
    const numLines = Math.ceil(20e6 / line.length);
    const bytes = enc.encode(line.repeat(numLines));
    const parser = new KmapParser();
    const err = catchFormatError(() => {
      pushInChunks(parser, bytes);
      parser.finish();
    });
    expect(err.message).toBe(
      `Not a kmap: none of its ${numLines.toLocaleString('en-US')} lines is a kmap object line ` +
        '(line 1: as a variant E line (11 fields), va is not a hex number: "ffff888004c2a00g").',
    );
  });

  it('more than 64 MiB of bad lines: refused at the bound, not at the end', () => {
    const line = 'x,y,z\n';
    const chunk = enc.encode(line.repeat(MiB / 2 / line.length));
    const parser = new KmapParser();
    const err = catchFormatError(() => pushRepeated(parser, chunk, 300));
    // 11 million lines of 6 bytes, the worst case for the detection pass (about 1 s on this machine).
    const numLines = Math.floor(MAX_DETECT_BYTES / line.length);
    expect(err.message).toBe(
      `Not a kmap: no kmap object line in the first 64 MiB (${numLines.toLocaleString('en-US')} lines): line 1: 3 fields; an object line has at least 6.`,
    );
    expect(parser.bytesIn).toBeLessThan(MAX_DETECT_BYTES + MiB);
  });
});
