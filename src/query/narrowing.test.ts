// The filter's passes (narrowing.ts): any sequence of passes, from the whole
// range or from candidates, keeps exactly the indices for which every
// condition holds, in ascending order, as a plain loop over the objects
// with every condition tested at once would; and filterObjects with several
// conditions at once, on every variant's liveness rule, equals the
// reference filter.

import { describe, expect, it } from 'vitest';
import { parseKmapBytes } from '../format/parser.ts';
import type { VariantLetter } from '../store/kmap-store.ts';
import { rng, writeKmap } from '../testing/kmap-writer.ts';
import { refCapture, refFilter } from '../testing/reference-queries.ts';
import { QueryContext } from './context.ts';
import { dumpText } from './dump.ts';
import { filterObjects } from './filter.ts';
import { Narrowing } from './narrowing.ts';
import { emptyFilter, type ObjectFilter } from './types.ts';

type Pass =
  | { kind: 'mask'; column: Uint16Array; mask: Uint8Array }
  | { kind: 'any'; columns: Uint16Array[]; masks: Uint8Array[] }
  | { kind: 'size'; min: number; max: number }
  | { kind: 'test'; mod: number };

describe('Narrowing', () => {
  const n = 5000;
  const r = rng(11);
  const ids = (k: number) => Uint16Array.from({ length: n }, () => Math.floor(r() * k));
  const columns = [ids(3), ids(17), ids(200)];
  const size = Uint32Array.from({ length: n }, () => Math.floor(r() * 5000));
  const randomMask = (k: number, p: number) => Uint8Array.from({ length: k }, () => (r() < p ? 1 : 0));
  const keeps = (pass: Pass, i: number): boolean => {
    switch (pass.kind) {
      case 'mask':
        return pass.mask.length > 0 && pass.mask[pass.column[i]] === 1;
      case 'any':
        return pass.columns.some((c, k) => pass.masks[k][c[i]] === 1);
      case 'size':
        return size[i] >= pass.min && size[i] <= pass.max;
      case 'test':
        return i % pass.mod !== 0;
    }
  };
  const randomPass = (): Pass => {
    const c = Math.floor(r() * columns.length);
    const len = [3, 17, 200][c];
    switch (Math.floor(r() * 5)) {
      case 0:
        return { kind: 'mask', column: columns[c], mask: randomMask(len, r()) };
      case 1:
        return { kind: 'mask', column: columns[c], mask: new Uint8Array(0) };
      case 2:
        return { kind: 'any', columns: [columns[0], columns[1], columns[2], columns[1]], masks: [randomMask(3, 0.2), randomMask(17, 0.2), randomMask(200, 0.2), randomMask(17, 0.1)] };
      case 3: {
        const a = Math.floor(r() * 5000);
        return { kind: 'size', min: r() < 0.2 ? Number.NEGATIVE_INFINITY : a, max: r() < 0.2 ? Number.POSITIVE_INFINITY : a + Math.floor(r() * 3000) };
      }
      default:
        return { kind: 'test', mod: 2 + Math.floor(r() * 5) };
    }
  };
  const run = (narrowing: Narrowing, pass: Pass) => {
    if (pass.kind === 'mask') narrowing.byMask(pass.column, pass.mask);
    else if (pass.kind === 'any') narrowing.byAnyMask(pass.columns[0], pass.masks[0], pass.columns[1], pass.masks[1], pass.columns[2], pass.masks[2], pass.columns[3], pass.masks[3]);
    else if (pass.kind === 'size') narrowing.bySize(size, pass.min, pass.max);
    else narrowing.byTest((i) => i % pass.mod !== 0);
  };

  it('keeps what every pass keeps, in order, for 300 random sequences of 0-4 passes, from the range and from candidates', () => {
    for (let trial = 0; trial < 300; trial++) {
      const passes = Array.from({ length: Math.floor(r() * 5) }, randomPass);
      const candidates = trial % 2 === 0 ? null : Uint32Array.from(Array.from({ length: n }, (_, i) => i).filter(() => r() < 0.3));
      const source = candidates ? Array.from(candidates) : Array.from({ length: n }, (_, i) => i);
      const want = source.filter((i) => passes.every((p) => keeps(p, i)));
      // The scratch the filter hands over holds garbage past what was written.
      const out = new Uint32Array(source.length).fill(0xdeadbeef);
      const narrowing = new Narrowing(out, source.length, candidates);
      for (const p of passes) run(narrowing, p);
      const k = narrowing.kept();
      expect({ trial, kept: Array.from(out.subarray(0, k)) }).toEqual({ trial, kept: want });
    }
  });

  it('a candidates array is read, never written', () => {
    const candidates = Uint32Array.from([1, 4, 9, 16, 25]);
    const narrowing = new Narrowing(new Uint32Array(5), 5, candidates);
    narrowing.byTest((i) => i > 5);
    expect(narrowing.kept()).toBe(3);
    expect(Array.from(candidates)).toEqual([1, 4, 9, 16, 25]);
  });
});

describe('filterObjects with several conditions, each variant', () => {
  const variants: VariantLetter[] = ['A', 'B', 'C', 'D', 'E'];
  it.each(variants)('variant %s: equal to the reference filter', (variant) => {
    const text = writeKmap({ variant, objects: 1500, seed: 21 });
    const store = parseKmapBytes(new TextEncoder().encode(text));
    const ctx = new QueryContext(store);
    const cap = refCapture(variant, dumpText(store), null);
    const slabs = store.slabs.names();
    const cmds = store.commands.names();
    const f = (over: Partial<ObjectFilter>): ObjectFilter => ({ ...emptyFilter(), ...over });
    const filters: ObjectFilter[] = [
      f({ state: 'live' }),
      f({ state: 'freed', minSize: 32 }),
      f({ slabs: slabs.slice(0, 3), state: 'freed', maxSize: 512 }),
      f({ commands: cmds.slice(0, 2), hideSentinels: true, state: 'live', minSize: 16, maxSize: 4096 }),
      f({ search: 'k a', state: 'live' }),
      f({ search: `${(cmds[0] ?? 'x').slice(0, 2)} pid:${cap.objects[3]?.pid ?? 0}`, minSize: 8 }),
    ];
    let nonEmpty = 0;
    for (const filter of filters) {
      const got = Array.from(filterObjects(ctx, filter).indices);
      expect({ filter, got }).toEqual({ filter, got: refFilter(cap, filter) });
      if (got.length > 0) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThanOrEqual(3);
  });
});
