// The data worker's memory budget before and during a load (src/worker-api.ts,
// open()): a file whose whole data will not fit is announced once, after its
// first megabyte and before the rest is read, with an estimate of what it
// needs and how much of it fits; the answer reads on (the load then stops at
// the budget, partial), reads the whole file aggregates only (its access
// lines summed, not kept), or cancels (the kmap shown before comes back).

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KmapSession } from './kmap-session.ts';
import { writeKmap } from '../src/testing/kmap-writer.ts';
import type { KmapSource, MemoryWarning, OpenResult, TooBigAnswer } from '../src/worker-api.ts';
import { emptyFilter } from '../src/query/types.ts';
import { captureLike } from '../src/testing/capture-like.ts';
import { parseKmapBytes } from '../src/format/parser.ts';
import { QueryContext } from '../src/query/context.ts';
import { filterObjects } from '../src/query/filter.ts';
import { matrixView } from '../src/query/matrix.ts';
import { accessSites } from '../src/query/sites.ts';
import { keptSortOrders } from '../src/query/sort-orders.ts';

const TEXT = writeKmap({ variant: 'E', objects: 40_000, seed: 11, damage: 0, blank: 0, crlf: 0, longLine: false, leadingAccess: false });
const BYTES = new TextEncoder().encode(TEXT);
const TINY = 'ffffffff81400008,42,ffff888005000000,64,10,0,0000000000000000,KMALLOC,bash,kmalloc-64,\n  ffffffff81500004,1,2,42\n';
const noProgress = () => {};

let server: Server;
let base = '';
beforeAll(async () => {
  // The file with its Content-Length, in 64 KiB pieces (as a network would hand it over).
  server = createServer((_req, res) => {
    res.on('error', () => {});
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': String(BYTES.length) });
    let at = 0;
    const step = () => {
      if (res.destroyed) return;
      if (at >= BYTES.length) return void res.end();
      res.write(BYTES.subarray(at, at + 65536));
      at += 65536;
      setImmediate(step);
    };
    step();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const big = (): KmapSource => ({ kind: 'url', url: `${base}/big.kmap`, name: 'big.kmap' });
const OBJECTS = 40_000; // a clean file: every object line the writer wrote
const ACCESS_LINES = TEXT.split('\n').filter((l) => /^[ \t]+\S/.test(l)).length;

describe('a file too big for the memory budget', () => {
  it('is announced once, before the rest is read, with what it holds and how much of it fits', async () => {
    expect(BYTES.length).toBeGreaterThan(3 * 1024 * 1024);
    const session = new KmapSession(1_000_000);
    const asked: { warning: MemoryWarning; bytesRead: number }[] = [];
    let bytesRead = 0;
    const r = await session.open(big(), (p) => (bytesRead = p.bytesRead), async (warning) => {
      asked.push({ warning, bytesRead });
      return 'cancel' as const;
    });
    expect(asked).toHaveLength(1);
    const { warning } = asked[0];
    expect(asked[0].bytesRead).toBeLessThan(BYTES.length / 2);
    expect(warning.fileBytes).toBe(BYTES.length);
    expect(warning.budgetBytes).toBe(1_000_000);
    expect(warning.keptBytes).toBe(0);
    // Scaled from the first megabyte of a file whose lines are alike throughout.
    expect(Math.abs(warning.objects - OBJECTS) / OBJECTS).toBeLessThan(0.1);
    expect(Math.abs(warning.accessLines - ACCESS_LINES) / ACCESS_LINES).toBeLessThan(0.1);
    expect(warning.neededBytes).toBeGreaterThan(warning.budgetBytes / 1.5);
    expect(warning.fitFraction).toBeGreaterThan(0.05);
    expect(warning.fitFraction).toBeLessThan(0.95);
    expect(r).toMatchObject({ ok: false, cancelled: true });
  });

  it('"no" cancels the load and gives the kmap shown before back', async () => {
    const session = new KmapSession(1_000_000);
    const first = await session.open({ kind: 'file', file: new Blob([TINY]), name: 'tiny.kmap' }, noProgress);
    expect(first.ok).toBe(true);
    const r = await session.open(big(), noProgress, async (w) => {
      expect(w.keptBytes).toBeGreaterThan(0);
      return 'cancel' as const;
    });
    expect(r).toMatchObject({ ok: false, cancelled: true, previousKept: true });
    expect(session.summary()?.objects).toBe(1);
  });

  it('"yes" reads on and stops at the budget, keeping about the part it said would fit', async () => {
    const session = new KmapSession(1_000_000);
    let fit = 0;
    const r = await session.open(big(), noProgress, async (w) => {
      fit = w.fitFraction;
      return 'part' as const;
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.partial).toMatchObject({ reason: 'memory', totalBytes: BYTES.length });
    const kept = r.partial!.bytesKept / BYTES.length;
    expect(kept).toBeGreaterThan(fit * 0.6);
    expect(kept).toBeLessThan(Math.min(1, fit * 1.4));
    expect(r.summary.objects).toBeLessThan(OBJECTS);
  });

  it('a file that fits, or a session without a budget, asks nothing and loads whole', async () => {
    for (const session of [new KmapSession(2 ** 30), new KmapSession()]) {
      let asked = 0;
      const r = await session.open(big(), noProgress, async () => {
        asked++;
        return 'part' as const;
      });
      expect(asked).toBe(0);
      expect(r).toMatchObject({ ok: true, partial: null, summary: { objects: OBJECTS } });
    }
  });

  it('cancel() while the question is open ends the load, whatever the answer', async () => {
    const session = new KmapSession(1_000_000);
    const r = await session.open(big(), noProgress, async () => {
      session.cancel();
      return 'part' as const;
    });
    expect(r).toMatchObject({ ok: false, cancelled: true });
  });

  describe('a question never answered does not hold the load', () => {
    const never = () => new Promise<TooBigAnswer>(() => {});
    /** Opens the big file and waits until it asks (the load's result is wrapped: an async function would wait for it). */
    async function asked(session: KmapSession): Promise<{ result: Promise<OpenResult> }> {
      let isAsked!: () => void;
      const askedP = new Promise<void>((resolve) => (isAsked = resolve));
      const result = session.open(big(), noProgress, () => (isAsked(), never()));
      await askedP;
      return { result };
    }
    async function withPrevious(): Promise<KmapSession> {
      const session = new KmapSession(1_000_000);
      expect((await session.open({ kind: 'file', file: new Blob([TINY]), name: 'tiny.kmap' }, noProgress)).ok).toBe(true);
      return session;
    }

    it('cancel(): cancelled, and the kmap shown before is back', async () => {
      const session = await withPrevious();
      const { result } = await asked(session);
      session.cancel();
      expect(await result).toMatchObject({ ok: false, cancelled: true, previousKept: true });
      expect(session.summary()?.objects).toBe(1);
    });

    it('stop(): the part read is kept, partial', async () => {
      const session = await withPrevious();
      const { result } = await asked(session);
      session.stop();
      const r = await result;
      expect(r).toMatchObject({ ok: true, partial: { reason: 'stopped' } });
      expect(session.summary()!.objects).toBeGreaterThan(1);
      expect(session.summary()!.objects).toBeLessThan(OBJECTS);
    });

    it('close() and a newer open(): the old load ends cancelled', async () => {
      const session = await withPrevious();
      const first = await asked(session);
      session.close();
      expect(await first.result).toMatchObject({ ok: false, cancelled: true });
      const second = await asked(session);
      const newer = session.open({ kind: 'file', file: new Blob([TINY + TINY]), name: 'two.kmap' }, noProgress);
      expect(await second.result).toMatchObject({ ok: false, cancelled: true });
      expect(await newer).toMatchObject({ ok: true, summary: { objects: 2 } });
    });
  });

  it('stops about where it said for files whose names, IPs and callers keep coming', async () => {
    const shapes = {
      'a new command and IP per object': (i: number) =>
        `ffffffff${(0x81000000 + i * 16).toString(16)},7,ffff888004c2a000,64,${i + 1},0,0000000000000000,KMALLOC,task-${i},kmalloc-64,\n  ffffffff81533a17,0,3,7\n`,
      'from:/caller: access lines': (i: number) =>
        `ffffffff81001010,7,ffff888004c2a000,64,${i + 1},0,0000000000000000,KMALLOC,cat,kmalloc-64,\n  from:ffffffff81533a28,caller:ffffffff81000000,1,2\n  from:ffffffff81533a38,caller:ffffffff81000010,1,2\n`,
    };
    for (const [what, line] of Object.entries(shapes)) {
      // Bigger than the worker's 8 MiB file slice, so that the question comes before the end.
      const text = Array.from({ length: 300_000 }, (_, i) => line(i)).join('');
      const session = new KmapSession(24_000_000);
      let fit = 0;
      const r = await session.open({ kind: 'file', file: new Blob([text]), name: 'x.kmap' }, noProgress, async (w) => {
        fit = w.fitFraction;
        return 'part' as const;
      });
      expect(fit, `${what}: asked`).toBeGreaterThan(0);
      expect(r.ok, what).toBe(true);
      if (!r.ok) continue;
      expect(r.partial, what).toMatchObject({ reason: 'memory' });
      const kept = r.partial!.bytesKept / text.length;
      expect(kept, `${what}: predicted ${fit}`).toBeGreaterThan(fit * 0.7);
      expect(kept, `${what}: predicted ${fit}`).toBeLessThan(fit * 1.3);
    }
  });
});

describe('Save as kmap within the budget', () => {
  it('refuses a slice that would not fit in what the budget has left, naming the CLI; a smaller one is made', async () => {
    const session = new KmapSession(1_500_000);
    const file = new Blob([BYTES.subarray(0, 800_000)]);
    const res = await session.open({ kind: 'file', file, name: 'part.kmap' }, noProgress);
    expect(res.ok).toBe(true);
    const all = { ...(await import('../src/query/types.ts')).emptyFilter() };
    expect(() => session.kmapSlice(all)).toThrow(/would take about \d+ MB, more than this tab has left .*kmap slice FILE/);
    const some = { ...all, minSize: 4096 };
    const kept = session.query({ filter: some, sort: null }).total;
    expect(kept).toBeGreaterThan(0);
    expect(session.kmapSlice(some).size).toBeGreaterThan(0);
  });
});

describe('memoryUse(): what the queries keep', () => {
  it('grows with what a sort keeps, is not counted as data, and goes with the kmap', async () => {
    const session = new KmapSession();
    const opened = await session.open({ kind: 'file', file: new Blob([BYTES]) as File, name: 'q.kmap' }, noProgress);
    expect(opened.ok).toBe(true);
    const n = session.summary()!.objects;
    const before = session.memoryUse();
    const filter = { ...emptyFilter() };
    session.query({ filter, sort: { key: 'size', desc: true } });
    const after = session.memoryUse();
    expect(after.dataBytes).toBe(before.dataBytes);
    // The sorted selection, the sort's key words and its two pass buffers: 4 bytes an object each, at least.
    expect(after.queryBytes - before.queryBytes).toBeGreaterThanOrEqual(4 * 4 * n);
    // A second sort reuses them, and keeps the store's order by its column (4 bytes an object and a bit: query/sort-orders.ts).
    session.query({ filter, sort: { key: 'slab', desc: false } });
    expect(session.memoryUse().queryBytes).toBeLessThan(after.queryBytes + 4 * n + n / 8 + 4096);
    // A new file: the first one's context and buffers are let go (not held, not counted).
    const small = await session.open({ kind: 'file', file: new Blob([TINY]) as File, name: 'tiny.kmap' }, noProgress);
    expect(small.ok).toBe(true);
    session.query({ filter, sort: null });
    expect(session.memoryUse().queryBytes).toBeLessThan(4 * n);
    session.query({ filter, sort: { key: 'size', desc: true } });
    session.close();
    expect(session.memoryUse()).toMatchObject({ dataBytes: 0, queryBytes: 0 });
  });

  it('holds the per-object sums a moment after a load, not before the page has its answers', async () => {
    const session = new KmapSession();
    const opened = await session.open({ kind: 'file', file: new Blob([BYTES]) as File, name: 'q.kmap' }, noProgress);
    expect(opened.ok).toBe(true);
    const n = session.summary()!.objects;
    // The totals of every object need no per-object sums (the store's own totals).
    session.totals(emptyFilter());
    const atLoad = session.memoryUse().queryBytes;
    // (The filter's kept indices, 4 bytes an object, are held already.)
    expect(atLoad).toBeLessThanOrEqual(4 * n + 4096);
    await new Promise((resolve) => setTimeout(resolve, 400));
    // Lines, reads and writes per object: 4 bytes each at least.
    expect(session.memoryUse().queryBytes - atLoad).toBeGreaterThanOrEqual(3 * 4 * n);
    session.close();
  });
});

describe('orders kept for sorts', () => {
  it('a loaded kmap keeps its order by the column sorted by; a slice lets it go', async () => {
    const session = new KmapSession(1 << 30);
    expect((await session.open({ kind: 'file', file: new Blob([BYTES]) as File, name: 'q.kmap' }, noProgress)).ok).toBe(true);
    const ctxOf = () => (session as unknown as { ctx: QueryContext }).ctx;
    session.query({ filter: emptyFilter(), sort: { key: 'size', desc: true } });
    expect(keptSortOrders(ctxOf())).toEqual(['size']);
    expect(session.kmapSlice({ ...emptyFilter(), minSize: 4096 }).size).toBeGreaterThan(0);
    expect(keptSortOrders(ctxOf())).toEqual([]);
    session.close();
  });
});

describe('the site index, made after a load between questions', () => {
  it('is given up for a file whose lines spread over too many cells, and the matrix reads the lines', async () => {
    // A line a cell: 70,000 objects at as many IPs.
    const lines: string[] = [];
    for (let i = 0; i < 70_000; i++) {
      lines.push(`ffffffff81000010,1,ffff8880${(i * 64).toString(16).padStart(8, '0')},64,${i + 1},0,0000000000000000,KMALLOC,bash,kmalloc-64,`);
      lines.push(`  ffffffff8${(0x1000000 + i * 16).toString(16).padStart(7, '0')},1,2,${i % 7}`);
    }
    const bytes = new TextEncoder().encode(lines.join('\n') + '\n');
    const session = new KmapSession();
    expect((await session.open({ kind: 'file', file: new Blob([bytes]) as File, name: 'spread.kmap' }, noProgress)).ok).toBe(true);
    const ctx = new QueryContext(parseKmapBytes(bytes));
    const all = filterObjects(ctx, emptyFilter()).indices;
    expect(session.matrix(emptyFilter(), 'slab', 3, 2)).toEqual(matrixView(ctx, all, 'slab', false, 3, 2));
    expect(session.sites(emptyFilter())).toEqual(accessSites(ctx, all, false));
    session.close();
  });

  // A capture's few hundred IPs (kmap-writer's random IPs and pids would pass the pid bitmaps' cap: their sites then read the lines).
  const CAPTURE = captureLike(20_000, 3);

  it('is made by the warm-up without a question, and the sites and the matrix answer as the lines do', async () => {
    const session = new KmapSession();
    const opened = await session.open({ kind: 'file', file: new Blob([CAPTURE]) as File, name: 'capture.kmap' }, noProgress);
    expect(opened.ok).toBe(true);
    const n = session.summary()!.objects;
    const atLoad = session.memoryUse().queryBytes;
    // The per-object sums (12 bytes an object), then the index (2 bytes an object besides its cells): until they stop growing.
    for (let last = -1, waited = 0; session.memoryUse().queryBytes !== last && waited < 10_000; waited += 300) {
      last = session.memoryUse().queryBytes;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(session.memoryUse().queryBytes - atLoad).toBeGreaterThanOrEqual(14 * n);
    const held = session.memoryUse().queryBytes;
    // Answers from the index: nothing more is made for them (the lines would want the filter's objects and scratch).
    const filter = { ...emptyFilter(), state: 'freed' as const, otherTasks: true };
    const sites = session.sites(filter);
    expect(session.memoryUse().queryBytes).toBe(held);
    const store = parseKmapBytes(CAPTURE);
    const ctx = new QueryContext(store);
    expect(sites).toEqual(accessSites(ctx, filterObjects(ctx, filter).indices, true));
    expect(session.matrix(filter, 'slab', 3, 2)).toEqual(matrixView(ctx, filterObjects(ctx, filter).indices, 'slab', true, 3, 2));
    // A filter the cells cannot decide reads the lines.
    const byCommand = { ...emptyFilter(), commands: [Object.keys(session.summary()!.byCommand)[0]] };
    expect(session.sites(byCommand)).toEqual(accessSites(ctx, filterObjects(ctx, byCommand).indices, false));
    session.close();
  });
});

describe('a file too big whole, read aggregates only', () => {
  // 100,000 objects, about 650,000 access lines, 27 MB: whole, its data need
  // about 14 MB with growth headroom; aggregates only, about 9.
  const CAPTURE = captureLike(100_000);
  const file = (): KmapSource => ({ kind: 'file', file: new Blob([CAPTURE]) as File, name: 'capture.kmap' });
  const BUDGET = 11_000_000;

  it('offers it when it fits, reads the whole file, and answers as the file read whole does', async () => {
    const whole = new KmapSession();
    expect((await whole.open(file(), noProgress)).ok).toBe(true);
    const session = new KmapSession(BUDGET);
    const asked: MemoryWarning[] = [];
    const r = await session.open(file(), noProgress, async (w) => {
      asked.push(w);
      return 'aggregate' as const;
    });
    expect(asked).toHaveLength(1);
    expect(asked[0].aggregateFits).toBe(true);
    expect(asked[0].aggregateBytes).toBeLessThan(asked[0].neededBytes * 0.8);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.partial).toBeNull();
    expect(r.summary.aggregateOnly).toBe(true);
    const all = whole.summary()!;
    expect(all.aggregateOnly).toBe(false);
    expect({ ...r.summary, memory: null, aggregateOnly: null }).toEqual({ ...all, memory: null, aggregateOnly: null });
    expect(session.memoryUse().dataBytes).toBeLessThan(whole.memoryUse().dataBytes * 0.8);
    // Objects, their counts and sorts by them, the breakdowns, other tasks: as read whole.
    const filters = [emptyFilter(), { ...emptyFilter(), otherTasks: true }, { ...emptyFilter(), slabs: ['dentry'], state: 'live' as const }];
    for (const f of filters) {
      expect(session.totals(f)).toEqual(whole.totals(f));
      expect(session.breakdown(f, 'slab')).toEqual(whole.breakdown(f, 'slab'));
      const q = { filter: f, sort: { key: 'reads' as const, desc: true }, firstRows: 20 };
      expect(session.query(q)).toEqual(whole.query(q));
    }
    // The sites and the matrix for what a fold can narrow by; objects known (no symbols: a site is one IP).
    for (const f of [emptyFilter(), { ...emptyFilter(), otherTasks: true, types: ['KMALLOC'] }]) {
      expect(session.sites(f).map((s) => ({ ...s, pids: 0 }))).toEqual(whole.sites(f).map((s) => ({ ...s, pids: 0 })));
      expect(session.matrixCsv(f, 'slab')).toEqual(whole.matrixCsv(f, 'slab'));
    }
    // What needs the lines says so.
    expect(() => session.sites({ ...emptyFilter(), commands: ['task1'] })).toThrow(/aggregates only.*not by command/);
    expect(session.accesses(0, null)).toEqual([]);
    expect(() => session.kmapSlice(emptyFilter())).toThrow(/aggregates only/);
    const exported = await session.exportParquet('c', () => {}, () => {});
    expect(exported).toMatchObject({ ok: false, cancelled: false });
    expect(!exported.ok && exported.error).toMatch(/aggregates only/);
    // The warm-up after the load (the per-object sums; no site index of a store without lines) ends, and the answers stay.
    const held = session.memoryUse().queryBytes;
    for (let last = -1, waited = 0; session.memoryUse().queryBytes !== last && waited < 10_000; waited += 300) {
      last = session.memoryUse().queryBytes;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(session.memoryUse().queryBytes).toBeGreaterThanOrEqual(held);
    expect(session.matrixCsv(emptyFilter(), 'slab')).toEqual(whole.matrixCsv(emptyFilter(), 'slab'));
    whole.close();
    session.close();
  });

  it('is not offered when even the aggregates would not fit (a budget lowered by setMemoryBudget)', async () => {
    const session = new KmapSession(100_000_000);
    // Never raised past the worker's own; lowered for the next loads.
    session.setMemoryBudget(1e12);
    expect(session.memoryUse().budgetBytes).toBe(100_000_000);
    session.setMemoryBudget(3_000_000);
    expect(session.memoryUse().budgetBytes).toBe(3_000_000);
    let asked: MemoryWarning | null = null;
    const r = await session.open(file(), noProgress, async (w) => {
      asked = w;
      return 'cancel' as const;
    });
    expect(asked!.aggregateFits).toBe(false);
    expect(asked!.aggregateBytes).toBeGreaterThan(0);
    expect(r).toMatchObject({ ok: false, cancelled: true });
  });
});
