// Bytes at any offset, for a parallel load (parallel-load.ts): a dropped
// file in slices, or a URL whose server answers HTTP Range requests. One
// interface for both, so that the plan (where the file is cut), the data
// worker's first range and each parsing worker's range read the same way
// whatever the bytes come from.
//
// A URL is a range source only when its server proves it: a request for
// its first byte answers 206 Partial Content with `Content-Range: bytes
// 0-0/SIZE` and no Content-Encoding (a compressed answer's ranges would be
// of the compressed bytes). Every later answer must be 206 for exactly the
// bytes asked, not encoded, of a file of the same SIZE and, when the server
// names a version (its ETag, else Last-Modified), the same version: a file that changed on the server
// while it was read fails the load with that said, instead of mixing two
// files. A server that ignores Range (200 with the whole file) is read as
// one stream, as before; the answer to the probe is then that stream, so
// the file is not asked for twice; one that fails the probe (a network
// error, 416) is asked again without Range, and that answer is the load's.
// A cross-origin server must also expose
// Content-Range (Access-Control-Expose-Headers) for its ranges to be seen,
// and ETag for its version to be compared (Last-Modified is always visible).
// Without either, a file replaced by another of the same size between two
// requests cannot be told apart.

import { KmapFormatError } from '../src/format/sniff.ts';
import { bodyChunks, Cancelled, checkedResponse, fetchChecked, fileChunks } from './load-sources.ts';
import { defaultReads, type SliceReads } from './slice-reads.ts';

/** Where a parallel load reads its bytes: plain data that a parsing worker can be sent (structured clone). */
export type RangeSource =
  | { readonly kind: 'blob'; readonly blob: Blob }
  | { readonly kind: 'url'; readonly url: string; readonly size: number; readonly etag: string | null; readonly lastModified: string | null };

export function rangeSourceSize(source: RangeSource): number {
  return source.kind === 'blob' ? source.blob.size : source.size;
}

/** Bytes asked for in one Range request when streaming a range: large enough that a remote server's latency is paid rarely. */
export const URL_REQUEST_BYTES = 64 * 1024 * 1024;

/** `bytes FIRST-LAST/SIZE` of a Content-Range header, or null. */
function contentRange(response: Response): { first: number; last: number; size: number } | null {
  const m = /^\s*bytes\s+(\d+)-(\d+)\/(\d+)\s*$/i.exec(response.headers.get('Content-Range') ?? '');
  return m ? { first: Number(m[1]), last: Number(m[2]), size: Number(m[3]) } : null;
}

function encoded(response: Response): boolean {
  const e = response.headers.get('Content-Encoding');
  return e !== null && e.trim().toLowerCase() !== 'identity';
}

/**
 * Asks `url` for its first byte. A server that answers with that byte as a
 * range gives a range source; one that sends the whole file instead gives
 * that answer, to be read as a stream.
 */
export async function probeUrl(
  url: string,
  stale: () => boolean,
  signal: AbortSignal,
): Promise<{ readonly kind: 'ranges'; readonly source: RangeSource & { kind: 'url' } } | { readonly kind: 'stream'; readonly response: Response }> {
  let asked: Response | null = null;
  try {
    asked = await fetch(url, { headers: { Range: 'bytes=0-0' }, signal });
  } catch (err) {
    if (stale() || signal.aborted) throw err;
  }
  if (asked === null || asked.status === 416) {
    // A Range request can fail where a plain one would not: a server that compresses its answer although
    // a Range request asks for none (Accept-Encoding: identity; Chromium then refuses the answer as a
    // network error), or one that answers an empty file's first byte with 416. The plain request is the
    // load, and its failure, if any, the one said.
    void asked?.body?.cancel().catch(() => {});
    if (stale()) throw new Cancelled();
    return { kind: 'stream', response: await fetchChecked(url, {}, stale, signal) };
  }
  const response = checkedResponse(url, asked, stale);
  const range = contentRange(response);
  if (response.status === 206 && range && range.first === 0 && range.last === 0 && !encoded(response)) {
    await response.arrayBuffer();
    if (stale()) throw new Cancelled();
    return { kind: 'ranges', source: { kind: 'url', url, size: range.size, etag: response.headers.get('ETag'), lastModified: response.headers.get('Last-Modified') } };
  }
  if (response.status === 206) {
    // Ranges the page cannot use (compressed, or Content-Range not exposed to it): ask for the whole file.
    void response.body?.cancel().catch(() => {});
    return { kind: 'stream', response: await fetchChecked(url, {}, stale, signal) };
  }
  return { kind: 'stream', response };
}

/** A Range request for [from, to) of a URL source, checked to be exactly those bytes of the same file. */
async function fetchRange(source: RangeSource & { kind: 'url' }, from: number, to: number, stale: () => boolean, signal: AbortSignal): Promise<Response> {
  const response = await fetchChecked(source.url, { headers: { Range: `bytes=${from}-${to - 1}` } }, stale, signal);
  const range = contentRange(response);
  const etag = response.headers.get('ETag');
  const modified = response.headers.get('Last-Modified');
  // The ETag names the version when the server gives one; Last-Modified only without it (some servers
  // stamp each answer anew, or serve one file from several machines with other times).
  const otherEtag = source.etag !== null && etag !== null && etag !== source.etag;
  const otherModified = source.etag === null && etag === null && source.lastModified !== null && modified !== null && modified !== source.lastModified;
  const otherVersion = otherEtag || otherModified;
  const changed =
    response.status !== 206 || !range || range.first !== from || range.last !== to - 1 || range.size !== source.size || encoded(response) || otherVersion;
  if (changed) {
    void response.body?.cancel().catch(() => {});
    throw new KmapFormatError(
      `${source.url} changed while it was read: asked for bytes ${from}-${to - 1} of ${source.size}, it answered HTTP ${response.status}` +
        (range ? ` with bytes ${range.first}-${range.last} of ${range.size}` : ' without a range') +
        (encoded(response) ? ` encoded (${response.headers.get('Content-Encoding')})` : '') +
        (otherVersion ? ` of another version (${otherEtag ? `ETag ${etag}, was ${source.etag}` : `modified ${modified}, was ${source.lastModified}`})` : '') +
        '. Open it again.',
    );
  }
  return response;
}

/** Up to `length` bytes at `from` (fewer at the end of the source). */
export async function readAt(source: RangeSource, from: number, length: number, stale: () => boolean, signal: AbortSignal): Promise<Uint8Array> {
  const to = Math.min(rangeSourceSize(source), from + length);
  if (to <= from) return new Uint8Array(0);
  if (source.kind === 'blob') {
    const buf = await source.blob.slice(from, to).arrayBuffer();
    if (stale()) throw new Cancelled();
    return new Uint8Array(buf);
  }
  const buf = await (await fetchRange(source, from, to, stale, signal)).arrayBuffer();
  if (stale()) throw new Cancelled();
  if (buf.byteLength !== to - from) {
    throw new KmapFormatError(`${source.url} answered ${buf.byteLength} bytes for bytes ${from}-${to - 1} (${to - from}): the connection broke or the file changed. Open it again.`);
  }
  return new Uint8Array(buf);
}

/**
 * The bytes [start, end()) in order, `end` asked again before each read (a
 * parallel load's first range may become the whole file). A blob is read in
 * slices growing to FILE_SLICE_BYTES (fileChunks); a URL in Range requests of `requestBytes`,
 * each streamed as it arrives. Ends early when the source has no more bytes
 * (a file that shrank; the caller checks what it got); a URL's answer that
 * ends short is an error. `reads`: how a blob's slices are read (fileChunks).
 */
export async function* rangeChunks(
  source: RangeSource,
  start: number,
  end: () => number,
  stale: () => boolean,
  signal: AbortSignal,
  requestBytes = URL_REQUEST_BYTES,
  reads: (blob: Blob) => SliceReads = defaultReads,
): AsyncGenerator<Uint8Array> {
  if (source.kind === 'blob') {
    yield* fileChunks(source.blob, stale, end, start, reads);
    return;
  }
  for (let offset = start; offset < Math.min(source.size, end()); ) {
    const to = Math.min(source.size, end(), offset + requestBytes);
    for await (const value of bodyChunks(await fetchRange(source, offset, to, stale, signal), source.url, stale)) {
      offset += value.length;
      yield value;
    }
    if (offset !== to) throw new KmapFormatError(`${source.url} ended its answer at byte ${offset}, before ${to}: the connection broke or the file changed. Open it again.`);
  }
}
