// kmapText() (the worker's and the page's gzip path) with Node's
// DecompressionStream, and with a stand-in that behaves as Chromium's does
// (a synchronous transform that fails with "Junk found after end of
// compressed data." when a write goes past the end of its member): plain
// bytes pass unchanged; gzip, multi-member gzip (members of any size, cut
// into chunks anywhere) reads as the concatenation; the meter counts
// compressed bytes and text; damaged gzip throws GzipDataError; a gzip bomb
// is held one piece at a time.

import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { kmapText, newInputMeter, type InputMeter, type MakeDecompressor } from './gunzip-web.ts';
import { GzipDataError } from './gzip.ts';
import { concatBytes as concat, sameBytes } from '../testing/bytes.ts';

const enc = new TextEncoder();
const E_OBJ = 'ffffffff812e4410,731,ffff888004c2a000,64,120551,120870,ffffffff812e4f02,KMALLOC,cat,kmalloc-64,\n';
const E_ACC = '  ffffffff81533a17,0,3,731\n';

/** Varied text that compresses about as a kmap does. */
function text(lines: number, seed = 1): Uint8Array {
  let s = '';
  for (let i = 0; i < lines; i++) s += E_OBJ.replace('120551', String(120551 + ((i * 7919 + seed) % 100003))) + (i % 3 === 0 ? E_ACC : '');
  return enc.encode(s);
}

function expectSame(actual: Uint8Array, expected: Uint8Array, what = ''): void {
  expect(sameBytes(actual, expected), what).toBe('same');
}

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, Math.min(bytes.length, at + size));
}

async function readAll(bytes: Uint8Array, size: number, make?: MakeDecompressor, meter: InputMeter = newInputMeter()): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const t of kmapText(chunked(bytes, size), meter, make)) parts.push(t);
  return concat(parts);
}

/**
 * A stand-in for Chromium's DecompressionStream, one per member in order:
 * a synchronous transform that gives out the member's text in proportion to
 * the compressed bytes it got (all of it with the last byte), throws "Junk
 * found after end of compressed data." when it gets more than its member,
 * and "Compressed input was truncated." when closed early. It also checks
 * that it got exactly its member's bytes.
 */
function chromiumLike(members: { gz: Uint8Array; text: Uint8Array }[]): MakeDecompressor & { made: () => number } {
  let i = 0;
  const make = (() => {
    const m = members[i++];
    if (!m) throw new Error('more members than the file has');
    const got: Uint8Array[] = [];
    let fed = 0;
    let out = 0;
    return new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        got.push(chunk.slice());
        fed += chunk.length;
        const upTo = fed >= m.gz.length ? m.text.length : Math.floor((m.text.length * fed) / m.gz.length);
        // In pieces of 16 KiB, as a decompressor hands them over.
        for (let at = out; at < upTo; at += 16384) controller.enqueue(m.text.slice(at, Math.min(upTo, at + 16384)));
        out = Math.max(out, upTo);
        if (fed > m.gz.length) throw new TypeError('Junk found after end of compressed data.');
      },
      flush() {
        if (fed < m.gz.length) throw new TypeError('Compressed input was truncated.');
        expectSame(concat(got), m.gz, 'the bytes of its member');
      },
    });
  }) as MakeDecompressor & { made: () => number };
  make.made = () => i;
  return make;
}

describe('kmapText', () => {
  it('passes a plain file on unchanged, at any chunking', async () => {
    const plain = text(500);
    for (const size of [7, 4096, plain.length]) {
      const meter = newInputMeter();
      expectSame(await readAll(plain, size, undefined, meter), plain);
      expect(meter).toEqual({ gzip: false, inputBytes: plain.length, textBytes: plain.length });
    }
    expectSame(await readAll(text(20), 1), text(20));
    expectSame(await readAll(new Uint8Array(0), 1), new Uint8Array(0));
    expectSame(await readAll(new Uint8Array([0x1f]), 1), new Uint8Array([0x1f]));
  });

  it('decompresses gzip (by its first two bytes, a chunk of one byte included) and meters it', async () => {
    const plain = text(3000);
    const gz = gzipSync(plain);
    for (const size of [4096, gz.length]) {
      const meter = newInputMeter();
      expectSame(await readAll(gz, size, undefined, meter), plain);
      expect(meter).toEqual({ gzip: true, inputBytes: gz.length, textBytes: plain.length });
    }
    const small = gzipSync(text(20));
    for (const size of [1, 7]) expectSame(await readAll(small, size), text(20));
  });

  it('reads multi-member gzip as the concatenation, with Node\'s decompressor and a Chromium-like one', async () => {
    // Members of every size, an empty one included, cut inside lines.
    const whole = text(4000, 3);
    const cuts = [0, 1, 1, 3000, 70_000, 70_001, 200_000, whole.length];
    const members = cuts.slice(1).map((end, k) => {
      const t = whole.slice(cuts[k], end);
      return { gz: new Uint8Array(gzipSync(t)), text: t };
    });
    const file = concat(members.map((m) => m.gz));
    for (const size of [1000, 65536, file.length]) {
      expectSame(await readAll(file, size), whole);
      const fake = chromiumLike(members);
      expectSame(await readAll(file, size, fake), whole, `chunks of ${size}`);
      expect(fake.made()).toBe(members.length);
    }
  });

  it('a member that holds the magic number where it ends is read right', async () => {
    // Text whose compressed form is followed by the next member's 1f 8b 08: a cut is tried at every member start only.
    const a = text(10);
    const gzA = new Uint8Array(gzipSync(a));
    const file = concat([gzA, gzA, gzA]);
    for (const size of [1, 2, 3, 4, 100]) {
      expectSame(await readAll(file, size), concat([a, a, a]));
      expectSame(await readAll(file, size, chromiumLike([0, 1, 2].map(() => ({ gz: gzA, text: a })))), concat([a, a, a]));
    }
  });

  describe('damaged gzip: GzipDataError, with the text read before it', () => {
    // Several pieces of text (Node's decompressor hands a piece's text over late: the count is then one piece short).
    const plain = text(40_000);
    const gz = new Uint8Array(gzipSync(plain));
    const expectDamage = async (bytes: Uint8Array, message: RegExp, make?: MakeDecompressor) => {
      const err = await readAll(bytes, 4096, make).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, String(err)).toBeInstanceOf(GzipDataError);
      expect((err as Error).message, (err as Error).message).toMatch(message);
    };

    it('truncated', async () => {
      await expectDamage(gz.slice(0, gz.length - 100), /^The gzip data ends early \(truncated\?\) after \d\.\d MB of kmap text\. Nothing of it was loaded/);
      await expectDamage(gz.slice(0, 5), /^The gzip data ends early \(truncated\?\) before any kmap text/);
      await expectDamage(gz.slice(0, gz.length - 100), /ends early/, chromiumLike([{ gz, text: plain }]));
    });

    it('a CRC or length check that fails', async () => {
      const crc = gz.slice();
      crc[crc.length - 6] ^= 1;
      await expectDamage(crc, /^The gzip data is damaged \(its CRC-32 check fails\) after about \d\.\d MB of kmap text\./);
      const len = gz.slice();
      len[len.length - 2] ^= 1;
      await expectDamage(len, /damaged \(its length check fails\)/);
    });

    it('garbage or zero bytes after the last member', async () => {
      await expectDamage(concat([gz, enc.encode('garbage\n')]), /^The gzip data is followed by bytes that are not gzip data \(garbage after the end\?\)/);
      // Zero padding: Chromium's decompressor refuses it (Node's stops at it quietly, as zlib does).
      for (const after of [enc.encode('garbage\n'), new Uint8Array(100)]) {
        await expectDamage(concat([gz, after]), /followed by bytes that are not gzip data/, chromiumLike([{ gz, text: plain }]));
      }
    });
  });

  it('holds a gzip bomb one piece at a time, and its meter gives the true ratio early', async () => {
    // 48 MB of text in about 170 kB.
    const line = enc.encode(E_OBJ);
    const block = new Uint8Array(line.length * 10_000);
    for (let i = 0; i < 10_000; i++) block.set(line, i * line.length);
    const member = new Uint8Array(gzipSync(block, { level: 9 }));
    const file = concat(Array.from({ length: 48 }, () => member));
    const ratio = (block.length * 48) / file.length;
    expect(ratio).toBeGreaterThan(200);
    // Node's decompressor hands a piece's text over one piece late, so the
    // ratio is checked with the Chromium-like one (which, like Chromium's,
    // hands it over before the next piece goes in).
    for (const make of [undefined, chromiumLike(Array.from({ length: 48 }, () => ({ gz: member, text: block })))]) {
      const meter = newInputMeter();
      let consumed = 0;
      let mostHeld = 0;
      let ratioAtFirstMiB = 0;
      for await (const t of kmapText(chunked(file, 8 * 1024 * 1024), meter, make)) {
        mostHeld = Math.max(mostHeld, meter.textBytes - consumed);
        consumed += t.length;
        if (!ratioAtFirstMiB && consumed >= 1 << 20) ratioAtFirstMiB = meter.textBytes / meter.inputBytes;
      }
      expect(consumed).toBe(block.length * 48);
      expect(mostHeld).toBeLessThan(6 * 1024 * 1024);
      if (make) expect(Math.abs(ratioAtFirstMiB - ratio) / ratio).toBeLessThan(0.1);
    }
  });
});
