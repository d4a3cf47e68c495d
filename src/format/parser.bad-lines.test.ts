// Bad lines: what makes a line bad, what is kept of it, and that parsing goes
// on; the accounting invariant; over-long lines. Every parse runs at chunk
// sizes 1, 7, 64 and whole-file unless a test says otherwise.

import { describe, expect, it } from 'vitest';
import { parseKmapBytes, MAX_LINE_BYTES, MAX_NAME_BYTES } from './parser.ts';
import { fullView, parseAllChunkSizes, type FullView } from '../testing/snapshot.ts';
import { acc, lines } from '../testing/expect-objects.ts';

const B1 = 'ffffffff8120aa10,412,ffff88003c1f4e00,96,4294912345,0,0,sshd';
const B2 = 'ffffffff8120aa20,1,ffff88003c1f5000,4096,4294912340,4294912399,ffffffff8120ab00,systemd';
const AB = (n: number) => `  ffffffff8133c0${n.toString(16).padStart(2, '0')},1,${n},1`;

function nonBlankLines(text: string): number {
  return text.split('\n').filter((l) => !/^[ \t\r]*$/.test(l)).length;
}

function expectInvariant(view: FullView, text: string): void {
  expect(view.numObjects + view.numAccesses + view.numBadLines).toBe(nonBlankLines(text.endsWith('\n') ? text.slice(0, -1) : text));
}

describe('bad object lines', () => {
  it('wrong field counts, non-hex and non-decimal fields are bad, with a reason; good lines load', () => {
    const text = lines(
      B1,
      'ffffffff8120aa10,412,ffff88003c1f4e00,96,4294912345', // 5 fields
      'ffffffff8120aa1g,412,ffff88003c1f4e00,96,1,0,0,a', // alloc_ip not hex
      'ffffffff8120aa10,412,ffff88003c1f4e0z,96,1,0,0,a', // va not hex
      'ffffffff8120aa10,412,ffff88003c1f4e00,96,1,0,ffffffff 8120ab00,a', // free_ip with an inner space
      'ffffffff8120aa10,41x,ffff88003c1f4e00,96,1,0,0,a', // pid not decimal
      'ffffffff8120aa10,412,ffff88003c1f4e00,-96,1,0,0,a', // size negative
      'ffffffff8120aa10,412,ffff88003c1f4e00,96,0x1,0,0,a', // alloc index in hex
      'ffffffff8120aa10,412,ffff88003c1f4e00,96,1,,0,a', // free index empty
      ',412,ffff88003c1f4e00,96,1,0,0,a', // alloc_ip empty
      'ffffffff8120aa10,412,ffff88003c1f4e00,9007199254740992,1,0,0,a', // size 2^53: 64-bit sizes are fine
      B2,
    );
    const { view } = parseAllChunkSizes(text);
    expect(view.variant).toBe('B');
    expect(view.objects.map((o) => [o.command, o.size])).toEqual([['sshd', 96], ['a', 2n ** 53n], ['systemd', 4096]]);
    expect(view.badLines.map((b) => b.lineNum)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(view.numBadLines).toBe(9);
    expect(view.badLines.map((b) => b.text)).toEqual(text.split('\n').slice(1, 10));
    expect(view.badLines.map((b) => b.reason)).toEqual([
      '5 fields; a variant B object line has 8',
      'alloc_ip is not a hex number: "ffffffff8120aa1g"',
      'va is not a hex number: "ffff88003c1f4e0z"',
      'free_ip is not a hex number: "ffffffff 8120ab00"',
      'pid is not a decimal number: "41x"',
      'size is negative: "-96"',
      'alloc_index is not a decimal number: "0x1"',
      'free_index is empty',
      'alloc_ip is empty',
    ]);
    expectInvariant(view, text);
  });

  it('numbers out of range or without digits: a clear reason each', () => {
    const text = lines(
      B1,
      'ffffffff8120aa10,412,0x,96,1,0,0,a', // hex without digits
      'ffffffff8120aa10,412,ffff88003c1f4e00,96,1,0,0x,a', // hex without digits
      '1ffffffff8120aa10,412,ffff88003c1f4e00,96,1,0,0,a', // 17 significant hex digits
      '0x00000000000000000ffffffff8120aa10,412,ffff88003c1f4e00,96,1,0,0,a', // leading zeros do not count
      'ffffffff8120aa10,412,ffff88003c1f4e00,18446744073709551616,1,0,0,a', // 2^64
      'ffffffff8120aa10,412,ffff88003c1f4e00,96,99999999999999999999999,0,0,a', // far above 2^64
      'ffffffff8120aa10,-2,ffff88003c1f4e00,96,1,0,0,a', // a pid below -1
      'ffffffff8120aa10,9007199254740990,ffff88003c1f4e00,96,1,0,0,a', // a pid above 2^53 - 3
      'ffffffff8120aa10,-1,ffff88003c1f4e00,96,1,0,0,pid-minus-one', // pid -1: an object
      '  ffffffff8133c000,-1,18446744073709551616,1', // writes above 2^64 - 1
      '  ffffffff8133c000,-3,1,1', // an access pid below -1
      '  0x,1,1,1', // an access IP without digits
      B2,
    );
    const { view } = parseAllChunkSizes(text);
    expect(view.objects.map((o) => [o.command, o.pid])).toEqual([['sshd', 412], ['a', 412], ['pid-minus-one', -1], ['systemd', 1]]);
    expect(view.badLines.map((b) => [b.lineNum, b.reason])).toEqual([
      [2, 'va has no hex digits after 0x: "0x"'],
      [3, 'free_ip has no hex digits after 0x: "0x"'],
      [4, 'alloc_ip does not fit in 64 bits (more than 16 hex digits): "1ffffffff8120aa10"'],
      [6, 'size does not fit in 64 bits: "18446744073709551616"'],
      [7, 'alloc_index does not fit in 64 bits: "99999999999999999999999"'],
      [8, 'pid is negative (only -1 is allowed): "-2"'],
      [9, 'pid is above 2^53 - 3: "9007199254740990"'],
      [11, 'writes does not fit in 64 bits: "18446744073709551616"'],
      [12, 'pid is negative (only -1 is allowed): "-3"'],
      [13, 'access IP has no hex digits after 0x: "0x"'],
    ]);
    expect(view.objects[2].accesses).toEqual([]);
    expectInvariant(view, text);
  });

  it('too few fields in D and E (the trailing fields missing) are bad', () => {
    const { view } = parseAllChunkSizes(lines(
      'ffffffff81400000,7,ffff888005000000,64,20,0,0,KMALLOC,bash,kmalloc-64,',
      'ffffffff81400000,7,ffff888005000000,64,20,0,0,KMALLOC,bash,kmalloc-64,',
      'ffffffff81400000,7,ffff888005000000,64,20,0,0,KMALLOC,bash,',
      'ffffffff81400000,7,ffff888005000000,64,20,0,0,KMALLOC',
      'ffffffff81400000',
    ));
    expect(view.variant).toBe('E');
    expect(view.numObjects).toBe(2);
    expect(view.badLines.map((b) => [b.lineNum, b.reason])).toEqual([
      [3, expect.stringMatching(/^10 fields.*11/)],
      [4, expect.stringMatching(/^8 fields.*11/)],
      [5, expect.stringMatching(/^1 field\b.*11/)],
    ]);
  });
});

describe('bad access lines', () => {
  it('an access line before any object line is bad (line 1), and so are those after a bad first object', () => {
    const text = lines('  ffffffff8133c0de,412,2,7', '', 'garbage,1,2,3,4,5,6,7', '  ffffffff8133c0df,412,2,7', B1, AB(1));
    const { view } = parseAllChunkSizes(text);
    expect(view.badLines.map((b) => [b.lineNum, b.text])).toEqual([
      [1, '  ffffffff8133c0de,412,2,7'],
      [3, 'garbage,1,2,3,4,5,6,7'],
      [4, '  ffffffff8133c0df,412,2,7'],
    ]);
    expect(view.badLines[0].reason).toMatch(/before any object/);
    expect(view.objects[0].accesses).toEqual([acc('ffffffff8133c001', 1, 1, 1)]);
    expectInvariant(view, text);
  });

  it('access lines after a bad object line are bad and never attached to the object before it', () => {
    const text = lines(B1, AB(1), 'ffffffff8120aa10,412,NOT-HEX,96,1,0,0,a', AB(2), '', AB(3), B2, AB(4));
    const { view } = parseAllChunkSizes(text);
    expect(view.objects.map((o) => o.accesses)).toEqual([
      [acc('ffffffff8133c001', 1, 1, 1)],
      [acc('ffffffff8133c004', 1, 4, 1)],
    ]);
    expect(view.badLines.map((b) => b.lineNum)).toEqual([3, 4, 6]);
    expect(view.badLines[1].reason).toMatch(/bad object/);
    expect(view.reads).toBe(2);
    expect(view.writes).toBe(5);
    expectInvariant(view, text);
  });

  it('a bad access line does not disturb its object or the access lines around it', () => {
    const text = lines(
      B1,
      AB(1),
      '  ffffffff8133c0de,412,2', // 3 fields in B
      '  ffffffff8133c0de,412,2,7,9', // 5 fields
      '  xyz,412,2,7', // IP not hex
      '  ffffffff8133c0de,4x2,2,7', // pid not decimal
      '  ffffffff8133c0de,412,two,7', // writes not decimal
      '  ffffffff8133c0de,412,2,7.5', // reads not decimal
      '  ffffffff8133c0de,-2,2,7', // pid below -1
      AB(2),
      B2,
    );
    const { view } = parseAllChunkSizes(text);
    expect(view.objects[0].accesses).toEqual([acc('ffffffff8133c001', 1, 1, 1), acc('ffffffff8133c002', 1, 2, 1)]);
    expect(view.objects[0].command).toBe('sshd');
    expect(view.objects[1].accesses).toEqual([]);
    expect(view.badLines.map((b) => b.lineNum)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(view.badLines.map((b) => b.reason)).toEqual([
      '3 fields in an access line; variant B has 4',
      '5 fields in an access line; variant B has 4',
      'access IP is not a hex number: "xyz"',
      'pid is not a decimal number: "4x2"',
      'writes is not a decimal number: "two"',
      'reads is not a decimal number: "7.5"',
      'pid is negative (only -1 is allowed): "-2"',
    ]);
    expect(view.badLines[0].text).toBe('  ffffffff8133c0de,412,2');
    expectInvariant(view, text);
  });
});

describe('what is kept of bad lines', () => {
  it('1-based line numbers count blank lines and \\r\\n lines', () => {
    const text = '\r\n' + B1 + '\r\n\r\n  bad\r\n   \r\nbad\r\n' + B2 + '\r\n';
    const { view } = parseAllChunkSizes(text);
    expect(view.badLines.map((b) => [b.lineNum, b.text])).toEqual([[4, '  bad'], [6, 'bad']]);
    expect(view.numBlankLines).toBe(3);
  });

  it('the text is cut to 200 characters', () => {
    const long = 'x'.repeat(150) + ',' + 'y'.repeat(150);
    const { view } = parseAllChunkSizes(lines(B1, long, '  ' + long));
    expect(view.badLines.map((b) => b.text)).toEqual([long.slice(0, 200), ('  ' + long).slice(0, 200)]);
    expect(view.badLines.map((b) => b.text.length)).toEqual([200, 200]);
  });

  it('only the first 100 are kept, all are counted', () => {
    const body: string[] = [B1];
    for (let i = 0; i < 250; i++) body.push(`bad line ${i}`, AB(i % 200));
    body.push(B2);
    const text = lines(...body);
    const { view } = parseAllChunkSizes(text);
    expect(view.numBadLines).toBe(500);
    expect(view.badLines.length).toBe(100);
    expect(view.badLines[0]).toMatchObject({ lineNum: 2, text: 'bad line 0' });
    expect(view.badLines[99]).toMatchObject({ lineNum: 101, text: AB(49) });
    expect(view.numObjects).toBe(2);
    expectInvariant(view, text);
  });
});

describe('the accounting invariant', () => {
  it('objects + access lines + bad lines = non-blank lines, in a damaged file that still loads every good line', () => {
    const text = lines(
      AB(0), '', B1, AB(1), 'nonsense', AB(2), '\t', B2, AB(3), '  ffffffff8133c0de,412', B1, B1.replace('sshd', 'a,b c'),
      AB(4), '   ', '  ', 'ffffffff8120aa10,412', AB(5), B2,
    );
    const { view } = parseAllChunkSizes(text);
    expect(view.numObjects).toBe(5);
    expect(view.numAccesses).toBe(3);
    expect(view.numBadLines).toBe(6);
    expect(view.numBlankLines).toBe(4);
    expect(view.objects.map((o) => [o.command, o.accesses.length])).toEqual([
      ['sshd', 1], ['systemd', 1], ['sshd', 0], ['a,b c', 1], ['systemd', 0],
    ]);
    expectInvariant(view, text);
  });
});

describe('over-long lines (> 64 KiB)', () => {
  const E0 = 'ffffffff81400000,7,ffff888005000000,64,20,0,0,KMALLOC,';
  const eLine = (cmd: string) => `${E0}${cmd},kmalloc-64,`;
  const E_ACC = '  ffffffff81533a17,0,3,731';
  /** An E object line of exactly `n` bytes (spaces after its alloc IP: names may not be that long). */
  const eLineOf = (n: number) => eLine('c').replace(',', ' '.repeat(n - eLine('c').length) + ',');

  it('a line of exactly 64 KiB is parsed; one byte more is one bad line and parsing continues', () => {
    expect(MAX_LINE_BYTES).toBe(65536);
    const ok = eLineOf(65536);
    const long = eLineOf(65537);
    expect([ok.length, long.length]).toEqual([65536, 65537]);
    const text = lines(eLine('a'), ok, E_ACC, long, E_ACC, E_ACC, eLine('b'), E_ACC);
    const { view } = parseAllChunkSizes(text);
    expect(view.numObjects).toBe(3);
    expect(view.objects.map((o) => [o.command, o.accesses.length])).toEqual([['a', 0], ['c', 1], ['b', 1]]);
    expect(view.badLines.map((b) => [b.lineNum, b.text])).toEqual([
      [4, long.slice(0, 200)],
      [5, E_ACC], // access lines of the over-long (bad) object line are bad too
      [6, E_ACC],
    ]);
    expect(view.badLines[0].reason).toMatch(/longer than 65536/);
    expectInvariant(view, text);
  });

  it('an over-long access line is one bad line; its object keeps its other access lines', () => {
    const longAcc = '  ffffffff81533a17,0,3,' + '7'.repeat(70_000);
    const text = lines(eLine('a'), E_ACC, longAcc, E_ACC, eLine('b'));
    const { view } = parseAllChunkSizes(text);
    expect(view.objects.map((o) => o.accesses.length)).toEqual([2, 0]);
    expect(view.badLines.map((b) => [b.lineNum, b.text])).toEqual([[3, longAcc.slice(0, 200)]]);
  });

  it('an over-long last line without a newline is one bad line', () => {
    const long = eLine('L'.repeat(100_000));
    const { view } = parseAllChunkSizes(eLine('a') + '\n' + long);
    expect(view.numObjects).toBe(1);
    expect(view.badLines.map((b) => [b.lineNum, b.text])).toEqual([[2, long.slice(0, 200)]]);
  });

  it('several over-long lines in a row, some with \\r\\n', () => {
    const long = eLine('L'.repeat(70_000));
    const text = eLine('a') + '\n' + long + '\r\n' + long + '\n' + long + '\r\n' + eLine('b') + '\r\n';
    const { view } = parseAllChunkSizes(text);
    expect(view.objects.map((o) => o.command)).toEqual(['a', 'b']);
    expect(view.badLines.map((b) => b.lineNum)).toEqual([2, 3, 4]);
  });

  it('the kept text is the first 200 characters also when the line starts just before a chunk boundary', () => {
    // With 128 KiB chunks the long line begins 50 bytes before the first
    // boundary and ends inside the next chunk.
    const chunk = 128 * 1024;
    const first = eLine('a') + '\n';
    let text = first.repeat(Math.floor((chunk - 50) / first.length));
    text += '\n'.repeat(chunk - 50 - text.length); // blank lines up to the long line's start
    expect(text.length).toBe(chunk - 50);
    const long = eLine('L'.repeat(80_000));
    text += long + '\n' + eLine('b') + '\n';
    const bytes = new TextEncoder().encode(text);
    const whole = fullView(parseKmapBytes(bytes, bytes.length));
    const chunked = fullView(parseKmapBytes(bytes, chunk));
    expect(whole.badLines.map((b) => b.text)).toEqual([long.slice(0, 200)]);
    expect(chunked.badLines).toEqual(whole.badLines);
    expect(chunked).toEqual(whole);
  });
});

describe('names longer than 256 bytes', () => {
  const E = (type: string, cmd: string, slab: string, newType: string) =>
    `ffffffff81400000,7,ffff888005000000,64,20,0,0,${type},${cmd},${slab},${newType}`;
  const ACC = '  ffffffff81533a17,0,3,731';

  it('a name of 256 bytes is fine; 257 bytes (trimmed; the command as it is) is a bad line that names the field', () => {
    expect(MAX_NAME_BYTES).toBe(256);
    const n256 = 'n'.repeat(256);
    const n257 = 'n'.repeat(257);
    const text = lines(
      E(n256, n256, n256, n256),
      ACC,
      E(`  ${n256}  `, 'cat', ` ${n256}`, ''), // trimmed names of 256 bytes
      E('KMALLOC', n257, 'kmalloc-64', ''),
      ACC, // follows a bad object line
      E(n257, 'cat', 'kmalloc-64', ''),
      E('KMALLOC', 'cat', n257, ''),
      E('KMALLOC', 'cat', 'kmalloc-64', n257),
      E('KMALLOC', 'a,'.repeat(130), 'kmalloc-64', ''), // a command of 260 bytes made of commas
      E('KMALLOC', 'é'.repeat(129), 'kmalloc-64', ''), // 258 bytes in UTF-8
      E('KMALLOC', 'é'.repeat(128), 'kmalloc-64', ''), // 256 bytes
      ACC,
    );
    const { view } = parseAllChunkSizes(text);
    expect(view.objects.map((o) => [o.command.length, o.accesses.length])).toEqual([[256, 1], [3, 0], [128, 1]]);
    expect(view.badLines.map((b) => [b.lineNum, b.reason])).toEqual([
      [4, 'command longer than 256 bytes'],
      [5, 'access line follows a bad object line'],
      [6, 'alloc_type longer than 256 bytes'],
      [7, 'slabname longer than 256 bytes'],
      [8, 'new_alloc_type longer than 256 bytes'],
      [9, 'command longer than 256 bytes'],
      [10, 'command longer than 256 bytes'],
    ]);
    expectInvariant(view, text);
  });

  it('a line whose names are too long does not vote for its variant', () => {
    const text = lines(E('KMALLOC', 'x'.repeat(300), 'kmalloc-64', ''), ACC);
    for (const size of [1, 7, 1 << 20]) {
      expect(() => parseKmapBytes(new TextEncoder().encode(text), size)).toThrow(
        'Not a kmap: none of its 2 lines is a kmap object line (line 1: as a variant E line (11 fields), command longer than 256 bytes).',
      );
    }
  });
});
