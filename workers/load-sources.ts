// Where a load's bytes come from, for the data worker (kmap-session.ts): a
// dropped file in slices, a URL's fetch body as a stream, a symbol file's
// text, and the two pieces
// of control every load shares (a stale load stops with Cancelled; a wait
// that a stop or cancel may end early). Each source checks `stale()` after
// every await, so that a cancel or a newer open stops it at its next chunk.

import { KmapFormatError } from '../src/format/sniff.ts';
import type { SymbolSource } from '../src/worker-api.ts';
import { defaultReads, inThreadReads, type SliceReads } from './slice-reads.ts';

/** Read size for a dropped file: large enough to amortise the await per slice. */
export const FILE_SLICE_BYTES = 8 * 1024 * 1024;

/**
 * The first slice of a read; each next one is twice as big, up to
 * FILE_SLICE_BYTES. The worker answers the page (rows, summary) only between
 * slices, and an 8 MiB slice takes it 100-200 ms to parse: small slices at the
 * start put the first rows on screen after a few hundred KiB, and let the
 * page's first questions in between, without paying per-slice costs later.
 */
export const FIRST_SLICE_BYTES = 256 * 1024;

/** Thrown inside a load that a cancel() or a newer open() made stale. */
export class Cancelled extends Error {}

/** The answer, or null once `signal` aborts (whichever comes first). */
export function answerOrAbort<T>(answer: Promise<T>, signal: AbortSignal): Promise<T | null> {
  if (signal.aborted) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(null);
    signal.addEventListener('abort', onAbort, { once: true });
    answer.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** Why a fetch failed without an answer, in words (the browser says only "Failed to fetch"). */
export function unreachableText(url: string): string {
  let crossOrigin = false;
  try {
    const here = (globalThis as { location?: { origin: string } }).location?.origin;
    crossOrigin = here !== undefined && new URL(url).origin !== here;
  } catch {
    // Not a URL the page can compare: say the general thing.
  }
  return crossOrigin
    ? `${url} could not be fetched: the server did not answer, or it does not allow this page to read it (its answer needs an Access-Control-Allow-Origin header: CORS).`
    : `${url} could not be fetched: the server did not answer (network error).`;
}

/**
 * Slices a parsing thread reads itself before its reading worker takes over
 * (fileChunks): 256 KiB + 512 KiB + 1 MiB, enough for the first rows, which
 * then do not wait for that worker's start or share the cores with it.
 */
const THREAD_READS_AFTER = 3;

/**
 * The blob's slices from `start` up to `end()` (asked before each slice: a
 * parallel load's first range may become the whole file).
 *
 * One slice is read ahead: the next slice's read is asked before this one is
 * handed on, so that it is read while the caller parses. `reads` says how the
 * slices after the first THREAD_READS_AFTER are read: by default, where the
 * thread can start workers, through a reading worker of their own
 * (slice-reads.ts: why and what it gained; the parsing workers of a ranged
 * load pass in-thread reads).
 * Before the reading worker, one read ahead on the parsing thread was worth
 * little (its bytes arrive through that busy thread's tasks): in a Chromium
 * page reading the 1 GB benchmark file while busy 60 ms per 8 MiB (7.15 s
 * in all), the whole took 8.15 s with one read at a time, 7.82 with one
 * ahead, 7.78 with three ahead and 7.76 through blob.stream(). A slice read
 * ahead past an end() that has since moved down is cut to it (no caller moves
 * it down today; the cut keeps the contract "up to end()" whatever end()
 * does).
 */
export async function* fileChunks(
  blob: Blob,
  stale: () => boolean,
  end: () => number = () => blob.size,
  start = 0,
  reads: (blob: Blob) => SliceReads = defaultReads,
): AsyncGenerator<Uint8Array> {
  const limit = () => Math.min(blob.size, end());
  if (start >= limit()) return;
  const here = inThreadReads(blob);
  let reader: SliceReads | null = null;
  let asked = 0;
  const read = (from: number, size: number): { from: number; bytes: Promise<ArrayBuffer> } => {
    // The first slices here (THREAD_READS_AFTER); the reads' worker starts with the last of them, if more follow.
    const k = asked++;
    if (k === THREAD_READS_AFTER - 1 && from + size < limit()) reader = reads(blob);
    const bytes = (k < THREAD_READS_AFTER || !reader ? here : reader).read(from, Math.min(limit(), from + size));
    // Handled here too, so that a read left behind by a caller that stopped early is no unhandled rejection.
    bytes.catch(() => {});
    return { from, bytes };
  };
  try {
    let slice = FIRST_SLICE_BYTES;
    let next: { from: number; bytes: Promise<ArrayBuffer> } | null = read(start, slice);
    while (next !== null) {
      const from: number = next.from;
      const buf = await next.bytes;
      if (stale()) throw new Cancelled();
      // The next slice starts where this one ended, which end() may have cut short.
      const keep = Math.min(buf.byteLength, limit() - from);
      if (keep <= 0) return;
      const offset: number = from + keep;
      slice = Math.min(FILE_SLICE_BYTES, slice * 2);
      next = offset < limit() ? read(offset, slice) : null;
      yield new Uint8Array(buf, 0, keep);
      // end() may have moved on while the caller had the slice; a stale load stops there.
      if (next === null && offset < limit()) {
        if (stale()) throw new Cancelled();
        next = read(offset, slice);
      }
    }
  } finally {
    (reader as SliceReads | null)?.close();
  }
}

/**
 * A GET of `url`, checked as every kmap fetch is: an unreachable server, an
 * HTTP error or a web page instead of a file is a KmapFormatError saying so.
 */
export async function fetchChecked(url: string, init: RequestInit, stale: () => boolean, signal: AbortSignal): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal });
  } catch (err) {
    if (stale() || signal.aborted) throw err;
    throw new KmapFormatError(unreachableText(url));
  }
  return checkedResponse(url, response, stale);
}

/** A fetch's answer checked as fetchChecked does: Cancelled once `stale()`; an HTTP error or a web page is a KmapFormatError saying so. */
export function checkedResponse(url: string, response: Response, stale: () => boolean): Response {
  if (stale()) {
    void response.body?.cancel().catch(() => {});
    throw new Cancelled();
  }
  if (!response.ok) {
    void response.body?.cancel().catch(() => {});
    throw new KmapFormatError(`${url} answered HTTP ${response.status} ${response.statusText}`.trim() + '.');
  }
  // A web server's fallback page (a single-page app answers every unknown
  // path with its index.html and 200) is not the file asked for.
  const type = response.headers.get('Content-Type') ?? '';
  if (/^\s*(text\/html|application\/xhtml)/i.test(type)) {
    void response.body?.cancel().catch(() => {});
    throw new KmapFormatError(
      `${url} answered HTTP ${response.status} with a web page (${type.split(';')[0].trim()}), not a kmap: the file is probably not on that server.`,
    );
  }
  return response;
}

/** A response's body as it arrives; a reader left early (a stop) cancels the rest of it. */
export async function* bodyChunks(response: Response, url: string, stale: () => boolean): AsyncGenerator<Uint8Array> {
  if (!response.body) throw new KmapFormatError(`${url} answered without a body.`);
  const reader = response.body.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (stale()) throw new Cancelled();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } finally {
    if (finished) reader.releaseLock();
    else void reader.cancel().catch(() => {});
  }
}

/**
 * A URL's body as it arrives (`response`: its answer when already asked);
 * `onTotal` hears its length when the server says it (null: unknown).
 */
export async function* urlChunks(
  url: string,
  stale: () => boolean,
  signal: AbortSignal,
  onTotal: (n: number | null) => void,
  response?: Response,
): AsyncGenerator<Uint8Array> {
  response ??= await fetchChecked(url, {}, stale, signal);
  const length = response.headers.get('Content-Length');
  onTotal(length && !response.headers.get('Content-Encoding') ? Number(length) : null);
  yield* bodyChunks(response, url, stale);
}

/** A symbol file's text (a dropped file, or a URL fetched whole), or why it cannot be had, in words. */
export async function symbolText(source: SymbolSource): Promise<{ ok: true; text: string } | { ok: false; error: string }> {
  try {
    if (source.kind === 'file') return { ok: true, text: await source.file.text() };
    let response: Response;
    try {
      response = await fetch(source.url);
    } catch {
      return { ok: false, error: unreachableText(source.url) };
    }
    if (!response.ok) return { ok: false, error: `${source.url} answered HTTP ${response.status} ${response.statusText}`.trim() + '.' };
    const type = response.headers.get('Content-Type') ?? '';
    if (/^\s*(text\/html|application\/xhtml)/i.test(type)) {
      return { ok: false, error: `${source.url} answered with a web page (${type.split(';')[0].trim()}), not a symbol file: the file is probably not on that server.` };
    }
    return { ok: true, text: await response.text() };
  } catch (err) {
    return { ok: false, error: `it could not be read (${err instanceof Error ? err.message : String(err)}).` };
  }
}
