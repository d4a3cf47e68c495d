// The CLI on Memorizer's split CSV pair, run as a user runs it: two FILEs,
// in either order, read as the equivalent kmap, so that stats --json, dump,
// breakdown and slice print exactly what they print for the kmap; a file of
// the pair alone, two files that are not a pair and three files are refused
// with a message that names the file; what the join could not decide goes
// to stderr, and the readable stats names both files and each bad line's.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKmapBytes } from '../format/parser.ts';
import { writeKmap } from '../testing/kmap-writer.ts';
import { fullView, toBytes } from '../testing/snapshot.ts';
import { pairable, writePair } from '../testing/split-csv-writer.ts';
import { kmapAsync, kmapSync } from './run-kmap.ts';

const dir = mkdtempSync(join(tmpdir(), 'kmap-cli-split-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

// A generated capture (1,000 objects) as a kmap and as a pair, the access rows shuffled.
const objects = pairable(fullView(parseKmapBytes(toBytes(writeKmap({ variant: 'E', objects: 1000, seed: 21, damage: 0, blank: 0, crlf: 0, longLine: false, leadingAccess: false })))).objects);
const pair = writePair(objects, { order: 'shuffled', seed: 4 });
const KMAP = file('capture.kmap', pair.kmap);
const ALLOC = file('allocations.csv', pair.allocations);
const ACC = file('accesses.csv', pair.accesses);

describe('every command reads the pair as the kmap', () => {
  it('stats --json, in either order, equals the kmap\'s; with filters too', async () => {
    const [k, p, q, kf, pf] = await Promise.all([
      kmapAsync(['stats', KMAP, '--json']),
      kmapAsync(['stats', ALLOC, ACC, '--json']),
      kmapAsync(['stats', ACC, ALLOC, '--json']),
      kmapAsync(['stats', KMAP, '--json', '--slab', 'dentry', '--live']),
      kmapAsync(['stats', ACC, '--slab', 'dentry', ALLOC, '--json', '--live']),
    ]);
    expect(k.code).toBe(0);
    expect(JSON.parse(k.stdout).accesses).toBeGreaterThan(1000);
    expect(p.stdout).toBe(k.stdout);
    expect(q.stdout).toBe(k.stdout);
    expect(pf.stdout).toBe(kf.stdout);
    expect([p.stderr, q.stderr, pf.stderr]).toEqual(['', '', '']);
  });

  it('dump, breakdown, sites, lifetimes and slice print the same bytes', async () => {
    for (const args of [['dump'], ['breakdown', '--by', 'site'], ['sites', '--other-tasks'], ['lifetimes', '--by', 'type'], ['slice', '--command', 'bash']]) {
      const [k, p] = await Promise.all([kmapAsync([args[0], KMAP, ...args.slice(1)]), kmapAsync([args[0], ALLOC, ACC, ...args.slice(1)])]);
      expect(k.code, args.join(' ')).toBe(0);
      expect(p.stdout, args.join(' ')).toBe(k.stdout);
    }
  });
});

describe('what the join could not decide, and bad rows', () => {
  const a = file(
    'a.csv',
    [
      'alloc_ip,pid,ptr,size,alloc_time,free_time,free_ip,type,slab,new_type',
      'ffffffff812e4410,731,ffff888004c2a000,64,4294912345,0,0000000000000000,KMALLOC,cat,kmalloc-64,',
      'ffffffff812e4411,731,ffff888004c2b000,64,4294912345,0,0000000000000000,KMALLOC,cat,kmalloc-64,',
      'ffffffff812e4412,731,ffff888004c2c000,6x,4294912346,0,0000000000000000,KMALLOC,cat,kmalloc-64,',
      '',
    ].join('\n'),
  );
  const b = file(
    'b.csv',
    [
      'alloc_index,access_ip,pid,writes,reads',
      '4294912345,ffffffff81533a17,18446744073709551615,1,2',
      '4294912399,ffffffff81533a17,5,1,2',
      '',
    ].join('\n'),
  );

  it('notes on stderr, stdout unchanged; the readable stats names both files and each bad line\'s', () => {
    const json = kmapSync(['stats', b, a, '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ objects: 2, accesses: 1, badLines: 2 });
    expect(json.stderr).toBe(
      'kmap: note: 1 access row of b.csv names an alloc_index that several objects share (1 such index); each went to one of them by the walk order rule of docs/kmap-format.md ("The split CSV files").\n' +
        'kmap: note: 1 access row of b.csv matches no object of a.csv; counted as bad lines.\n',
    );
    const r = kmapSync(['stats', a, b]);
    expect(r.stdout).toContain('files         a.csv (allocations) + b.csv (accesses), read as one kmap');
    expect(r.stdout).toContain('joined        1 access rows by a shared alloc_index (1 index): by walk order, a guess');
    expect(r.stdout).toContain('a.csv line 4: size is not a decimal number: "6x"');
    expect(r.stdout).toContain('b.csv line 3: alloc_index 4294912399 matches no object of a.csv');
  });
});

describe('refusals', () => {
  it('a file of the pair alone names the file it needs', () => {
    const r = kmapSync(['stats', ALLOC, '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `kmap: ${ALLOC}: This file is Memorizer's "allocations" CSV file, not a kmap: it opens together with the "accesses" file of the same capture ` +
        '(give both files at once: kmap stats ALLOCATIONS ACCESSES, or drop or choose both in the page).\n',
    );
    expect(kmapSync(['breakdown', ACC, '--by', 'slab']).stderr).toMatch(/"accesses" CSV file, not a kmap: it opens together with the "allocations" file/);
  });

  it('two files that are not a pair, and three files', () => {
    const k = kmapSync(['stats', ALLOC, KMAP]);
    expect(k.code).toBe(1);
    expect(k.stderr).toMatch(new RegExp(`^kmap: ${KMAP.replace(/[.]/g, '\\.')}: This file is not Memorizer's "accesses" file \\(header alloc_index,access_ip,\\[pid,\\]writes,reads\\): its first line is ".*"\\. \\(Two files are read as Memorizer's allocations and accesses files\\.\\)\n$`));
    const same = kmapSync(['stats', ACC, ACC]);
    expect(same.code).toBe(1);
    expect(same.stderr).toBe(`kmap: ${ACC} and ${ACC} are both Memorizer's "accesses" file; the other file of the pair is its "allocations" file.\n`);
    const missing = kmapSync(['stats', ALLOC, join(dir, 'nope.csv')]);
    expect(missing.stderr).toBe(`kmap: ${join(dir, 'nope.csv')}: no such file\n`);
    const three = kmapSync(['stats', ALLOC, ACC, KMAP]);
    expect(three.code).toBe(2);
    expect(three.stderr).toContain('stats takes one FILE (a kmap) or two (the allocations and accesses files), not 3');
  });
});
