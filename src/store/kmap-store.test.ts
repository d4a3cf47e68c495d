import { describe, expect, it } from 'vitest';
import { ACCESS_PID_BIAS, ACCESS_PID_NONE, KmapStore, MAX_KEPT_BAD_LINES, countPairs, countsByName, topCountPairs } from './kmap-store.ts';
import { parseKmapBytes } from '../format/parser.ts';
import { parseAllChunkSizes } from '../testing/snapshot.ts';
import { lines } from '../testing/expect-objects.ts';
import { writeKmap } from '../testing/kmap-writer.ts';

describe('KmapStore', () => {
  it('constants: access pid stored as pid + 2, 0 = none; 100 bad lines kept', () => {
    expect(ACCESS_PID_NONE).toBe(0);
    expect(ACCESS_PID_BIAS).toBe(2);
    expect(MAX_KEPT_BAD_LINES).toBe(100);
  });

  it('an empty store', () => {
    const s = new KmapStore();
    expect([s.variant, s.numObjects, s.numAccesses, s.numLive, s.bytes, s.numBadLines]).toEqual([null, 0, 0, 0, 0, 0]);
  });

  it('accessRange, isLive and the raw pid column of a B file', () => {
    const { store } = parseAllChunkSizes(lines(
      'ffffffff8120aa10,412,ffff88003c1f4e00,96,4294912345,0,ffffffff8120ab00,sshd',
      '  ffffffff8133c0de,412,2,7',
      '  ffffffff8133c0df,0,2,7',
      'ffffffff8120aa20,1,ffff88003c1f5000,4096,4294912340,4294912399,0,systemd',
      'ffffffff8120aa30,1,ffff88003c1f6000,8,4294912341,4294912398,0,systemd',
      '  ffffffff8133c0de,-1,0,1',
    ));
    expect([0, 1, 2].map((i) => store.accessRange(i))).toEqual([[0, 2], [2, 2], [2, 3]]);
    expect([0, 1, 2].map((i) => store.isLive(i))).toEqual([true, false, false]);
    expect(Array.from(store.accesses.pid.data.subarray(0, 3))).toEqual([414, 2, 1]);
    // the same access IP interned once
    expect(store.accesses.ip.get(0)).toBe(store.accesses.ip.get(2));
    expect(store.objectsByCommand[store.commands.find('systemd')]).toBe(2);
  });

  it('isLive in variant A is free IP 0', () => {
    const { store } = parseAllChunkSizes(lines(
      'ffffffff81234567,ffffffff81234999,ffff888003a1c0c0,64,100,bash',
      'ffffffff81234567,0,ffff888003a1c0c0,64,100,bash',
      'ffffffff81234567,(null),ffff888003a1c0c0,64,100,bash',
    ));
    expect([0, 1, 2].map((i) => store.isLive(i))).toEqual([false, true, true]);
    expect(store.numLive).toBe(2);
  });

  it('is trimmed after finish(): no column has slack', () => {
    const { store } = parseAllChunkSizes(lines('ffffffff81234567,0,ffff888003a1c0c0,64,100,bash', '  ffffffff8133c0de,412,2,7'));
    for (const c of store.objects.all()) expect(c.data.length).toBeLessThanOrEqual(16);
    for (const c of store.accesses.all()) expect(c.data.length).toBeLessThanOrEqual(16);
    expect(store.objects.all().every((c) => c.length === 1)).toBe(true);
  });

  it('meets the memory budget: <= 48 bytes per object, <= 20 per access line (100,000 generated objects)', () => {
    const bytes = new TextEncoder().encode(writeKmap({ variant: 'E', objects: 100_000, seed: 5, longLine: false }));
    const store = parseKmapBytes(bytes, 1 << 20);
    expect(store.numObjects).toBeGreaterThan(95_000);
    expect(store.objectBytes / store.numObjects).toBeLessThanOrEqual(48);
    expect(store.accessBytes / store.numAccesses).toBeLessThanOrEqual(20);
  });
});

describe('countsByName', () => {
  it('drops zero counts, sorts by count descending then by name', () => {
    expect(Object.entries(countsByName(['b', 'a', 'c', 'd', ''], [2, 2, 0, 5, 1]))).toEqual([['d', 5], ['a', 2], ['b', 2], ['', 1]]);
  });
});

describe('topCountPairs', () => {
  it('gives the first `limit` pairs of countPairs, and the total, for any limit and filter', () => {
    let seed = 5;
    const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const names = Array.from({ length: 3000 }, (_, i) => `n${Math.floor(rnd() * 5000)}-${i % 7}`);
    const counts = names.map(() => (rnd() < 0.2 ? 0 : Math.floor(rnd() * 6)));
    const all = countPairs(names, counts);
    for (const limit of [0, 1, 5, 100, 2999, 5000]) {
      expect(topCountPairs(names, counts, limit)).toEqual({ pairs: all.slice(0, limit), total: all.length });
    }
    const accept = (n: string) => n.endsWith('-3');
    const kept = all.filter(([n]) => accept(n));
    expect(topCountPairs(names, counts, 50, accept)).toEqual({ pairs: kept.slice(0, 50), total: kept.length });
  });
});

describe('reserving a store from an estimate (the CLI)', () => {
  const text = lines(
    'ffffffff81400008,42,ffff888005000000,64,10,0,0000000000000000,KMALLOC,bash,kmalloc-64,',
    '  ffffffff81500004,1,2,42',
  );

  it('reserveForBytes scales the rows read to the whole file; trim(maxSlack) leaves a column whose unused share is at most maxSlack', async () => {
    const { reserveForBytes } = await import('./kmap-store.ts');
    const store = parseKmapBytes(new TextEncoder().encode(text));
    reserveForBytes(store, 100, 100_000);
    // 1 object and 1 access line in 100 bytes: about 1,000 of each in 100,000 (with 5% and 1,024 rows to spare).
    expect(store.objects.size.data.length).toBe(Math.ceil(1000 * 1.05) + 1024);
    expect(store.accesses.ip.data.length).toBe(Math.ceil(1000 * 1.05) + 1024);
    // 2,073 of 2,074 entries unused: a share of 0.9995.
    store.trim(0.9996);
    expect(store.objects.size.data.length).toBe(Math.ceil(1000 * 1.05) + 1024);
    store.trim(0.999);
    expect(store.objects.size.data.length).toBe(16); // trimmed to its length (at least 16)
    expect(store.numObjects).toBe(1);
    const empty = new KmapStore();
    reserveForBytes(empty, 100, 1000); // nothing read yet: nothing to scale
    expect(empty.objects.size.data.length).toBe(1024);
  });
});
