// A short fingerprint of a kmap file for links: its size and a hash of its
// first MiB, "SIZE-HHHHHHHHHHHHHHHH". A link made on a dropped file names
// the file and carries this, so that opening the link with a different file
// can say so. Not a security check: two FNV-1a lanes (different offsets) over
// the head, which tells apart captures of any two runs (their first objects
// differ) at the cost of reading one MiB. Pure; the page reads the bytes.

/** Bytes of the file's start that the hash covers. */
export const FINGERPRINT_HEAD_BYTES = 1 << 20;

/** A fingerprint as a link writes it. */
export const FINGERPRINT_PATTERN = /^[0-9]{1,16}-[0-9a-f]{16}$/;

/** The fingerprint of a file of `size` bytes whose first bytes (up to FINGERPRINT_HEAD_BYTES) are `head`. */
export function fingerprint(size: number, head: Uint8Array): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  const n = Math.min(head.length, FINGERPRINT_HEAD_BYTES);
  for (let i = 0; i < n; i++) {
    a = Math.imul(a ^ head[i], 0x01000193);
    b = Math.imul(b ^ head[i], 0x01000193) ^ (b >>> 15);
  }
  const hex = (x: number) => (x >>> 0).toString(16).padStart(8, '0');
  return `${size}-${hex(a)}${hex(b)}`;
}

/** The size part of a fingerprint. */
export function fingerprintSize(fp: string): number {
  return Number(fp.slice(0, fp.indexOf('-')));
}
