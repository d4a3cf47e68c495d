import { describe, expect, it } from 'vitest';
import { firstRowAt, maxScrollTop, rowTop, scrollRows, scrollTopFor, scrollTopToReveal, visibleRange } from './scroll-math.ts';

const plain = { total: 1000, rowHeight: 20, viewHeight: 200, maxRows: 100_000 };
const huge = { total: 10_000_000, rowHeight: 20, viewHeight: 200, maxRows: 100_000 };

describe('scroll math, plain', () => {
  it('is one row per row height', () => {
    expect(scrollRows(plain)).toBe(1000);
    expect(maxScrollTop(plain)).toBe(1000 * 20 - 200);
    expect(firstRowAt(plain, 400)).toBe(20);
    expect(rowTop(plain, 400, 25)).toBe(500);
    expect(visibleRange(plain, 400, 2)).toEqual([18, 32]);
  });

  it('reaches the last row at the bottom', () => {
    const [, end] = visibleRange(plain, maxScrollTop(plain), 0);
    expect(end).toBe(1000);
    expect(rowTop(plain, maxScrollTop(plain), 999)).toBe(maxScrollTop(plain) + 180);
  });

  it('reveals rows with the least movement', () => {
    expect(scrollTopToReveal(plain, 400, 25)).toBeNull();
    expect(scrollTopToReveal(plain, 400, 10)).toBe(200);
    expect(scrollTopToReveal(plain, 400, 40)).toBe(41 * 20 - 200);
  });

  it('handles fewer rows than fill the view', () => {
    const few = { ...plain, total: 3 };
    expect(maxScrollTop(few)).toBe(0);
    expect(visibleRange(few, 0, 5)).toEqual([0, 3]);
    expect(scrollTopToReveal(few, 0, 2)).toBeNull();
  });
});

describe('scroll math, compressed', () => {
  it('caps the content height', () => {
    expect(scrollRows(huge)).toBe(100_000);
    expect(maxScrollTop(huge)).toBe(100_000 * 20 - 200);
  });

  it('maps the ends of the scroll range to the ends of the rows', () => {
    expect(firstRowAt(huge, 0)).toBe(0);
    expect(firstRowAt(huge, maxScrollTop(huge))).toBe(10_000_000 - 10);
    const [, end] = visibleRange(huge, maxScrollTop(huge), 3);
    expect(end).toBe(10_000_000);
  });

  it('keeps rows adjacent and the scroll offset invertible', () => {
    const s = 777_777;
    expect(rowTop(huge, s, 1001) - rowTop(huge, s, 1000)).toBe(20);
    const f = firstRowAt(huge, s);
    expect(scrollTopFor(huge, f)).toBeCloseTo(s, 6);
  });

  it('reveals a far row', () => {
    const s = scrollTopToReveal(huge, 0, 5_000_000);
    expect(s).not.toBeNull();
    const [start, end] = visibleRange(huge, s!, 0);
    expect(start).toBeLessThanOrEqual(5_000_000);
    expect(end).toBeGreaterThan(5_000_000);
  });
});
