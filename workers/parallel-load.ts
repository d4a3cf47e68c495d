// The data worker's parallel parse of a dropped file, or of a URL whose
// server answers Range requests (byte-ranges.ts; the rules of the cut
// and of the stitch: src/format/ranges.ts). The data worker parses the first
// range itself, as it parses any file, so that rows show while the file
// loads; parsing workers (range-worker.ts), one per further range, parse the
// rest meanwhile; their parts are appended to the first range's store at the
// end (appendRanges). A plan is made only for a plain file of at least
// PARALLEL_MIN_BYTES whose head names its variant; anything else loads in one
// piece, as before.
//
// Who runs a range is a RangeRunner: Web Workers in the page, the same code
// in this thread for the unit tests (which have no Worker).

import { parseRangeBytes, planFile, type FilePlan } from '../src/format/ranges.ts';
import type { Variant } from '../src/format/variants.ts';
import type { KmapStore } from '../src/store/kmap-store.ts';
import { budgetBytes, GROWTH_HEADROOM } from '../src/store/memory-estimate.ts';
import { CELL_BYTES, MAX_DENSE_BYTES } from '../src/store/access-fold.ts';
import { encodeName } from '../src/store/interners.ts';
import { ACCESS_COLUMNS, OBJECT_COLUMNS, transferList, type StorePart } from '../src/store/store-parts.ts';
import { allowSameOriginWorkerUrls } from '../src/trusted-worker-urls.ts';
import { probeUrl, readAt, rangeSourceSize, type RangeSource } from './byte-ranges.ts';
import { KmapFormatError } from '../src/format/sniff.ts';
import type { KmapSource } from '../src/worker-api.ts';

/** One range for a parsing worker: [start, end) of `source`. */
export interface RangeJob {
  readonly source: RangeSource;
  readonly start: number;
  readonly end: number;
  readonly variant: Variant;
  /** Bytes per push into the range's parser when run in this thread (the tests' tiny chunks); a parsing worker pushes what it reads. */
  readonly chunkBytes: number;
  /** The range's access lines folded, not kept (an aggregate-only load: src/store/access-fold.ts). */
  readonly aggregateOnly: boolean;
}

export interface RangeProgress {
  readonly bytes: number;
  readonly objects: number;
  readonly accessLines: number;
}

export type FromRangeWorker =
  | ({ readonly type: 'progress' } & RangeProgress)
  | { readonly type: 'done'; readonly part: StorePart }
  /** `format`: a KmapFormatError (a message for the user as it is: a URL that changed, a broken answer). */
  | { readonly type: 'error'; readonly message: string; readonly format: boolean };

/** Runs one range's parse; stop() ends it (its part then never comes). */
export interface RangeRunner {
  start(job: RangeJob, onProgress: (p: RangeProgress) => void): { readonly part: Promise<StorePart>; stop(): void };
}

/** Each range in a Web Worker of its own (the page). */
export const workerRanges: RangeRunner = {
  start(job, onProgress) {
    // This worker enforces the page's Trusted Types too (src/trusted-worker-urls.ts).
    allowSameOriginWorkerUrls();
    const worker = new Worker(new URL('./range-worker.ts', import.meta.url), { type: 'module', name: 'kmap range parser' });
    const part = new Promise<StorePart>((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<FromRangeWorker>) => {
        const m = e.data;
        if (m.type === 'progress') onProgress(m);
        else if (m.type === 'done') resolve(m.part);
        else reject(m.format ? new KmapFormatError(m.message) : new Error(m.message));
      };
      worker.onerror = (e) => reject(new Error(e.message || 'a parsing worker failed to start'));
    });
    worker.postMessage(job);
    const stop = () => worker.terminate();
    part.then(stop, stop);
    return { part, stop };
  },
};

/** Each range parsed in this thread, slice by slice (the unit tests: no Worker there). */
export const inThreadRanges: RangeRunner = {
  start(job, onProgress) {
    let stopped = false;
    const part = (async () => {
      const bytes = await readAt(job.source, job.start, job.end - job.start, () => stopped, new AbortController().signal);
      onProgress({ bytes: bytes.length, objects: 0, accessLines: 0 });
      return parseRangeBytes(bytes, job.variant, job.chunkBytes, { aggregateOnly: job.aggregateOnly });
    })();
    return { part, stop: () => (stopped = true) };
  },
};

/** The plan for `workers` ranges of a source, or null to load it in one piece; stops reading (Cancelled) once `stale()`. */
export function planSourceRanges(source: RangeSource, workers: number, stale: () => boolean = () => false, signal = new AbortController().signal): Promise<FilePlan | null> {
  return planFile(rangeSourceSize(source), workers, (from, length) => readAt(source, from, length, stale, signal));
}

/**
 * How a load reads its source: `source` set when it can be read at any
 * offset (a dropped file; a URL whose server answers Range requests), then
 * `plan` set when it is worth cutting; `response` set when a URL's server sent
 * the whole file to the probe (read it as a stream); `error` when the URL
 * failed (the load's error, said where every load's error is said).
 */
export interface LoadRanges {
  readonly source: RangeSource | null;
  readonly plan: FilePlan | null;
  readonly response?: Response;
  readonly error?: unknown;
}

/** The ranges of a load with `workers` ranges at most (a split CSV pair is never cut). */
export async function rangesFor(source: KmapSource, workers: number, stale: () => boolean, signal: AbortSignal): Promise<LoadRanges> {
  // One range (kmap.parseWorkers = 1): a URL is read as one stream, without a probe.
  if (source.kind === 'pair' || (source.kind === 'url' && workers < 2)) return { source: null, plan: null };
  let ranged: RangeSource;
  if (source.kind === 'file') ranged = { kind: 'blob', blob: source.file };
  else {
    try {
      const probe = await probeUrl(source.url, stale, signal);
      if (probe.kind === 'stream') return { source: null, plan: null, response: probe.response };
      ranged = probe.source;
    } catch (error) {
      return { source: null, plan: null, error };
    }
  }
  // A plan that cannot be made (a read failed) is no error yet: the one-piece read meets it again and says it.
  const plan = await planSourceRanges(ranged, workers, stale, signal).catch(() => null);
  // Without a plan a URL is read as one stream (one request, not many).
  return { source: plan || source.kind === 'file' ? ranged : null, plan };
}

/** What the parsing workers' stores take, as the budget sees it: the first range's bytes per row, times their rows. */
export function laterBytes(later: LaterRanges | null, first: KmapStore): number {
  if (!later) return 0;
  const rows = first.numObjects + first.numAccesses;
  return rows === 0 ? 0 : (budgetBytes(first) * (later.objects + later.accessLines)) / rows;
}

/**
 * Bytes held at the peak of appending `parts` to `first` (appendParts), an
 * upper bound of what the stitch allocates:
 * - the first range's store with every column reserved for all the rows, at
 *   the widest width it may have (appendParts widens before it reserves; an
 *   id column as wide as its table's largest id once the parts' are in);
 * - the largest column's buffer once more, while it is copied to grow;
 * - the name tables and IPs, the parts' new ones included, twice (a table
 *   doubles, and rehashes into a new one), and the callers likewise;
 * - an aggregate-only store's cells once merged (cells repeat from range to
 *   range: counted by their keys, or summed past MAX_KEYED_CELLS), at the
 *   capacity their arrays double to, beside the arrays they had; and its
 *   dense look-up arrays, at most each group's by every IP, twice;
 * - the parts, every buffer they transfer, held until the stitch ends.
 * The data as allocated, without the growth headroom the running budget
 * allows for: no column grows after the stitch, and the store is trimmed
 * right after it. (It once priced every row at the first range's budget
 * bytes, headroom and growth slack included: about 1.4 times this, so that
 * a load near the budget gave up at the stitch although its parse fitted.)
 */
export function appendPeakBytes(first: KmapStore, parts: readonly StorePart[]): number {
  let objects = first.numObjects;
  let accesses = first.fold ? 0 : first.numAccesses;
  let held = 0;
  let partNames = 0;
  const tables = { ips: first.ips.size, commands: first.commands.size, slabs: first.slabs.size, types: first.types.size };
  let partCallers = 0;
  for (const p of parts) {
    objects += p.objects.allocIp.length;
    accesses += p.accesses.ip.length;
    for (const b of transferList(p)) held += b.byteLength;
    tables.ips += p.ipHi.length;
    tables.commands += p.commands.ends.length;
    tables.slabs += p.slabs.ends.length;
    tables.types += p.types.ends.length;
    partNames += [p.commands, p.slabs, p.types].reduce((n, t) => n + t.bytes.byteLength + 4 * t.ends.length, 0);
    partCallers += p.callerIdx.length;
  }
  const ipBytes = first.ips.size > 0 ? first.ips.byteLength / first.ips.size : 16;
  let store = 2 * (first.internBytes + (tables.ips - first.ips.size) * ipBytes + partNames) + 2 * first.accesses.callers.byteLength + 2 * 8 * partCallers;
  let copying = 0;
  const add = (c: { data: { length: number; BYTES_PER_ELEMENT: number } }, rows: number, width: number) => {
    width = Math.max(c.data.BYTES_PER_ELEMENT, width);
    store += Math.max(c.data.length, rows) * width;
    copying = Math.max(copying, c.data.length * width);
  };
  const widest = (widths: number[]) => Math.max(0, ...widths);
  for (const k of OBJECT_COLUMNS) {
    const table = ID_TABLES[k];
    add(first.objects[k], objects, table ? idWidth(tables[table]) : widest(parts.map((p) => p.objects[k].data.BYTES_PER_ELEMENT)));
  }
  for (const k of ACCESS_COLUMNS) add(first.accesses[k], accesses, k === 'ip' ? idWidth(tables.ips) : widest(parts.map((p) => p.accesses[k].data.BYTES_PER_ELEMENT)));
  const fold = first.fold;
  if (fold) {
    for (const k of ['reads', 'writes', 'otherLines'] as const) add(fold[k], objects, widest(parts.map((p) => p.fold?.[k].data.BYTES_PER_ELEMENT ?? 1)));
    const summed = fold.numCells + parts.reduce((n, p) => n + (p.fold?.numCells ?? 0), 0);
    const { cells, groups } = summed <= MAX_KEYED_CELLS ? mergedCells(first, parts) : { cells: summed, groups: summed };
    let capacity = fold.cellIp.length;
    while (capacity < cells) capacity *= 2;
    store += (capacity + fold.cellIp.length) * CELL_BYTES;
    // A group's dense array holds at most every IP (doubled past it), until all of them pass their cap.
    store += Math.min(MAX_DENSE_BYTES, 2 * 4 * tables.ips * groups) + fold.denseBytes;
  }
  return store + copying + held;
}

/** The id table each object column holds ids of (the others hold values). */
const ID_TABLES: Partial<Record<(typeof OBJECT_COLUMNS)[number], 'ips' | 'commands' | 'slabs' | 'types'>> = {
  allocIp: 'ips', freeIp: 'ips', type: 'types', newType: 'types', command: 'commands', slab: 'slabs',
};

/** Bytes an entry takes in a column of ids below `size`. */
function idWidth(size: number): number {
  return size <= 0x100 ? 1 : size <= 0x10000 ? 2 : 4;
}

/** Past this many cells in the parts and the store together, mergedCells is not asked (a key a cell): their sum bounds it. */
const MAX_KEYED_CELLS = 1 << 18;

/**
 * How many cells and groups an aggregate-only store's fold will hold once
 * the parts' are merged in: distinct (IP, slab, type, flags), and (slab,
 * type, flags).
 */
function mergedCells(first: KmapStore, parts: readonly StorePart[]): { cells: number; groups: number } {
  const fold = first.fold!;
  const keys = new Set<string>();
  const groups = new Set<string>();
  // Names keyed by their bytes (latin1: one character a byte, so that any bytes key alike on both sides);
  // a variant without the field holds 0 for it, which names nothing: '' on both sides.
  const latin1 = new TextDecoder('latin1');
  const named = (t: KmapStore['slabs'], id: number) => (id < t.size ? latin1.decode(encodeName(t.name(id))) : '');
  for (let c = 0; c < fold.numCells; c++) {
    const ip = fold.cellIp[c];
    const group = `${named(first.slabs, fold.cellSlab[c])}:${named(first.types, fold.cellType[c])}:${fold.cellFlags[c]}`;
    groups.add(group);
    keys.add(`${first.ips.hi.data[ip]}:${first.ips.lo.data[ip]}:${group}`);
  }
  for (const p of parts) {
    const f = p.fold;
    if (!f) continue;
    const name = (t: StorePart['slabs'], id: number) => (id < t.ends.length ? latin1.decode(t.bytes.subarray(id === 0 ? 0 : t.ends[id - 1], t.ends[id])) : '');
    for (let c = 0; c < f.numCells; c++) {
      const ip = f.cellIp[c];
      const group = `${name(p.slabs, f.cellSlab[c])}:${name(p.types, f.cellType[c])}:${f.cellFlags[c]}`;
      groups.add(group);
      keys.add(`${p.ipHi[ip]}:${p.ipLo[ip]}:${group}`);
    }
  }
  return { cells: keys.size, groups: groups.size };
}

/**
 * Whether a file read aggregates only, whose data the estimate puts at
 * `aggregateBytes` with `cells` cells, can be read in `ranges` ranges within
 * `room` bytes: at the stitch the whole store is reserved (counted as the
 * budget counts it, with GROWTH_HEADROOM) while the later ranges' parts,
 * (ranges - 1) / ranges of it, are held, each with up to all the cells (cells
 * repeat from range to range). When not, it is read in one piece, which
 * needs only the store. More than appendPeakBytes will find, so that a load
 * this lets into ranges is not refused at their stitch.
 */
export function aggregateRangesFit(aggregateBytes: number, cells: number, ranges: number, room: number): boolean {
  return aggregateBytes * (1 + (ranges - 1) / ranges) * GROWTH_HEADROOM + (ranges - 1) * cells * CELL_BYTES <= room;
}

/** The ranges after the first, running; their progress summed. */
export class LaterRanges {
  readonly parts: Promise<StorePart[]>;
  private readonly progress: RangeProgress[];
  private readonly running: { stop(): void }[] = [];

  constructor(source: RangeSource, plan: FilePlan, runner: RangeRunner, chunkBytes: number, onProgress: () => void, aggregateOnly = false) {
    const later = plan.starts.slice(1);
    this.progress = later.map(() => ({ bytes: 0, objects: 0, accessLines: 0 }));
    const parts = later.map((start, k) => {
      const run = runner.start({ source, start, end: plan.starts[k + 2] ?? rangeSourceSize(source), variant: plan.variant, chunkBytes, aggregateOnly }, (p) => {
        this.progress[k] = p;
        onProgress();
      });
      this.running.push(run);
      return run.part;
    });
    this.parts = Promise.all(parts);
    // A load that stops or fails first never awaits the parts: their failure is not an unhandled one.
    this.parts.catch(() => {});
  }

  get bytes(): number {
    return this.progress.reduce((n, p) => n + p.bytes, 0);
  }

  get objects(): number {
    return this.progress.reduce((n, p) => n + p.objects, 0);
  }

  get accessLines(): number {
    return this.progress.reduce((n, p) => n + p.accessLines, 0);
  }

  stop(): void {
    for (const r of this.running) r.stop();
  }
}
