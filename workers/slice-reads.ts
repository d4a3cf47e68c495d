// How the data worker reads a dropped file's slices (load-sources.ts,
// fileChunks): on its own thread, or through a reading worker of its own
// (slice-reader.ts). The parsing workers of a load in ranges read on their own
// thread (range-worker.ts: why).
//
// Why a reading worker: a Blob read's bytes reach the thread that asked for
// them through that thread's own tasks, so a thread busy parsing takes them
// only between its slices, and a read asked ahead mostly waits. Measured in
// Chromium on the 1 GB benchmark kmap (a CDP trace with V8 sampling): in a
// load in two ranges each parsing thread was idle about a quarter of the
// time, in stretches of 10-15 ms. The reading worker does nothing else, so
// a slice is whole when the parser asks for it and arrives in one message
// (its ArrayBuffer transferred, not copied). A load in one piece
// (kmap.parseWorkers = 1) went from
// 5.37-6.07 to 4.13-4.30 s (interleaved, three rounds); a load in two ranges
// on two cores from 3.79-4.19 to 3.65-3.97 s: there the two parsers and the
// browser's own reading of the file already take both cores.
//
// Invariants: answers come back by request id, in any order; close() ends
// the worker and fails every read still waiting (nobody awaits them then).
// A reading worker that fails to start (or dies) leaves the reads to this
// thread: the load goes on, only without the overlap.

import { allowSameOriginWorkerUrls } from '../src/trusted-worker-urls.ts';

/** To a reading worker: the file, once; then each slice to read. */
export type SliceRequest = { readonly type: 'blob'; readonly blob: Blob } | { readonly type: 'read'; readonly id: number; readonly from: number; readonly to: number };

/** From a reading worker: a slice's bytes (transferred), or why it could not be read. */
export type SliceAnswer = { readonly id: number; readonly buf: ArrayBuffer } | { readonly id: number; readonly error: string; readonly name: string };

/** Reads slices [from, to) of one blob; close() lets go of what it holds. */
export interface SliceReads {
  read(from: number, to: number): Promise<ArrayBuffer>;
  close(): void;
}

/** The part of a Worker that talks to the reading worker, sending `Req` and hearing `Ans` (a test passes a stand-in). */
export interface WorkerPort<Req, Ans> {
  postMessage(message: Req): void;
  terminate(): void;
  onmessage: ((e: { data: Ans }) => void) | null;
  onerror: ((e: { message?: string; preventDefault?: () => void }) => void) | null;
  onmessageerror: (() => void) | null;
}

/** The reading worker as threadedReads uses it. */
export type ReaderWorker = WorkerPort<SliceRequest, SliceAnswer>;

/** Reads on this thread. */
export function inThreadReads(blob: Blob): SliceReads {
  return { read: (from, to) => blob.slice(from, to).arrayBuffer(), close: () => {} };
}

/** A reading worker (slice-reader.ts) in the page's (or a worker's) global; either way of it (slices, text). */
export function startReadingWorker<Req, Ans>(): WorkerPort<Req, Ans> {
  // This thread enforces the page's Trusted Types too (src/trusted-worker-urls.ts).
  allowSameOriginWorkerUrls();
  return new Worker(new URL('./slice-reader.ts', import.meta.url), { type: 'module', name: 'kmap file reader' }) as unknown as WorkerPort<Req, Ans>;
}

/** Reads through a reading worker (slice-reader.ts); in this thread once that worker has failed. */
export function threadedReads(blob: Blob, start: () => ReaderWorker = startReadingWorker): SliceReads {
  const here = inThreadReads(blob);
  const waiting = new Map<number, { from: number; to: number; resolve: (b: ArrayBuffer) => void; reject: (e: Error) => void }>();
  let worker: ReaderWorker | null = null;
  let nextId = 0;
  const fallBack = () => {
    worker?.terminate();
    worker = null;
    for (const w of waiting.values()) here.read(w.from, w.to).then(w.resolve, w.reject);
    waiting.clear();
  };
  try {
    worker = start();
    worker.onmessage = (e) => {
      const m = e.data;
      const w = waiting.get(m.id);
      if (!w) return;
      waiting.delete(m.id);
      if ('buf' in m) w.resolve(m.buf);
      else w.reject(Object.assign(new Error(m.error), { name: m.name }));
    };
    // An error in the reading worker is handled here (not reported again in this worker's global).
    worker.onerror = (e) => {
      e.preventDefault?.();
      fallBack();
    };
    // An answer that could not be deserialised: its read would wait forever.
    worker.onmessageerror = fallBack;
    worker.postMessage({ type: 'blob', blob });
  } catch {
    // No worker (Trusted Types refused it, say): every read on this thread.
    (worker as ReaderWorker | null)?.terminate();
    worker = null;
  }
  return {
    read(from, to) {
      const reader = worker;
      if (!reader) return here.read(from, to);
      const id = nextId++;
      return new Promise<ArrayBuffer>((resolve, reject) => {
        waiting.set(id, { from, to, resolve, reject });
        reader.postMessage({ type: 'read', id, from, to });
      });
    },
    close() {
      worker?.terminate();
      worker = null;
      for (const w of waiting.values()) w.reject(new Error('the read was stopped'));
      waiting.clear();
    },
  };
}

/** The reads a thread uses by default: a reading worker where this global can start workers (the page's workers), else this thread (Node: the unit tests). */
export function defaultReads(blob: Blob): SliceReads {
  return typeof Worker === 'function' ? threadedReads(blob) : inThreadReads(blob);
}
