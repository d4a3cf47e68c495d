// The objects' records (./parquet-object-records.ts) against a Map of the
// four ids joined as text: every object's record holds its own four ids,
// two objects share a record exactly when they share all four, and records
// are numbered in first-seen order. Sizes cross the table's growth (it
// starts at 1,024 slots) and the switch to 32-bit ids past 2^16 records;
// ids are chosen so that many differ in one field only.

import { describe, expect, it } from 'vitest';
import { rng } from '../testing/kmap-writer.ts';
import { objectRecords, type RecordColumns } from './parquet-object-records.ts';

function columns(n: number, distinct: { slab: number; type: number; alloc: number; command: number }, seed: number): RecordColumns {
  const r = rng(seed);
  const pick = (k: number) => Math.floor(r() * k);
  const allocOf = Uint32Array.from({ length: distinct.alloc * 2 }, (_, ip) => ip >> 1); // two IPs per function
  return {
    numObjects: n,
    slab: Uint32Array.from({ length: n }, () => pick(distinct.slab)),
    type: Uint8Array.from({ length: n }, () => pick(distinct.type)),
    command: Uint32Array.from({ length: n }, () => pick(distinct.command)),
    allocIp: Uint32Array.from({ length: n }, () => pick(distinct.alloc * 2)),
    allocOf,
  };
}

function check(src: RecordColumns): ReturnType<typeof objectRecords> {
  const got = objectRecords(src);
  const ids = new Map<string, number>();
  for (let i = 0; i < src.numObjects; i++) {
    const four = [src.slab[i], src.type[i], src.allocOf[src.allocIp[i]], src.command[i]];
    const key = four.join(',');
    if (!ids.has(key)) ids.set(key, ids.size);
    expect(got.of[i], `object ${i}`).toBe(ids.get(key));
    expect([...got.fields.subarray(4 * got.of[i], 4 * got.of[i] + 4)]).toEqual(four);
  }
  expect(got.count).toBe(ids.size);
  expect(got.fields.length).toBe(4 * ids.size);
  return got;
}

describe('objectRecords', () => {
  it('few records among many objects (16-bit ids)', () => {
    const got = check(columns(20_000, { slab: 5, type: 3, alloc: 4, command: 6 }, 1));
    expect(got.of).toBeInstanceOf(Uint16Array);
  });

  it('thousands of records: the table grows several times; records differing in one field stay apart', () => {
    const got = check(columns(60_000, { slab: 40, type: 8, alloc: 30, command: 50 }, 2));
    expect(got.count).toBeGreaterThan(4096);
  });

  it('past 2^16 records: 32-bit ids', () => {
    const n = 70_000;
    const src: RecordColumns = {
      numObjects: n,
      slab: new Uint8Array(n),
      type: new Uint8Array(n),
      command: Uint32Array.from({ length: n }, (_, i) => i),
      allocIp: new Uint8Array(n),
      allocOf: new Uint32Array(1),
    };
    const got = check(src);
    expect(got.count).toBe(n);
    expect(got.of).toBeInstanceOf(Uint32Array);
  });

  it('no objects: no records', () => {
    expect(check(columns(0, { slab: 1, type: 1, alloc: 1, command: 1 }, 3)).count).toBe(0);
  });
});
