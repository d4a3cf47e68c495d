// Variant detection: the most common object-line field count among the
// first 2,000 object lines, ties to the smaller count; 6 or 7 -> A, 8 -> B,
// 9 -> C, 10 -> D, >= 11 -> E.

import { describe, expect, it } from 'vitest';
import { DETECT_OBJECT_LINES, detectVariant, fieldCount } from './variants.ts';
import { parseAllChunkSizes } from '../testing/snapshot.ts';
import { lines } from '../testing/expect-objects.ts';

const A = (cmd: string) => `ffffffff81200000,0,ffff888003a1d000,128,1,${cmd}`;
const B = (cmd: string) => `ffffffff81200000,1,ffff888003a1d000,128,5,0,0,${cmd}`;
const C = (cmd: string) => `ffffffff81200000,1,ffff888003a1d000,128,5,0,0,KMALLOC,${cmd}`;
const D = (cmd: string) => `ffffffff81200000,1,ffff888003a1d000,128,5,0,0,KMALLOC,${cmd},kmalloc-128`;
const E = (cmd: string) => `ffffffff81200000,1,ffff888003a1d000,128,5,0,0,KMALLOC,${cmd},kmalloc-128,`;

describe('detectVariant (the histogram rule)', () => {
  it('maps field counts to variants', () => {
    const one = (n: number) => detectVariant(new Map([[n, 1]]));
    expect([1, 3, 5, 6, 7, 8, 9, 10, 11, 12, 20].map(one)).toEqual([null, null, null, 'A', 'A', 'B', 'C', 'D', 'E', 'E', 'E']);
  });

  it('takes the most common count, ties to the smaller count', () => {
    expect(detectVariant(new Map([[10, 3], [11, 4]]))).toBe('E');
    expect(detectVariant(new Map([[11, 4], [10, 4]]))).toBe('D');
    expect(detectVariant(new Map([[9, 2], [8, 2], [12, 2]]))).toBe('B');
    expect(detectVariant(new Map())).toBeNull();
  });

  it('ignores counts below 6 (damage), so broken lines cannot outvote real ones', () => {
    expect(detectVariant(new Map([[3, 5], [10, 5]]))).toBe('D');
    expect(detectVariant(new Map([[1, 900], [2, 50], [11, 1]]))).toBe('E');
    expect(detectVariant(new Map([[3, 5], [5, 2]]))).toBeNull();
  });

  it('knows each variant\'s field count', () => {
    expect((['A', 'B', 'C', 'D', 'E'] as const).map(fieldCount)).toEqual([6, 8, 9, 10, 11]);
    expect(DETECT_OBJECT_LINES).toBe(2000);
  });
});

describe('detection while parsing (every chunk size)', () => {
  it('detects each variant from its field count', () => {
    expect(parseAllChunkSizes(lines(A('bash'), A('cat'))).view.variant).toBe('A');
    expect(parseAllChunkSizes(lines(B('bash'), B('cat'))).view.variant).toBe('B');
    expect(parseAllChunkSizes(lines(C('bash'), C('cat'))).view.variant).toBe('C');
    expect(parseAllChunkSizes(lines(D('bash'), D('cat'))).view.variant).toBe('D');
    expect(parseAllChunkSizes(lines(E('bash'), E('cat'))).view.variant).toBe('E');
  });

  it('a tie between 10 and 11 fields is D, and the 11-field line is a D line with "a,b c" as command', () => {
    const { view } = parseAllChunkSizes(lines(D('bash'), D('a,b c')));
    expect(view.variant).toBe('D');
    expect(view.objects.map((o) => [o.command, o.slab])).toEqual([['bash', 'kmalloc-128'], ['a,b c', 'kmalloc-128']]);
    expect(view.numBadLines).toBe(0);
  });

  it('E lines whose commands hold commas (12, 13 fields) stay E when 11 is most common', () => {
    const { view } = parseAllChunkSizes(lines(E('a,b c'), E('x,y,z'), E('cat'), E('ls'), E('top')));
    expect(view.variant).toBe('E');
    expect(view.objects.map((o) => [o.command, o.slab, o.newType])).toEqual([
      ['a,b c', 'kmalloc-128', ''], ['x,y,z', 'kmalloc-128', ''], ['cat', 'kmalloc-128', ''],
      ['ls', 'kmalloc-128', ''], ['top', 'kmalloc-128', ''],
    ]);
  });

  it('a tie between 8 and 9 fields is B: the 9-field line is a B line whose command holds a comma', () => {
    const { view } = parseAllChunkSizes(lines(B('bash'), C('x')));
    expect(view.variant).toBe('B');
    expect(view.objects.map((o) => o.command)).toEqual(['bash', 'KMALLOC,x']);
  });

  it('a line with too few fields for the majority variant is bad, not a reason to pick another variant', () => {
    const { view } = parseAllChunkSizes(lines(E('a'), E('b'), D('c')));
    expect(view.variant).toBe('E');
    expect(view.numObjects).toBe(2);
    expect(view.badLines.map((b) => b.lineNum)).toEqual([3]);
    expect(view.badLines[0].reason).toMatch(/10 fields/);
  });

  it('access lines and blank lines do not count as object lines', () => {
    // Three 4-field access lines and blank lines around two D lines.
    const { view } = parseAllChunkSizes(lines('', D('a'), '  ffffffff81000000,1,2', '  ffffffff81000001,1,2', '   ', D('b'), '\t', '  ffffffff81000002,3,4'));
    expect(view.variant).toBe('D');
    expect(view.numAccesses).toBe(3);
  });

  it('only the first 2,000 object lines count', () => {
    // 1,000 D lines and 1,000 E-looking lines tie in the first 2,000 (-> D);
    // the 3,000 E-looking lines after them must not change that.
    const text = lines(
      ...Array.from({ length: 1000 }, (_, i) => D(`d${i}`)),
      ...Array.from({ length: 1000 }, (_, i) => D(`e,${i}`)),
      ...Array.from({ length: 3000 }, (_, i) => D(`f,${i}`)),
    );
    const { view } = parseAllChunkSizes(text);
    expect(view.variant).toBe('D');
    expect(view.numObjects).toBe(5000);
    expect(view.objects[4999].command).toBe('f,2999');
    expect(view.objects[4999].slab).toBe('kmalloc-128');
  });

  it('a file with fewer than 2,000 object lines is detected from all of them', () => {
    const text = lines(...Array.from({ length: 999 }, () => D('x')), ...Array.from({ length: 1000 }, () => E('y')));
    expect(parseAllChunkSizes(text).view.variant).toBe('E');
  });
});
