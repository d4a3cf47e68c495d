// The field-scoped search of the filter bar and `q=` in links:
//
//   comm:ls slab:dentry type:KMALLOC fn:d_alloc ip:ffffffff8117c0e8
//   addr:ffff888000482100 pid:42 free text
//
// - Terms are separated by spaces; a value may be double-quoted
//   (`comm:"kworker/0:1"`).
// - `comm:`, `slab:`, `type:`, `fn:` match a whole name, case-insensitively,
//   with `*` as a wildcard (`fn:d_alloc*`); `fn:` is the allocating function
//   (needs symbols; without them it matches nothing and says so); a module
//   function matches by `name [module]` or by its bare name.
// - `ip:` is an exact allocation IP, `addr:` finds the objects whose
//   [address, address + size) contains the address, `pid:` the allocating pid.
// - Several terms of one field are ORed; different fields and free text are
//   ANDed. Free text is a case-insensitive substring of the command, slab,
//   type or allocating function.
// - A word whose prefix is not a field (`kworker/0:1`) is free text.
// - A term that cannot be read (`pid:abc`, `ip:xyz`) makes the search match
//   nothing and says why, rather than silently matching everything.
// Pure: parsing only; filter.ts applies it.

export const SEARCH_FIELDS = ['comm', 'slab', 'type', 'fn', 'ip', 'addr', 'pid'] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];

export interface ParsedSearch {
  /** Lower-cased free-text words. */
  words: string[];
  /** Name patterns by field (lower-cased), as regular expressions. */
  comm: RegExp[];
  slab: RegExp[];
  type: RegExp[];
  fn: RegExp[];
  /** 64-bit values as hi/lo halves. */
  ip: [number, number][];
  addr: [number, number][];
  pid: number[];
  /** Sentences about terms that could not be read; while there is one, the search matches nothing. */
  errors: string[];
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /(?:[^\s"]*"[^"]*"?[^\s"]*)+|[^\s"]+/g;
  for (const m of text.matchAll(re)) tokens.push(m[0]);
  return tokens;
}

function unquote(s: string): string {
  return s.replace(/"/g, '');
}

/** A whole-name, case-insensitive pattern with `*` wildcards. */
export function namePattern(value: string): RegExp {
  const body = value
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'i');
}

/** Reads up to 16 hex digits (optional 0x) as hi/lo halves, or null. */
export function parseHex64(s: string): [number, number] | null {
  const t = s.toLowerCase().replace(/^0x/, '');
  if (!/^[0-9a-f]{1,16}$/.test(t)) return null;
  const p = t.padStart(16, '0');
  return [parseInt(p.slice(0, 8), 16) >>> 0, parseInt(p.slice(8), 16) >>> 0];
}

export function parseSearch(text: string): ParsedSearch {
  const out: ParsedSearch = { words: [], comm: [], slab: [], type: [], fn: [], ip: [], addr: [], pid: [], errors: [] };
  for (const token of tokenize(text.trim())) {
    const colon = token.indexOf(':');
    const field = colon > 0 ? token.slice(0, colon).toLowerCase() : '';
    if (!(SEARCH_FIELDS as readonly string[]).includes(field)) {
      const word = unquote(token).toLowerCase();
      if (word) out.words.push(word);
      continue;
    }
    const value = unquote(token.slice(colon + 1));
    if (value === '') continue; // "comm:" while typing: no condition yet
    switch (field as SearchField) {
      case 'comm':
      case 'slab':
      case 'type':
      case 'fn':
        out[field as 'comm' | 'slab' | 'type' | 'fn'].push(namePattern(value));
        break;
      case 'ip':
      case 'addr': {
        const v = parseHex64(value);
        if (v) out[field as 'ip' | 'addr'].push(v);
        else out.errors.push(`"${field}:${value.slice(0, 40)}" is not a hex address (up to 16 hex digits).`);
        break;
      }
      case 'pid':
        if (/^-?[0-9]{1,10}$/.test(value)) out.pid.push(Number(value));
        else out.errors.push(`"pid:${value.slice(0, 40)}" is not a number.`);
        break;
    }
  }
  return out;
}

/** True when the parsed search restricts nothing (and reported nothing). */
export function isEmptySearch(p: ParsedSearch): boolean {
  return (
    p.words.length + p.comm.length + p.slab.length + p.type.length + p.fn.length + p.ip.length + p.addr.length + p.pid.length ===
      0 && p.errors.length === 0
  );
}
