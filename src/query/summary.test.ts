import { describe, expect, it } from 'vitest';
import { summarize, statsJson } from './summary.ts';
import { parseAllChunkSizes } from '../testing/snapshot.ts';
import { lines } from '../testing/expect-objects.ts';

const D_TEXT = lines(
  'ffffffff81400000,7,ffff888005000000,64,20,0,0,KMALLOC,bash,kmalloc-64',
  '  ffffffff81400100,1,2',
  '',
  'ffffffff81400010,0,ffff888005000100,192,21,25,000000000fedbeef,NONE,hardirq,dentry',
  '  from:ffffffff81400200,5,6',
  'not a line',
  '  ffffffff81400100,1,2',
  'ffffffff81400020,3,ffff888005000200,64,22,0,0,KMALLOC,bash,kmalloc-64',
  '  ffffffff81400100,100,200',
);

describe('summarize', () => {
  it('a D file with damage: every number', () => {
    const { store } = parseAllChunkSizes(D_TEXT);
    const s = summarize(store);
    expect(s).toMatchObject({
      format: 'D',
      objects: 3,
      accesses: 3,
      liveObjects: 2,
      reads: 208,
      writes: 106,
      bytes: 320,
      badLines: 2,
      blankLines: 1,
      accessHasPid: false,
      hasIndices: true,
      hasType: true,
      hasSlab: true,
      bySlab: { 'kmalloc-64': 2, dentry: 1 },
      byType: { KMALLOC: 2, NONE: 1 },
      byCommand: { bash: 2, hardirq: 1 },
    });
    expect(s.formatDescription).toMatch(/^D/);
    expect(s.firstBadLines.map((b) => [b.lineNum, b.text])).toEqual([[6, 'not a line'], [7, '  ffffffff81400100,1,2']]);
    expect(Object.keys(s.bySlab)).toEqual(['kmalloc-64', 'dentry']); // by count, descending
    expect(s.memory.objectBytes).toBeGreaterThan(0);
  });

  it('statsJson is exactly the CLI contract, in its key order', () => {
    const { store } = parseAllChunkSizes(D_TEXT);
    const j = statsJson(summarize(store));
    expect(Object.keys(j)).toEqual(['format', 'objects', 'accesses', 'liveObjects', 'reads', 'writes', 'bytes', 'badLines', 'bySlab', 'byType', 'byCommand']);
    expect(JSON.parse(JSON.stringify(j))).toEqual({
      format: 'D', objects: 3, accesses: 3, liveObjects: 2, reads: 208, writes: 106, bytes: 320, badLines: 2,
      bySlab: { 'kmalloc-64': 2, dentry: 1 }, byType: { KMALLOC: 2, NONE: 1 }, byCommand: { bash: 2, hardirq: 1 },
    });
  });

  it('bySlab only for D and E, byType only for C-E', () => {
    const A = 'ffffffff81200000,0,ffff888003a1d000,128,1,bash';
    const B = 'ffffffff81200000,1,ffff888003a1d000,128,5,0,0,bash';
    const C = 'ffffffff81200000,1,ffff888003a1d000,128,5,0,0,KMALLOC,bash';
    const D = 'ffffffff81200000,1,ffff888003a1d000,128,5,0,0,KMALLOC,bash,kmalloc-128';
    const E = 'ffffffff81200000,1,ffff888003a1d000,128,5,0,0,KMALLOC,bash,kmalloc-128,VMALLOC';
    const by = (line: string) => {
      const s = summarize(parseAllChunkSizes(lines(line)).store);
      return [s.format, s.bySlab, s.byType, s.byCommand, s.accessHasPid];
    };
    expect(by(A)).toEqual(['A', {}, {}, { bash: 1 }, true]);
    expect(by(B)).toEqual(['B', {}, {}, { bash: 1 }, true]);
    expect(by(C)).toEqual(['C', {}, { KMALLOC: 1 }, { bash: 1 }, false]);
    expect(by(D)).toEqual(['D', { 'kmalloc-128': 1 }, { KMALLOC: 1 }, { bash: 1 }, false]);
    // new_alloc_type (VMALLOC) shares the type interner but is not counted in byType
    expect(by(E)).toEqual(['E', { 'kmalloc-128': 1 }, { KMALLOC: 1 }, { bash: 1 }, true]);
  });
});
