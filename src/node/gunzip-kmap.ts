// Parses a gzip-compressed kmap file (Node only): its compressed bytes are
// read in GZ_READ_BYTES pieces through node:zlib's gunzip into the parser,
// while they stream. Memory stays at TEXT_AHEAD_BYTES of text plus the store
// (backpressure holds zlib and the reading back while the parser works),
// whatever the file's size or its compression ratio. zlib runs on another
// thread: the text it may decompress ahead lets it work while the parser
// does (stats of a 250 MB kmap: about 4.1 s from its 55 MB .gz, 3.3 s plain,
// BENCHMARKS.md).
//
// - Multi-member gzip (`cat a.gz b.gz`) reads as the concatenation: zlib's
//   gunzip goes on at a new member by itself.
// - Progress is the compressed bytes zlib has consumed, against the file's
//   size, so that the percentage is right (the text's size is not known
//   before the end).
// - Damage (src/format/gzip.ts) fails the load with a GzipDataError: the file
//   ends inside a member, a check fails, invalid data, or bytes after the last
//   member that are not a member. zlib stops quietly at zero bytes after a
//   member (padding) and at anything after them; those bytes are counted
//   here, so they are refused as the page refuses them.
// - The parser's verdict on the text is said of the file
//   (gzipContentMessage: "This file is gzip-compressed, and its content is
//   not a kmap: ...").

import type { InputHandle } from './input-handle.ts';
import { Readable } from 'node:stream';
import { createGunzip, type ZlibOptions } from 'node:zlib';
import { GzipDataError, gzipContentMessage, gzipDamaged, gzipTrailingGarbage, gzipTruncated } from '../format/gzip.ts';
import { KmapFormatError } from '../format/sniff.ts';
import type { KmapSink, ReadProgress } from './read-kmap-file.ts';

/**
 * Compressed bytes per read and per write to zlib. Small, because zlib drops
 * the text of the write it fails in: the text counted before a damage (the
 * message says how much) is then short by one piece's text at most.
 */
const GZ_READ_BYTES = 64 * 1024;
/** Text bytes per piece zlib hands over. */
const TEXT_CHUNK_BYTES = 1024 * 1024;
/** Text zlib may decompress before the parser takes it. */
const TEXT_AHEAD_BYTES = 8 * 1024 * 1024;

function isZlibError(err: unknown): err is Error & { code: string } {
  const code = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('Z_');
}

/**
 * Parses the gzip file open as `handle` (of `size` bytes; `first` is what was
 * read of it already, from its start) into `parser`, and returns what its
 * finish() gives.
 */
export async function parseGzipFile<T>(
  handle: InputHandle,
  size: number,
  first: Uint8Array,
  parser: KmapSink<T>,
  onProgress?: (p: ReadProgress) => void,
  /** Ends the read at once with its reason, also while zlib waits on an idle pipe. */
  signal?: AbortSignal,
): Promise<T> {
  let compressedRead = 0;
  async function* compressed(): AsyncGenerator<Uint8Array> {
    for (let at = 0; at < first.length; at += GZ_READ_BYTES) {
      const piece = first.subarray(at, Math.min(first.length, at + GZ_READ_BYTES));
      compressedRead += piece.length;
      yield piece;
    }
    for (;;) {
      const buf = new Uint8Array(GZ_READ_BYTES);
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) return;
      compressedRead += bytesRead;
      yield buf.subarray(0, bytesRead);
    }
  }
  const source = Readable.from(compressed(), { objectMode: false, highWaterMark: GZ_READ_BYTES });
  // Stream options pass through to the Transform (types list zlib's only).
  const gunzip = createGunzip({ chunkSize: TEXT_CHUNK_BYTES, readableHighWaterMark: TEXT_AHEAD_BYTES } as ZlibOptions);
  source.on('error', (err) => gunzip.destroy(err));
  source.pipe(gunzip);
  const abort = () => gunzip.destroy(signal!.reason as Error);
  if (signal?.aborted) abort();
  signal?.addEventListener('abort', abort, { once: true });
  let textBytes = 0;
  try {
    try {
      for await (const chunk of gunzip as AsyncIterable<Buffer>) {
        parser.push(chunk);
        textBytes += chunk.length;
        onProgress?.({ bytesRead: gunzip.bytesWritten, totalBytes: size, objects: parser.objects, accessLines: parser.accessLines });
        if (parser.drain) await parser.drain();
      }
    } catch (err) {
      if (!isZlibError(err)) throw err;
      // Text zlib had decompressed and the parser not yet taken (a caller that awaits its sink lets it run ahead) counts too.
      const text = textBytes + gunzip.readableLength;
      throw err.code === 'Z_BUF_ERROR' ? gzipTruncated(text) : gzipDamaged(err.message, text);
    }
    // zlib ended before the input did: it stopped at zero bytes after a member.
    if (gunzip.bytesWritten < compressedRead) throw gzipTrailingGarbage();
    return parser.finish();
  } catch (err) {
    if (err instanceof KmapFormatError && !(err instanceof GzipDataError)) throw new KmapFormatError(gzipContentMessage(err.message));
    throw err;
  } finally {
    signal?.removeEventListener('abort', abort);
    source.unpipe(gunzip);
    source.destroy();
    gunzip.destroy();
  }
}
