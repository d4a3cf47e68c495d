// The parser has a one-pass fast path for plain variant-E lines that lie
// whole inside a chunk, and the general path for everything else (and for
// lines split across chunks). parseAllChunkSizes compares a whole-file parse
// (fast path wherever it applies) with parses at chunk sizes 1, 7 and 64
// (general path almost everywhere): every line shape here must come out the
// same both ways.

import { describe, expect, it } from 'vitest';
import { parseAllChunkSizes } from '../testing/snapshot.ts';

const OBJ = 'ffffffff812e4410,731,ffff888004c2a000,64,120551,120870,ffffffff812e4f02,KMALLOC,cat,kmalloc-64,';
const ACC = '  ffffffff81533a17,0,3,731';

describe('fast path and general path agree', () => {
  it('on every shape of variant-E line', () => {
    const text = [
      OBJ,
      ACC,
      '  ffffffff81533a18,12,0,-1',
      '  FFFFFFFF81533A19,1,1,5',
      '  0xffffffff81533a20,1,1,5',
      '  ffffffff81533a21, 1 ,1,5',
      '  ffffffff81533a22,1,1,5\r',
      '  ffffffff81533a23,1234567890123456,1,5',
      '  ffffffff81533a24,1,1,-2',
      '  ffffffff81533a25,1,1',
      '  ffffffff81533a26,1,1,5,6',
      '  ffffffff8153zz26,1,1,5',
      '\tffffffff81533a27,1,1,5',
      '  from:ffffffff81533a28,caller:ffffffff81000000,1,2',
      'ffffffff81102200,1,ffff888005000000,4096,5012,5013,000000000fedbeef,ALLOC_PAGES,swapper/0,no-slab,KMEM_CACHE',
      'feedbeef        ,0,ffff888003a1c0c0,192,88,0,0000000000000000,KMEM_CACHE,,dentry,',
      'ffffffff812e4410,731,ffff888004c2a000,64,120551,0,          (null),KMALLOC,a, b,kmalloc-64,',
      'ffffffff812e4410,731,ffff888004c2a000,64,120551,0,0000000000000000, KMALLOC ,cat, kmalloc-64 , KMEM_CACHE ',
      'ffffffff812e4410,731,ffff888004c2a000,64,120551,0,0000000000000000,ALLOC TYPE NOT FOUND,cat,kmalloc-64,',
      'ffffffff812e4410,731,ffff888004c2a000,64,120551,0,0000000000000000,,cat,,',
      'ffffffff812e4410,-1,ffff888004c2a000,64,120551,0,0000000000000000,KMALLOC,cat,kmalloc-64,',
      'ffffffff812e4410,731,ffff888004c2a000,64,1234567890123456789,0,0000000000000000,KMALLOC,cat,kmalloc-64,',
      'ffffffff812e4410,731,ffff888004c2a000,64,120551,0,0000000000000000,KMALLOC,cat,kmalloc-64',
      'ffffffff812e4410,731,ffff888004c2a000,64,120551,0,0000000000000000,KMALLOC,cat,kmalloc-64,\r',
      ACC,
      'ffffffff812e4410,731,ffff888004c2a00g,64,120551,0,0000000000000000,KMALLOC,cat,kmalloc-64,',
      ACC,
      OBJ,
    ].join('\n') + '\n';
    const { view } = parseAllChunkSizes(text);
    expect(view.variant).toBe('E');
    expect(view.numObjects).toBe(11); // the object with pid -1 and the one with a 19-digit index included
    expect(view.numBadLines).toBe(7);
  });

  it('on an object line longer than 64 KiB that lies whole in one chunk', () => {
    const long = `ffffffff812e4410,731,ffff888004c2a000,64,120551,0,0000000000000000,KMALLOC,${'x'.repeat(70_000)},kmalloc-64,`;
    const { view } = parseAllChunkSizes([OBJ, long, ACC, OBJ, ACC].join('\n') + '\n');
    expect(view.numObjects).toBe(2);
    expect(view.numAccesses).toBe(1);
    expect(view.badLines.map((b) => [b.lineNum, b.reason])).toEqual([
      [2, 'line longer than 65536 bytes'],
      [3, 'access line follows a bad object line'],
    ]);
  });
});
