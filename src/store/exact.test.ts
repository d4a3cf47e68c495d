// Exact 64-bit integers: ExactSum past 2^53, the helpers, and a column's
// wide entries (their exact value, their sort words).

import { describe, expect, it } from 'vitest';
import { AdaptiveUintColumn, exactSumRange, keyWords } from './columns.ts';
import { addExact, compareExact, exactJson, exactOf, ExactSum, MAX_EXACT } from './exact.ts';

const U64_MAX = 2n ** 64n - 1n;

describe('ExactSum', () => {
  it('is a number while the sum fits, and exact past 2^53 (where doubles would round)', () => {
    const s = new ExactSum();
    s.add(MAX_EXACT - 1);
    expect(s.value).toBe(MAX_EXACT - 1);
    s.add(1);
    expect(s.value).toBe(MAX_EXACT);
    s.add(1); // 2^53: as doubles, 2^53 + 1 would then be lost
    s.add(1);
    expect(s.value).toBe(2n ** 53n + 1n);
    for (let i = 0; i < 1000; i++) s.add(3);
    expect(s.value).toBe(2n ** 53n + 3001n);
  });

  it('adds values above 2^53 - 1 by their exact form', () => {
    const s = new ExactSum();
    s.add(Number(U64_MAX), U64_MAX);
    s.add(5);
    s.addExact(U64_MAX);
    expect(s.value).toBe(2n * U64_MAX + 5n);
  });
});

describe('helpers', () => {
  it('exactOf, addExact, compareExact, exactJson', () => {
    expect(exactOf(5n)).toBe(5);
    expect(exactOf(2n ** 53n)).toBe(2n ** 53n);
    expect(addExact(MAX_EXACT, 0)).toBe(MAX_EXACT);
    expect(addExact(MAX_EXACT, 1)).toBe(2n ** 53n);
    expect(addExact(U64_MAX, 1)).toBe(2n ** 64n);
    expect([U64_MAX, 3, U64_MAX - 1n, 2n ** 53n].sort(compareExact)).toEqual([3, 2n ** 53n, U64_MAX - 1n, U64_MAX]);
    expect(exactJson(MAX_EXACT)).toBe(MAX_EXACT);
    expect(exactJson(U64_MAX)).toBe('18446744073709551615');
  });
});

describe('AdaptiveUintColumn: values above 2^53 - 1', () => {
  it('keeps them exact beside the column; sums and sort words are exact', () => {
    const c = new AdaptiveUintColumn(4, 'u8');
    c.push(7);
    c.pushWide(U64_MAX);
    c.pushWide(U64_MAX - 1n); // the same double as U64_MAX
    c.push(2 ** 32 + 5);
    expect([0, 1, 2, 3].map((i) => c.exact(i))).toEqual([7, U64_MAX, U64_MAX - 1n, 2 ** 32 + 5]);
    expect(c.data[1]).toBe(c.data[2]);
    expect(exactSumRange(c, 0, 4)).toBe(7n + U64_MAX + U64_MAX - 1n + 2n ** 32n + 5n);
    expect(exactSumRange(c, 0, 1)).toBe(7);
    const lo = new Uint32Array(4);
    const hi = keyWords(c, 0, 4, lo, null)!;
    const key = (k: number) => (BigInt(hi[k]) << 32n) + BigInt(lo[k]);
    expect([0, 1, 2, 3].map(key)).toEqual([7n, U64_MAX, U64_MAX - 1n, 2n ** 32n + 5n]);
  });
});
