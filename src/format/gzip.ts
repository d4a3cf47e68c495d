// gzip input, the parts every reader shares (the CLI's node:zlib path, the
// worker's and the page's DecompressionStream path): recognising a gzip file,
// the start of a gzip member, and the messages for a damaged gzip file or for
// a gzip file whose content is not a kmap.
//
// A file is gzip when its first two bytes are gzip's magic number, 1f 8b
// (RFC 1952), whatever its name; everything else is read as kmap text. The
// readers decompress while streaming and hand the parser the text only, so
// every line rule, the variant detection and its 64 MiB limit apply to the
// decompressed text exactly as to a plain file.
//
// A damaged gzip file (it ends inside a member, a CRC or length check fails,
// the compressed data is invalid, or bytes that are not a gzip member follow
// a member) fails the whole load: nothing of it is kept, in the CLI or the
// page (where the kmap shown before comes back). A partial result would be
// taken for the capture; `gunzip -c` saves the readable part on purpose,
// and that file loads.

import { KmapFormatError } from './sniff.ts';

/** A gzip file that cannot be decompressed (truncated, a failed check, invalid data, garbage after a member). */
export class GzipDataError extends KmapFormatError {
  override name = 'GzipDataError';
}

/** Whether `head` (a file's first bytes) starts with gzip's magic number 1f 8b. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** Bytes at `at` that a new gzip member may start with: 1f 8b, method 8 (deflate), flags without reserved bits. */
export function mayStartMember(bytes: Uint8Array, at: number): boolean {
  return bytes[at] === 0x1f && bytes[at + 1] === 0x8b && bytes[at + 2] === 0x08 && (bytes[at + 3] & 0xe0) === 0;
}

/** The smallest gzip member: a 10-byte header, an empty deflate block (2 bytes), the 8-byte trailer. */
export const MIN_MEMBER_BYTES = 20;

/** "1.2 MB" (or "850 kB", "312 bytes"): how much text was decompressed before the damage. */
function amount(bytes: number): string {
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(bytes >= 1e8 ? 0 : 1)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} kB`;
  return `${bytes} byte${bytes === 1 ? '' : 's'}`;
}

const NOT_KEPT = 'Nothing of it was loaded; gunzip -c FILE > part.kmap saves what can be read, and that file loads.';

/**
 * Where the damage is, in words: "after 1.2 MB of kmap text". `about`: a
 * decompressor drops the text of the piece it failed in, so the figure is a
 * little short.
 */
function where(textBytes: number, about = false): string {
  if (textBytes > 0) return `after ${about ? 'about ' : ''}${amount(textBytes)} of kmap text`;
  return about ? 'near its start' : 'before any kmap text';
}

/** The gzip data ended inside a member: a file cut short (a download or copy that stopped). */
export function gzipTruncated(textBytes: number): GzipDataError {
  return new GzipDataError(`The gzip data ends early (truncated?) ${where(textBytes)}. ${NOT_KEPT}`);
}

/** A complete gzip member is followed by bytes that are not another member (zero padding included). */
export function gzipTrailingGarbage(): GzipDataError {
  return new GzipDataError(`The gzip data is followed by bytes that are not gzip data (garbage after the end?). ${NOT_KEPT}`);
}

/**
 * The decompressor refused the data. `reason` is its message: zlib's
 * ("incorrect data check"), Node's, or a browser's ("The compressed data was
 * not valid: incorrect data check.", "Junk found after end of compressed
 * data."); said in the user's words where it is one of zlib's known ones.
 */
export function gzipDamaged(reason: string, textBytes: number): GzipDataError {
  // Chromium: "Failed to execute 'write' on 'WritableStreamDefaultWriter': The compressed data was not valid: ...".
  const plain = reason
    .replace(/^Failed to execute '[^']*' on '[^']*':\s*/i, '')
    .replace(/^The compressed data was not valid:\s*/i, '')
    .replace(/\.$/, '')
    .trim();
  // A browser's words for bytes after the last member, and zlib's (Node's)
  // when they do not start like a member: every reader checked that the
  // file starts with the magic number, so a bad one is after a member.
  if (/junk found after end|trailing garbage|incorrect header check/i.test(plain)) return gzipTrailingGarbage();
  const words: Record<string, string> = {
    'incorrect data check': 'its CRC-32 check fails',
    'incorrect length check': 'its length check fails',
    'unknown compression method': 'a gzip header names an unknown compression method',
    'unknown header flags set': 'a gzip header has unknown flags',
  };
  const what = words[plain.toLowerCase()] ?? `the compressed data is invalid: ${plain || 'no reason given'}`;
  return new GzipDataError(`The gzip data is damaged (${what}) ${where(textBytes, true)}. ${NOT_KEPT}`);
}

const GZIP_CONTENT = 'This file is gzip-compressed, and its content';

/**
 * The parser's verdict on the decompressed text of a gzip file, said of the
 * file: "This file is a PNG image, not a kmap text file." becomes "This file
 * is gzip-compressed, and its content is a PNG image, not a kmap text file.",
 * "Not a kmap: ..." becomes "This file is gzip-compressed, and its content is
 * not a kmap: ...".
 */
export function gzipContentMessage(message: string): string {
  if (message.startsWith('This file ')) return `${GZIP_CONTENT} ${message.slice('This file '.length)}`;
  if (message.startsWith('The file ')) return `${GZIP_CONTENT} ${message.slice('The file '.length)}`;
  if (message.startsWith('Not a kmap: ')) return `${GZIP_CONTENT} is not a kmap: ${message.slice('Not a kmap: '.length)}`;
  return `${GZIP_CONTENT} is not a kmap: ${message}`;
}
