import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KmapParser } from '../src/format/parser.ts';
import { generateKmap, parseSize, type GenerateOptions, type GenerateStats } from './generate.ts';

function hashOf(opts: GenerateOptions): { hash: string; stats: GenerateStats; chunks: number } {
  const h = createHash('sha256');
  let chunks = 0;
  const stats = generateKmap(opts, (chunk) => {
    h.update(chunk);
    chunks++;
  });
  return { hash: h.digest('hex'), stats, chunks };
}

function collect(opts: GenerateOptions): { bytes: Uint8Array; stats: GenerateStats } {
  const parts: Uint8Array[] = [];
  const stats = generateKmap(opts, (chunk) => parts.push(chunk));
  const bytes = new Uint8Array(stats.bytes);
  let off = 0;
  for (const p of parts) {
    bytes.set(p, off);
    off += p.length;
  }
  expect(off).toBe(stats.bytes);
  return { bytes, stats };
}

describe('generateKmap', () => {
  it('is deterministic: same seed, same bytes, whatever the batch size', () => {
    const a = hashOf({ seed: 7, numObjects: 20_000 });
    const b = hashOf({ seed: 7, numObjects: 20_000, batchBytes: 64 * 1024 });
    expect(b.hash).toBe(a.hash);
    expect(b.chunks).toBeGreaterThan(a.chunks);
    expect(b.stats).toEqual(a.stats);
    const c = hashOf({ seed: 8, numObjects: 20_000 });
    expect(c.hash).not.toBe(a.hash);
  });

  it('scales the access lines with accessScale, leaving the default output as it was', () => {
    const base = hashOf({ seed: 7, numObjects: 20_000 });
    expect(hashOf({ seed: 7, numObjects: 20_000, accessScale: 1 }).hash).toBe(base.hash);
    const fewer = hashOf({ seed: 7, numObjects: 20_000, accessScale: 0.6 }).stats;
    expect(fewer.objects).toBe(20_000);
    // About 3 lines an object against about 5 (rounding down each object's count).
    expect(fewer.accessLines / base.stats.accessLines).toBeGreaterThan(0.5);
    expect(fewer.accessLines / base.stats.accessLines).toBeLessThan(0.65);
    // At 0 only the sentinel objects' lines are left (not scaled).
    const none = hashOf({ seed: 7, numObjects: 20_000, accessScale: 0 }).stats;
    expect(none.accessLines).toBeGreaterThanOrEqual(none.catchAll * 20);
    expect(none.accessLines).toBeLessThan(base.stats.accessLines * 0.02);
  });

  it('stops at the first object boundary past targetBytes', () => {
    const { bytes, stats } = collect({ seed: 3, targetBytes: 300_000 });
    expect(stats.bytes).toBeGreaterThanOrEqual(300_000);
    expect(stats.bytes).toBeLessThan(300_000 + 64 * 1024);
    expect(bytes[bytes.length - 1]).toBe(0x0a);
  });

  it('parses with zero bad lines and the counts the generator reports', () => {
    const { bytes, stats } = collect({ seed: 1, numObjects: 100_000 });
    expect(stats.objects).toBe(100_000);
    const parser = new KmapParser();
    const chunk = 1 << 20;
    // Odd chunk boundaries, so that lines split across chunks.
    for (let i = 0; i < bytes.length; i += chunk - 13) parser.push(bytes.subarray(i, Math.min(bytes.length, i + chunk - 13)));
    const store = parser.finish();
    expect(store.variant).toBe('E');
    expect(store.numBadLines).toBe(0);
    expect(store.badLines).toEqual([]);
    expect(store.numObjects).toBe(stats.objects);
    expect(store.numAccesses).toBe(stats.accessLines);
    expect(store.numLive).toBe(stats.liveObjects);
    expect(store.reads).toBe(stats.reads);
    expect(store.writes).toBe(stats.writes);
    expect(store.bytes).toBe(stats.totalSize);
    expect(parser.linesRead).toBe(stats.lines);
    // Realistic shape: ~30% live, sentinels present, a heavy tail of access lines.
    expect(stats.liveObjects / stats.objects).toBeGreaterThan(0.25);
    expect(stats.liveObjects / stats.objects).toBeLessThan(0.35);
    for (const k of ['catchAll', 'feedbeef', 'ufo', 'deadbeef', 'fedbeef', 'fromLines'] as const) expect(stats[k]).toBeGreaterThan(0);
    expect(store.slabs.size).toBeGreaterThan(60);
    expect(store.commands.names()).toContain('a,b weird');
    expect(store.commands.names()).toContain('rs:main Q:Reg');
    expect(store.commands.names()).toContain('');
    let maxLines = 0;
    let atMost2 = 0;
    for (let o = 0; o < store.numObjects; o++) {
      const [s, e] = store.accessRange(o);
      if (e - s > maxLines) maxLines = e - s;
      if (e - s <= 2) atMost2++;
    }
    expect(maxLines).toBeGreaterThan(200);
    expect(atMost2 / store.numObjects).toBeGreaterThan(0.5);
  });

  it('writes unique serial indices with free_index > alloc_index, live objects first, newest free first', () => {
    const { bytes } = collect({ seed: 5, numObjects: 30_000 });
    const parser = new KmapParser();
    parser.push(bytes);
    const store = parser.finish();
    const o = store.objects;
    const seen = new Set<number>();
    let sawFreed = false;
    let lastFree = Infinity;
    for (let i = 0; i < store.numObjects; i++) {
      const a = o.allocIndex.get(i);
      const f = o.freeIndex.get(i);
      if (a !== 0) {
        expect(seen.has(a)).toBe(false);
        seen.add(a);
      }
      if (f === 0) {
        expect(sawFreed).toBe(false); // live objects come first
        continue;
      }
      sawFreed = true;
      expect(f).toBeGreaterThan(a);
      expect(f).toBeLessThan(lastFree);
      lastFree = f;
      expect(seen.has(f)).toBe(false);
      seen.add(f);
    }
    expect(sawFreed).toBe(true);
  });
});

describe('parseSize', () => {
  it('reads decimal and binary units', () => {
    expect(parseSize('1GB')).toBe(1e9);
    expect(parseSize('256MB')).toBe(256e6);
    expect(parseSize('1.5MB')).toBe(1_500_000);
    expect(parseSize('64MiB')).toBe(64 * 2 ** 20);
    expect(parseSize('1G')).toBe(2 ** 30);
    expect(parseSize('4096')).toBe(4096);
    expect(() => parseSize('lots')).toThrow();
  });
});
