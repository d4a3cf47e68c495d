// The windowed, radix-sorted access rows of one object against the simple
// way (every row built, then Array.prototype.sort), for every key and
// direction, with many ties, IPs that differ only in their high word, pids
// -1 and none, and counts past 32 bits.

import { describe, expect, it } from 'vitest';
import { KmapParser } from '../format/parser.ts';
import { accessRows, accessRowsWindow, sortAccessRows, type AccessSortKey } from './rows.ts';

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One object with `n` access lines (E: ip,writes,reads,pid), from a few IPs and values so that ties abound. */
function oneObject(n: number, seed: number, big: boolean): string {
  const rnd = mulberry32(seed);
  const ips = ['ffffffff81000010', 'ffffffff81000008', 'fffffffe81000010', 'ffffffff80000000', '0000000081000010'];
  const lines = ['ffffffff81001010,100,ffff888000001000,64,10,0,0000000000000000,KMALLOC,cat,kmalloc-64,'];
  for (let i = 0; i < n; i++) {
    const count = () => (big && rnd() < 0.2 ? 2 ** 32 + Math.floor(rnd() * 5) : Math.floor(rnd() * 4));
    const pid = [-1, 0, 7, 42][Math.floor(rnd() * 4)];
    lines.push(`  ${ips[Math.floor(rnd() * ips.length)]},${count()},${count()},${pid}`);
  }
  return lines.join('\n') + '\n';
}

function parse(text: string) {
  const p = new KmapParser();
  p.push(new TextEncoder().encode(text));
  p.finish();
  return p.store;
}

describe('accessRowsWindow', () => {
  for (const big of [false, true]) {
    const store = parse(oneObject(3000, big ? 2 : 1, big));
    for (const key of ['ip', 'pid', 'reads', 'writes'] as AccessSortKey[]) {
      for (const desc of [false, true]) {
        it(`${key} ${desc ? 'descending' : 'ascending'}${big ? ', counts past 2^32' : ''}: the simple sort's order, and its first rows as a window`, () => {
          const want = sortAccessRows(accessRows(store, 0), key, desc);
          expect(accessRowsWindow(store, 0, { key, desc }, Number.POSITIVE_INFINITY)).toEqual(want);
          expect(accessRowsWindow(store, 0, { key, desc }, 100)).toEqual(want.slice(0, 100));
        });
      }
    }
  }

  it('without a sort: file order, cut at the limit', () => {
    const store = parse(oneObject(50, 3, false));
    expect(accessRowsWindow(store, 0, null, 10)).toEqual(accessRows(store, 0).slice(0, 10));
    expect(accessRowsWindow(store, 0, null, 0)).toEqual([]);
  });
});
