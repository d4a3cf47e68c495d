// Recognises files that are plainly not a kmap from their first bytes, so
// that a dropped image or archive is answered at once with a useful message.
//
// gzip is not refused here: the readers (src/node/, workers/, the page's
// preflight) decompress a file that starts with gzip's magic number and hand
// this check, and the parser, the decompressed text (./gzip.ts). gzip bytes
// that reach it are a .gz inside a .gz. Every message starts "This file " or
// "The file ", so that gzipContentMessage() can say it of a gzip file's content.
//
// A file of Memorizer's split CSV pair (split-csv-header.ts) is no kmap
// either: given alone, it is answered with the name of the file it needs.

import { sniffSplitCsv, splitAloneMessage } from './split-csv-header.ts';

export class KmapFormatError extends Error {
  override name = 'KmapFormatError';
}

const MAGIC: readonly [number[], string][] = [
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'a GIF image'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0x1f, 0x8b], 'gzip data (a .gz inside a .gz? decompress it once, e.g. gunzip, and open the result)'],
  [[0x28, 0xb5, 0x2f, 0xfd], 'zstd-compressed (decompress it first, e.g. unzstd; gzip is read as it is)'],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a], 'xz-compressed (decompress it first, e.g. unxz; gzip is read as it is)'],
  [[0x50, 0x4b, 0x03, 0x04], 'a zip archive'],
  [[0x7f, 0x45, 0x4c, 0x46], 'an ELF binary'],
];

const UTF16 = 'This file is UTF-16 text; a kmap is UTF-8 (convert it first, e.g. iconv -f UTF-16 -t UTF-8).';

/**
 * Returns why `head` (the first bytes of a file) cannot be a kmap, or null
 * when it might be one. Only cheap, certain checks: the rest is up to the
 * variant detection.
 */
export function sniffNotKmap(head: Uint8Array): string | null {
  for (const [magic, what] of MAGIC) {
    if (head.length >= magic.length && magic.every((byte, i) => head[i] === byte)) {
      return `This file is ${what}, not a kmap text file.`;
    }
  }
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return UTF16;
  const limit = Math.min(head.length, 4096);
  let firstNul = -1;
  const nulsAt = [0, 0]; // at even and at odd offsets
  for (let i = 0; i < limit; i++) {
    if (head[i] !== 0) continue;
    if (firstNul < 0) firstNul = i;
    nulsAt[i & 1]++;
  }
  if (firstNul >= 0) {
    // ASCII as UTF-16 without a BOM: every other byte is NUL.
    if (limit >= 16 && Math.max(nulsAt[0], nulsAt[1]) * 4 >= limit && Math.min(nulsAt[0], nulsAt[1]) * 8 < Math.max(nulsAt[0], nulsAt[1])) return UTF16;
    return `This file holds binary data (a NUL byte at offset ${firstNul}), not a kmap text file.`;
  }
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < limit && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  if (i < limit && (head[i] === 0x7b || head[i] === 0x5b)) {
    return 'This file looks like JSON, not a kmap (a kmap is comma-separated text, one object per line).';
  }
  if (i < limit && head[i] === 0x3c) {
    return 'This file looks like HTML or XML, not a kmap (a kmap is comma-separated text, one object per line).';
  }
  const split = sniffSplitCsv(head, true);
  if (split) return splitAloneMessage(split.kind);
  return null;
}
