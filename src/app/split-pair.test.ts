// Telling the split CSV pair apart among two chosen or dropped files.

import { describe, expect, it } from 'vitest';
import { splitPairOf } from './split-pair.ts';

const ALLOC = new File(['alloc_ip,pid,ptr,size,alloc_time,free_time,free_ip,type,slab,new_type\n'], 'a.csv');
const ACC = new File(['alloc_index,access_ip,writes,reads\n1,ffffffff81000000,1,1\n'], 'b.csv');
const KMAP = new File(['ffffffff812e4410,731,ffff888004c2a000,64,100,120,ffffffff812e4f02,KMALLOC,cat,kmalloc-64,\n'], 'c.kmap');

describe('splitPairOf', () => {
  it('the pair in either order', async () => {
    expect(await splitPairOf(ALLOC, ACC)).toEqual({ ok: true, allocations: ALLOC, accesses: ACC });
    expect(await splitPairOf(ACC, ALLOC)).toEqual({ ok: true, allocations: ALLOC, accesses: ACC });
  });

  it('not a pair: which file, and why', async () => {
    const kmap = await splitPairOf(ALLOC, KMAP);
    expect(kmap).toMatchObject({ ok: false, file: KMAP });
    if (!kmap.ok) expect(kmap.error).toMatch(/^This file is not Memorizer's "accesses" file \(header alloc_index,access_ip,\[pid,\]writes,reads\): its first line is "ffffffff812e4410,/);
    const empty = await splitPairOf(new File([], 'e.csv'), ACC);
    expect(empty).toMatchObject({ ok: false, error: expect.stringMatching(/^The file is empty\./) });
    const png = await splitPairOf(ACC, new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2])], 'p.png'));
    expect(png).toMatchObject({ ok: false, error: expect.stringMatching(/PNG image/) });
    const twice = await splitPairOf(ACC, ACC);
    expect(twice).toMatchObject({ ok: false, file: null, error: '"b.csv" and "b.csv" are both Memorizer\'s "accesses" file; the other file of the pair is its "allocations" file.' });
  });
});
