// A kmap opened by URL (`src=`) from a server that answers HTTP Range
// requests is parsed in ranges like a dropped file (byte-ranges.ts,
// parallel-load.ts): the data worker streams the first range, each parsing
// worker asks for its own. Driven here against a real HTTP server on
// 127.0.0.1 whose answers the tests choose: the store must be the single
// parse's; a server without Range support is read as one stream, with the
// probe's answer used (the file is not asked for twice); a file that changes
// on the server while it is read fails the load with that said and keeps
// the previous kmap; HTTP errors read as before.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseKmapBytes } from '../src/format/parser.ts';
import { PARALLEL_MIN_BYTES } from '../src/format/ranges.ts';
import type { KmapStore } from '../src/store/kmap-store.ts';
import { storeDump } from '../src/testing/fuzz-check.ts';
import { writeKmap } from '../src/testing/kmap-writer.ts';
import type { LoadProgress } from '../src/worker-api.ts';
import { rangeChunks, readAt } from './byte-ranges.ts';
import { KmapSession } from './kmap-session.ts';
import { inThreadRanges, type RangeRunner } from './parallel-load.ts';

/** appendRanges refuses while `refuse` is set: the fallback to one piece, without a hostile file. */
const stitch = vi.hoisted(() => ({ refuse: false }));
vi.mock('../src/format/ranges.ts', async (importOriginal) => {
  const m = await importOriginal<typeof import('../src/format/ranges.ts')>();
  return { ...m, appendRanges: (...a: Parameters<typeof m.appendRanges>) => (stitch.refuse ? false : m.appendRanges(...a)) };
});

/** How the test server answers: per path, the bytes and what it does with a Range header. */
interface Served {
  bytes: Uint8Array;
  /** false: ignores Range and sends the whole file with 200, as a server without Range support does. */
  ranges: boolean;
  etag?: () => string;
  /** Replaces the body of the n-th request (1-based) by these bytes: the file changed on the server. */
  changeAfter?: number;
  /** Sends 10 bytes fewer than the Content-Range of a range answer says (chunked, ended cleanly). */
  shortBody?: boolean;
  /** More headers on every answer (Last-Modified, Content-Encoding: sent as they are, the body not encoded). */
  headers?: Record<string, string>;
  /** How a request with a Range header fails: the connection closed unanswered (a network error), or 416. */
  rangeFails?: 'reset' | 416;
}

let server: Server;
let base: string;
const files = new Map<string, Served>();
/** The Range header (or 'whole') of every request, per path. */
const requests = new Map<string, string[]>();

function answer(req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const f = files.get(path);
  if (!f) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found\n');
    return;
  }
  const seen = requests.get(path) ?? [];
  requests.set(path, seen);
  seen.push(req.headers.range ?? 'whole');
  let bytes = f.bytes;
  if (f.changeAfter !== undefined && seen.length > f.changeAfter) bytes = bytes.subarray(0, bytes.length - 1000);
  const headers: Record<string, string> = { 'Content-Type': 'text/plain', 'Accept-Ranges': f.ranges ? 'bytes' : 'none' };
  if (f.etag) headers.ETag = f.etag();
  Object.assign(headers, f.headers);
  if (f.rangeFails === 'reset' && req.headers.range) {
    req.socket.destroy();
    return;
  }
  if (f.rangeFails === 416 && req.headers.range) {
    res.writeHead(416, { ...headers, 'Content-Range': `bytes */${bytes.length}` }).end();
    return;
  }
  const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  if (f.ranges && m) {
    const first = Number(m[1]);
    const last = Math.min(bytes.length - 1, m[2] ? Number(m[2]) : bytes.length - 1);
    if (f.shortBody) {
      // Fewer bytes than the range names, sent chunked (no Content-Length) and ended cleanly.
      res.writeHead(206, { ...headers, 'Content-Range': `bytes ${first}-${last}/${bytes.length}` });
      res.end(bytes.subarray(first, last + 1 - 10));
      return;
    }
    res.writeHead(206, { ...headers, 'Content-Range': `bytes ${first}-${last}/${bytes.length}`, 'Content-Length': String(last - first + 1) });
    res.end(bytes.subarray(first, last + 1));
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': String(bytes.length) });
  res.end(bytes);
}

let big: Uint8Array;

beforeAll(async () => {
  big = new TextEncoder().encode(writeKmap({ variant: 'E', objects: Math.ceil(PARALLEL_MIN_BYTES / 150), seed: 41, damage: 0.001 }));
  // Idle keep-alive sockets stay open for the whole file: with Node's default (5 s) the server may close
  // one just as the client reuses it (ECONNRESET), which Node's fetch does not retry.
  server = createServer(answer);
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

const storeOf = (s: KmapSession) => (s as unknown as { store: KmapStore | null }).store;

function counting(): RangeRunner & { jobs: { start: number; end: number; kind: string }[] } {
  const jobs: { start: number; end: number; kind: string }[] = [];
  return { jobs, start: (job, onProgress) => (jobs.push({ start: job.start, end: job.end, kind: job.source.kind }), inThreadRanges.start(job, onProgress)) };
}

function serve(path: string, f: Served): string {
  files.set(path, f);
  requests.delete(path);
  return base + path;
}

describe('a kmap opened by URL', () => {
  it('from a server that answers Range requests is parsed in ranges, each asked for apart, to the single parse\'s store', async () => {
    const url = serve('/big.kmap', { bytes: big, ranges: true, etag: () => '"v1"' });
    const runner = counting();
    const session = new KmapSession(null, undefined, { workers: 3, runner });
    const progress: LoadProgress[] = [];
    const result = await session.open({ kind: 'url', url, name: 'big.kmap' }, (p) => progress.push(p));
    expect(result.ok).toBe(true);
    const single = parseKmapBytes(big);
    expect(storeDump(storeOf(session)!)).toEqual(storeDump(single));
    expect(runner.jobs.map((j) => j.kind)).toEqual(['url', 'url']);
    expect(runner.jobs.at(-1)!.end).toBe(big.length);
    // Every request but the probe asked for a range; the first range's own request starts at byte 0.
    const asked = requests.get('/big.kmap')!;
    expect(asked[0]).toBe('bytes=0-0');
    expect(asked.every((r) => r.startsWith('bytes='))).toBe(true);
    expect(asked).toContain(`bytes=0-${runner.jobs[0].start - 1}`);
    expect(asked).toContain(`bytes=${runner.jobs[0].start}-${runner.jobs[0].end - 1}`);
    // The size is known from the start (Content-Range), and progress ends at it.
    expect(progress[0].totalBytes).toBe(big.length);
    expect(progress.at(-1)).toMatchObject({ done: true, bytesRead: big.length, objects: single.numObjects });
  });

  it('from a server without Range support is read as one stream: the probe\'s answer, one request in all', async () => {
    const url = serve('/plain.kmap', { bytes: big, ranges: false });
    const runner = counting();
    const session = new KmapSession(null, undefined, { workers: 3, runner });
    const result = await session.open({ kind: 'url', url, name: 'plain.kmap' }, () => {});
    expect(result.ok).toBe(true);
    expect(storeDump(storeOf(session)!)).toEqual(storeDump(parseKmapBytes(big)));
    expect(runner.jobs).toEqual([]);
    expect(requests.get('/plain.kmap')).toEqual(['bytes=0-0']);
  });

  it('whose server fails the probe (a network error, 416) is asked again without Range and read as one stream', async () => {
    // As a server that compresses every answer does to Chromium, which refuses a compressed answer to a Range request.
    const url = serve('/reset.kmap', { bytes: big, ranges: true, rangeFails: 'reset' });
    const session = new KmapSession(null, undefined, { workers: 3, runner: inThreadRanges });
    const opened = await session.open({ kind: 'url', url, name: 'reset.kmap' }, () => {});
    expect(opened.ok ? '' : opened.error).toBe('');
    expect(storeDump(storeOf(session)!)).toEqual(storeDump(parseKmapBytes(big)));
    expect(requests.get('/reset.kmap')).toEqual(['bytes=0-0', 'whole']);
    // An empty file has no first byte to send: its 416 is no error, the plain answer says what the file is.
    const empty = serve('/empty.kmap', { bytes: new Uint8Array(0), ranges: true, rangeFails: 416 });
    const none = await session.open({ kind: 'url', url: empty, name: 'empty.kmap' }, () => {});
    expect(none.ok).toBe(false);
    expect(none.ok ? '' : none.error).not.toMatch(/HTTP 416/);
    expect(requests.get('/empty.kmap')).toEqual(['bytes=0-0', 'whole']);
  });

  it('too small to cut is read as one stream after the probe', async () => {
    const small = new TextEncoder().encode(writeKmap({ variant: 'E', objects: 500, seed: 5 }));
    const url = serve('/small.kmap', { bytes: small, ranges: true });
    const runner = counting();
    const session = new KmapSession(null, undefined, { workers: 3, runner });
    const opened = await session.open({ kind: 'url', url, name: 'small.kmap' }, () => {});
    expect(opened.ok ? '' : opened.error).toBe('');
    expect(storeDump(storeOf(session)!)).toEqual(storeDump(parseKmapBytes(small)));
    expect(runner.jobs).toEqual([]);
    expect(requests.get('/small.kmap')).toEqual(['bytes=0-0', 'whole']);
  });

  it('that changes on the server while it is read fails with that said, and the previous kmap stays', async () => {
    const small = new TextEncoder().encode(writeKmap({ variant: 'E', objects: 50, seed: 6 }));
    const session = new KmapSession(null, undefined, { workers: 2, runner: inThreadRanges });
    expect((await session.open({ kind: 'url', url: serve('/kept.kmap', { bytes: small, ranges: true }), name: 'kept.kmap' }, () => {})).ok).toBe(true);
    const before = storeDump(storeOf(session)!);
    for (const [name, f] of [
      // Shorter after the plan was made: its ranges no longer add up.
      ['shrinks', { bytes: big, ranges: true, changeAfter: 3 }],
      // A new version (ETag) of the same size.
      ['new-version', { bytes: big, ranges: true, etag: (() => { let n = 0; return () => `"v${++n > 3 ? 2 : 1}"`; })() }],
    ] as const) {
      const result = await session.open({ kind: 'url', url: serve(`/${name}.kmap`, f), name: 'big.kmap' }, () => {});
      expect(result.ok, name).toBe(false);
      if (result.ok) continue;
      expect(result.cancelled).toBe(false);
      expect(result.error).toMatch(/changed while it was read: asked for bytes \d+-\d+ of \d+, it answered HTTP 206 .*Open it again\.$/);
      if (name === 'new-version') expect(result.error).toContain('another version (ETag "v2", was "v1")');
      expect(result.previousKept).toBe(true);
      expect(storeDump(storeOf(session)!)).toEqual(before);
    }
  });

  it('whose ranges cannot be stitched is read again in one piece, by Range requests', async () => {
    // The stitch says no (format/ranges.ts: names near the cap; made to say no here) and the file is parsed
    // again whole, from the same URL.
    const url = serve('/unstitched.kmap', { bytes: big, ranges: true });
    const runner = counting();
    const session = new KmapSession(null, undefined, { workers: 2, runner });
    stitch.refuse = true;
    try {
      const result = await session.open({ kind: 'url', url, name: 'unstitched.kmap' }, () => {});
      expect(result.ok, result.ok ? '' : result.error).toBe(true);
    } finally {
      stitch.refuse = false;
    }
    expect(runner.jobs.length).toBe(1);
    expect(storeDump(storeOf(session)!)).toEqual(storeDump(parseKmapBytes(big)));
    const asked = requests.get('/unstitched.kmap')!;
    expect(asked.every((r) => r.startsWith('bytes='))).toBe(true);
    expect(asked.at(-1)).toMatch(/^bytes=0-/);
  });

  it('from a server whose answers are encoded, short, or of another Last-Modified fails with that said', async () => {
    const signal = new AbortController().signal;
    const url = serve('/checked.kmap', { bytes: big, ranges: true });
    const source = { kind: 'url', url, size: big.length, etag: null, lastModified: null } as const;
    // A source that says the file is longer than it is: the answer for its last bytes names fewer.
    await expect(readAt({ ...source, size: big.length + 10 }, big.length - 5, 10, () => false, signal)).rejects.toThrow(/changed while it was read: asked for bytes \d+-\d+ of \d+, it answered HTTP 206 with bytes/);
    // A body shorter than its Content-Range says.
    const short = serve('/short.kmap', { bytes: big, ranges: true, shortBody: true });
    await expect(readAt({ ...source, url: short }, 0, 100, () => false, signal)).rejects.toThrow(/answered \d+ bytes for bytes 0-99 \(100\)/);
    const dated = serve('/dated.kmap', { bytes: big, ranges: true, headers: { 'Last-Modified': 'Sat, 05 Dec 2026 08:00:00 GMT' } });
    await expect(readAt({ ...source, url: dated, lastModified: 'Fri, 04 Dec 2026 08:00:00 GMT' }, 0, 10, () => false, signal)).rejects.toThrow(
      'of another version (modified Sat, 05 Dec 2026 08:00:00 GMT, was Fri, 04 Dec 2026 08:00:00 GMT)',
    );
    const gz = serve('/encoded.kmap', { bytes: big, ranges: true, headers: { 'Content-Encoding': 'br' } });
    await expect(readAt({ ...source, url: gz }, 0, 10, () => false, signal)).rejects.toThrow('encoded (br)');
  });

  it('stopped while the server is asked whether it answers ranges ends as a cancel: the kmap shown stays', async () => {
    const small = new TextEncoder().encode(writeKmap({ variant: 'E', objects: 50, seed: 7 }));
    const session = new KmapSession(null, undefined, { workers: 2, runner: inThreadRanges });
    expect((await session.open({ kind: 'url', url: serve('/shown.kmap', { bytes: small, ranges: true }), name: 'shown.kmap' }, () => {})).ok).toBe(true);
    const before = storeDump(storeOf(session)!);
    const opening = session.open({ kind: 'url', url: serve('/stopped.kmap', { bytes: big, ranges: true }), name: 'stopped.kmap' }, () => {});
    session.stop();
    expect(await opening).toMatchObject({ ok: false, cancelled: true, previousKept: true });
    expect(storeDump(storeOf(session)!)).toEqual(before);
  });

  it('that is missing, or is a web page, says so as before, from the probe', async () => {
    const session = new KmapSession(null, undefined, { workers: 2, runner: inThreadRanges });
    const missing = await session.open({ kind: 'url', url: `${base}/nothing-here.kmap`, name: 'x' }, () => {});
    expect(missing).toMatchObject({ ok: false, cancelled: false, error: `${base}/nothing-here.kmap answered HTTP 404 Not Found.` });
  });

  it('is read in Range requests of a bounded size, each streamed, to exactly the bytes asked for', async () => {
    const url = serve('/pieces.kmap', { bytes: big, ranges: true });
    const source = { kind: 'url', url, size: big.length, etag: null, lastModified: null } as const;
    const signal = new AbortController().signal;
    const parts: Uint8Array[] = [];
    for await (const c of rangeChunks(source, 1000, () => 1_000_000, () => false, signal, 300_000)) parts.push(c.slice());
    expect(Buffer.concat(parts).equals(Buffer.from(big.subarray(1000, 1_000_000)))).toBe(true);
    expect(requests.get('/pieces.kmap')).toEqual(['bytes=1000-300999', 'bytes=301000-600999', 'bytes=601000-900999', 'bytes=901000-999999']);
    expect(Buffer.from(await readAt(source, big.length - 10, 100, () => false, signal)).equals(Buffer.from(big.subarray(big.length - 10)))).toBe(true);
    expect(requests.get('/pieces.kmap')!.at(-1)).toBe(`bytes=${big.length - 10}-${big.length - 1}`);
  });
});
