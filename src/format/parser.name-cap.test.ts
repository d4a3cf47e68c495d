// The cap on distinct names (docs/kmap-format.md, "Bad lines"): an object line
// that would add a command, slab cache or alloc type past the cap is a bad
// line naming the table, leaves no name behind, and costs no other line. Small
// caps make the rule reachable in small files; one test runs the real cap.

import { describe, expect, it } from 'vitest';
import { MAX_DISTINCT_NAMES } from './name-cap.ts';
import { parseKmapBytes } from './parser.ts';
import { writeKmap } from '../testing/kmap-writer.ts';
import { referenceParse } from '../testing/reference-parser.ts';
import { parseAllChunkSizes } from '../testing/snapshot.ts';

const E = (comm: string, slab = 'kmalloc-64', type = 'KMALLOC', newType = '') =>
  `ffffffff812e4410,731,ffff888004c2a000,64,120551,0,0000000000000000,${type},${comm},${slab},${newType}`;
const ACC = '  ffffffff81533a17,0,3,731';

describe('the cap on distinct names', () => {
  it('makes the line with one command too many bad, with its access lines, and keeps every later line of known names', () => {
    const text = [E('a'), ACC, E('b'), E('c'), ACC, E('d'), ACC, E('a'), ACC, E('c')].join('\n') + '\n';
    const { view, store } = parseAllChunkSizes(text, { maxDistinctNames: 2 });
    expect(view.objects.map((o) => o.command)).toEqual(['a', 'b', 'a']);
    expect(view.numAccesses).toBe(2);
    expect(view.badLines.map((b) => [b.lineNum, b.reason])).toEqual([
      [4, 'a new command past the limit of 2 distinct commands'],
      [5, 'access line follows a bad object line'],
      [6, 'a new command past the limit of 2 distinct commands'],
      [7, 'access line follows a bad object line'],
      [10, 'a new command past the limit of 2 distinct commands'],
    ]);
    expect(store.commands.names()).toEqual(['a', 'b']);
  });

  it('leaves no name of a refused line behind, and counts a type that is also the new type once', () => {
    const text = [
      E('a', 's1', 'T1', 'T1'),
      E('b', 's2', 'T2', 'T3'), // slabs and commands fit; types T1..T3 = 3
      E('a', 's9', 'T4', 'T4'), // T4 once: 4 types, and slab s9 is the third slab
      E('c', 's1', 'T5', 'T1'), // T5 would be a fifth type: bad, and command c stays unknown
      E('c', 's1', 'T1', 'T2'), // c is the third command: fine
    ].join('\n') + '\n';
    const { view, store } = parseAllChunkSizes(text, { maxDistinctNames: 4 });
    expect(view.badLines.map((b) => [b.lineNum, b.reason])).toEqual([[4, 'a new alloc type past the limit of 4 distinct alloc types']]);
    expect(store.types.names()).toEqual(['T1', 'T2', 'T3', 'T4']);
    expect(store.commands.names()).toEqual(['a', 'b', 'c']);
    expect(store.slabs.names()).toEqual(['s1', 's2', 's9']);
  });

  it('names the slab cache table, and trims names before comparing them', () => {
    const text = [E('a', 's1'), E('a', ' s1 '), E('a', 's2'), E('a', ' s3'), E('a', 's1')].join('\n') + '\n';
    const { view } = parseAllChunkSizes(text, { maxDistinctNames: 2 });
    expect(view.numObjects).toBe(4);
    expect(view.badLines.map((b) => [b.lineNum, b.reason])).toEqual([[4, 'a new slab cache past the limit of 2 distinct slab caches']]);
  });

  it('agrees with the reference parser on damaged files of every variant at every chunk size', () => {
    let capped = 0;
    for (const variant of ['A', 'B', 'C', 'D', 'E'] as const) {
      for (const cap of [2, 5, 9]) {
        const text = writeKmap({ variant, objects: 200, seed: 7 * cap + variant.charCodeAt(0), damage: 0.05, fieldNoise: 0.1, blank: 0.05, crlf: 0.1 });
        const ref = referenceParse(text, cap);
        const { view } = parseAllChunkSizes(text, { maxDistinctNames: cap });
        expect(view.objects, `variant ${variant}, cap ${cap}`).toEqual(ref.objects);
        expect(view.badLines.map((b) => ({ lineNum: b.lineNum, text: b.text }))).toEqual(ref.badLines.slice(0, 100));
        expect(view.numBadLines).toBe(ref.badLines.length);
        capped += view.badLines.filter((b) => b.reason.includes('past the limit')).length;
      }
    }
    expect(capped).toBeGreaterThan(50); // the caps were reached
  });

  it(`holds at the default of ${MAX_DISTINCT_NAMES.toLocaleString('en-US')} commands`, () => {
    const n = MAX_DISTINCT_NAMES + 3;
    const lines = new Array<string>(n + 1);
    for (let i = 0; i < n; i++) lines[i] = `ffffffff81000000,0,ffff888000000000,8,1,c${i}`;
    lines[n] = 'ffffffff81000000,0,ffff888000000000,8,1,c0';
    const store = parseKmapBytes(new TextEncoder().encode(lines.join('\n') + '\n'), 1 << 20);
    expect(store.numObjects).toBe(MAX_DISTINCT_NAMES + 1);
    expect(store.numBadLines).toBe(3);
    expect(store.badLines[0]).toMatchObject({
      lineNum: MAX_DISTINCT_NAMES + 1,
      reason: 'a new command past the limit of 1,048,576 distinct commands',
    });
    expect(store.commands.size).toBe(MAX_DISTINCT_NAMES);
  });
});
