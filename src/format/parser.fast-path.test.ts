// The parser has a one-pass fast path for plain variant-E lines that lie
// whole inside a chunk, and the general path for everything else (and for
// lines split across chunks). parseAllChunkSizes compares a whole-file parse
// (fast path wherever it applies) with parses at chunk sizes 1, 7 and 64
// (general path almost everywhere): every line shape here must come out the
// same both ways.

import { describe, expect, it } from 'vitest';
import { parseAllChunkSizes } from '../testing/snapshot.ts';
import { rng } from '../testing/sort-stress.ts';
import { tailHashOf } from './tail-cache.ts';

const enc = new TextEncoder();

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

  it('through the cache of object-line tails: slots shared and overwritten, tails too long to keep, tails alike but for a byte, CRLF', () => {
    // Tails (type,command,slab,new type) repeat as in a capture, with more distinct ones than the cache has
    // slots could hold apart; the whole-file parse takes repeats from the cache, the small chunks intern every name.
    const r = rng(41);
    const types = ['KMALLOC', 'KMEM_CACHE', 'ALLOC_PAGES', 'KMALLOC_ND'];
    const slabs = ['kmalloc-64', 'kmalloc-65', 'dentry', 'dentrz', 'no-slab', 'filp'];
    const commands = Array.from({ length: 400 }, (_, k) => (k % 50 === 0 ? `long-${'c'.repeat(90)}-${k}` : `cmd${k}`));
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const cmd = commands[Math.floor(r() ** 2 * commands.length)];
      const tail = `${types[Math.floor(r() * types.length)]},${cmd},${slabs[Math.floor(r() * slabs.length)]},${r() < 0.2 ? 'KMEM_CACHE' : ''}`;
      const free = r() < 0.5 ? 0 : 200_000 + i;
      lines.push(`ffffffff812e44${(i % 256).toString(16).padStart(2, '0')},${i % 97},ffff888004c2a000,64,${100_000 + i},${free},0000000000000000,${tail}${r() < 0.1 ? '\r' : ''}`);
      if (r() < 0.5) lines.push(ACC);
    }
    const { view } = parseAllChunkSizes(lines.join('\n') + '\n');
    expect(view.numObjects).toBe(3000);
    expect(view.numBadLines).toBe(0);
  });

  it('through the cache of object-line tails: two tails of one length and one hash are told apart by their bytes', () => {
    // The cache's hash gives both tails one value (878840460, found by a search): the second must not take the first one's command.
    const [a, b] = ['KMALLOC,t002vl8,kmalloc-64,', 'KMALLOC,t00jpd6,kmalloc-64,'];
    expect(tailHashOf(enc.encode(a))).toBe(tailHashOf(enc.encode(b)));
    const obj = (i: number, tail: string) => `ffffffff812e4410,${i},ffff888004c2a000,64,${100 + i},0,0000000000000000,${tail}`;
    // Past the first 4 KiB, which the parser joins into one chunk at every chunk size (its sniff), so that the small chunks parse them on the general path.
    const head = Array.from({ length: 60 }, (_, i) => obj(100 + i, 'KMALLOC,cat,kmalloc-64,'));
    const { view } = parseAllChunkSizes([...head, obj(1, a), obj(2, b), obj(3, a), obj(4, b)].join('\n') + '\n');
    expect(view.objects.slice(60).map((o) => o.command)).toEqual(['t002vl8', 't00jpd6', 't002vl8', 't00jpd6']);
  });
});

