// Per-object sums made in pieces (warmObjectSums, as the data worker does
// after a load) are the sums made at once, whatever the piece size and
// wherever a question asks for them in between; a column that passes 2^32 - 1
// in a later piece becomes doubles with the earlier values kept.
import { describe, expect, it } from 'vitest';
import { parseKmapBytes } from '../format/parser.ts';
import { bigSeeds, writerSeeds } from '../testing/fuzz-kmaps.ts';
import { QueryContext } from './context.ts';
import { objectSums, warmObjectSums } from './object-sums.ts';

const load = (text: string) => new QueryContext(parseKmapBytes(new TextEncoder().encode(text)));
const plain = (ctx: QueryContext) => {
  const s = objectSums(ctx);
  return { lines: Array.from(s.lines), reads: Array.from(s.reads), writes: Array.from(s.writes), kinds: [s.reads.constructor.name, s.writes.constructor.name] };
};

describe('per-object sums in pieces', () => {
  const seeds = [...writerSeeds(2), ...bigSeeds(300)];
  it.each(seeds.map((s) => [s.name, s.text]))('%s: are the sums made at once, at any piece size, asked for between pieces or not', (_name, text) => {
    const want = plain(load(text));
    for (const step of [1, 7, 1000]) {
      const ctx = load(text);
      let turns = 0;
      while (!warmObjectSums(ctx, step)) turns++;
      expect(turns).toBeGreaterThanOrEqual(Math.ceil(ctx.store.numObjects / step) - 1);
      expect(plain(ctx)).toEqual(want);
      // Asked for halfway: the rest is summed then.
      const half = load(text);
      warmObjectSums(half, Math.floor(half.store.numObjects / 2));
      expect(plain(half)).toEqual(want);
    }
  });

  it('a warm-up after a question (or finished by one) finds them done: no second pass, no second copy', () => {
    const text = bigSeeds(300)[0].text;
    const asked = load(text);
    const made = objectSums(asked);
    expect(warmObjectSums(asked, 1)).toBe(true);
    expect(objectSums(asked)).toBe(made);
    const half = load(text);
    expect(warmObjectSums(half, 2)).toBe(false);
    const finished = objectSums(half);
    expect(warmObjectSums(half, 1)).toBe(true);
    expect(objectSums(half)).toBe(finished);
  });

  it('a sum past 2^32 - 1 in a later piece makes that column doubles, the earlier values kept', () => {
    const text = [
      'ffffffff81001010,100,ffff888000001000,64,10,0,0000000000000000,KMALLOC,cat,kmalloc-64,',
      '  ffffffff81004010,3,5,100',
      'ffffffff81001010,100,ffff888000002000,64,11,0,0000000000000000,KMALLOC,cat,kmalloc-64,',
      '  ffffffff81004010,1,4294967295,100',
      '  ffffffff81004010,1,7,100',
      '',
    ].join('\n');
    const ctx = load(text);
    expect(warmObjectSums(ctx, 1)).toBe(false);
    expect(warmObjectSums(ctx, 1)).toBe(true);
    expect(plain(ctx)).toEqual({ lines: [1, 2], reads: [5, 4294967302], writes: [3, 2], kinds: ['Float64Array', 'Uint32Array'] });
  });
});
