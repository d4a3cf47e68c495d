// A quick look at a file on the main thread, before the worker drops what it
// holds: a PNG, UTF-16 or JSON file, an empty file, or a small file that is
// no kmap is answered at once and the loaded view stays as it was.
//
// It never refuses what the worker's parser would load: it refuses a big
// file only by its first bytes (sniffNotKmap: magic numbers, UTF-16, NUL
// bytes, JSON, HTML/XML), and a small one (up to HEAD_BYTES) only by the
// parser's verdict on the whole file. Whether the rest of a big file is a
// kmap is the parser's to say (a kmap may start after 64 MiB of blank,
// indented or damaged lines: docs/kmap-format.md, "Detecting the variant");
// the worker's refusal gives the previous view back as well.
//
// A gzip file (by its magic number, src/format/gzip.ts) is judged by its
// text: the same checks on its first HEAD_BYTES decompressed, the parser's
// verdict when its whole text is that short, said of the file ("This file is
// gzip-compressed, and its content is a PNG image, ..."); a gzip file damaged
// within that part is refused with the worker's message. Decompressing stops
// once HEAD_BYTES of text are out, so a gzip bomb costs no more than a piece
// (src/format/gunzip-web.ts).

import { kmapText, newInputMeter } from '../format/gunzip-web.ts';
import { gzipContentMessage, isGzip } from '../format/gzip.ts';
import { KmapParser } from '../format/parser.ts';
import { KmapFormatError, sniffNotKmap } from '../format/sniff.ts';

/** Files up to this size are parsed whole here; of bigger ones this much is sniffed (of a gzip file: of its text). */
const HEAD_BYTES = 64 * 1024;

function unreadable(err: unknown): string {
  return `The file could not be read (${err instanceof Error ? err.message : String(err)}); is it a folder?`;
}

/** Why `file` cannot be a kmap, or null when it may be one. */
export async function preflight(file: Blob): Promise<string | null> {
  if (file.size === 0) return 'The file is empty.';
  let head: Uint8Array;
  try {
    head = new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer());
  } catch (err) {
    return unreadable(err);
  }
  if (isGzip(head)) return gzipPreflight(file);
  return verdict(head, file.size <= HEAD_BYTES);
}

/** Why `head` cannot start a kmap; when it is the whole file (`whole`), also the parser's verdict on it. */
function verdict(head: Uint8Array, whole: boolean): string | null {
  const why = sniffNotKmap(head);
  if (why) return why;
  if (!whole) return null;
  try {
    const parser = new KmapParser();
    parser.push(head);
    parser.finish();
    return null;
  } catch (err) {
    if (err instanceof KmapFormatError) return err.message;
    return null;
  }
}

async function* blobChunks(file: Blob): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < file.size; at += HEAD_BYTES) {
    yield new Uint8Array(await file.slice(at, Math.min(file.size, at + HEAD_BYTES)).arrayBuffer());
  }
}

/** The verdict on a gzip file's first HEAD_BYTES of text (all of it if it is that short). */
async function gzipPreflight(file: Blob): Promise<string | null> {
  const parts: Uint8Array[] = [];
  let textBytes = 0;
  let whole = true;
  try {
    for await (const text of kmapText(blobChunks(file), newInputMeter())) {
      parts.push(text);
      textBytes += text.length;
      if (textBytes > HEAD_BYTES) {
        whole = false;
        break;
      }
    }
  } catch (err) {
    // Damaged in its first part (GzipDataError): the worker would say the same.
    if (err instanceof KmapFormatError) return err.message;
    return unreadable(err);
  }
  if (textBytes === 0) return gzipContentMessage('The file is empty.');
  const text = new Uint8Array(Math.min(textBytes, HEAD_BYTES));
  let at = 0;
  for (const part of parts) {
    if (at >= text.length) break;
    const n = Math.min(part.length, text.length - at);
    text.set(part.subarray(0, n), at);
    at += n;
  }
  const why = verdict(text, whole);
  return why === null ? null : gzipContentMessage(why);
}
