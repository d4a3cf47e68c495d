// A quick look at a file on the main thread, before the worker drops what it
// holds: a PNG, a gzip, UTF-16 or JSON file, an empty file, or a small file
// that is no kmap is answered at once and the loaded view stays as it was.
//
// It never refuses what the worker's parser would load: it refuses a big
// file only by its first bytes (sniffNotKmap: magic numbers, UTF-16, NUL
// bytes, JSON, HTML/XML), and a small one (up to HEAD_BYTES) only by the
// parser's verdict on the whole file. Whether the rest of a big file is a
// kmap is the parser's to say (a kmap may start after 64 MiB of blank,
// indented or damaged lines: docs/kmap-format.md, "Detecting the variant");
// the worker's refusal gives the previous view back as well.

import { KmapParser } from '../format/parser.ts';
import { KmapFormatError, sniffNotKmap } from '../format/sniff.ts';

/** Files up to this size are parsed whole here; of bigger ones this much is sniffed. */
const HEAD_BYTES = 64 * 1024;

/** Why `file` cannot be a kmap, or null when it may be one. */
export async function preflight(file: Blob): Promise<string | null> {
  if (file.size === 0) return 'The file is empty.';
  let head: Uint8Array;
  try {
    head = new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer());
  } catch (err) {
    return `The file could not be read (${err instanceof Error ? err.message : String(err)}); is it a folder?`;
  }
  const why = sniffNotKmap(head);
  if (why) return why;
  if (file.size > HEAD_BYTES) return null;
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
