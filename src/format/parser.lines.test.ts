// Line rules: access lines, blank lines, \r\n, padded numeric fields, hex
// spellings, (null), empty commands, from: lines. Every test runs at chunk
// sizes 1, 7, 64 and whole-file.

import { describe, expect, it } from 'vitest';
import { parseAllChunkSizes } from '../testing/snapshot.ts';
import { ZERO, acc, lines, obj } from '../testing/expect-objects.ts';

const D1 = 'ffffffff81400000,7,ffff888005000000,64,20,0,0000000000000000,KMALLOC,bash,kmalloc-64';
const D2 = 'ffffffff81400010,8,ffff888005000100,32,21,22,ffffffff81400f00,KMALLOC,cat,kmalloc-32';

describe('access lines', () => {
  it('a space- or tab-indented line is an access line of the last object line', () => {
    const { view } = parseAllChunkSizes(lines(
      D1,
      '  ffffffff81000001,1,2',
      '\tffffffff81000002,3,4',
      '    ffffffff81000003,5,6',
      D2,
      ' \t ffffffff81000004,7,8',
    ));
    expect(view.objects.map((o) => o.accesses)).toEqual([
      [acc('ffffffff81000001', null, 1, 2), acc('ffffffff81000002', null, 3, 4), acc('ffffffff81000003', null, 5, 6)],
      [acc('ffffffff81000004', null, 7, 8)],
    ]);
    expect(view.numBadLines).toBe(0);
  });

  it('objects without access lines have empty ranges, including the last', () => {
    const { view, store } = parseAllChunkSizes(lines(D1, D2, '  ffffffff81000001,1,2', D1));
    expect(view.objects.map((o) => o.accesses.length)).toEqual([0, 1, 0]);
    expect([0, 1, 2].map((i) => store.accessRange(i))).toEqual([[0, 0], [0, 1], [1, 1]]);
  });
});

describe('blank lines', () => {
  it('empty and whitespace-only lines are ignored and counted as blank, not bad', () => {
    const { view } = parseAllChunkSizes('\n' + D1 + '\n\n   \n\t\n  \t  \n  ffffffff81000001,1,2\n \r\n\r\n' + D2 + '\n\n');
    expect(view.numObjects).toBe(2);
    expect(view.numAccesses).toBe(1);
    expect(view.numBlankLines).toBe(8);
    expect(view.numBadLines).toBe(0);
    // a blank line between an object and its access lines does not detach them
    expect(view.objects[0].accesses).toEqual([acc('ffffffff81000001', null, 1, 2)]);
  });
});

describe('whitespace-only lines that start with \\r', () => {
  it('are blank too (e.g. the "\\r\\r\\n" of a file converted to CRLF twice), not bad object lines', () => {
    const { view } = parseAllChunkSizes(D1 + '\r\n\r\r\n\r \r\n' + D2 + '\r\n');
    expect(view.numObjects).toBe(2);
    expect(view.numBadLines).toBe(0);
    expect(view.numBlankLines).toBe(2);
  });

  it('a line that starts with \\r and holds more is an object line (here a bad one), not an access line', () => {
    const { view } = parseAllChunkSizes(lines(
      D1,
      '  ffffffff81000001,1,2',
      '\r' + D2, // "\n\r" line ends: this object line's access line must not go to D1
      '  ffffffff81000002,3,4',
      '\r  ffffffff81000003,5,6', // \r is not indentation
      D2,
    ));
    expect(view.objects.map((o) => o.accesses.length)).toEqual([1, 0]);
    expect(view.badLines.map((b) => [b.lineNum, b.reason])).toEqual([
      [3, 'alloc_ip is not a hex number: "\rffffffff81400010"'],
      [4, 'access line follows a bad object line'],
      [5, '3 fields; a variant D object line has 10'],
    ]);
  });
});

describe('line endings', () => {
  it('\\r\\n endings give exactly the same result as \\n endings', () => {
    const text = lines(D1, '  ffffffff81000001,1,2', D2, '  from:ffffffff81000002,caller:ffffffff81000003,3,4');
    const lf = parseAllChunkSizes(text).view;
    const crlf = parseAllChunkSizes(text.replace(/\n/g, '\r\n')).view;
    expect(crlf).toEqual(lf);
    expect(lf.objects[1].slab).toBe('kmalloc-32');
    expect(lf.objects[1].accesses).toEqual([acc('ffffffff81000002', null, 3, 4, 'ffffffff81000003')]);
  });

  it('a last line without a newline is parsed (with or without \\r)', () => {
    expect(parseAllChunkSizes(D1 + '\n' + D2).view.objects[1].command).toBe('cat');
    expect(parseAllChunkSizes(D1 + '\n' + D2 + '\r').view.objects[1].slab).toBe('kmalloc-32');
    const { view } = parseAllChunkSizes(D1 + '\n  ffffffff81000001,1,2');
    expect(view.objects[0].accesses).toEqual([acc('ffffffff81000001', null, 1, 2)]);
  });
});

describe('numeric fields', () => {
  it('are trimmed of spaces: padded alloc IPs (14, feedbeef), sizes, pids, indices, access counts', () => {
    const { view } = parseAllChunkSizes(lines(
      '14              ,0,ffff888003a1d000,8,89,0,0,UFO_MEMBLOCK,a,no-slab,',
      'feedbeef        , 12 ,ffff888003a1c0c0,  192 ,88 ,0 ,0000000000000000,KMEM_CACHE,b,dentry,',
      '  ffffffff81533c00 , 1 ,  2  , 3 ',
      '\tffffffff81533c01,4,5, -1',
    ));
    expect(view.variant).toBe('E');
    expect(view.objects).toEqual([
      obj({
        allocIp: '0000000000000014', pid: 0, va: 'ffff888003a1d000', size: 8, allocIndex: 89, freeIndex: 0, freeIp: ZERO,
        type: 'UFO_MEMBLOCK', command: 'a', slab: 'no-slab', newType: '', live: true,
      }),
      obj({
        allocIp: '00000000feedbeef', pid: 12, va: 'ffff888003a1c0c0', size: 192, allocIndex: 88, freeIndex: 0, freeIp: ZERO,
        type: 'KMEM_CACHE', command: 'b', slab: 'dentry', newType: '', live: true,
        accesses: [acc('ffffffff81533c00', 3, 1, 2), acc('ffffffff81533c01', -1, 4, 5)],
      }),
    ]);
  });

  it('hex accepts a 0x / 0X prefix, upper case, and fewer than 16 digits', () => {
    const { view } = parseAllChunkSizes(lines(
      '0xFFFFFFFF81234567,0X00000000DEADBEEF,0xffff888003A1C0C0,64,100,bash',
      '  0XFFFFFFFF81533A17,100,3,5',
      'abc,DEADBEEF,1,8,1,cat',
      '  0x5,0,1,1',
    ));
    expect(view.variant).toBe('A');
    expect(view.objects.map((o) => [o.allocIp, o.freeIp, o.va])).toEqual([
      ['ffffffff81234567', '00000000deadbeef', 'ffff888003a1c0c0'],
      ['0000000000000abc', '00000000deadbeef', '0000000000000001'],
    ]);
    expect(view.objects.map((o) => o.accesses.map((a) => a.ip))).toEqual([['ffffffff81533a17'], ['0000000000000005']]);
  });

  it('64-bit values above 2^53 are exact (never JS numbers)', () => {
    const { view } = parseAllChunkSizes(lines(
      'ffffffffffffffff,fffffffffffffffe,8000000000000001,64,1,a',
      '  001fffffffffffff,1,1,1',
      '0020000000000001,0,0000000000000001,1,1,b',
    ));
    expect(view.objects.map((o) => [o.allocIp, o.freeIp, o.va])).toEqual([
      ['ffffffffffffffff', 'fffffffffffffffe', '8000000000000001'],
      ['0020000000000001', ZERO, '0000000000000001'],
    ]);
    expect(view.objects[0].accesses[0].ip).toBe('001fffffffffffff');
  });

  it('leading zeros beyond 16 digits are accepted, 17 significant digits are not', () => {
    const { view } = parseAllChunkSizes(lines(
      '00000ffffffff81234567,0,ffff888003a1c0c0,64,1,a',
      '1ffffffff81234567,0,ffff888003a1c0c0,64,1,b',
    ));
    expect(view.objects.map((o) => o.allocIp)).toEqual(['ffffffff81234567']);
    expect(view.badLines.map((b) => b.lineNum)).toEqual([2]);
    expect(view.badLines[0].reason).toMatch(/alloc_ip.*hex/);
  });

  it('(null), padded or not, is 0 in every hex field', () => {
    const { view } = parseAllChunkSizes(lines(
      'ffffffff8120aa10,412,ffff88003c1f4e00,96,4294912345,0,          (null),sshd',
      '(null),1,(null)  ,8,1,2,(null),init',
      '  (null),1,2,3',
    ));
    expect(view.variant).toBe('B');
    expect(view.objects.map((o) => [o.allocIp, o.va, o.freeIp, o.live])).toEqual([
      ['ffffffff8120aa10', 'ffff88003c1f4e00', ZERO, true],
      [ZERO, ZERO, ZERO, false],
    ]);
    expect(view.objects[1].accesses).toEqual([acc(ZERO, 1, 2, 3)]);
  });

  it('sizes and indices up to 2^53 - 1 are exact', () => {
    const { view } = parseAllChunkSizes(lines(
      'ffffffff81400000,4294967295,ffff888005000000,9007199254740991,4294967296,9007199254740990,0,KMALLOC,x',
      '  ffffffff81000001,9007199254740991,4294967296',
    ));
    expect(view.variant).toBe('C');
    expect(view.objects[0]).toMatchObject({ pid: 4294967295, size: 9007199254740991, allocIndex: 4294967296, freeIndex: 9007199254740990 });
    expect(view.objects[0].accesses).toEqual([acc('ffffffff81000001', null, 9007199254740991, 4294967296)]);
  });
});

describe('access pids', () => {
  it('an accepted access pid is stored exactly, also near 2^53 (else the line must be bad)', () => {
    for (const pid of [9007199254740991, 9007199254740990, 9007199254740989, 4294967295]) {
      const { view } = parseAllChunkSizes(lines(
        'ffffffff81400000,7,ffff888005000000,64,20,0,0,KMALLOC,bash,kmalloc-64,',
        `  ffffffff81000001,1,2,${pid}`,
      ));
      const got = view.numAccesses === 1 ? view.objects[0].accesses[0].pid : 'bad line';
      if (got !== 'bad line') expect(got, `pid ${pid}`).toBe(pid);
      expect(view.numAccesses + view.numBadLines).toBe(1);
    }
  });
});

describe('commands', () => {
  it('may be empty, hold spaces and commas, in every position', () => {
    const { view } = parseAllChunkSizes(lines(
      'ffffffff81400000,7,ffff888005000000,64,20,0,0,KMALLOC,,kmalloc-64,',
      'ffffffff81400000,7,ffff888005000000,64,20,0,0,KMALLOC,a,b c,kmalloc-64,',
      'ffffffff81400000,7,ffff888005000000,64,20,0,0,KMALLOC,,,kmalloc-64,',
      'ffffffff81400000,7,ffff888005000000,64,20,0,0,KMALLOC, x ,kmalloc-64,NONE',
    ));
    expect(view.variant).toBe('E');
    expect(view.objects.map((o) => [o.command, o.slab, o.newType])).toEqual([
      ['', 'kmalloc-64', ''],
      ['a,b c', 'kmalloc-64', ''],
      [',', 'kmalloc-64', ''],
      [' x ', 'kmalloc-64', 'NONE'],
    ]);
  });

  it('an empty last-field command in A, B and C', () => {
    expect(parseAllChunkSizes(lines('ffffffff81200000,0,ffff888003a1d000,128,1,')).view.objects[0].command).toBe('');
    expect(parseAllChunkSizes(lines('ffffffff81200000,1,ffff888003a1d000,128,5,0,0,')).view.objects[0].command).toBe('');
    const c = parseAllChunkSizes(lines('ffffffff81200000,1,ffff888003a1d000,128,5,0,0,KMALLOC,')).view;
    expect([c.variant, c.objects[0].type, c.objects[0].command]).toEqual(['C', 'KMALLOC', '']);
  });
});

describe('from: access lines', () => {
  it('from:IP,w,r and from:IP,caller:IP,w,r in D; the caller is kept in accesses.callers', () => {
    const { view, store } = parseAllChunkSizes(lines(
      'ffffffff81400010,0,ffff888005000100,192,21,0,0,NONE,swapper/0,no-slab',
      '  from:ffffffff81400200,5,6',
      '  from:ffffffff81400300,caller:ffffffff81400400,7,8',
      '  ffffffff81400500,1,1',
      '  from:0xffffffff81400600,caller:0XFFFFFFFF81400700, 9 ,10',
    ));
    expect(view.objects[0].accesses).toEqual([
      acc('ffffffff81400200', null, 5, 6),
      acc('ffffffff81400300', null, 7, 8, 'ffffffff81400400'),
      acc('ffffffff81400500', null, 1, 1),
      acc('ffffffff81400600', null, 9, 10, 'ffffffff81400700'),
    ]);
    expect([...store.accesses.callers.entries()].map(([a, id]) => [a, store.ips.hex(id)])).toEqual([
      [1, 'ffffffff81400400'],
      [3, 'ffffffff81400700'],
    ]);
    expect(view.reads).toBe(25);
    expect(view.writes).toBe(22);
  });

  it('from: lines in E, with and without the trailing pid', () => {
    const { view } = parseAllChunkSizes(lines(
      'ffffffff81400010,0,ffff888005000100,192,21,0,0,NONE,swapper/0,no-slab,',
      '  from:ffffffff81400200,5,6',
      '  from:ffffffff81400200,5,6,-1',
      '  from:ffffffff81400300,caller:ffffffff81400400,7,8,42',
    ));
    expect(view.objects[0].accesses).toEqual([
      acc('ffffffff81400200', null, 5, 6),
      acc('ffffffff81400200', -1, 5, 6),
      acc('ffffffff81400300', 42, 7, 8, 'ffffffff81400400'),
    ]);
  });

  it('malformed from: lines are bad lines', () => {
    const { view } = parseAllChunkSizes(lines(
      'ffffffff81400010,0,ffff888005000100,192,21,0,0,NONE,swapper/0,no-slab',
      '  from:ffffffff81400200,5',
      '  from:ffffffff81400200,caller:,5,6',
      '  from:zz,5,6',
      '  from:ffffffff81400200,caller:ffffffff81400400,7,8,9',
      '  from:ffffffff81400200,5,6,7',
      '  from:ffffffff81400200,x,6',
      '  from:ffffffff81400200,5,6',
    ));
    expect(view.objects[0].accesses).toEqual([acc('ffffffff81400200', null, 5, 6)]);
    expect(view.badLines.map((b) => b.lineNum)).toEqual([2, 3, 4, 5, 6, 7]);
  });
});
