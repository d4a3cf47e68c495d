// The ids of DuckDB ENUM columns as the block scan (./parquet-block-scan.ts)
// hands them over: an ENUM's members must be distinct, so a dictionary with
// a name twice (a symbol named like a hex IP key, say) is remapped to its
// distinct names; a file's sort key is an ENUM of just the names it holds;
// and DuckDB stores an ENUM's ids in 1, 2 or 4 bytes by its size.

import type { BlockColumn } from '../query/parquet-schema.ts';

/** A column's values at a vector's width. */
export type Narrow = Uint8Array | Uint16Array | Uint32Array;

/** A column's values at the vector's width: ENUM ids (remapped when the dictionary had repeats) as 1, 2 or 4 bytes; BIGINT words and BOOLEAN bytes as they are. */
export function narrowed(col: BlockColumn, width: number, remap: Uint32Array | null): Narrow {
  if (col.def.type !== 'VARCHAR' || width === 0) return col.data;
  const out = width === 1 ? new Uint8Array(col.data.length) : width === 2 ? new Uint16Array(col.data.length) : new Uint32Array(col.data.length);
  if (remap) for (let k = 0; k < out.length; k++) out[k] = remap[col.data[k]];
  else if (width === 4) return col.data;
  else out.set(col.data);
  return out;
}

/** The distinct names of the ids `used` (ids of `dict`), in first-seen order, and id -> index among them (0 for ids not used). */
export function namesOf(dict: readonly string[], used: Uint32Array): { names: string[]; remap: Uint32Array } {
  const index = new Map<string, number>();
  const remap = new Uint32Array(dict.length);
  for (const id of used) {
    const name = dict[id];
    let k = index.get(name);
    if (k === undefined) {
      k = index.size;
      index.set(name, k);
    }
    remap[id] = k;
  }
  return { names: [...index.keys()], remap };
}

/** A dictionary's distinct names in first-seen order, and id -> index among them (null when all are distinct already). */
export function distinctNames(dict: readonly string[]): { names: string[]; remap: Uint32Array | null } {
  const index = new Map<string, number>();
  for (const n of dict) if (!index.has(n)) index.set(n, index.size);
  if (index.size === dict.length) return { names: dict as string[], remap: null };
  return { names: [...index.keys()], remap: Uint32Array.from(dict, (n) => index.get(n)!) };
}
