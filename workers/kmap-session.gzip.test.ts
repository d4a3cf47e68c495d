// KmapSession (the data worker) with gzip files: a .gz Blob, a multi-member
// one, and .gz URLs (served plain, and with Content-Encoding: gzip, which
// fetch undoes itself) load with the plain file's summary; progress counts
// compressed bytes against the compressed size, and so does a load stopped
// and kept; a damaged gzip file fails
// with its reason and gives the kmap shown before back; a gzip of a non-kmap
// is refused in the file's words; and a gzip bomb (a small file of huge
// text) is caught by the "too big" question before it is read, and by the
// running budget when the answer is to read on.
//
// Node's DecompressionStream hands a chunk's text over one chunk late, where
// Chromium's has handed it all over when the chunk's write completes; the
// memory estimate is made from that ratio, so those tests use a stand-in
// with Chromium's timing (node:zlib, flushed after every chunk). The loads
// run with both.

import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constants, createGunzip, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KmapSession } from './kmap-session.ts';
import { writeKmap } from '../src/testing/kmap-writer.ts';
import type { MakeDecompressor } from '../src/format/gunzip-web.ts';
import type { KmapSource, LoadProgress, MemoryWarning, OpenResult } from '../src/worker-api.ts';
import { concatBytes as concat } from '../src/testing/bytes.ts';

const SAMPLE = new Uint8Array(readFileSync(new URL('../public/sample.kmap', import.meta.url)));
const SAMPLE_GZ = new Uint8Array(gzipSync(SAMPLE));
const TINY = 'ffffffff81400008,42,ffff888005000000,64,10,0,0000000000000000,KMALLOC,bash,kmalloc-64,\n  ffffffff81500004,1,2,42\n';
const noProgress = () => {};

/** A DecompressionStream('gzip') with Chromium's timing: a chunk's write completes once all its text is enqueued. */
const chromiumTimed: MakeDecompressor = () => {
  const z = createGunzip();
  let text: Uint8Array[] = [];
  let failure: Error | null = null;
  z.on('data', (b: Buffer) => text.push(new Uint8Array(b)));
  z.on('error', (err) => (failure = err));
  const handOver = (c: TransformStreamDefaultController<Uint8Array>) => {
    for (const t of text) c.enqueue(t);
    text = [];
  };
  return new TransformStream<Uint8Array, Uint8Array>({
    transform: (chunk, c) =>
      new Promise<void>((resolve, reject) => {
        if (failure) return reject(failure);
        z.once('error', reject);
        z.write(chunk);
        z.flush(constants.Z_SYNC_FLUSH, () => {
          z.off('error', reject);
          if (failure) return reject(failure);
          handOver(c);
          resolve();
        });
      }),
    flush: (c) =>
      new Promise<void>((resolve, reject) => {
        if (failure) return reject(failure);
        z.once('error', reject);
        z.once('end', () => {
          handOver(c);
          resolve();
        });
        z.end();
      }),
  });
};
const DECOMPRESSORS: [string, MakeDecompressor | undefined][] = [
  ["Node's DecompressionStream", undefined],
  ["Chromium's timing", chromiumTimed],
];

const blob = (bytes: Uint8Array | Uint8Array[], name: string): KmapSource => ({
  kind: 'file',
  file: new Blob((Array.isArray(bytes) ? bytes : [bytes]) as BlobPart[]),
  name,
});

async function openOk(session: KmapSession, source: KmapSource, onProgress: (p: LoadProgress) => void = noProgress) {
  const r = await session.open(source, onProgress);
  if (!r.ok) throw new Error(`open(${source.name}) failed: ${r.error}`);
  return r;
}

let plainSummary: Extract<OpenResult, { ok: true }>['summary'];
let server: Server;
let base = '';
beforeAll(async () => {
  plainSummary = (await openOk(new KmapSession(), blob(SAMPLE, 'sample.kmap'))).summary;
  server = createServer((req, res) => {
    res.on('error', () => {});
    if (req.url === '/sample.kmap.gz') {
      res.writeHead(200, { 'Content-Type': 'application/gzip', 'Content-Length': String(SAMPLE_GZ.length) });
      res.end(SAMPLE_GZ);
    } else if (req.url === '/encoded/sample.kmap') {
      // The plain kmap, compressed for the transfer only: fetch hands over the text.
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip' });
      res.end(SAMPLE_GZ);
    } else if (req.url === '/encoded/sample.kmap.gz') {
      // The .gz file, compressed again for the transfer: fetch undoes one layer, the worker the other.
      res.writeHead(200, { 'Content-Type': 'application/gzip', 'Content-Encoding': 'gzip' });
      res.end(gzipSync(SAMPLE_GZ));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe.each(DECOMPRESSORS)('gzip input (%s)', (_, decompressor) => {
  it('a .gz Blob of the sample loads with the plain sample\'s summary; progress counts compressed bytes', async () => {
    const progress: LoadProgress[] = [];
    const r = await openOk(new KmapSession(null, decompressor), blob(SAMPLE_GZ, 'sample.kmap.gz'), (p) => progress.push({ ...p }));
    expect(r.summary).toEqual(plainSummary);
    expect(r.partial).toBeNull();
    for (const p of progress) expect(p.totalBytes).toBe(SAMPLE_GZ.length);
    for (let i = 1; i < progress.length; i++) expect(progress[i].bytesRead).toBeGreaterThanOrEqual(progress[i - 1].bytesRead);
    expect(progress.at(-1)).toMatchObject({ done: true, bytesRead: SAMPLE_GZ.length, objects: plainSummary.objects });
  });

  it('multi-member gzip (members cut anywhere, inside lines too) reads as the concatenation', async () => {
    const cuts = [0, 1, 1000, 1001, 250_000, 250_003, SAMPLE.length];
    const members = cuts.slice(1).map((end, k) => new Uint8Array(gzipSync(SAMPLE.subarray(cuts[k], end))));
    const r = await openOk(new KmapSession(null, decompressor), blob(members, 'cat.kmap.gz'));
    expect(r.summary).toEqual(plainSummary);
  });

  it('by URL: a .gz file, the plain file sent with Content-Encoding: gzip, and a .gz sent so (decompressed once each)', async () => {
    for (const path of ['/sample.kmap.gz', '/encoded/sample.kmap', '/encoded/sample.kmap.gz']) {
      const progress: LoadProgress[] = [];
      const r = await openOk(new KmapSession(null, decompressor), { kind: 'url', url: base + path, name: path }, (p) => progress.push({ ...p }));
      expect(r.summary, path).toEqual(plainSummary);
      // Content-Length is the .gz's size; a transfer encoding makes the size unknown.
      expect(progress.at(-1), path).toMatchObject(path === '/sample.kmap.gz' ? { bytesRead: SAMPLE_GZ.length, totalBytes: SAMPLE_GZ.length } : { totalBytes: null });
    }
  });

  it('"Stop and keep" keeps the complete lines read, its size in compressed bytes', async () => {
    const text = new TextEncoder().encode(writeKmap({ variant: 'E', objects: 60_000, seed: 41, damage: 0, blank: 0, crlf: 0, longLine: false, leadingAccess: false }));
    const gz = new Uint8Array(gzipSync(text));
    const session = new KmapSession(null, decompressor);
    let asked = false;
    const r = await session.open(blob(gz, 'big.kmap.gz'), (p) => {
      if (!asked && p.objects > 1000) {
        asked = true;
        session.stop();
      }
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.partial).toMatchObject({ reason: 'stopped', totalBytes: gz.length });
    expect(r.partial!.bytesKept).toBeGreaterThan(0);
    expect(r.partial!.bytesKept).toBeLessThan(gz.length);
    expect(r.summary.objects).toBeLessThan(60_000);
    expect(r.summary.badLines).toBe(0);
  });

  describe('a damaged gzip file fails, says what is wrong, and gives the kmap shown before back', () => {
    const cases: [string, Uint8Array, RegExp][] = [
      ['truncated', SAMPLE_GZ.slice(0, 60_000), /^The gzip data ends early \(truncated\?\) after \d+ kB of kmap text\. Nothing of it was loaded; gunzip -c/],
      ['a CRC that fails', SAMPLE_GZ.map((b, i) => (i === SAMPLE_GZ.length - 6 ? b ^ 1 : b)), /^The gzip data is damaged \(its CRC-32 check fails\) (after about \d+ kB of kmap text|near its start)\./],
      ['garbage after the member', concat([SAMPLE_GZ, new TextEncoder().encode('garbage\n')]), /^The gzip data is followed by bytes that are not gzip data \(garbage after the end\?\)/],
    ];
    for (const [what, bytes, message] of cases) {
      it(what, async () => {
        const session = new KmapSession(null, decompressor);
        await openOk(session, blob(new TextEncoder().encode(TINY), 'tiny.kmap'));
        const r = await session.open(blob(bytes, 'sample.kmap.gz'), noProgress);
        expect(r).toMatchObject({ ok: false, cancelled: false, previousKept: true });
        if (r.ok) return;
        expect(r.error).toMatch(message);
        expect(session.summary()?.objects).toBe(1);
      });
    }
  });

  it('a gzip of a non-kmap is refused in the file\'s words', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(5000).fill(7)]);
    const cases: [Uint8Array, string | RegExp][] = [
      [png, 'This file is gzip-compressed, and its content is a PNG image, not a kmap text file.'],
      [new TextEncoder().encode('just some notes\n'.repeat(1000)), /^This file is gzip-compressed, and its content is not a kmap: none of its 1,000 lines is a kmap object line/],
      [new Uint8Array(0), 'This file is gzip-compressed, and its content is empty.'],
    ];
    for (const [content, message] of cases) {
      const r = await new KmapSession(null, decompressor).open(blob(new Uint8Array(gzipSync(content)), 'x.gz'), noProgress);
      expect(r).toMatchObject({ ok: false, cancelled: false });
      if (!r.ok) expect(r.error).toMatch(message);
    }
  });
});

describe('a gzip bomb: a small file of huge text', () => {
  /** Identical kmap lines: gzip takes them at about 280 to one. */
  const LINE = 'ffffffff81400008,42,ffff888005000000,64,10,0,0000000000000000,KMALLOC,bash,kmalloc-64,\n  ffffffff81500004,1,2,42\n';
  const LINES_PER_MEMBER = 8000;
  const MEMBER_TEXT = new TextEncoder().encode(LINE.repeat(LINES_PER_MEMBER));
  const MEMBER = new Uint8Array(gzipSync(MEMBER_TEXT, { level: 9 }));
  /** `members` copies of one member: a multi-member file (as `cat` makes). */
  const bomb = (members: number): KmapSource => blob(new Array(members).fill(MEMBER), 'bomb.kmap.gz');

  it('is asked about before its text is read, with estimates of its text, objects and access lines', async () => {
    const members = 40; // 36 MB of text in 130 kB
    const session = new KmapSession(1_000_000, chromiumTimed);
    await openOk(session, blob(new TextEncoder().encode(TINY), 'tiny.kmap'));
    const asked: { w: MemoryWarning; bytesRead: number }[] = [];
    let bytesRead = 0;
    const r = await session.open(bomb(members), (p) => (bytesRead = p.bytesRead), async (w) => {
      asked.push({ w, bytesRead });
      return 'cancel' as const;
    });
    expect(r).toMatchObject({ ok: false, cancelled: true, previousKept: true });
    expect(session.summary()?.objects).toBe(1);
    expect(asked).toHaveLength(1);
    const { w } = asked[0];
    const fileBytes = MEMBER.length * members;
    expect(MEMBER_TEXT.length / MEMBER.length).toBeGreaterThan(200);
    expect(w.fileBytes).toBe(fileBytes);
    expect(Math.abs(w.textBytes! - MEMBER_TEXT.length * members) / (MEMBER_TEXT.length * members)).toBeLessThan(0.1);
    expect(Math.abs(w.objects - LINES_PER_MEMBER * members) / (LINES_PER_MEMBER * members)).toBeLessThan(0.1);
    expect(Math.abs(w.accessLines - LINES_PER_MEMBER * members) / (LINES_PER_MEMBER * members)).toBeLessThan(0.1);
    expect(w.fitFraction).toBeLessThan(0.5);
    expect(asked[0].bytesRead).toBeLessThan(fileBytes / 4);
  });

  it('"read on" stops at the budget, keeping about the part it said would fit (in compressed bytes)', async () => {
    const members = 40;
    const session = new KmapSession(1_000_000, chromiumTimed);
    let fit = 0;
    const r = await session.open(bomb(members), noProgress, async (w) => {
      fit = w.fitFraction;
      return 'part' as const;
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.partial).toMatchObject({ reason: 'memory', totalBytes: MEMBER.length * members });
    const kept = r.partial!.bytesKept / (MEMBER.length * members);
    expect(kept).toBeGreaterThan(fit * 0.6);
    expect(kept).toBeLessThan(Math.min(1, fit * 1.4));
    expect(r.summary.objects).toBeLessThan(LINES_PER_MEMBER * members);
  });

  it('1.3 GB of text in 4.5 MB: asked at once, and "read on" decompresses only about what fits', async () => {
    const members = 1400; // 1.3 GB of text
    const budget = 48 * 1024 * 1024;
    const t0 = performance.now();
    let w: MemoryWarning | null = null;
    const no = await new KmapSession(budget, chromiumTimed).open(bomb(members), noProgress, async (warning) => {
      w = warning;
      return 'cancel' as const;
    });
    expect(no).toMatchObject({ ok: false, cancelled: true });
    expect(w).not.toBeNull();
    const warning = w as unknown as MemoryWarning;
    expect(Math.abs(warning.objects - LINES_PER_MEMBER * members) / (LINES_PER_MEMBER * members)).toBeLessThan(0.1);
    expect(warning.textBytes! / (MEMBER_TEXT.length * members)).toBeGreaterThan(0.9);
    const askMs = performance.now() - t0;

    const yes = await new KmapSession(budget, chromiumTimed).open(bomb(members), noProgress, async () => 'part' as const);
    expect(yes.ok).toBe(true);
    if (!yes.ok) return;
    expect(yes.partial).toMatchObject({ reason: 'memory' });
    expect(yes.partial!.bytesKept / (MEMBER.length * members)).toBeLessThan(warning.fitFraction * 1.5);
    expect(yes.summary.objects).toBeLessThan(LINES_PER_MEMBER * members * warning.fitFraction * 1.5);
    console.log(`gzip bomb of ${(MEMBER_TEXT.length * members / 1e9).toFixed(2)} GB: asked after ${askMs.toFixed(0)} ms; read on: ${yes.summary.objects} objects kept in ${(yes.seconds * 1000).toFixed(0)} ms`);
  });
});
