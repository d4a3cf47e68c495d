// The incremental KmapParser API: push/finish, progress counters, a forced
// variant, rows visible while loading, and reused caller buffers.

import { describe, expect, it } from 'vitest';
import { KmapParser } from './parser.ts';
import { fullView, parseAt } from '../testing/snapshot.ts';
import { lines } from '../testing/expect-objects.ts';
import { writeKmap } from '../testing/kmap-writer.ts';

const D = (i: number) => `ffffffff81400000,7,ffff888005000000,64,${i},0,0,KMALLOC,bash,kmalloc-64`;
const enc = new TextEncoder();

describe('KmapParser', () => {
  it('counts bytes and lines; the variant is known once detected', () => {
    const p = new KmapParser();
    expect(p.variant).toBeNull();
    const text = lines(D(1), '  ffffffff81400100,1,2', '', D(2));
    p.push(enc.encode(text));
    expect(p.bytesIn).toBe(enc.encode(text).length);
    expect(p.variant).toBeNull(); // fewer than 2,000 object lines: decided at finish()
    const store = p.finish();
    expect(p.variant).toBe('D');
    expect(store.variant).toBe('D');
    expect(p.linesRead).toBe(4);
    expect(store.numObjects).toBe(2);
  });

  it('decides after 2,000 object lines and fills the store while the file is still loading', () => {
    const p = new KmapParser();
    const first = enc.encode(lines(...Array.from({ length: 2000 }, (_, i) => D(i))));
    p.push(first);
    expect(p.variant).toBe('D');
    expect(p.store.numObjects).toBe(2000);
    p.push(enc.encode(lines(D(2000), D(2001))));
    expect(p.store.numObjects).toBe(2002);
    expect(p.store.objects.allocIndex.get(2001)).toBe(2001);
    expect(p.finish().numObjects).toBe(2002);
    expect(p.linesRead).toBe(2002);
  });

  it('a forced variant parses without detection (once the 4 KiB sniff window is in), even against the field counts', () => {
    const p = new KmapParser({ variant: 'E' });
    expect(p.variant).toBe('E');
    const dLines = Array.from({ length: 100 }, (_, i) => D(i));
    expect(lines(...dLines).length).toBeGreaterThan(4096);
    p.push(enc.encode(lines(...dLines)));
    expect(p.store.numBadLines).toBe(100); // a D line is one field short for E
    p.push(enc.encode(D(2) + ',\n'));
    expect(p.store.numObjects).toBe(1);
    expect(p.finish().objects.slab.length).toBe(1);
  });

  it('keeps no reference to pushed chunks: a caller may reuse one buffer', () => {
    const bytes = enc.encode(writeKmap({ variant: 'E', objects: 3000, seed: 9 }));
    const expected = fullView(parseAt(bytes, 0));
    for (const size of [7, 64, 4096, 100_000]) {
      const p = new KmapParser();
      const buf = new Uint8Array(size);
      for (let i = 0; i < bytes.length; i += size) {
        const n = Math.min(size, bytes.length - i);
        buf.set(bytes.subarray(i, i + n));
        p.push(buf.subarray(0, n));
        buf.fill(0x41); // scribble over it, as a reader reusing its buffer would
      }
      expect(fullView(p.finish()), `buffer of ${size}`).toEqual(expected);
    }
  });

  it('empty pushes change nothing', () => {
    const p = new KmapParser();
    p.push(new Uint8Array(0));
    p.push(enc.encode(D(1)));
    p.push(new Uint8Array(0));
    p.push(enc.encode('\n'));
    expect(p.finish().numObjects).toBe(1);
    expect(p.bytesIn).toBe(D(1).length + 1);
  });
});
