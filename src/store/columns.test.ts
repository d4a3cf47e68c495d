import { describe, expect, it } from 'vitest';
import { AdaptiveUintColumn, Uint32Column, SparseUint32Column } from './columns.ts';

describe('AdaptiveUintColumn', () => {
  it('scatter moves entry i to dest[i], exact wide values with their entries', () => {
    const c = new AdaptiveUintColumn(4);
    for (const v of [10, 300, 7]) c.push(v);
    c.pushWide(2n ** 64n - 1n);
    c.scatter(Uint32Array.of(2, 0, 3, 1));
    expect(c.data).toBeInstanceOf(Float64Array);
    expect([0, 1, 2, 3].map((i) => c.exact(i))).toEqual([300, 2n ** 64n - 1n, 10, 7]);
    expect(c.length).toBe(4);
    expect(() => c.scatter(Uint32Array.of(0, 1))).toThrow(RangeError);
  });

  it('starts as Uint8 and widens u8 -> u16 -> u32 -> f64, keeping every value', () => {
    const c = new AdaptiveUintColumn(4);
    const values = [0, 1, 255];
    for (const v of values) c.push(v);
    expect(c.data).toBeInstanceOf(Uint8Array);
    c.push(256);
    values.push(256);
    expect(c.data).toBeInstanceOf(Uint16Array);
    c.push(65535);
    values.push(65535);
    expect(c.data).toBeInstanceOf(Uint16Array);
    c.push(65536);
    values.push(65536);
    expect(c.data).toBeInstanceOf(Uint32Array);
    c.push(4294967295);
    values.push(4294967295);
    expect(c.data).toBeInstanceOf(Uint32Array);
    c.push(4294967296);
    values.push(4294967296);
    expect(c.data).toBeInstanceOf(Float64Array);
    c.push(Number.MAX_SAFE_INTEGER);
    values.push(Number.MAX_SAFE_INTEGER);
    expect(c.length).toBe(values.length);
    expect(Array.from({ length: c.length }, (_, i) => c.get(i))).toEqual(values);
  });

  it('widens straight from u8 to u32 or f64 when a large value comes first', () => {
    const a = new AdaptiveUintColumn(2);
    a.push(7);
    a.push(70000);
    expect(a.data).toBeInstanceOf(Uint32Array);
    expect([a.get(0), a.get(1)]).toEqual([7, 70000]);
    const b = new AdaptiveUintColumn(2, 'u16');
    b.push(300);
    b.push(2 ** 40);
    expect(b.data).toBeInstanceOf(Float64Array);
    expect([b.get(0), b.get(1)]).toEqual([300, 2 ** 40]);
  });

  it('set() widens too', () => {
    const c = new AdaptiveUintColumn(4);
    c.push(1);
    c.push(2);
    c.set(0, 100000);
    expect(c.data).toBeInstanceOf(Uint32Array);
    expect([c.get(0), c.get(1)]).toEqual([100000, 2]);
  });

  it('grows by doubling and trim() drops the slack, keeping the values', () => {
    const c = new AdaptiveUintColumn(16, 'u32');
    for (let i = 0; i < 1000; i++) c.push(i * 3);
    expect(c.data.length).toBe(1024);
    c.trim();
    expect(c.data.length).toBe(1000);
    expect(c.byteLength).toBe(4000);
    expect(c.get(999)).toBe(2997);
    c.push(5);
    expect(c.get(1000)).toBe(5);
    expect(c.get(0)).toBe(0);
  });

  it('an empty column trims to zero entries of capacity 16 at most', () => {
    const c = new AdaptiveUintColumn(1024);
    c.trim();
    expect(c.length).toBe(0);
    expect(c.data.length).toBeLessThanOrEqual(16);
    c.push(9);
    expect(c.get(0)).toBe(9);
  });
});

describe('Uint32Column', () => {
  it('holds full 32-bit values, grows and trims', () => {
    const c = new Uint32Column(2);
    const values = [0, 0xffffffff, 0x80000000, 12345];
    for (let r = 0; r < 10; r++) for (const v of values) c.push(v);
    expect(c.length).toBe(40);
    c.trim();
    expect(c.data.length).toBe(40);
    expect(Array.from(c.data.subarray(0, 4))).toEqual(values);
    expect(c.data[39]).toBe(12345);
  });
});

describe('SparseUint32Column', () => {
  it('keeps values of increasing keys in 8 bytes each, found by binary search', () => {
    const c = new SparseUint32Column();
    for (let k = 0; k < 100_000; k++) c.set(k * 3 + 1, k);
    expect(c.size).toBe(100_000);
    expect([c.get(1), c.get(4), c.get(299_998), c.get(0), c.get(2), c.get(300_000)]).toEqual([0, 1, 99_999, undefined, undefined, undefined]);
    expect([...c.keys()].slice(0, 3)).toEqual([1, 4, 7]);
    expect([...c.entries()].slice(-1)).toEqual([[299_998, 99_999]]);
    c.trim();
    expect(c.byteLength).toBe(100_000 * 8);
    expect(() => c.set(5, 1)).toThrow(RangeError);
  });
});

describe('appending another column (the parallel parse)', () => {
  it('appendData widens once to the source\'s width, adds an offset, and keeps exact values above 2^53 - 1 at their new index', () => {
    const col = new AdaptiveUintColumn(4, 'u8');
    col.push(7);
    col.appendData(Uint16Array.of(300, 2, 65535), 3, null);
    expect(col.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(col.data.subarray(0, col.length))).toEqual([7, 300, 2, 65535]);
    col.appendData(Uint8Array.of(1, 2), 2, null, 100_000);
    expect(col.data).toBeInstanceOf(Uint32Array);
    expect(Array.from(col.data.subarray(0, col.length))).toEqual([7, 300, 2, 65535, 100_001, 100_002]);
    const big = 2n ** 60n + 3n;
    col.appendData(Float64Array.of(5, Number(big)), 2, new Map([[1, big]]));
    expect(col.exact(7)).toBe(big);
    expect(col.exact(6)).toBe(5);
    expect(() => col.appendData(Float64Array.of(Number(big)), 1, new Map([[0, big]]), 1)).toThrow(/cannot add/);
  });

  it('appendMapped renumbers ids through the map, and copies when the map is the identity', () => {
    const col = new AdaptiveUintColumn(2, 'u8');
    col.appendMapped(Uint8Array.of(0, 1, 0, 2), 4, Uint32Array.of(0, 1, 2));
    col.appendMapped(Uint8Array.of(0, 1, 1), 3, Uint32Array.of(2, 400));
    expect(Array.from(col.data.subarray(0, col.length))).toEqual([0, 1, 0, 2, 2, 400, 400]);
    expect(col.data).toBeInstanceOf(Uint16Array);
  });

  it('reserve makes room once: later appends keep the same buffer', () => {
    const col = new AdaptiveUintColumn(2, 'u16');
    col.reserve(1000);
    const buf = col.data;
    for (let i = 0; i < 1000; i++) col.push(i);
    expect(col.data).toBe(buf);
    const u32 = new Uint32Column(2);
    u32.reserve(100);
    u32.appendData(Uint32Array.of(1, 2, 3), 3);
    expect(u32.data.length).toBe(100);
    expect(Array.from(u32.data.subarray(0, u32.length))).toEqual([1, 2, 3]);
  });
});

describe('appendMapped width', () => {
  it('is that of the largest id the column holds, not the map\'s largest (as the single parse gives)', () => {
    const col = new AdaptiveUintColumn(4, 'u8');
    col.appendMapped(Uint8Array.of(0, 0, 2), 3, Uint32Array.of(5, 70_000, 7));
    expect(col.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(col.data.subarray(0, col.length))).toEqual([5, 5, 7]);
  });
});

describe('AdaptiveUintColumn at Float64', () => {
  it('keeps its buffer for values past 2^53 - 1 (nothing wider to widen to), and widenTo widens once to what is asked', () => {
    const c = new AdaptiveUintColumn(64);
    c.pushWide(2n ** 60n);
    expect(c.data).toBeInstanceOf(Float64Array);
    const data = c.data;
    for (let i = 0; i < 20; i++) c.pushWide(2n ** 60n + BigInt(i));
    c.set(3, 2 ** 60);
    expect(c.data).toBe(data);
    expect(c.exact(20)).toBe(2n ** 60n + 19n);
    const w = new AdaptiveUintColumn(16);
    w.push(7);
    w.widenTo(4);
    expect(w.data).toBeInstanceOf(Uint32Array);
    w.widenTo(2);
    expect(w.data).toBeInstanceOf(Uint32Array);
    w.widenTo(8);
    expect(w.data).toBeInstanceOf(Float64Array);
    expect(w.get(0)).toBe(7);
  });
});
