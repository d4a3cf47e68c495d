// The data worker's parallel load (parallel-load.ts) driven directly: a big
// dropped file cut into ranges, the first parsed by the session as it parses
// any file, the others by a RangeRunner (here in this thread, or held back
// by the test to stop, cancel or fail at a chosen moment). The store must be
// the single parse's, whole; progress must count every range; a stop while
// the other ranges run keeps the first range; a failure or a cancel keeps
// the previous kmap.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKmapBytes } from '../src/format/parser.ts';
import { parseRangeBytes, PARALLEL_MIN_BYTES, presentNameColumns, rangeParser } from '../src/format/ranges.ts';
import type { KmapStore } from '../src/store/kmap-store.ts';
import { budgetBytes, storeBytes } from '../src/store/memory-estimate.ts';
import { appendParts, transferList, type StorePart } from '../src/store/store-parts.ts';
import { storeDump } from '../src/testing/fuzz-check.ts';
import { captureLike } from '../src/testing/capture-like.ts';
import { writeKmap } from '../src/testing/kmap-writer.ts';
import type { LoadProgress } from '../src/worker-api.ts';
import { KmapSession } from './kmap-session.ts';
import { appendPeakBytes, inThreadRanges, planSourceRanges, type RangeRunner } from './parallel-load.ts';

let bytes: Uint8Array;
let file: File;

beforeAll(() => {
  const text = writeKmap({ variant: 'E', objects: Math.ceil(PARALLEL_MIN_BYTES / 150), seed: 31, damage: 0.001 });
  bytes = new TextEncoder().encode(text);
  file = new File([bytes as Uint8Array<ArrayBuffer>], 'big.kmap');
});
afterAll(() => {
  bytes = new Uint8Array(0);
});

const storeOf = (s: KmapSession) => (s as unknown as { store: KmapStore | null }).store;

/** A runner whose ranges finish only when release() is called (or fail with fail()). */
function heldRunner(): RangeRunner & { release(): void; fail(why: string): void; started: Promise<void>; stops: number } {
  const waiting: { run: () => Promise<StorePart>; resolve: (p: StorePart) => void; reject: (e: Error) => void }[] = [];
  let started!: () => void;
  const runner = {
    stops: 0,
    started: new Promise<void>((r) => (started = r)),
    start(job: Parameters<RangeRunner['start']>[0], onProgress: Parameters<RangeRunner['start']>[1]) {
      const part = new Promise<StorePart>((resolve, reject) => waiting.push({ run: () => inThreadRanges.start(job, onProgress).part, resolve, reject }));
      started();
      return { part, stop: () => runner.stops++ };
    },
    release() {
      for (const w of waiting) w.run().then(w.resolve, w.reject);
    },
    fail(why: string) {
      for (const w of waiting) w.reject(new Error(why));
    },
  };
  return runner;
}

describe('a big dropped file parsed in ranges', () => {
  it('gives the single parse\'s store, with progress over every range', async () => {
    const plan = await planSourceRanges({ kind: 'blob', blob: file }, 3);
    expect(plan?.starts).toHaveLength(3);
    let started = 0;
    const counting: RangeRunner = { start: (job, onProgress) => (started++, inThreadRanges.start(job, onProgress)) };
    const session = new KmapSession(null, undefined, { workers: 3, runner: counting });
    const progress: LoadProgress[] = [];
    const result = await session.open({ kind: 'file', file, name: 'big.kmap' }, (p) => progress.push(p));
    expect(result.ok).toBe(true);
    const single = parseKmapBytes(bytes);
    expect(storeDump(storeOf(session)!)).toEqual(storeDump(single));
    expect(started).toBe(2); // the ranges were really parsed apart (not the whole file again in one piece)
    const last = progress.at(-1)!;
    expect(last).toMatchObject({ done: true, bytesRead: bytes.length, objects: single.numObjects, accesses: single.numAccesses, badLines: single.numBadLines });
    if (result.ok) {
      expect(result.partial).toBeNull();
      expect(result.summary.objects).toBe(single.numObjects);
    }
  });

  it('a stop while the other ranges run keeps the first range, complete, as a partial load', async () => {
    const runner = heldRunner();
    const session = new KmapSession(null, undefined, { workers: 2, runner });
    const plan = (await planSourceRanges({ kind: 'blob', blob: file }, 2))!;
    const opening = session.open({ kind: 'file', file, name: 'big.kmap' }, () => {});
    await runner.started;
    // Wait until the first range is parsed (all its rows are there, the other range held back), then stop.
    const firstRange = parseKmapBytes(bytes.subarray(0, plan.starts[1]));
    while ((storeOf(session)?.numObjects ?? 0) < firstRange.numObjects) await new Promise((r) => setTimeout(r, 5));
    session.stop();
    const result = await opening;
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.partial).toMatchObject({ bytesKept: plan.starts[1], reason: 'stopped' });
    expect(storeDump(storeOf(session)!)).toEqual(storeDump(firstRange));
    expect(runner.stops).toBe(1);
  });

  it('a parsing worker that fails fails the load with its reason, and the previous kmap stays', async () => {
    const session = new KmapSession(null, undefined, { workers: 2, runner: inThreadRanges });
    const small = new File(['ffffffff81400008,42,ffff888005000000,64,10,0,0000000000000000,KMALLOC,bash,kmalloc-64,\n'], 'small.kmap');
    expect((await session.open({ kind: 'file', file: small, name: 'small.kmap' }, () => {})).ok).toBe(true);
    const runner = heldRunner();
    const failing = new KmapSession(null, undefined, { workers: 2, runner });
    expect((await failing.open({ kind: 'file', file: small, name: 'small.kmap' }, () => {})).ok).toBe(true);
    const opening = failing.open({ kind: 'file', file, name: 'big.kmap' }, () => {});
    await runner.started;
    runner.fail('disk on fire');
    const result = await opening;
    expect(result).toMatchObject({ ok: false, cancelled: false, previousKept: true });
    if (!result.ok) expect(result.error).toMatch(/disk on fire/);
    expect(storeOf(failing)!.numObjects).toBe(1);
    expect(runner.stops).toBe(1);
  });

  it('a cancel while the other ranges run stops them and keeps the previous kmap', async () => {
    const small = new File(['ffffffff81400008,42,ffff888005000000,64,10,0,0000000000000000,KMALLOC,bash,kmalloc-64,\n'], 'small.kmap');
    const runner = heldRunner();
    const session = new KmapSession(null, undefined, { workers: 2, runner });
    expect((await session.open({ kind: 'file', file: small, name: 'small.kmap' }, () => {})).ok).toBe(true);
    const opening = session.open({ kind: 'file', file, name: 'big.kmap' }, () => {});
    await runner.started;
    session.cancel();
    const result = await opening;
    expect(result).toMatchObject({ ok: false, cancelled: true, previousKept: true });
    expect(runner.stops).toBe(1);
  });

  it('a file the memory estimate says will not fit starts no parsing worker, and reads in one piece when the user reads on', async () => {
    let started = 0;
    const counting: RangeRunner = {
      start(job, onProgress) {
        started++;
        return inThreadRanges.start(job, onProgress);
      },
    };
    // A budget a quarter of what the file needs: the question comes after the first slice.
    const session = new KmapSession(8 * 1024 * 1024, undefined, { workers: 2, runner: counting });
    let asked = 0;
    const result = await session.open({ kind: 'file', file, name: 'big.kmap' }, () => {}, async () => {
      asked++;
      expect(started).toBe(0); // nothing parses the other ranges while the question waits
      return 'part' as const;
    });
    expect(asked).toBe(1);
    expect(started).toBe(0);
    expect(result.ok && result.partial?.reason).toBe('memory');
    // What was kept is the file's start, in one piece: the single parse of those bytes.
    if (result.ok && result.partial) {
      const kept = storeOf(session)!;
      expect(kept.numObjects).toBeGreaterThan(0);
      expect(storeDump(kept)).toEqual(storeDump(parseKmapBytes(bytes.subarray(0, result.partial.bytesKept))));
    }
  });

  it('a too-big file read on in one piece after a short first range reads every byte (no slice skipped)', async () => {
    // Three ranges: the first (about 6 MB) is shorter than one 8 MiB slice, so the next slice must start where it ended.
    const plan = (await planSourceRanges({ kind: 'blob', blob: file }, 3))!;
    expect(plan.starts[1]).toBeLessThan(8 * 1024 * 1024);
    const single = parseKmapBytes(bytes);
    const session = new KmapSession(Math.floor(0.8 * budgetBytes(single)), undefined, { workers: 3, runner: inThreadRanges });
    const result = await session.open({ kind: 'file', file, name: 'big.kmap' }, () => {}, async () => 'part' as const);
    expect(result.ok && result.partial?.reason).toBe('memory');
    if (result.ok && result.partial) {
      expect(result.partial.bytesKept).toBeGreaterThan(plan.starts[1]);
      expect(storeDump(storeOf(session)!)).toEqual(storeDump(parseKmapBytes(bytes.subarray(0, result.partial.bytesKept))));
    }
  });

  /** The big file with slices that take 50 ms each to read, so that a second call lands while a load still plans. */
  function slowFile(): File {
    const slow = new File([bytes as Uint8Array<ArrayBuffer>], 'big.kmap');
    const sliceOf = slow.slice.bind(slow);
    slow.slice = (...args: Parameters<Blob['slice']>) => {
      const part = sliceOf(...args);
      const read = part.arrayBuffer.bind(part);
      part.arrayBuffer = () => new Promise((r) => setTimeout(r, 50)).then(read);
      return part;
    };
    return slow;
  }
  const small = () => new File(['ffffffff81400008,42,ffff888005000000,64,10,0,0000000000000000,KMALLOC,bash,kmalloc-64,\n'], 'small.kmap');

  it('a cancel while the plan still reads the file keeps the kmap on screen; after a load that was still running, the kmap before both comes back', async () => {
    // Parsing workers held back: the big load below is still running (awaiting them) when it is replaced.
    const held = heldRunner();
    const session = new KmapSession(null, undefined, { workers: 2, runner: held });
    expect((await session.open({ kind: 'file', file: small(), name: 'small.kmap' }, () => {})).ok).toBe(true);
    let opening = session.open({ kind: 'file', file: slowFile(), name: 'big.kmap' }, () => {});
    await new Promise((r) => setTimeout(r, 10));
    session.cancel();
    expect(await opening).toMatchObject({ ok: false, cancelled: true, previousKept: true });
    expect(storeOf(session)?.numObjects).toBe(1);
    // A big load that shows rows, replaced by one still planning, then cancelled: the small kmap is back.
    const running = session.open({ kind: 'file', file, name: 'big.kmap' }, () => {});
    await held.started;
    while ((storeOf(session)?.numObjects ?? 0) <= 1) await new Promise((r) => setTimeout(r, 5));
    opening = session.open({ kind: 'file', file: slowFile(), name: 'big.kmap' }, () => {});
    await new Promise((r) => setTimeout(r, 10));
    session.cancel();
    expect(await opening).toMatchObject({ ok: false, cancelled: true, previousKept: true });
    expect(await running).toMatchObject({ ok: false, cancelled: true });
    expect(storeOf(session)?.numObjects).toBe(1);
  });

  it('a newer open while the plan still reads the file: the newer load keeps its store', async () => {
    const session = new KmapSession(null, undefined, { workers: 2, runner: inThreadRanges });
    const slow = slowFile();
    const first = session.open({ kind: 'file', file: slow, name: 'big.kmap' }, () => {});
    await new Promise((r) => setTimeout(r, 10));
    const second = await session.open({ kind: 'file', file: small(), name: 'small.kmap' }, () => {});
    expect(second.ok).toBe(true);
    expect(await first).toMatchObject({ ok: false, cancelled: true });
    expect(storeOf(session)?.numObjects).toBe(1);
  });

  it('the peak of appending the parts is what the stitch allocates: the store reserved for every row, and the parts held', async () => {
    const plan = (await planSourceRanges({ kind: 'blob', blob: file }, 3))!;
    const first = rangeParser('E', true);
    first.push(bytes.subarray(0, plan.starts[1]));
    first.finish();
    const parts = [1, 2].map((k) => parseRangeBytes(bytes.subarray(plan.starts[k], plan.starts[k + 1] ?? bytes.length), 'E'));
    const peak = appendPeakBytes(first.store, parts);
    const held = parts.reduce((n, p) => n + transferList(p).reduce((m, b) => m + b.byteLength, 0), 0);
    appendParts(first.store, first.linesRead, parts, presentNameColumns('E'));
    // The store as appended (before its trim) and the parts still held: the peak, within a few percent (the name tables' hashes).
    const atPeak = storeBytes(first.store) + held;
    expect(peak / atPeak).toBeGreaterThan(0.97);
    expect(peak / atPeak).toBeLessThan(1.1);
    // Less than the whole store as the running budget counts it, with growth headroom: the stitch of a load that fitted fits.
    expect(peak).toBeLessThan(budgetBytes(parseKmapBytes(bytes)) + held);
  });

  it('when appending the parts would pass the budget (parts that hold more than the room left), the first range is kept, partial for memory', async () => {
    const single = parseKmapBytes(bytes);
    let started = 0;
    const budget = Math.floor(1.5 * budgetBytes(single));
    // The parts as parsed, each with a buffer of half the budget beside them (as if they held that much more).
    const counting: RangeRunner = {
      start(job, onProgress) {
        started++;
        const run = inThreadRanges.start(job, onProgress);
        return { part: run.part.then((p) => ({ ...p, callerIp: new Uint32Array(budget / 8) })), stop: run.stop };
      },
    };
    const session = new KmapSession(budget, undefined, { workers: 2, runner: counting });
    const plan = (await planSourceRanges({ kind: 'blob', blob: file }, 2))!;
    const result = await session.open({ kind: 'file', file, name: 'big.kmap' }, () => {}, async () => 'part' as const);
    expect(started).toBe(1);
    expect(result.ok && result.partial?.reason).toBe('memory');
    expect(storeDump(storeOf(session)!)).toEqual(storeDump(parseKmapBytes(bytes.subarray(0, plan.starts[1]))));
  });

  it('small files, gzip files and URLs load in one piece (no plan)', async () => {
    expect(await planSourceRanges({ kind: 'blob', blob: new File([bytes.subarray(0, 1_000_000) as Uint8Array<ArrayBuffer>], 'small.kmap') }, 2)).toBeNull();
    expect(await planSourceRanges({ kind: 'blob', blob: file }, 1)).toBeNull();
    const gz = new Uint8Array(PARALLEL_MIN_BYTES + 10);
    gz.set([0x1f, 0x8b, 8, 0]);
    expect(await planSourceRanges({ kind: 'blob', blob: new File([gz], 'x.kmap.gz') }, 2)).toBeNull();
  });
});

describe('a big dropped file read aggregates only', () => {
  it('is parsed in ranges again after the answer, each folded, and stitched into the single aggregate-only parse', async () => {
    const capture = captureLike(100_000);
    expect(capture.length).toBeGreaterThan(PARALLEL_MIN_BYTES);
    const big = new File([capture], 'capture.kmap');
    let started = 0;
    const counting: RangeRunner = {
      start(job, onProgress) {
        started++;
        expect(job.aggregateOnly).toBe(true);
        return inThreadRanges.start(job, onProgress);
      },
    };
    // Too small for the whole file (10.6 MB of data with growth headroom, more as its columns double), enough for
    // its sums held about twice over at the stitch (about 5.2 MB estimated; aggregateRangesFit).
    const session = new KmapSession(14_000_000, undefined, { workers: 2, runner: counting });
    const result = await session.open({ kind: 'file', file: big, name: 'capture.kmap' }, () => {}, async (w) => {
      expect(w.aggregateFits).toBe(true);
      expect(started).toBe(0); // nothing parses the other ranges while the question waits
      return 'aggregate' as const;
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.partial).toBeNull();
    expect(result.summary.aggregateOnly).toBe(true);
    expect(started).toBe(1);
    expect(storeDump(storeOf(session)!)).toEqual(storeDump(parseKmapBytes(capture, 1 << 20, { aggregateOnly: true })));
  });

  it('is read whole, in ranges or in one piece, for any number of parsing workers near the budget: never stopped at the stitch', async () => {
    const capture = captureLike(100_000);
    const single = storeDump(parseKmapBytes(capture, 1 << 20, { aggregateOnly: true }));
    for (const workers of [2, 4, 8]) {
      for (const budget of [12_500_000, 14_000_000, 15_000_000]) {
        const session = new KmapSession(budget, undefined, { workers, runner: inThreadRanges });
        const result = await session.open({ kind: 'file', file: new File([capture], 'capture.kmap'), name: 'capture.kmap' }, () => {}, async () => 'aggregate' as const);
        expect(result.ok && result.partial, `${workers} workers, budget ${budget}`).toBeNull();
        expect(storeDump(storeOf(session)!)).toEqual(single);
      }
    }
  }, 60_000);

  it('a stop while the folded ranges run keeps the first range, folded, as a partial load', async () => {
    const capture = captureLike(100_000);
    const runner = heldRunner();
    const session = new KmapSession(14_000_000, undefined, { workers: 2, runner });
    const plan = (await planSourceRanges({ kind: 'blob', blob: new File([capture], 'c.kmap') }, 2))!;
    const opening = session.open({ kind: 'file', file: new File([capture], 'capture.kmap'), name: 'capture.kmap' }, () => {}, async () => 'aggregate' as const);
    await runner.started;
    const firstRange = parseKmapBytes(capture.subarray(0, plan.starts[1]), 1 << 20, { aggregateOnly: true });
    while ((storeOf(session)?.numObjects ?? 0) < firstRange.numObjects) await new Promise((r) => setTimeout(r, 5));
    session.stop();
    const result = await opening;
    expect(result.ok && result.partial).toMatchObject({ bytesKept: plan.starts[1], reason: 'stopped' });
    expect(result.ok && result.summary.aggregateOnly).toBe(true);
    expect(storeDump(storeOf(session)!)).toEqual(storeDump(firstRange));
    expect(runner.stops).toBe(1);
  });

  it('is read in one piece when the stitch would not fit (the parts held beside the whole store), to the same store', async () => {
    const capture = captureLike(100_000);
    let started = 0;
    const counting: RangeRunner = {
      start(job, onProgress) {
        started++;
        return inThreadRanges.start(job, onProgress);
      },
    };
    const session = new KmapSession(11_000_000, undefined, { workers: 2, runner: counting });
    const result = await session.open({ kind: 'file', file: new File([capture], 'capture.kmap'), name: 'capture.kmap' }, () => {}, async () => 'aggregate' as const);
    expect(result.ok && result.partial).toBeNull();
    expect(started).toBe(0);
    expect(storeDump(storeOf(session)!)).toEqual(storeDump(parseKmapBytes(capture, 1 << 20, { aggregateOnly: true })));
  });
});
