// KmapSession (the data worker's state, no comlink) driven directly: the load
// lifecycle of open()/cancel()/close() with files (Node's Blob) and URLs (a
// node:http server on 127.0.0.1 started here), and the queries, aggregates,
// caching and symbols, checked against src/worker-api.ts's documented
// semantics and against counts read straight from the kmap text.

import { readFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { KmapSession } from './kmap-session.ts';
import { FILE_SLICE_BYTES } from './load-sources.ts';
import { writeKmap } from '../src/testing/kmap-writer.ts';
import { emptyFilter, type ObjectFilter } from '../src/query/types.ts';
import type { KmapSource, LoadProgress, OpenResult } from '../src/worker-api.ts';

// ---- fixtures ---------------------------------------------------------------

const SAMPLE = readFileSync(new URL('../public/sample.kmap', import.meta.url), 'utf8');
const SAMPLE_MAP = readFileSync(new URL('../public/sample.System.map', import.meta.url), 'utf8');

/**
 * A small variant-E kmap whose every number is known (fields: allocIp, pid,
 * va, size, allocIndex, freeIndex, freeIp, type, command, slab, newType;
 * access lines: ip, writes, reads, pid).
 */
const TINY = [
  'ffffffff81400008,42,ffff888005000000,64,10,0,0000000000000000,KMALLOC,bash,kmalloc-64,', // 0 live
  '  ffffffff81500004,1,2,42',
  '  ffffffff81500014,3,4,99',
  '  ffffffff81500024,0,9,-1',
  'ffffffff81400010,42,ffff888005000100,192,11,20,ffffffff81400090,KMEM_CACHE,bash,dentry,', // 1 freed
  '  ffffffff81500004,0,5,7',
  '0000000000000000,0,ffff888005001000,4096,12,0,0000000000000000,UFO_GLOBAL,,no-slab,', // 2 live, sentinel
  '  ffffffff81500014,6,6,0',
  'ffffffff81400020,7,ffff888005000200,32,13,0,0000000000000000,KMALLOC,cat,kmalloc-32,', // 3 live
  '  ffffffff81500024,1,1,42',
  '  ffffffff81500010,2,0,7', // exactly touch_b's first byte: a return address, so it is touch_a's (IP - 1)
  'ffffffff81400020,7,ffff888005000300,32,14,15,ffffffff81400090,KMALLOC,cat,kmalloc-32,', // 4 freed
  '',
].join('\n');

/**
 * Symbols for TINY: alloc sites in alloc_small, access IPs in touch_a /
 * touch_b. IPs are return addresses: an IP resolves to the symbol with the
 * greatest address <= IP - 1 (docs/kmap-format.md, "Kernel symbols").
 */
const TINY_MAP = [
  'ffffffff81000000 T _stext',
  'ffffffff81400000 T alloc_small',
  'ffffffff81400080 T free_small',
  'ffffffff81500000 T touch_a',
  'ffffffff81500010 t touch_b',
  'ffffffff81500100 T _etext',
  '',
].join('\n');

/** A well-formed System.map whose text lies nowhere near the capture's IPs (all of which are past its _etext). */
const FOREIGN_MAP = ['0000000000001000 T foo', '0000000000002000 T bar', '0000000000003000 t baz', '0000000000004000 T _etext', ''].join('\n');

/** /proc/kallsyms read without privilege: every address 0. */
const ZERO_KALLSYMS = ['0000000000000000 T startup_64', '0000000000000000 T copy_process', '0000000000000000 t do_one_initcall', ''].join('\n');

/** More than DETECT_OBJECT_LINES (2000) object lines, so the variant is detected well before the end. */
const BIG = writeKmap({ variant: 'E', objects: 6000, seed: 7, damage: 0, blank: 0, crlf: 0, longLine: false, leadingAccess: false });
const BIG_BYTES = new TextEncoder().encode(BIG);

/** Byte offset just past the n-th object line (a line starting at column 0) of `text`. */
function offsetAfterObjectLines(text: string, n: number): number {
  let seen = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const c = text[start];
    if (end > start && c !== ' ' && c !== '\t' && c !== '\r') seen++;
    start = end + 1;
    if (seen === n) return new TextEncoder().encode(text.slice(0, start)).length;
  }
  throw new Error(`fewer than ${n} object lines`);
}

/** The sample's object lines, read the obvious way (it is a clean variant-E file: 11 fields, no commas in names). */
interface RefObject {
  allocIp: bigint;
  pid: number;
  size: number;
  live: boolean;
  type: string;
  command: string;
  slab: string;
}
function refObjects(text: string): RefObject[] {
  const out: RefObject[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line[0] === ' ' || line[0] === '\t') continue;
    const f = line.split(',');
    if (f.length !== 11) throw new Error(`not an 11-field line: ${line}`);
    out.push({ allocIp: BigInt('0x' + f[0]), pid: Number(f[1]), size: Number(f[3]), live: f[5] === '0', type: f[7], command: f[8], slab: f[9] });
  }
  return out;
}
const SAMPLE_OBJECTS = refObjects(SAMPLE);
const isSentinelIp = (ip: bigint) => ip <= 0xffn || ip === 0xfeedbeefn;

const file = (text: BlobPart, name: string): KmapSource => ({ kind: 'file', file: new Blob([text]), name });
const filter = (over: Partial<ObjectFilter> = {}): ObjectFilter => ({ ...emptyFilter(), ...over });
const noProgress = () => {};

async function openOk(session: KmapSession, source: KmapSource): Promise<Extract<OpenResult, { ok: true }>> {
  const r = await session.open(source, noProgress);
  if (!r.ok) throw new Error(`open(${source.name}) failed: ${r.error}`);
  return r;
}

/** Everything a user would see of the loaded kmap through the selection (after query()). */
function allRows(session: KmapSession) {
  return session.rows(0, 1_000_000);
}

// ---- HTTP server ----------------------------------------------------------------

let server: Server;
let base = '';
/** Responses handed to the test for /held/* paths: the test writes (and stalls) the body itself. */
const heldWaiters = new Map<string, (res: ServerResponse) => void>();
const heldOpen: ServerResponse[] = [];

function nextHeld(path: string): Promise<ServerResponse> {
  return new Promise((resolve) => heldWaiters.set(path, resolve));
}

beforeAll(async () => {
  const sampleBytes = new TextEncoder().encode(SAMPLE);
  server = createServer((req, res) => {
    res.on('error', () => {});
    req.socket.on('error', () => {});
    const url = req.url ?? '';
    if (url === '/sample.kmap') {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': String(sampleBytes.length) });
      res.end(sampleBytes);
    } else if (url === '/sample.System.map') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(SAMPLE_MAP);
    } else if (url === '/slow.kmap') {
      // Chunked (no Content-Length), 30 pieces 20 ms apart.
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      const piece = Math.ceil(BIG_BYTES.length / 30);
      let at = 0;
      const step = () => {
        if (res.destroyed) return;
        if (at >= BIG_BYTES.length) {
          res.end();
          return;
        }
        res.write(BIG_BYTES.subarray(at, at + piece));
        at += piece;
        setTimeout(step, 20);
      };
      step();
    } else if (url === '/fallback.kmap') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>app</title>');
    } else if (heldWaiters.has(url)) {
      const w = heldWaiters.get(url)!;
      heldWaiters.delete(url);
      heldOpen.push(res);
      w(res);
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('no such file');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  for (const res of heldOpen.splice(0)) res.destroy();
  heldWaiters.clear();
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const url = (path: string, name = path.slice(1)): KmapSource => ({ kind: 'url', url: base + path, name });
const waitFor = (check: () => void) => vi.waitFor(check, { timeout: 5000, interval: 5 });

// ---- load lifecycle -------------------------------------------------------------

describe('open()', () => {
  it('a valid file resolves ok with its summary; progress ends with one done:true at the full size', async () => {
    const session = new KmapSession();
    expect(session.summary()).toBeNull();
    const progress: LoadProgress[] = [];
    const bytes = new TextEncoder().encode(SAMPLE);
    const r = await session.open(file(bytes, 'sample.kmap'), (p) => progress.push({ ...p }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.summary).toMatchObject({ format: 'E', objects: 671, accesses: 24175, liveObjects: 334, bytes: 1073777, badLines: 0 });
    expect(r.seconds).toBeGreaterThanOrEqual(0);
    expect(session.summary()).toEqual(r.summary);

    expect(progress.length).toBeGreaterThanOrEqual(1);
    const last = progress[progress.length - 1];
    expect(last).toMatchObject({ name: 'sample.kmap', done: true, bytesRead: bytes.length, totalBytes: bytes.length, objects: 671, accesses: 24175, badLines: 0 });
    expect(progress.filter((p) => p.done)).toHaveLength(1);

    // Queries after the load see it.
    expect(session.query({ filter: filter(), sort: null })).toEqual({ total: 671, numObjects: 671, unknownNames: [], searchErrors: [] });
    expect(session.totals(filter()).objects).toBe(671);
    // Asked for, the first rows come with the answer, as rows() gives them, for the new selection.
    const sorted = session.query({ filter: filter(), sort: { key: 'size', desc: true }, firstRows: 5 });
    expect(sorted.firstRows).toEqual(session.rows(0, 5));
    expect(sorted.firstRows!.map((r) => r.size)).toEqual([...sorted.firstRows!.map((r) => r.size)].sort((a, b) => Number(b) - Number(a)));
    expect(session.query({ filter: filter(), sort: null, firstRows: 2 }).firstRows!.map((r) => r.idx)).toEqual([0, 1]);
    expect(session.object(2)).toMatchObject({ idx: 2, allocIp: 'ffffffff812cab9b', size: 192, command: 'swapper/0', slab: 'radix_tree_node' });
  });

  it('a slow chunked URL: progress grows monotonically (bytes and objects), totalBytes null, one final done:true', async () => {
    const session = new KmapSession();
    const progress: LoadProgress[] = [];
    const r = await session.open(url('/slow.kmap'), (p) => progress.push({ ...p }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(progress.length).toBeGreaterThanOrEqual(3);
    for (let k = 1; k < progress.length; k++) {
      expect(progress[k].bytesRead).toBeGreaterThanOrEqual(progress[k - 1].bytesRead);
      expect(progress[k].objects).toBeGreaterThanOrEqual(progress[k - 1].objects);
      expect(progress[k].accesses).toBeGreaterThanOrEqual(progress[k - 1].accesses);
    }
    // It grew: more than one distinct byte count before the end.
    expect(new Set(progress.filter((p) => !p.done).map((p) => p.bytesRead)).size).toBeGreaterThanOrEqual(2);
    expect(progress.filter((p) => p.done)).toHaveLength(1);
    const last = progress[progress.length - 1];
    expect(last.done).toBe(true);
    expect(last.bytesRead).toBe(BIG_BYTES.length);
    expect(last.totalBytes).toBeNull();
    expect(last.objects).toBe(r.summary.objects);
    expect(progress[0].objects).toBeLessThan(last.objects);
    expect(r.summary.objects).toBe(6000);
    expect(session.query({ filter: filter(), sort: null }).total).toBe(6000);
  });

  it('a URL with Content-Length reports totalBytes and loads the same kmap as the file', async () => {
    const session = new KmapSession();
    const progress: LoadProgress[] = [];
    const r = await session.open(url('/sample.kmap'), (p) => progress.push({ ...p }));
    expect(r.ok).toBe(true);
    const size = new TextEncoder().encode(SAMPLE).length;
    expect(progress[progress.length - 1]).toMatchObject({ done: true, bytesRead: size, totalBytes: size });
    const fromFile = new KmapSession();
    const rf = await openOk(fromFile, file(SAMPLE, 'sample.kmap'));
    expect(r.ok && r.summary).toEqual(rf.summary);
  });

  it('queries during a load see the detected kmap grow; after the load, the whole of it', async () => {
    const session = new KmapSession();
    const resP = nextHeld('/held/grow');
    const done = session.open(url('/held/grow'), noProgress);
    const res = await resP;
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    const cut1 = offsetAfterObjectLines(BIG, 2500);
    const cut2 = offsetAfterObjectLines(BIG, 4000);
    res.write(BIG_BYTES.subarray(0, cut1));
    await waitFor(() => expect(session.summary()?.objects ?? 0).toBeGreaterThanOrEqual(2000));
    const q1 = session.query({ filter: filter(), sort: null });
    expect(q1.total).toBe(q1.numObjects);
    expect(q1.total).toBe(session.summary()!.objects);
    expect(q1.total).toBeLessThanOrEqual(2500);
    expect(session.totals(filter()).objects).toBe(q1.total);
    expect(session.rows(0, 3).map((r) => r.idx)).toEqual([0, 1, 2]);

    res.write(BIG_BYTES.subarray(cut1, cut2));
    await waitFor(() => expect(session.summary()!.objects).toBeGreaterThanOrEqual(3999));
    // The cached totals of the smaller store are not served for the bigger one.
    const t2 = session.totals(filter()).objects;
    expect(t2).toBe(session.summary()!.objects);
    expect(t2).toBeGreaterThan(q1.total);

    res.end(BIG_BYTES.subarray(cut2));
    const r = await done;
    expect(r.ok).toBe(true);
    expect(session.totals(filter()).objects).toBe(6000);
    expect(session.query({ filter: filter(), sort: null })).toMatchObject({ total: 6000, numObjects: 6000 });
  });

  it('a non-kmap second file fails with previousKept and the first is queryable as before; a valid second file replaces it', async () => {
    const session = new KmapSession();
    const first = await openOk(session, file(SAMPLE, 'sample.kmap'));
    const q = { filter: filter({ slabs: ['dentry', 'filp'] }), sort: { key: 'size' as const, desc: true } };
    const qr = session.query(q);
    const rowsBefore = allRows(session);
    expect(rowsBefore.length).toBe(qr.total);
    const totalsBefore = session.totals(filter());

    for (const bad of ['{"objects": []}\n', 'just some words\nand more\n', '\x89PNG\r\n\x1a\n']) {
      const r = await session.open(file(bad, 'notes.txt'), noProgress);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.cancelled).toBe(false);
      expect(r.previousKept).toBe(true);
      expect(r.error).toMatch(/kmap/i);
      expect(session.summary()).toEqual(first.summary);
      // The previous selection comes back with it, and a new query gives the same rows.
      expect(allRows(session)).toEqual(rowsBefore);
      expect(session.query(q)).toEqual(qr);
      expect(allRows(session)).toEqual(rowsBefore);
      expect(session.totals(filter())).toEqual(totalsBefore);
    }

    const second = await openOk(session, file(TINY, 'tiny.kmap'));
    expect(second.summary.objects).toBe(5);
    expect(session.summary()).toEqual(second.summary);
    expect(session.query({ filter: filter(), sort: null }).total).toBe(5);
    expect(session.nameOptions('slab').options.map((o) => o.name).sort()).toEqual(['dentry', 'kmalloc-32', 'kmalloc-64', 'no-slab']);

    // The replaced kmap is not kept: a failure now gives back TINY, not the sample.
    const r = await session.open(file('', 'empty.kmap'), noProgress);
    expect(r).toMatchObject({ ok: false, cancelled: false, previousKept: true });
    expect(!r.ok && r.error).toMatch(/empty/);
    expect(session.summary()).toEqual(second.summary);
  });

  it('a failure with nothing loaded before: previousKept false, nothing to query', async () => {
    const session = new KmapSession();
    const r = await session.open(file('hello\n', 'x.txt'), noProgress);
    expect(r).toMatchObject({ ok: false, cancelled: false, previousKept: false });
    expect(session.summary()).toBeNull();
    expect(session.query({ filter: filter(), sort: null })).toEqual({ total: 0, numObjects: 0, unknownNames: [], searchErrors: [] });
  });

  it('HTTP 404 gives an error naming the status (and keeps the previous kmap)', async () => {
    const session = new KmapSession();
    const first = await openOk(session, file(TINY, 'tiny.kmap'));
    const r = await session.open(url('/missing.kmap'), noProgress);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.cancelled).toBe(false);
    expect(r.error).toContain('404');
    expect(r.error).toMatch(/HTTP 404/);
    expect(r.error).toContain('/missing.kmap');
    expect(r.previousKept).toBe(true);
    expect(session.summary()).toEqual(first.summary);
  });

  it('a web page answered instead of the file (a server fallback) is named as such, with the URL', async () => {
    const session = new KmapSession();
    const r = await session.open(url('/fallback.kmap'), noProgress);
    expect(r).toMatchObject({ ok: false, cancelled: false });
    expect(!r.ok && r.error).toBe(`${base}/fallback.kmap answered HTTP 200 with a web page (text/html), not a kmap: the file is probably not on that server.`);
  });

  it('a server that does not answer: "could not be fetched", with the URL', async () => {
    const session = new KmapSession();
    const r = await session.open({ kind: 'url', url: 'http://127.0.0.1:9/x.kmap', name: 'x.kmap' }, noProgress);
    expect(r).toMatchObject({ ok: false, cancelled: false });
    expect(!r.ok && r.error).toMatch(/^http:\/\/127\.0\.0\.1:9\/x\.kmap could not be fetched/);
  });
});

/**
 * A file of `head`, then `fillBytes` bytes 'a' (no newline), then `tail`,
 * made on demand by slice() so that no test holds hundreds of MB; `maxEnd`
 * is the furthest byte the session asked for.
 */
function virtualFile(head: string, fillBytes: number, tail: string): { blob: Blob; maxEnd: () => number } {
  const h = new TextEncoder().encode(head);
  const t = new TextEncoder().encode(tail);
  const size = h.length + fillBytes + t.length;
  let maxEnd = 0;
  const blob = {
    size,
    slice(start = 0, end = size) {
      maxEnd = Math.max(maxEnd, end);
      const out = new Uint8Array(end - start).fill(0x61);
      for (let i = start; i < Math.min(end, h.length); i++) out[i - start] = h[i];
      for (let i = Math.max(start, size - t.length); i < end; i++) out[i - start] = t[i - (size - t.length)];
      return new Blob([out]);
    },
  } as unknown as Blob;
  return { blob, maxEnd: () => maxEnd };
}

describe('open(): one huge line', () => {
  it('a file that is one 200 MB line is refused after 64 MiB, without reading (or holding) the rest', async () => {
    const session = new KmapSession();
    const f = virtualFile('', 200 * 2 ** 20, '');
    const r = await session.open({ kind: 'file', file: f.blob, name: 'one-line.kmap' }, noProgress);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBe('Not a kmap: no kmap object line in the first 64 MiB (1 line): line 1: longer than 65536 bytes.');
    // The 64 MiB, the slice that passed them and the one read ahead (load-sources.ts): far from 200 MB.
    expect(f.maxEnd()).toBeLessThanOrEqual(64 * 2 ** 20 + 2 * FILE_SLICE_BYTES);
  });

  it('a 200 MB line inside a kmap is one bad line; the lines after it load', async () => {
    const session = new KmapSession();
    const f = virtualFile(TINY, 200 * 2 ** 20, '\n' + TINY);
    const r = await openOk(session, { kind: 'file', file: f.blob, name: 'long-line.kmap' });
    expect(r.summary).toMatchObject({ objects: 10, accesses: 14, badLines: 1 });
  });
});

describe('cancel()', () => {
  it('right after open() of a file: cancelled, and the previous complete kmap is kept', async () => {
    const session = new KmapSession();
    const first = await openOk(session, file(TINY, 'tiny.kmap'));
    const p = session.open(file(SAMPLE, 'sample.kmap'), noProgress);
    session.cancel();
    const r = await p;
    expect(r).toEqual({ ok: false, cancelled: true, error: 'Loading was cancelled.', previousKept: true });
    expect(session.summary()).toEqual(first.summary);
  });

  it('before the variant is detected (slow URL): queries see nothing meanwhile; cancel gives the previous back (previousKept)', async () => {
    const session = new KmapSession();
    const first = await openOk(session, file(SAMPLE, 'sample.kmap'));
    session.query({ filter: filter({ state: 'live' }), sort: { key: 'address', desc: false } });
    const rowsBefore = allRows(session);

    const resP = nextHeld('/held/early');
    const progress: LoadProgress[] = [];
    const p = session.open(url('/held/early'), (x) => progress.push({ ...x }));
    // Contract: until the new file is known to be a kmap, queries see nothing.
    expect(session.summary()).toBeNull();
    const res = await resP;
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write(BIG_BYTES.subarray(0, offsetAfterObjectLines(BIG, 100)));
    await waitFor(() => expect(progress.some((x) => x.bytesRead > 0)).toBe(true));
    expect(session.summary()).toBeNull();
    expect(session.query({ filter: filter(), sort: null }).total).toBe(0);

    session.cancel();
    const r = await p;
    expect(r).toEqual({ ok: false, cancelled: true, error: 'Loading was cancelled.', previousKept: true });
    expect(session.summary()).toEqual(first.summary);
    expect(allRows(session)).toEqual(rowsBefore);
    expect(session.query({ filter: filter(), sort: null }).total).toBe(671);
  });

  it('after the variant is detected: queries see the new file grow; cancel gives the previous back with its selection', async () => {
    const session = new KmapSession();
    const first = await openOk(session, file(SAMPLE, 'sample.kmap'));
    session.query({ filter: filter({ state: 'live' }), sort: { key: 'address', desc: false } });
    const rowsBefore = allRows(session);
    const resP = nextHeld('/held/late');
    const p = session.open(url('/held/late'), noProgress);
    const res = await resP;
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write(BIG_BYTES.subarray(0, offsetAfterObjectLines(BIG, 2600)));
    // Detected: the new store is committed and queries see it.
    await waitFor(() => expect(session.summary()?.objects ?? 0).toBeGreaterThanOrEqual(2000));
    expect(session.nameOptions('slab').options.map((o) => o.name)).not.toContain('maple_node');

    session.cancel();
    const r = await p;
    expect(r).toEqual({ ok: false, cancelled: true, error: 'Loading was cancelled.', previousKept: true });
    expect(session.summary()).toEqual(first.summary);
    expect(session.nameOptions('slab').options.map((o) => o.name)).toContain('maple_node');
    expect(allRows(session)).toEqual(rowsBefore);
  });

  it('a replacement that fails after the variant is detected (the connection drops) gives the previous back', async () => {
    const session = new KmapSession();
    const first = await openOk(session, file(SAMPLE, 'sample.kmap'));
    const resP = nextHeld('/held/drop');
    const p = session.open(url('/held/drop'), noProgress);
    const res = await resP;
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': String(BIG_BYTES.length) });
    res.write(BIG_BYTES.subarray(0, offsetAfterObjectLines(BIG, 2600)));
    await waitFor(() => expect(session.summary()?.objects ?? 0).toBeGreaterThanOrEqual(2000));
    res.destroy();
    const r = await p;
    expect(r).toMatchObject({ ok: false, cancelled: false, previousKept: true });
    expect(session.summary()).toEqual(first.summary);
  });

  it('a cancelled URL load stops reading (the fetch is aborted: the server sees the connection close)', async () => {
    const session = new KmapSession();
    const resP = nextHeld('/held/abort');
    const p = session.open(url('/held/abort'), noProgress);
    const res = await resP;
    const closed = new Promise<void>((resolve) => res.on('close', () => resolve()));
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write('ffffffff81400000,42,ffff888005000000,64,10,0,0000000000000000,KMALLOC,bash,kmalloc-64,\n');
    await new Promise((r) => setTimeout(r, 20));
    session.cancel();
    expect(await p).toMatchObject({ ok: false, cancelled: true, previousKept: false });
    await closed;
  });
});

describe('stop(): keep what is loaded', () => {
  it('keeps the complete lines read so far, never a cut line, and frees the previous kmap', async () => {
    const session = new KmapSession();
    await openOk(session, file(TINY, 'tiny.kmap'));
    const resP = nextHeld('/held/stop');
    const p = session.open(url('/held/stop'), noProgress);
    const res = await resP;
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': String(BIG_BYTES.length) });
    // 2600 objects with their access lines, then 30 bytes of the next object line, which must not be kept.
    const next = offsetAfterObjectLines(BIG, 2601);
    const whole = next - (BIG.slice(0, next).trimEnd().length - BIG.slice(0, next).trimEnd().lastIndexOf('\n'));
    expect(BIG_BYTES[whole - 1]).toBe(10);
    expect(BIG_BYTES[whole]).not.toBe(32);
    const cut = whole + 30;
    res.write(BIG_BYTES.subarray(0, cut));
    await waitFor(() => expect(session.summary()?.objects ?? 0).toBe(2600));
    session.stop();
    const r = await p;
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.partial).toMatchObject({ bytesKept: whole, totalBytes: BIG_BYTES.length, reason: 'stopped' });
    expect(r.summary.objects).toBe(2600);
    expect(r.summary.badLines).toBe(0);
    expect(session.summary()).toEqual(r.summary);
    // The kmap shown before is freed; the partial one is what a failing load now gives back.
    expect((session as unknown as { fallback: unknown }).fallback).toBeNull();
    const again = await session.open(file('hello\n', 'x.txt'), noProgress);
    expect(again).toMatchObject({ ok: false, previousKept: true });
    expect(session.summary()?.objects).toBe(2600);
  });

  it('before the file is known to be a kmap: the same as cancel (the previous comes back)', async () => {
    const session = new KmapSession();
    const first = await openOk(session, file(TINY, 'tiny.kmap'));
    const resP = nextHeld('/held/stop-early');
    const p = session.open(url('/held/stop-early'), noProgress);
    const res = await resP;
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write('\n\n');
    await new Promise((r) => setTimeout(r, 20));
    session.stop();
    expect(await p).toMatchObject({ ok: false, cancelled: true, previousKept: true });
    expect(session.summary()).toEqual(first.summary);
  });

  it('a load that would pass the memory budget stops by itself and keeps what it read (reason "memory")', async () => {
    const session = new KmapSession(400_000);
    const r = await session.open(url('/slow.kmap'), noProgress);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.partial).toMatchObject({ reason: 'memory', totalBytes: null });
    expect(r.partial!.bytesKept).toBeLessThan(BIG_BYTES.length);
    expect(r.partial!.memoryBytes).toBeGreaterThan(0);
    expect(r.summary.objects).toBeGreaterThanOrEqual(2000);
    expect(r.summary.objects).toBeLessThan(6000);
    expect(r.summary.badLines).toBe(0);
    // Without a budget the same file loads whole.
    const whole = await new KmapSession().open(url('/slow.kmap'), noProgress);
    expect(whole).toMatchObject({ ok: true, partial: null, summary: { objects: 6000 } });
  });

  it('a file load that finishes unstopped has partial: null', async () => {
    const session = new KmapSession();
    const r = await openOk(session, file(TINY, 'tiny.kmap'));
    expect(r.partial).toBeNull();
  });
});

describe('overlapping open() and close()', () => {
  it('two overlapping file opens: the older resolves cancelled, the newer wins', async () => {
    const session = new KmapSession();
    const p1 = session.open(file(SAMPLE, 'sample.kmap'), noProgress);
    const p2 = session.open(file(TINY, 'tiny.kmap'), noProgress);
    const [r1, r2] = await Promise.all([p1, p2]);
    expect(r1).toMatchObject({ ok: false, cancelled: true, previousKept: false });
    expect(r2.ok).toBe(true);
    expect(session.summary()?.objects).toBe(5);
  });

  it('a slow URL open overtaken by a file open: the URL resolves cancelled, the file wins', async () => {
    const session = new KmapSession();
    const resP = nextHeld('/held/overtaken');
    const p1 = session.open(url('/held/overtaken'), noProgress);
    const res = await resP;
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write(BIG_BYTES.subarray(0, offsetAfterObjectLines(BIG, 2500)));
    await waitFor(() => expect(session.summary()).not.toBeNull());
    const r2 = await session.open(file(TINY, 'tiny.kmap'), noProgress);
    const r1 = await p1;
    expect(r1).toMatchObject({ ok: false, cancelled: true, previousKept: false });
    expect(r2.ok).toBe(true);
    expect(session.summary()?.objects).toBe(5);
    // The stale load, settling late, did not touch the newer kmap.
    expect(session.query({ filter: filter(), sort: null }).total).toBe(5);
  });

  it('a kept kmap survives an undetected URL load overtaken by a failing open', async () => {
    const session = new KmapSession();
    const first = await openOk(session, file(TINY, 'tiny.kmap'));
    const resP = nextHeld('/held/undetected');
    const p1 = session.open(url('/held/undetected'), noProgress);
    const res = await resP;
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write(BIG_BYTES.subarray(0, 1000));
    const r2 = await session.open(file('<html></html>\n', 'page.html'), noProgress);
    expect(r2).toMatchObject({ ok: false, cancelled: false, previousKept: true });
    expect(!r2.ok && r2.error).toMatch(/HTML/);
    const r1 = await p1;
    expect(r1).toMatchObject({ ok: false, cancelled: true, previousKept: false });
    expect(session.summary()).toEqual(first.summary);
  });

  it('close() frees the kmap (every query answers empty), also in the middle of a load', async () => {
    const session = new KmapSession();
    await openOk(session, file(TINY, 'tiny.kmap'));
    session.query({ filter: filter(), sort: null });
    session.close();
    expect(session.summary()).toBeNull();
    expect(session.query({ filter: filter(), sort: null })).toEqual({ total: 0, numObjects: 0, unknownNames: [], searchErrors: [] });
    expect(session.rows(0, 10)).toEqual([]);
    expect(session.object(0)).toBeNull();
    expect(session.accesses(0, null)).toEqual([]);
    expect(session.positionOf(0)).toBe(-1);
    expect(session.totals(filter()).objects).toBe(0);
    expect(session.breakdown(filter(), 'slab')).toEqual([]);
    expect(session.sites(filter())).toEqual([]);
    expect(session.nameOptions('command')).toEqual({ options: [], total: 0 });

    // close() during a load: the load resolves cancelled and nothing is left (close is not a cancel: no previous comes back).
    await openOk(session, file(TINY, 'tiny.kmap'));
    const p = session.open(file(SAMPLE, 'sample.kmap'), noProgress);
    session.close();
    expect(await p).toMatchObject({ ok: false, cancelled: true, previousKept: false });
    expect(session.summary()).toBeNull();
  });
});

// ---- queries ------------------------------------------------------------------------

describe('query(), rows(), positionOf()', () => {
  const session = new KmapSession();
  beforeAll(async () => {
    await openOk(session, file(SAMPLE, 'sample.kmap'));
  });

  const cases: [string, Partial<ObjectFilter>, (o: RefObject) => boolean][] = [
    ['slabs', { slabs: ['dentry', 'filp'] }, (o) => o.slab === 'dentry' || o.slab === 'filp'],
    ['commands', { commands: ['ls'] }, (o) => o.command === 'ls'],
    ['search comm:', { search: 'comm:sh' }, (o) => o.command === 'sh'],
    ['search free text', { search: 'kworker' }, (o) => /kworker/i.test(o.command) || /kworker/i.test(o.slab) || /kworker/i.test(o.type)],
    ['state live', { state: 'live' }, (o) => o.live],
    ['state freed', { state: 'freed' }, (o) => !o.live],
    ['hideSentinels', { hideSentinels: true }, (o) => !isSentinelIp(o.allocIp)],
    ['minSize', { minSize: 4096 }, (o) => o.size >= 4096],
    ['ANDed', { slabs: ['no-slab'], state: 'live', minSize: 8192, hideSentinels: true }, (o) => o.slab === 'no-slab' && o.live && o.size >= 8192 && !isSentinelIp(o.allocIp)],
  ];
  it.each(cases)('%s: total and rows are exactly the objects it keeps', (_name, over, keep) => {
    const expected = SAMPLE_OBJECTS.flatMap((o, idx) => (keep(o) ? [idx] : []));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(671);
    const r = session.query({ filter: filter(over), sort: null });
    expect(r).toEqual({ total: expected.length, numObjects: 671, unknownNames: [], searchErrors: [] });
    const rows = allRows(session);
    expect(rows.map((x) => x.idx)).toEqual(expected);
    expect(session.totals(filter(over)).objects).toBe(expected.length);
    expect(session.totals(filter(over)).bytes).toBe(expected.reduce((s, i) => s + SAMPLE_OBJECTS[i].size, 0));
  });

  it('sort orders the rows (total unchanged); positionOf() agrees with rows()', () => {
    const f = filter({ slabs: ['no-slab', 'dentry'] });
    const unsorted = session.query({ filter: f, sort: null });
    const byIdx = allRows(session).map((r) => r.idx);
    const sorted = session.query({ filter: f, sort: { key: 'size', desc: true } });
    expect(sorted.total).toBe(unsorted.total);
    const rows = allRows(session);
    expect(rows).toHaveLength(sorted.total);
    for (let p = 1; p < rows.length; p++) expect(rows[p - 1].size).toBeGreaterThanOrEqual(rows[p].size);
    expect(rows.map((r) => r.idx).sort((a, b) => a - b)).toEqual(byIdx);
    expect(rows[0].size).toBeGreaterThan(rows[rows.length - 1].size);
    rows.forEach((r, p) => expect(session.positionOf(r.idx)).toBe(p));
    // Windows of rows() are slices of the selection.
    expect(session.rows(5, 3)).toEqual(rows.slice(5, 8));
    expect(session.rows(rows.length - 2, 10)).toEqual(rows.slice(-2));
    // Objects the filter drops, and indices out of range, have no position.
    const dropped = SAMPLE_OBJECTS.findIndex((o) => o.slab === 'filp');
    expect(session.positionOf(dropped)).toBe(-1);
    expect(session.positionOf(-1)).toBe(-1);
    expect(session.positionOf(671)).toBe(-1);

    const asc = session.query({ filter: f, sort: { key: 'size', desc: false } });
    expect(asc.total).toBe(sorted.total);
    const ascRows = allRows(session);
    expect(ascRows[0].size).toBe(rows[rows.length - 1].size);
    ascRows.forEach((r, p) => expect(session.positionOf(r.idx)).toBe(p));
  });

  it('sorts reuse one buffer: each answer is its own order, the filter stays in file order, positions forget dropped objects', () => {
    // The sorted selection and the positions are buffers kept between queries:
    // a sort writes a copy, never the filter's cached indices, and a smaller
    // selection after a larger one sees none of the larger one's objects.
    const all = filter();
    const few = filter({ slabs: ['dentry'] });
    const fileOrder = SAMPLE_OBJECTS.flatMap((o, idx) => (o.slab === 'dentry' ? [idx] : []));
    const bySize = (desc: boolean, idx: number[]) =>
      [...idx].sort((a, b) => (desc ? SAMPLE_OBJECTS[b].size - SAMPLE_OBJECTS[a].size : SAMPLE_OBJECTS[a].size - SAMPLE_OBJECTS[b].size) || a - b);
    session.query({ filter: all, sort: { key: 'size', desc: true } });
    expect(allRows(session).map((r) => r.idx)).toEqual(bySize(true, SAMPLE_OBJECTS.map((_, i) => i)));
    const farthest = session.rows(670, 1)[0].idx;
    expect(session.positionOf(farthest)).toBe(670);
    session.query({ filter: few, sort: { key: 'size', desc: false } });
    expect(allRows(session).map((r) => r.idx)).toEqual(bySize(false, fileOrder));
    if (!fileOrder.includes(farthest)) expect(session.positionOf(farthest)).toBe(-1);
    for (const idx of SAMPLE_OBJECTS.map((_, i) => i).filter((i) => !fileOrder.includes(i))) expect(session.positionOf(idx)).toBe(-1);
    session.query({ filter: few, sort: null });
    expect(allRows(session).map((r) => r.idx)).toEqual(fileOrder);
    session.query({ filter: all, sort: null });
    expect(allRows(session).map((r) => r.idx)).toEqual(SAMPLE_OBJECTS.map((_, i) => i));
  });

  it('unknown names are reported and keep nothing; unreadable search terms are reported', () => {
    const r = session.query({ filter: filter({ slabs: ['no-such-cache'], commands: ['nobody'] }), sort: null });
    expect(r.total).toBe(0);
    expect(r.unknownNames).toEqual(['slab cache "no-such-cache"', 'command "nobody"']);
    expect(allRows(session)).toEqual([]);

    const mixed = session.query({ filter: filter({ slabs: ['dentry', 'no-such-cache'] }), sort: null });
    expect(mixed.total).toBe(39);
    expect(mixed.unknownNames).toEqual(['slab cache "no-such-cache"']);

    const bad = session.query({ filter: filter({ search: 'pid:abc' }), sort: null });
    expect(bad.total).toBe(0);
    expect(bad.searchErrors.length).toBeGreaterThan(0);
  });

  it('nameOptions: counts of the whole file, most first', () => {
    const slabs = session.nameOptions('slab').options;
    expect(slabs[0]).toEqual({ name: 'no-slab', objects: 247 });
    expect(slabs.reduce((s, o) => s + o.objects, 0)).toBe(671);
    expect(session.nameOptions('command').options.find((o) => o.name === 'sh')).toEqual({ name: 'sh', objects: 150 });
  });

  it('nameOptions with a query and a limit: the first matches, and how many match', () => {
    const all = session.nameOptions('slab').options;
    const k = all.filter((o) => o.name.toLowerCase().includes('kmalloc'));
    expect(session.nameOptions('slab', 'KMALLOC', 3)).toEqual({ options: k.slice(0, 3), total: k.length });
    expect(session.nameOptions('slab', '', 2)).toEqual({ options: all.slice(0, 2), total: all.length });
    expect(session.nameOptions('command', '(empty', 5).options.map((o) => o.name)).toEqual(['']);
  });

  it('summary: at most 20 names per count list (the pickers ask for names)', () => {
    const s = session.summary()!;
    expect(Object.keys(s.byCommand).length).toBeLessThanOrEqual(20);
    expect(Object.keys(s.bySlab).length).toBe(Math.min(20, session.nameOptions('slab').total));
  });
});

describe('totals, breakdown, sites: consistency and caching', () => {
  const session = new KmapSession();
  beforeAll(async () => {
    await openOk(session, file(SAMPLE, 'sample.kmap'));
  });

  const filters: [string, ObjectFilter][] = [
    ['everything', filter()],
    ['dentry + filp', filter({ slabs: ['dentry', 'filp'] })],
    ['live, no sentinels', filter({ state: 'live', hideSentinels: true })],
  ];
  it.each(filters)('%s: breakdown sums and site access lines equal the totals', (_name, f) => {
    const t = session.totals(f);
    expect(t.objects).toBe(session.query({ filter: f, sort: null }).total);
    for (const by of ['type', 'slab', 'command', 'pid', 'site'] as const) {
      const rows = session.breakdown(f, by);
      const sum = (k: 'objects' | 'live' | 'bytes' | 'liveBytes' | 'accessLines' | 'reads' | 'writes') => rows.reduce((s, r) => s + Number(r[k]), 0);
      expect(sum('objects'), by).toBe(t.objects);
      expect(sum('live'), by).toBe(t.liveObjects);
      expect(sum('bytes'), by).toBe(t.bytes);
      expect(sum('liveBytes'), by).toBe(t.liveBytes);
      expect(sum('accessLines'), by).toBe(t.accesses);
      expect(sum('reads'), by).toBe(t.reads);
      expect(sum('writes'), by).toBe(t.writes);
      expect(new Set(rows.map((r) => r.key)).size, by).toBe(rows.length);
    }
    const sites = session.sites(f);
    expect(sites.reduce((s, r) => s + r.accessLines, 0)).toBe(t.accesses);
    expect(sites.reduce((s, r) => s + Number(r.reads), 0)).toBe(t.reads);
    expect(sites.reduce((s, r) => s + Number(r.writes), 0)).toBe(t.writes);
    const h = session.hierarchy(f, 1_000_000);
    expect(h.cells.reduce((s, c) => s + c.objects, 0)).toBe(t.objects);
    expect(h.cells).toHaveLength(h.total);
    expect(session.hierarchy(f, 2).cells).toEqual(h.cells.slice(0, 2));
  });

  it('equal-but-not-identical filters give the very same cached result objects', () => {
    const a = filter({ slabs: ['dentry', 'filp'], search: 'comm:sh', state: 'freed' });
    const b = filter({ slabs: ['filp', 'dentry', 'filp'], search: '  comm:sh ', state: 'freed' });
    expect(a).not.toBe(b);
    const ba = session.breakdown(a, 'command');
    const bb = session.breakdown(b, 'command');
    expect(bb).toEqual(ba);
    expect(bb).toBe(ba);
    expect(session.totals(b)).toBe(session.totals(a));
    expect(session.sites(b)).toBe(session.sites(a));
    expect(ba.length).toBeGreaterThan(0);
    // Another key, another result.
    expect(session.breakdown(a, 'slab')).not.toBe(ba);
    expect(ba.reduce((s, r) => s + r.objects, 0)).toBe(
      SAMPLE_OBJECTS.filter((o) => o.command === 'sh' && !o.live && (o.slab === 'dentry' || o.slab === 'filp')).length,
    );
    const wider = session.breakdown(filter({ ...a, search: '' }), 'command');
    expect(wider).not.toBe(ba);
    expect(wider.reduce((s, r) => s + r.objects, 0)).toBeGreaterThan(ba.reduce((s, r) => s + r.objects, 0));
  });

  it('breakdownCsv / sitesCsv: the header line, then one line per row', () => {
    const csv = session.breakdownCsv(filter(), 'slab');
    const lines = csv.split('\n');
    expect(lines[0]).toBe('key,objects,live,bytes,liveBytes,accessLines,reads,writes');
    expect(csv.endsWith('\n')).toBe(true);
    expect(lines.length - 2).toBe(session.breakdown(filter(), 'slab').length);
    expect(lines[1]).toBe('no-slab,247,146,792606,321566,6727,488119,99121');
    const scsv = session.sitesCsv(filter());
    expect(scsv.split('\n')[0]).toBe('site,reads,writes,accessLines,objects,pids');
    expect(scsv.split('\n').length - 2).toBe(session.sites(filter()).length);
  });
});

describe('exact aggregates of a small kmap', () => {
  it('totals, breakdown CSV, sites CSV; otherTasks counts only foreign access lines', async () => {
    const session = new KmapSession();
    await openOk(session, file(TINY, 'tiny.kmap'));
    expect(session.totals(filter())).toEqual({ objects: 5, liveObjects: 3, bytes: 4416, liveBytes: 4192, accesses: 7, reads: 27, writes: 13 });
    expect(session.breakdownCsv(filter(), 'slab')).toBe(
      [
        'key,objects,live,bytes,liveBytes,accessLines,reads,writes',
        'no-slab,1,1,4096,4096,1,6,6',
        'dentry,1,0,192,0,1,5,0',
        'kmalloc-32,2,1,64,32,2,1,3',
        'kmalloc-64,1,1,64,64,3,15,4',
        '',
      ].join('\n'),
    );
    const other = filter({ otherTasks: true });
    expect(session.query({ filter: other, sort: null }).total).toBe(3);
    expect(allRows(session).map((r) => r.idx)).toEqual([0, 1, 3]);
    const t = session.totals(other);
    expect(t.accesses).toBe(6); // all lines of objects 0, 1, 3
    // Only lines whose pid differs from the allocating pid: 2 of object 0, 1 of object 1, 1 of object 3.
    expect(session.sites(other).reduce((s, r) => s + r.accessLines, 0)).toBe(4);
  });

  it('nameOptions: most objects first, also for names that look like numbers', async () => {
    const session = new KmapSession();
    const line = (pid: number, cmd: string) => `ffffffff81001010,${pid},ffff888000001000,64,10,0,0000000000000000,KMALLOC,${cmd},kmalloc-64,\n`;
    const text = [...Array(5)].map(() => line(1, 'sh')).join('') + line(2, '42') + line(3, '7') + line(3, '7');
    await openOk(session, file(text, 'numeric.kmap'));
    expect(session.nameOptions('command').options).toEqual([
      { name: 'sh', objects: 5 },
      { name: '7', objects: 2 },
      { name: '42', objects: 1 },
    ]);
  });
});

// ---- symbols --------------------------------------------------------------------

describe('symbols', () => {
  const isHex16 = (k: string) => /^[0-9a-f]{16}$/.test(k);

  it('the sample and its System.map: all alloc IPs resolve, no mismatch; site keys turn to names and back', async () => {
    const session = new KmapSession();
    await openOk(session, file(SAMPLE, 'sample.kmap'));
    const f = filter();
    const before = session.breakdown(f, 'site');
    expect(before.every((r) => isHex16(r.key))).toBe(true);
    expect(before.map((r) => r.key)).toContain('ffffffff8112ad6c');
    expect(session.symbolsInfo()).toBeNull();
    expect(session.object(5)!.allocFn).toBeNull();

    const r = await session.loadSymbols({ kind: 'file', file: new Blob([SAMPLE_MAP]), name: 'sample.System.map' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r).toMatchObject({ name: 'sample.System.map', mismatch: null, badLines: 0 });
    expect(r.resolution.allocResolved).toBe(1);
    expect(r.resolution.distinctAllocIps).toBeGreaterThan(0);
    expect(r.numSymbols).toBeGreaterThanOrEqual(r.numFunctions);
    expect(session.symbolsInfo()).toEqual(r);

    const named = session.breakdown(f, 'site');
    expect(named).not.toBe(before);
    const keys = named.map((x) => x.key);
    expect(keys).toContain('copy_process');
    expect(keys).not.toContain('ffffffff8112ad6c');
    expect(named.reduce((s, x) => s + x.objects, 0)).toBe(671);
    expect(session.sites(f).some((s) => !isHex16(s.site))).toBe(true);
    expect(session.object(5)!.allocFn).toMatch(/^alloc_unbound_pwq\+0x[0-9a-f]+$/);

    session.clearSymbols();
    expect(session.symbolsInfo()).toBeNull();
    const again = session.breakdown(f, 'site');
    expect(again.every((x) => isHex16(x.key))).toBe(true);
    expect(again).toEqual(before);
    expect(session.object(5)!.allocFn).toBeNull();
  });

  it('symbols stay applied to a kmap opened later; results reflect the new file', async () => {
    const session = new KmapSession();
    await openOk(session, file(SAMPLE, 'sample.kmap'));
    const tinyMap = await session.loadSymbols({ kind: 'file', file: new Blob([TINY_MAP]), name: 'tiny.map' });
    expect(tinyMap.ok).toBe(true);
    expect(session.breakdown(filter(), 'site').reduce((s, r) => s + r.objects, 0)).toBe(671);

    await openOk(session, file(TINY, 'tiny.kmap'));
    const info = session.symbolsInfo();
    expect(info).toMatchObject({ ok: true, name: 'tiny.map', mismatch: null });
    expect(info!.resolution.allocResolved).toBe(1);
    expect(session.breakdown(filter(), 'site').map((r) => [r.key, r.objects])).toEqual([
      ['0000000000000000', 1],
      ['alloc_small', 4],
    ]);
    expect(session.sitesCsv(filter())).toBe(['site,reads,writes,accessLines,objects,pids', 'touch_b,20,10,4,3,4', 'touch_a,7,3,3,3,2', ''].join('\n'));
    expect(session.object(1)).toMatchObject({ allocFn: 'alloc_small+0x10', freeFn: 'free_small+0x10' });
  });

  it('a System.map of another kernel: ok, with a mismatch sentence', async () => {
    const session = new KmapSession();
    await openOk(session, file(SAMPLE, 'sample.kmap'));
    const r = await session.loadSymbols({ kind: 'file', file: new Blob([FOREIGN_MAP]), name: 'other.System.map' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.resolution.allocResolved).toBe(0);
    expect(r.mismatch).toContain('does not belong to this capture');
    expect(r.mismatch).toContain('other.System.map');
    expect(session.symbolsInfo()?.mismatch).toBe(r.mismatch);
  });

  it('unprivileged kallsyms (all zero) fails naming privilege, and the previous symbols stay', async () => {
    const session = new KmapSession();
    await openOk(session, file(SAMPLE, 'sample.kmap'));
    const good = await session.loadSymbols({ kind: 'file', file: new Blob([SAMPLE_MAP]), name: 'sample.System.map' });
    expect(good.ok).toBe(true);
    const named = session.breakdown(filter(), 'site');

    const r = await session.loadSymbols({ kind: 'file', file: new Blob([ZERO_KALLSYMS]), name: 'kallsyms' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.name).toBe('kallsyms');
    expect(r.error).toMatch(/privilege/);
    expect(session.symbolsInfo()).toEqual(good);
    expect(session.breakdown(filter(), 'site')).toEqual(named);
    expect(session.breakdown(filter(), 'site').map((x) => x.key)).toContain('copy_process');

    // Not a symbol file at all: also refused, also keeps them.
    const junk = await session.loadSymbols({ kind: 'file', file: new Blob(['hello world\n']), name: 'junk.txt' });
    expect(junk.ok).toBe(false);
    expect(session.symbolsInfo()?.name).toBe('sample.System.map');
  });

  it('by URL: the System.map loads; a 404 is refused naming the status and keeps the previous symbols', async () => {
    const session = new KmapSession();
    await openOk(session, file(SAMPLE, 'sample.kmap'));
    const r = await session.loadSymbols({ kind: 'url', url: base + '/sample.System.map', name: 'sample.System.map' });
    expect(r).toMatchObject({ ok: true, mismatch: null });
    const missing = await session.loadSymbols({ kind: 'url', url: base + '/missing.map', name: 'missing.map' });
    expect(missing.ok).toBe(false);
    expect(!missing.ok && missing.error).toMatch(/HTTP 404/);
    expect(session.symbolsInfo()?.name).toBe('sample.System.map');
  });

  it('symbols loaded before any kmap: no resolution yet, applied once a kmap is opened', async () => {
    const session = new KmapSession();
    const r = await session.loadSymbols({ kind: 'file', file: new Blob([SAMPLE_MAP]), name: 'sample.System.map' });
    expect(r).toMatchObject({ ok: true, mismatch: null, resolution: { allocResolved: null, accessResolved: null } });
    await openOk(session, file(SAMPLE, 'sample.kmap'));
    expect(session.symbolsInfo()?.resolution.allocResolved).toBe(1);
    expect(session.breakdown(filter(), 'site').map((x) => x.key)).toContain('copy_process');
  });
});

describe('object() and accesses()', () => {
  it('pidCommand is the command of the objects the access pid allocated; accesses(idx, sort) sorts', async () => {
    const session = new KmapSession();
    await openOk(session, file(TINY, 'tiny.kmap'));
    expect(session.object(0)).toMatchObject({ idx: 0, allocIp: 'ffffffff81400008', allocFn: null, pid: 42, size: 64, command: 'bash', live: true, accessLines: 3, reads: 15, writes: 4 });
    expect(session.object(5)).toBeNull();
    expect(session.object(-1)).toBeNull();
    expect(session.object(1.5)).toBeNull();

    const plain = session.accesses(0, null);
    expect(plain.map((a) => [a.ip, a.writes, a.reads, a.pid, a.pidCommand])).toEqual([
      ['ffffffff81500004', 1, 2, 42, 'bash'],
      ['ffffffff81500014', 3, 4, 99, null],
      ['ffffffff81500024', 0, 9, -1, null],
    ]);
    expect(session.accesses(3, null).map((a) => a.pidCommand)).toEqual(['bash', 'cat']);
    // pid 0 allocated object 2, whose command is empty.
    expect(session.accesses(2, null).map((a) => [a.pid, a.pidCommand])).toEqual([[0, '']]);
    expect(session.accesses(4, null)).toEqual([]);

    const byReads = session.accesses(0, { key: 'reads', desc: true });
    expect(byReads.map((a) => a.reads)).toEqual([9, 4, 2]);
    expect(byReads.map((a) => a.pidCommand)).toEqual([null, null, 'bash']);
    expect(session.accesses(0, { key: 'reads', desc: false }).map((a) => a.reads)).toEqual([2, 4, 9]);
    expect(session.accesses(0, { key: 'writes', desc: true }).map((a) => a.writes)).toEqual([3, 1, 0]);
    expect(session.accesses(0, { key: 'pid', desc: false }).map((a) => a.pid)).toEqual([-1, 42, 99]);
    expect(session.accesses(0, { key: 'ip', desc: true }).map((a) => a.ip)).toEqual(['ffffffff81500024', 'ffffffff81500014', 'ffffffff81500004']);

    await session.loadSymbols({ kind: 'file', file: new Blob([TINY_MAP]), name: 'tiny.map' });
    expect(session.object(3)!.allocFn).toBe('alloc_small+0x20');
    expect(session.object(2)!.allocFn).toBeNull(); // the catch-all sentinel resolves to nothing
    expect(session.accesses(0, null).map((a) => [a.fn, a.site])).toEqual([
      ['touch_a+0x4', 'touch_a'],
      ['touch_b+0x4', 'touch_b'],
      ['touch_b+0x14', 'touch_b'],
    ]);
    expect(session.accesses(3, null).map((a) => [a.fn, a.site])).toEqual([
      ['touch_b+0x14', 'touch_b'],
      ['touch_a+0x10', 'touch_a'],
    ]);
    expect(session.object(0)!.allocFn).toBe('alloc_small+0x8');
  });

  it('on the sample: every access row names the most frequent command of its pid', async () => {
    const session = new KmapSession();
    await openOk(session, file(SAMPLE, 'sample.kmap'));
    const byPid = new Map<number, Map<string, number>>();
    for (const o of SAMPLE_OBJECTS) {
      const m = byPid.get(o.pid) ?? new Map<string, number>();
      m.set(o.command, (m.get(o.command) ?? 0) + 1);
      byPid.set(o.pid, m);
    }
    const expectedCommand = (pid: number | null): string | null => {
      const m = pid === null ? undefined : byPid.get(pid);
      if (!m) return null;
      return [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))[0][0];
    };
    let checked = 0;
    for (let idx = 0; idx < 671; idx += 7) {
      for (const a of session.accesses(idx, null)) {
        expect(a.pidCommand, `object ${idx} pid ${a.pid}`).toBe(expectedCommand(a.pid));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});
