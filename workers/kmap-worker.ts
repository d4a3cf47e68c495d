// The data worker: owns the one loaded kmap (parser + store + selection) and
// answers the UI through the comlink contract in src/worker-api.ts. Bulk data
// never leaves this thread; only windows of rows and summaries do.

import * as Comlink from 'comlink';
import { KmapParser } from '../src/format/parser.ts';
import { KmapFormatError } from '../src/format/sniff.ts';
import { selectObjects } from '../src/query/object-query.ts';
import { accessRows, objectRow, sortAccessRows } from '../src/query/rows.ts';
import { summarize } from '../src/query/summary.ts';
import type { KmapStore } from '../src/store/kmap-store.ts';
import type {
  AccessColumn,
  AccessRow,
  KmapSource,
  KmapWorkerApi,
  LoadProgress,
  ObjectRow,
  OpenResult,
  QueryResult,
  SlabOption,
  SortSpec,
  ViewQuery,
} from '../src/worker-api.ts';

/** Read size for a dropped file: large enough to amortise the await per slice. */
const FILE_SLICE_BYTES = 8 * 1024 * 1024;
const PROGRESS_INTERVAL_MS = 100;

class Cancelled extends Error {}

/** The kmap that queries see: the last one loaded, or the one loading once it is known to be a kmap. */
let store: KmapStore | null = null;
/** Whether `store` holds a whole file (not one still loading or cut short by a cancel). */
let storeComplete = false;
let selection: Uint32Array = new Uint32Array(0);
/** Position of each object in the selection (+1; 0 = filtered out), built on demand. */
let positions: Uint32Array | null = null;
/**
 * The previously loaded kmap while a new file has not yet shown that it is a
 * kmap (its variant is not detected): a new file that turns out not to be one,
 * or is cancelled that early, gives it back instead of leaving nothing.
 */
let fallback: { store: KmapStore; selection: Uint32Array } | null = null;
/** Incremented by every open() and cancel(): a load whose token is stale stops. */
let loadToken = 0;
/** Incremented by every open() only: the newest open owns the fallback. */
let openSeq = 0;
/** Aborts the running load's fetch, so that a cancelled download stops. */
let abortLoad: AbortController | null = null;

function setStore(next: KmapStore | null, nextSelection: Uint32Array = new Uint32Array(0), complete = false): void {
  store = next;
  storeComplete = next !== null && complete;
  selection = nextSelection;
  positions = null;
}

async function* fileChunks(blob: Blob, token: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < blob.size; offset += FILE_SLICE_BYTES) {
    const buf = await blob.slice(offset, Math.min(blob.size, offset + FILE_SLICE_BYTES)).arrayBuffer();
    if (token !== loadToken) throw new Cancelled();
    yield new Uint8Array(buf);
  }
}

async function* urlChunks(
  url: string,
  token: number,
  signal: AbortSignal,
  onTotal: (n: number | null) => void,
): AsyncGenerator<Uint8Array> {
  const response = await fetch(url, { signal });
  if (token !== loadToken) throw new Cancelled();
  if (!response.ok) throw new KmapFormatError(`${url} answered HTTP ${response.status} ${response.statusText}`.trim() + '.');
  const length = response.headers.get('Content-Length');
  onTotal(length && !response.headers.get('Content-Encoding') ? Number(length) : null);
  if (!response.body) throw new KmapFormatError(`${url} answered without a body.`);
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (token !== loadToken) throw new Cancelled();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

const api: KmapWorkerApi = {
  async open(source: KmapSource, onProgress: (p: LoadProgress) => void): Promise<OpenResult> {
    const token = ++loadToken;
    const seq = ++openSeq;
    abortLoad?.abort();
    const abort = (abortLoad = new AbortController());
    const parser = new KmapParser();
    // Until the new file is known to be a kmap, queries see nothing and the
    // previous kmap waits in `fallback`. Only a whole file is worth keeping:
    // one still loading (now superseded) is dropped.
    if (store && storeComplete && !fallback) fallback = { store, selection };
    setStore(null);
    let committed = false;
    const commit = () => {
      committed = true;
      fallback = null;
      setStore(parser.store);
    };
    let totalBytes: number | null = source.kind === 'file' ? source.file.size : null;
    const t0 = performance.now();
    let lastReport = 0;
    const report = (done: boolean) => {
      const seconds = (performance.now() - t0) / 1000;
      onProgress({
        name: source.name,
        bytesRead: parser.bytesIn,
        totalBytes,
        bytesPerSecond: seconds > 0 ? parser.bytesIn / seconds : 0,
        objects: parser.store.numObjects,
        accesses: parser.store.numAccesses,
        badLines: parser.store.numBadLines,
        done,
      });
    };
    try {
      const chunks =
        source.kind === 'file'
          ? fileChunks(source.file, token)
          : urlChunks(source.url, token, abort.signal, (n) => (totalBytes = n));
      for await (const chunk of chunks) {
        parser.push(chunk);
        if (!committed && parser.variant !== null) commit();
        const now = performance.now();
        if (now - lastReport >= PROGRESS_INTERVAL_MS) {
          lastReport = now;
          report(false);
        }
      }
      if (token !== loadToken) throw new Cancelled();
      parser.finish();
      if (!committed) commit();
      storeComplete = true;
      report(true);
      return { ok: true, summary: summarize(parser.store), seconds: (performance.now() - t0) / 1000 };
    } catch (err) {
      let previousKept = false;
      if (seq === openSeq) {
        // The newest load failed: give the previous kmap back if it was still kept.
        if (!committed && fallback) {
          setStore(fallback.store, fallback.selection, true);
          previousKept = true;
        } else {
          setStore(null);
        }
        fallback = null;
      }
      // A stale token means cancel() or a newer open(): an abort error from
      // the fetch is then a cancellation too.
      const cancelled = err instanceof Cancelled || token !== loadToken;
      const error = cancelled
        ? 'Loading was cancelled.'
        : err instanceof KmapFormatError
          ? err.message
          : `it could not be read (${err instanceof Error ? err.message : String(err)}).`;
      return { ok: false, cancelled, error, previousKept };
    }
  },

  cancel(): void {
    loadToken++;
    abortLoad?.abort();
  },

  close(): void {
    loadToken++;
    abortLoad?.abort();
    fallback = null;
    setStore(null);
  },

  summary() {
    return store ? summarize(store) : null;
  },

  slabOptions(): SlabOption[] {
    if (!store || !(store.variant === 'D' || store.variant === 'E')) return [];
    const names = store.slabs.names();
    const options: SlabOption[] = [];
    for (let id = 0; id < names.length; id++) {
      const objects = store.objectsBySlab[id] ?? 0;
      if (objects > 0) options.push({ name: names[id], objects });
    }
    return options.sort((a, b) => b.objects - a.objects || (a.name < b.name ? -1 : 1));
  },

  query(q: ViewQuery): QueryResult {
    if (!store) return { total: 0, numObjects: 0, unknownSlabs: q.slabs.slice() };
    const result = selectObjects(store, q);
    selection = result.indices;
    positions = null;
    return { total: selection.length, numObjects: store.numObjects, unknownSlabs: result.unknownSlabs };
  },

  rows(start: number, count: number): ObjectRow[] {
    if (!store) return [];
    const end = Math.min(selection.length, start + count);
    const rows: ObjectRow[] = [];
    for (let p = Math.max(0, start); p < end; p++) rows.push(objectRow(store, selection[p]));
    return rows;
  },

  positionOf(idx: number): number {
    if (!store || idx < 0 || idx >= store.numObjects) return -1;
    if (!positions || positions.length !== store.numObjects) {
      positions = new Uint32Array(store.numObjects);
      for (let p = 0; p < selection.length; p++) positions[selection[p]] = p + 1;
    }
    return positions[idx] - 1;
  },

  object(idx: number): ObjectRow | null {
    if (!store || !Number.isInteger(idx) || idx < 0 || idx >= store.numObjects) return null;
    return objectRow(store, idx);
  },

  accesses(idx: number, sort: SortSpec<AccessColumn> | null): AccessRow[] {
    if (!store || !Number.isInteger(idx) || idx < 0 || idx >= store.numObjects) return [];
    const rows = accessRows(store, idx);
    return sort ? sortAccessRows(rows, sort.key, sort.desc) : rows;
  },
};

Comlink.expose(api);
