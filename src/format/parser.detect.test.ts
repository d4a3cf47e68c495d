// Variant detection: an object line votes for its field count when it is a
// valid object line of the variant that count names (6 or 7 -> A, 8 -> B,
// 9 -> C, 10 -> D, >= 11 -> E); the most common count among the first 2,000
// votes (or the votes of the first 64 MiB) wins, ties to the smaller count.
// No vote in the first 64 MiB: not a kmap. The same at every chunk size.

import { describe, expect, it } from 'vitest';
import { MAX_DETECT_BYTES, parseKmapBytes } from './parser.ts';
import { DETECT_OBJECT_LINES, detectVariant, fieldCount, variantOfFieldNum } from './variants.ts';
import { catchFormatError, parseAllChunkSizes } from '../testing/snapshot.ts';
import { lines } from '../testing/expect-objects.ts';

const A = (cmd: string) => `ffffffff81200000,0,ffff888003a1d000,128,1,${cmd}`;
const B = (cmd: string) => `ffffffff81200000,1,ffff888003a1d000,128,5,0,0,${cmd}`;
const C = (cmd: string) => `ffffffff81200000,1,ffff888003a1d000,128,5,0,0,KMALLOC,${cmd}`;
const D = (cmd: string) => `ffffffff81200000,1,ffff888003a1d000,128,5,0,0,KMALLOC,${cmd},kmalloc-128`;
const E = (cmd: string) => `ffffffff81200000,1,ffff888003a1d000,128,5,0,0,KMALLOC,${cmd},kmalloc-128,`;

describe('detectVariant (the histogram rule)', () => {
  it('maps field counts to variants', () => {
    const one = (n: number) => detectVariant(new Map([[n, 1]]));
    const counts = [1, 3, 5, 6, 7, 8, 9, 10, 11, 12, 20];
    expect(counts.map(one)).toEqual([null, null, null, 'A', 'A', 'B', 'C', 'D', 'E', 'E', 'E']);
    expect(counts.map(variantOfFieldNum)).toEqual(counts.map(one));
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

describe('only valid object lines vote; the verdict does not depend on where they start', () => {
  const E_ACC = '  ffffffff81533a17,0,3,731';
  const goodTail = [E('cat'), E_ACC, E('ls'), E_ACC, E_ACC];

  it('2,500 damaged 7-field lines (a bad hex address) before E lines: E, the damaged lines bad', () => {
    const damaged = Array.from({ length: 2500 }, (_, i) => `ffffffff81200000,1,ffff88800zzz${i},128,5,0,cat`);
    const { view } = parseAllChunkSizes(lines(...damaged, ...goodTail));
    expect(view.variant).toBe('E');
    expect([view.numObjects, view.numAccesses, view.numBadLines]).toEqual([2, 3, 2500]);
    expect(view.badLines[0]).toMatchObject({ lineNum: 1, reason: '7 fields; a variant E object line has 11' });
  });

  it('2,500 lines with too few fields, then E lines: E', () => {
    const cut = Array.from({ length: 2500 }, (_, i) => `ffffffff81200000,1,ffff8880${i}`);
    const { view } = parseAllChunkSizes(lines(...cut, ...goodTail));
    expect(view.variant).toBe('E');
    expect([view.numObjects, view.numAccesses, view.numBadLines]).toEqual([2, 3, 2500]);
  });

  it('3,000 access lines before the first object line: bad lines, then the kmap', () => {
    const { view } = parseAllChunkSizes(lines(...Array.from({ length: 3000 }, () => E_ACC), ...goodTail));
    expect(view.variant).toBe('E');
    expect([view.numObjects, view.numAccesses, view.numBadLines]).toEqual([2, 3, 3000]);
    expect(view.badLines[0]).toMatchObject({ lineNum: 1, reason: 'access line before any object line' });
  });

  it('70,000 blank lines before the first object line', () => {
    const { view } = parseAllChunkSizes('\n'.repeat(70_000) + lines(...goodTail));
    expect(view.variant).toBe('E');
    expect([view.numObjects, view.numAccesses, view.numBadLines, view.numBlankLines]).toEqual([2, 3, 0, 70_000]);
  });

  it('2,000 votes decide: later lines never change the variant, whatever damaged lines came first', () => {
    // 3,000 damaged 10-field lines do not vote; the 2,000 valid E lines after them do; the D lines after those do not count.
    const damaged = Array.from({ length: 3000 }, () => D('x').replace('ffffffff81200000', 'nothex'));
    const text = lines(...damaged, ...Array.from({ length: 2000 }, () => E('e')), ...Array.from({ length: 2500 }, () => D('d')));
    const { view } = parseAllChunkSizes(text);
    expect(view.variant).toBe('E');
    expect([view.numObjects, view.numBadLines]).toEqual([2000, 5500]);
  });

  it('names the first line that did not vote when none does', () => {
    for (const size of [1, 7, 64, 1 << 20]) {
      const err = catchFormatError(() => parseKmapBytes(new TextEncoder().encode(lines('', E_ACC, 'a,b', D('x').replace('128', '-5'))), size));
      expect(err.message).toBe('Not a kmap: none of its 4 lines is a kmap object line (line 3: 2 fields; an object line has at least 6).');
    }
  });
});

describe('the 64 MiB bound: no vote in the first 64 MiB is no kmap, at every chunk size', () => {
  const enc = new TextEncoder();
  const objectLine = enc.encode(E('cat') + '\n');

  /** Indented filler lines (bad access lines) up to `objectAt`, then an E object line, then more of them. */
  function build(objectAt: number): Uint8Array {
    const bytes = new Uint8Array(objectAt + objectLine.length + objectLine.length);
    const LINE = 1024;
    let at = 0;
    while (at < objectAt) {
      const len = objectAt - at >= LINE + 3 ? LINE : objectAt - at;
      bytes.fill(0x61, at, at + len - 1);
      bytes[at] = 0x20;
      bytes[at + 1] = 0x20;
      bytes[at + len - 1] = 0x0a;
      at += len;
    }
    bytes.set(objectLine, objectAt);
    bytes.set(objectLine, objectAt + objectLine.length);
    return bytes;
  }

  function parseIn(bytes: Uint8Array, chunk: number): string {
    try {
      const store = parseKmapBytes(bytes, chunk);
      return `${store.variant}: ${store.numObjects} objects, ${store.numBadLines} bad lines`;
    } catch (err) {
      return (err as Error).message;
    }
  }

  const CHUNKS = [MAX_DETECT_BYTES * 2, 8 << 20, 3_000_017, 1 << 20];

  it('an object line whose newline is the last byte of the first 64 MiB decides', () => {
    const bytes = build(MAX_DETECT_BYTES - objectLine.length);
    const numFiller = Math.ceil((MAX_DETECT_BYTES - objectLine.length) / 1024);
    for (const chunk of CHUNKS) expect(parseIn(bytes, chunk), `chunks of ${chunk}`).toBe(`E: 2 objects, ${numFiller} bad lines`);
  }, 30_000);

  it('one byte later it lies past the bound: not a kmap, saying how far it looked', () => {
    const bytes = build(MAX_DETECT_BYTES - objectLine.length + 1);
    const numFiller = Math.ceil((MAX_DETECT_BYTES - objectLine.length + 1) / 1024);
    for (const chunk of CHUNKS) {
      expect(parseIn(bytes, chunk), `chunks of ${chunk}`).toBe(
        `Not a kmap: no kmap object line in the first 64 MiB (${numFiller.toLocaleString('en-US')} lines): every line is indented (an access line) or blank.`,
      );
    }
  }, 30_000);
});
