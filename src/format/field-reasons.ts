// The reasons a bad line is given (docs/kmap-format.md, "Bad lines"): built
// only for bad lines, never on the hot path of a good one.

import { Field, type VariantLayout } from './variants.ts';
import { BYTE, MAX_U64, isBlank } from './field-reader.ts';

const { COMMA } = BYTE;

/** Longest name (command, slab cache, alloc type, new alloc type) accepted; a task name is at most 15 bytes. */
export const MAX_NAME_BYTES = 256;
/** Characters of a bad line kept as its text. */
export const BAD_TEXT_CHARS = 200;

// ignoreBOM: a U+FEFF inside the file is text (only the file's leading BOM is skipped, by the parser).
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export const FIELD_NAMES: Record<Field, string> = {
  [Field.AllocIp]: 'alloc_ip',
  [Field.FreeIp]: 'free_ip',
  [Field.Va]: 'va',
  [Field.Size]: 'size',
  [Field.Pid]: 'pid',
  [Field.AllocIndex]: 'alloc_index',
  [Field.FreeIndex]: 'free_index',
  [Field.Type]: 'alloc_type',
  [Field.Slab]: 'slabname',
  [Field.NewType]: 'new_alloc_type',
};

/** Why the leading field of `role` at `fs` (ending at the next comma or `e`) did not parse. */
export function leadingFieldReason(b: Uint8Array, fs: number, e: number, role: Field): string {
  const kind = role === Field.AllocIp || role === Field.FreeIp || role === Field.Va ? 'hex' : role === Field.Pid ? 'pid' : 'decimal';
  return numberReason(FIELD_NAMES[role], kind, b, fs, e);
}

/**
 * Why an object line (with at least `layout`'s field count) holds a name
 * longer than MAX_NAME_BYTES (the command as it is; the other names
 * trimmed, as they are stored), or null.
 */
export function longNameReason(b: Uint8Array, s: number, e: number, layout: VariantLayout): string | null {
  const trimmedLength = (fs: number, fe: number) => {
    while (fs < fe && isBlank(b[fs])) fs++;
    while (fe > fs && isBlank(b[fe - 1])) fe--;
    return fe - fs;
  };
  const tooLong = (role: string) => `${role} longer than ${MAX_NAME_BYTES} bytes`;
  let p = s;
  for (const role of layout.leading) {
    let q = p;
    while (q < e && b[q] !== COMMA) q++;
    if (role === Field.Type && trimmedLength(p, q) > MAX_NAME_BYTES) return tooLong(FIELD_NAMES[Field.Type]);
    p = q + 1;
  }
  const cmdStart = p;
  let fe = e;
  let why: string | null = null;
  for (let t = layout.trailing.length - 1; t >= 0; t--) {
    let q = fe;
    while (q > cmdStart && b[q - 1] !== COMMA) q--;
    if (trimmedLength(q, fe) > MAX_NAME_BYTES) why = tooLong(FIELD_NAMES[layout.trailing[t]]); // the leftmost one wins
    fe = q - 1;
  }
  if (fe - cmdStart > MAX_NAME_BYTES) return tooLong('command');
  return why;
}

/**
 * Why the number field that starts at `fs` (and ends at the next comma or
 * `e`) did not parse as a `kind`: empty, no digits after 0x, too big for 64
 * bits, negative (a pid may be -1), above the exact limit, or not a number.
 * Only for bad lines: the hot path never builds a reason.
 */
export function numberReason(name: string, kind: 'hex' | 'decimal' | 'pid', b: Uint8Array, fs: number, e: number): string {
  let fe = fs;
  while (fe < e && b[fe] !== COMMA) fe++;
  const shown = `"${text(b, fs, fe)}"`;
  const v = decoder.decode(b.subarray(fs, fe)).replace(/^[ \t]+|[ \t]+$/g, '');
  if (v === '') return `${name} is empty`;
  if (kind === 'hex') {
    const digits = /^0[xX]/.test(v) ? v.slice(2) : v;
    if (digits === '') return `${name} has no hex digits after 0x: ${shown}`;
    if (/^[0-9a-fA-F]+$/.test(digits)) return `${name} does not fit in 64 bits (more than 16 hex digits): ${shown}`;
    return `${name} is not a hex number: ${shown}`;
  }
  if (/^-[0-9]+$/.test(v)) return kind === 'pid' ? `${name} is negative (only -1 is allowed): ${shown}` : `${name} is negative: ${shown}`;
  if (/^[0-9]+$/.test(v)) {
    if (BigInt(v) > MAX_U64) return `${name} does not fit in 64 bits: ${shown}`;
    return `${name} is above 2^53 - 3: ${shown}`; // only a pid has a limit below 2^64
  }
  return `${name} is not a decimal number: ${shown}`;
}

function text(b: Uint8Array, s: number, e: number): string {
  const t = decoder.decode(b.subarray(s, Math.min(e, s + 64)));
  return e - s > 64 ? t + '...' : t;
}

export function countFields(b: Uint8Array, s: number, e: number): number {
  let n = 1;
  for (let i = s; i < e; i++) if (b[i] === COMMA) n++;
  return n;
}

export function plural(n: number, word: string): string {
  return `${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} ${word}${n === 1 ? '' : 's'}`;
}
