// A quick look at a file's first bytes on the main thread, before the worker
// drops what it holds: a PNG, a JSON file or an empty file is answered at once
// and the loaded view stays as it was. Uses the same parser as the worker.

import { KmapParser } from '../format/parser.ts';
import { KmapFormatError, sniffNotKmap } from '../format/sniff.ts';

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
  try {
    const parser = new KmapParser();
    // A whole small file is judged as it is; a cut head may end mid-line, so
    // only its complete lines are fed.
    let end = head.length;
    if (file.size > HEAD_BYTES) {
      const nl = head.lastIndexOf(0x0a);
      if (nl < 0) return null; // One huge first line: let the worker decide.
      end = nl + 1;
    }
    parser.push(head.subarray(0, end));
    parser.finish();
    return null;
  } catch (err) {
    if (err instanceof KmapFormatError) return err.message;
    return null;
  }
}
