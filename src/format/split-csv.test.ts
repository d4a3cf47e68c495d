// The split CSV pair reader against (1) the kmap parser on the equivalent
// kmap: the same store, column for column and id for id, for generated
// pairs in every header form, with and without pids, rows in the walk's
// order or shuffled; (2) the reference joiner (src/testing/), on damaged
// pairs with shared alloc indices, orphan rows and bad rows in both files;
// (3) the rules one by one. Every read is repeated at chunk sizes 1, 7, 64
// and whole (parsePairAllChunkSizes).

import { describe, expect, it } from 'vitest';
import { parseKmapBytes } from './parser.ts';
import { SplitCsvStream } from './split-csv.ts';
import { FROM_ROW_REASON } from './split-access-row.ts';
import { KmapFormatError } from './sniff.ts';
import { statsJson, summarize } from '../query/summary.ts';
import { rng, writeKmap } from '../testing/kmap-writer.ts';
import { fullView, toBytes, type ObjectView } from '../testing/snapshot.ts';
import { acc, obj, lines, ZERO } from '../testing/expect-objects.ts';
import { accessesFile, pairable, writePair, type PairOptions } from '../testing/split-csv-writer.ts';
import { referenceSplitCsv } from '../testing/reference-split-csv.ts';
import { parsePairAllChunkSizes, parsePairAt, rawStore } from '../testing/split-snapshot.ts';

/** The objects of a generated variant-E kmap (undamaged), as views a pair can carry. */
function generatedObjects(seed: number, objects: number): ObjectView[] {
  const text = writeKmap({ variant: 'E', objects, seed, damage: 0, blank: 0, crlf: 0, longLine: false, leadingAccess: false });
  return pairable(fullView(parseKmapBytes(toBytes(text))).objects);
}

const ALLOC_HEADER = 'alloc_ip,pid,ptr,size,alloc_serial,free_serial,free_ip,type,slab,new_type';
const ACC_HEADER = 'alloc_index,access_ip,pid,writes,reads';

describe('a pair gives the store of its equivalent kmap', () => {
  const cases: [string, PairOptions][] = [
    ['the kernel header (no command), rows in walk order', {}],
    ['a header that names command, time indices', { namesCommand: true, indexColumn: 'time' }],
    ['no pid column (every access pid -1)', { hasPid: false }],
    ['rows shuffled', { order: 'shuffled', seed: 5 }],
    ['rows reversed, pid -1 written signed', { order: 'reversed', signedPid: true }],
  ];
  for (const [label, options] of cases) {
    it(label, () => {
      for (const seed of [1, 2]) {
        const pair = writePair(generatedObjects(seed, 250), options);
        const kmap = parseKmapBytes(toBytes(pair.kmap));
        const { store } = parsePairAllChunkSizes(pair.allocations, pair.accesses);
        expect(rawStore(store), `seed ${seed}`).toEqual(rawStore(kmap));
        expect(fullView(store).objects).toEqual(fullView(kmap).objects);
        expect(store.numAccesses).toBeGreaterThan(200);
        expect([store.numBadLines, store.split?.ambiguousRows, store.split?.orphanRows]).toEqual([0, 0, 0]);
      }
    });
  }

  it('the sample capture (public/sample.kmap): its two catch-all objects share alloc index 0', async () => {
    const { readFileSync } = await import('node:fs');
    const kmap = parseKmapBytes(readFileSync(new URL('../../public/sample.kmap', import.meta.url)));
    const pair = writePair(pairable(fullView(kmap).objects));
    const store = parsePairAt(pair.allocations, pair.accesses, 4096);
    // Objects 0 and 1 (UFO_GLOBAL, UFO_MEMBLOCK) both have alloc index 0 and come one after the other:
    // the format cannot split their rows, which all go to object 0, counted as ambiguous.
    const [k, p] = [fullView(kmap).objects, fullView(store).objects];
    expect([k[0].allocIndex, k[1].allocIndex]).toEqual([0, 0]);
    expect(p[0].accesses).toEqual([...k[0].accesses, ...k[1].accesses]);
    expect(p[1].accesses).toEqual([]);
    expect(p.slice(2)).toEqual(k.slice(2));
    expect(store.split).toMatchObject({ ambiguousRows: k[0].accesses.length + k[1].accesses.length, ambiguousIndices: 1, orphanRows: 0 });
    expect(p).toEqual(referenceSplitCsv(pair.allocations, pair.accesses).objects);
    // What `kmap stats --json` prints is the same.
    expect(statsJson(summarize(store))).toEqual(statsJson(summarize(kmap)));
    expect([store.numObjects, store.numAccesses]).toEqual([671, 24175]);
  });
});

describe('against the reference joiner', () => {
  /** Generated objects where some share the alloc index of the object before (jiffies). */
  function withSharedIndices(seed: number, objects: number): ObjectView[] {
    const objs = generatedObjects(seed, objects);
    for (let i = 1; i < objs.length; i++) if ((i * 7919 + seed) % 5 === 0) objs[i].allocIndex = objs[i - 1].allocIndex;
    for (let i = 3; i < objs.length; i += 11) objs[i].allocIndex = objs[i - 3].allocIndex; // shared, with others between
    return objs;
  }

  for (const [label, options] of [
    ['walk order', { damage: 0.05, seed: 11 }],
    ['shuffled, no pids', { damage: 0.05, seed: 12, order: 'shuffled', hasPid: false }],
    ['reversed', { damage: 0.03, seed: 13, order: 'reversed', namesCommand: true }],
  ] as [string, PairOptions][]) {
    it(`damaged pairs with shared alloc indices: ${label}`, () => {
      const pair = writePair(withSharedIndices(options.seed!, 400), options);
      const names = { allocations: 'a.csv', accesses: 'b.csv' };
      const { view, store } = parsePairAllChunkSizes(pair.allocations, pair.accesses, { allocationsName: names.allocations, accessesName: names.accesses });
      const ref = referenceSplitCsv(pair.allocations, pair.accesses, names);
      expect(view.objects).toEqual(ref.objects);
      expect(store.badLines.map((b) => ({ file: b.file, lineNum: b.lineNum, text: b.text }))).toEqual(ref.badLines.slice(0, 100));
      expect(store.numBadLines).toBe(ref.badLines.length);
      expect(store.numBlankLines).toBe(ref.numBlankLines);
      expect(store.split).toEqual({ ...names, ambiguousRows: ref.ambiguousRows, ambiguousIndices: ref.ambiguousIndices, orphanRows: ref.orphanRows });
      expect(ref.ambiguousRows).toBeGreaterThan(10);
      expect(ref.orphanRows).toBeGreaterThan(0);
      expect(store.badLines.some((b) => b.file === 'a.csv') && store.badLines.some((b) => b.file === 'b.csv')).toBe(true);
    });
  }
});

const ROW_A = 'ffffffff812e4410,731,ffff888004c2a000,64,100,120,ffffffff812e4f02,KMALLOC,cat,kmalloc-64,';
const ROW_B = 'ffffffff812e4411,7,ffff888004c2b000,128,200,0,0000000000000000,KMALLOC,my, cmd,kmalloc-128,';
const ROW_C = 'feedbeef        ,0,ffff888003a1c0c0,192,100,0,0000000000000000,KMEM_CACHE,,dentry,';
const IP1 = 'ffffffff81533a17';
const IP2 = 'ffffffff81533b20';

describe('the rules', () => {
  it('the header bug: 10 names, 11 values per row; a header naming command reads the same', () => {
    const accesses = lines(ACC_HEADER, `100,${IP1},731,0,3`, `200,${IP2},18446744073709551615,2,0`);
    const bug = parsePairAllChunkSizes(lines(ALLOC_HEADER, ROW_A, ROW_B), accesses);
    const named = parsePairAllChunkSizes(lines(ALLOC_HEADER.replace('type,slab', 'type,command,slab'), ROW_A, ROW_B), accesses);
    expect(rawStore(named.store)).toEqual(rawStore(bug.store));
    expect(bug.view.objects).toEqual([
      obj({ allocIp: 'ffffffff812e4410', freeIp: 'ffffffff812e4f02', va: 'ffff888004c2a000', size: 64, pid: 731, allocIndex: 100, freeIndex: 120, type: 'KMALLOC', command: 'cat', slab: 'kmalloc-64', newType: '', live: false, accesses: [acc(IP1, 731, 0, 3)] }),
      obj({ allocIp: 'ffffffff812e4411', freeIp: ZERO, va: 'ffff888004c2b000', size: 128, pid: 7, allocIndex: 200, freeIndex: 0, type: 'KMALLOC', command: 'my, cmd', slab: 'kmalloc-128', newType: '', live: true, accesses: [acc(IP2, -1, 2, 0)] }),
    ]);
    expect(bug.view.numBadLines).toBe(0);
  });

  it('pids: 2^64 - 1 is -1, so is -1; 2^64 - 2 is a bad row; no pid column is -1', () => {
    const { view, store } = parsePairAllChunkSizes(
      lines(ALLOC_HEADER, ROW_A),
      lines(ACC_HEADER, `100,${IP1},18446744073709551615,1,1`, `100,${IP1},-1,2,2`, `100,${IP1},18446744073709551614,3,3`, `100,${IP2},0,4,4`),
    );
    expect(view.objects[0].accesses).toEqual([acc(IP1, -1, 1, 1), acc(IP1, -1, 2, 2), acc(IP2, 0, 4, 4)]);
    expect(store.badLines).toEqual([
      {
        file: 'accesses',
        lineNum: 4,
        text: `100,${IP1},18446744073709551614,3,3`,
        reason: 'pid is above 2^53 - 3: "18446744073709551614" (of such values only 18446744073709551615, -1 printed unsigned, is a pid)',
      },
    ]);
    const noPid = parsePairAllChunkSizes(lines(ALLOC_HEADER, ROW_A), lines('alloc_index,access_ip,writes,reads', `100,${IP1},5,6`));
    expect(noPid.view.objects[0].accesses).toEqual([acc(IP1, -1, 5, 6)]);
  });

  it('shared alloc indices: rows follow the walk; consecutive rows stay on one object; counted', () => {
    // Objects 0 and 2 share alloc index 100 (jiffies); object 1 has 200.
    const alloc = lines(ALLOC_HEADER, ROW_A, ROW_B, ROW_C);
    const walk = parsePairAllChunkSizes(alloc, lines(ACC_HEADER, `100,${IP1},1,1,1`, `200,${IP2},1,2,2`, `100,${IP2},1,3,3`));
    expect(walk.view.objects.map((o) => o.accesses.map((a) => a.reads))).toEqual([[1], [2], [3]]);
    expect(walk.store.split).toMatchObject({ ambiguousRows: 2, ambiguousIndices: 1, orphanRows: 0 });
    // Object 0 printed nothing: the walk is past it when the rows of 100 come after object 1's.
    const skip = parsePairAllChunkSizes(alloc, lines(ACC_HEADER, `200,${IP2},1,2,2`, `100,${IP2},1,3,3`));
    expect(skip.view.objects.map((o) => o.accesses.length)).toEqual([0, 1, 1]);
    // Consecutive rows of one index cannot be split: the first object at or after the walk takes them.
    const together = parsePairAllChunkSizes(alloc, lines(ACC_HEADER, `100,${IP1},1,1,1`, `100,${IP2},1,3,3`));
    expect(together.view.objects.map((o) => o.accesses.length)).toEqual([2, 0, 0]);
    // Rows in another order than the walk: past the last object with it, back to the first.
    const back = parsePairAllChunkSizes(alloc, lines(ACC_HEADER, `200,${IP2},1,2,2`, `100,${IP1},1,1,1`, `100,${IP1},1,4,4`));
    expect(back.view.objects.map((o) => o.accesses.map((a) => a.reads))).toEqual([[], [2], [1, 4]]);
    expect(back.store.split).toMatchObject({ ambiguousRows: 2, ambiguousIndices: 1 });
  });

  it('alloc indices above 2^53 join exactly, though their doubles are equal', () => {
    const big = (i: string) => ROW_A.replace(',100,120,', `,${i},0,`);
    const { view, store } = parsePairAllChunkSizes(
      lines(ALLOC_HEADER, big('18446744073709551615'), big('18446744073709551614')),
      lines(ACC_HEADER, `18446744073709551614,${IP1},1,1,1`, `18446744073709551615,${IP2},1,2,2`, `18446744073709551613,${IP2},1,3,3`),
    );
    expect(view.objects.map((o) => o.accesses.map((a) => a.reads))).toEqual([[2], [1]]);
    expect(store.split).toMatchObject({ ambiguousRows: 0, orphanRows: 1 });
  });

  it('orphan rows are bad lines of the accesses file, never dropped', () => {
    const { store } = parsePairAllChunkSizes(lines(ALLOC_HEADER, ROW_A), lines(ACC_HEADER, `100,${IP1},1,1,1`, `555,${IP1},1,1,1`, '  from:ffffffff81000010,1,2'), {
      allocationsName: 'allocations.csv',
      accessesName: 'accesses.csv',
    });
    expect(store.numAccesses).toBe(1);
    expect(store.badLines).toEqual([
      { file: 'accesses.csv', lineNum: 3, text: `555,${IP1},1,1,1`, reason: 'alloc_index 555 matches no object of allocations.csv' },
      { file: 'accesses.csv', lineNum: 4, text: '  from:ffffffff81000010,1,2', reason: FROM_ROW_REASON },
    ]);
    expect(store.split?.orphanRows).toBe(1);
    // The IP of an orphan row is not interned: only the objects' and the joined rows' IPs are.
    expect(store.ips.size).toBe(3);
  });

  it('damaged rows: line numbers count the header and blank lines, and name their file', () => {
    const { store, view } = parsePairAllChunkSizes(
      lines(ALLOC_HEADER, ROW_A, '', ROW_B.replace(',128,', ',12x,'), ROW_C) + 'ffffffff81,1\r\n',
      lines(ACC_HEADER, `100,${IP1},1,1`, `100,${IP1},1,1,1\r`, `200,zz${IP1},1,1,1`),
      { allocationsName: 'a.csv', accessesName: 'b.csv' },
    );
    expect(view.objects.length).toBe(2);
    expect(store.badLines.map((b) => [b.file, b.lineNum, b.reason])).toEqual([
      ['a.csv', 4, 'size is not a decimal number: "12x"'],
      ['a.csv', 6, '2 fields; a variant E object line has 11'],
      ['b.csv', 2, '4 fields; a row of this accesses file has 5 (alloc_index,access_ip,pid,writes,reads)'],
      ['b.csv', 4, `access_ip is not a hex number: "zz${IP1}"`],
    ]);
    expect(store.numBlankLines).toBe(1);
    expect(store.numObjects + store.numAccesses + store.numBadLines).toBe(2 + 1 + 4);
  });

  it('a header that is not the right one, an empty file, a BOM and CRLF', () => {
    const acc1 = lines(ACC_HEADER, `100,${IP1},1,1,1`);
    const err = (a: string, c: string) => {
      try {
        parsePairAt(a, c, 3, { allocationsName: 'a.csv', accessesName: 'b.csv' });
      } catch (e) {
        expect(e).toBeInstanceOf(KmapFormatError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(err(acc1, acc1)).toMatch(/^a\.csv: This file is not Memorizer's "allocations" file \(header alloc_ip,pid,ptr,.*its first line is "alloc_index,access_ip,pid,writes,reads"\.$/);
    expect(err(lines(ALLOC_HEADER, ROW_A), lines(ALLOC_HEADER))).toMatch(/^b\.csv: This file is not Memorizer's "accesses" file/);
    expect(err('', acc1)).toBe('a.csv: the file is empty; it should start with the allocations header.');
    expect(err(lines(ALLOC_HEADER, ROW_A), '')).toBe('b.csv: the file is empty; it should start with the accesses header.');
    expect(err(lines(ALLOC_HEADER, 'x,y'), acc1)).toBe('a.csv: none of its 1 rows is a valid allocations row (line 2: 2 fields; a variant E object line has 11).');
    const crlf = parsePairAllChunkSizes('\uFEFF' + ALLOC_HEADER.toUpperCase() + '\r\n' + ROW_A + '\r\n', '\uFEFF' + ACC_HEADER.replace(/,/g, ' , ') + '\r\n' + `100,${IP1},1,1,1\r\n`);
    expect([crlf.store.numObjects, crlf.store.numAccesses, crlf.store.numBadLines]).toEqual([1, 1, 0]);
    // Only a header: a capture with no objects; its access rows are orphans.
    const empty = parsePairAllChunkSizes(lines(ALLOC_HEADER), acc1);
    expect([empty.store.numObjects, empty.store.numAccesses, empty.store.numBadLines]).toEqual([0, 0, 1]);
  });

  it('the pair as one stream of bytes (the worker): the same store, or the part read when stopped', () => {
    const pair = writePair(generatedObjects(3, 120), { order: 'shuffled', seed: 9 });
    const a = toBytes(pair.allocations);
    const c = toBytes(pair.accesses);
    const whole = rawStore(parsePairAt(a, c, 0));
    for (const size of [1, 13, 4096, a.length + c.length]) {
      const s = new SplitCsvStream(a.length, c.length);
      const all = new Uint8Array([...a, ...c]);
      for (let i = 0; i < all.length; i += size) s.push(all.subarray(i, i + size));
      expect(rawStore(s.finish()), `chunk size ${size}`).toEqual(whole);
    }
    // Stopped in the accesses file after complete lines: the rows read are attached, nothing fails.
    const cut = c.lastIndexOf(10, Math.floor(c.length / 2)) + 1;
    const s = new SplitCsvStream(a.length, c.length);
    s.push(a);
    s.push(c.subarray(0, cut));
    const part = s.finish();
    expect(part.numObjects).toBe(120);
    expect(part.numAccesses).toBe(new TextDecoder().decode(c.subarray(0, cut)).split('\n').length - 2);
    // Stopped inside the allocations file: its rows, no accesses.
    const s2 = new SplitCsvStream(a.length, c.length);
    s2.push(a.subarray(0, a.lastIndexOf(10, Math.floor(a.length / 2)) + 1));
    expect(s2.variant).toBe('E');
    const early = s2.finish();
    expect(early.numObjects).toBeGreaterThan(30);
    expect(early.numAccesses).toBe(0);
  });

  it('random chunk boundaries across both files (the worker\'s stream) give the whole read\'s store', () => {
    for (const seed of [31, 32, 33]) {
      const objs = generatedObjects(seed, 150);
      for (let i = 2; i < objs.length; i += 4) objs[i].allocIndex = objs[i - 2].allocIndex;
      const pair = writePair(objs, { damage: 0.05, seed, order: seed === 32 ? 'shuffled' : 'walk' });
      const a = toBytes(pair.allocations);
      const c = toBytes(pair.accesses);
      const whole = parsePairAt(a, c, 0);
      const all = new Uint8Array([...a, ...c]);
      const r = rng(seed);
      const s = new SplitCsvStream(a.length, c.length);
      for (let i = 0; i < all.length; ) {
        const n = 1 + Math.floor(r() ** 3 * 3000);
        s.push(all.subarray(i, i + n));
        i += n;
      }
      const store = s.finish();
      expect(rawStore(store), `seed ${seed}`).toEqual(rawStore(whole));
      expect(store.badLines, `seed ${seed}`).toEqual(whole.badLines);
      expect(store.split).toEqual(whole.split);
    }
  });

  it('hand-written access rows (accessesFile) for a view', () => {
    const rows = accessesFile([[100, acc(IP1, -1, 1, 2)]]);
    expect(rows).toBe(`${ACC_HEADER}\n100,${IP1},18446744073709551615,1,2\n`);
  });
});
