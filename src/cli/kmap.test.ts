// The CLI contract, run as a user runs it (a child process of the bundled CLI):
// `stats --json` prints exactly one JSON object with the documented keys,
// the readable form names the variant and the first bad lines, `dump` prints
// one JSON object per kmap object, and a file that is not a kmap gets one
// line on stderr and exit code 1.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kmapSync } from './run-kmap.ts';

const ROOT = join(import.meta.dirname, '..', '..');

function kmap(...args: string[]) {
  return kmapSync(args);
}

const dir = mkdtempSync(join(tmpdir(), 'kmap-cli-'));
function file(name: string, text: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const E = file(
  'e.kmap',
  [
    'ffffffff812e4410,731,ffff888004c2a000,64,120551,120870,ffffffff812e4f02,KMALLOC,cat,kmalloc-64,',
    '  ffffffff81533a17,0,3,731',
    '  ffffffff81533b20,2,0,-1',
    'feedbeef        ,0,ffff888003a1c0c0,192,88,0,0000000000000000,KMEM_CACHE,,dentry,',
    'ffffffff81700000,42,ffff888008000000,512,120590,0,0000000000000000,KMALLOC,my, cmd,kmalloc-512,',
    '  from:ffffffff81533a17,caller:ffffffff81000000,1,4',
    'this line is damaged',
    '  ffffffff81533a17,9,9,1',
    '',
  ].join('\n'),
);

describe('kmap stats --json', () => {
  it('prints exactly one JSON object with the contract keys and values', () => {
    const r = kmap('stats', E, '--json');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(r.stdout)).toEqual({
      format: 'E',
      objects: 3,
      accesses: 3,
      liveObjects: 2,
      reads: 7,
      writes: 3,
      bytes: 768,
      badLines: 2,
      bySlab: { dentry: 1, 'kmalloc-512': 1, 'kmalloc-64': 1 },
      byType: { KMALLOC: 2, KMEM_CACHE: 1 },
      byCommand: { '': 1, cat: 1, 'my, cmd': 1 },
    });
  });

  it('leaves bySlab and byType empty for variants without them', () => {
    const b = file('b.kmap', 'ffffffff8120aa10,412,ffff88003c1f4e00,96,4294912345,0,          (null),sshd\n  ffffffff8133c0de,412,2,7\n');
    const r = kmap('stats', b, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: 'B', objects: 1, liveObjects: 1, reads: 7, writes: 2, bySlab: {}, byType: {} });
  });
});

describe('64-bit sizes and counts', () => {
  const MAX = '18446744073709551615';
  const big = file(
    'big.kmap',
    [
      `ffffffff812e4410,-1,ffff888004c2a000,${MAX},18446744073709551614,0,ffffffff812e4f02,KMALLOC,cat,kmalloc-64,`,
      `  ffffffff81533a17,${MAX},9007199254740993,-1`,
      'ffffffff812e4411,7,ffff888004c2b000,64,5,6,ffffffff812e4f02,KMALLOC,cat,kmalloc-64,',
      '  ffffffff81533a17,1,2,7',
      '',
    ].join('\n'),
  );

  it('stats --json: numbers where they fit (2^53 - 1), the exact decimal as a string above', () => {
    const r = kmap('stats', big, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      objects: 2,
      liveObjects: 1,
      bytes: String(2n ** 64n - 1n + 64n),
      reads: '9007199254740995',
      writes: String(2n ** 64n),
      badLines: 0,
    });
    expect(r.stdout).toContain('"bytes":"18446744073709551679"');
    const small = JSON.parse(kmap('stats', big, '--json', '--pid', '7').stdout);
    expect(small).toMatchObject({ objects: 1, bytes: 64, reads: 2, writes: 1 });
  });

  it('stats, dump and breakdown print them exactly; an object with pid -1 is an object', () => {
    expect(kmap('stats', big).stdout).toMatch(/bytes\s+18,446,744,073,709,551,679/);
    const objects = kmap('dump', big).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(objects[0]).toMatchObject({ pid: -1, size: MAX, allocIndex: '18446744073709551614', accesses: [{ pid: -1, writes: MAX, reads: '9007199254740993' }] });
    expect(objects[1]).toMatchObject({ pid: 7, size: 64 });
    expect(kmap('breakdown', big, '--by', 'pid').stdout).toBe(
      `key,objects,live,bytes,liveBytes,accessLines,reads,writes\n-1,1,1,${MAX},${MAX},1,9007199254740993,${MAX}\n7,1,0,64,0,1,2,1\n`,
    );
  });
});

describe('names that are not UTF-8', () => {
  it('stay distinct: each invalid byte reads \\xNN and a backslash \\\\, so bySlab counts every object', () => {
    const r = kmap('stats', join(ROOT, 'src/testing/fuzz-fixtures/names-invalid-utf8-e.kmap'), '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.objects).toBe(14);
    expect(Object.values(s.bySlab as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(14);
    expect(Object.keys(s.bySlab).sort()).toEqual(
      ['\\xff', '\\xfe', '\uFFFD', '\\\\xff', '\\\\', '\\\\\\\\', '\\x85', '\u0085', '\\xc2', '\\\\xc2', '\\\\\\xff', '\\xe2\\x82', '€', 'plain'].sort(),
    );
    expect(s.byCommand).toEqual({ 'cmd\\xff0': 7, 'cmd\\xff1': 7 });
  });
});

describe('kmap stats (readable)', () => {
  it('names the variant, the totals and the first bad lines with their numbers', () => {
    const r = kmap('stats', E);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('E: 6.x kmap (11 fields)');
    expect(r.stdout).toMatch(/objects\s+3 \(2 live\)/);
    expect(r.stdout).toContain('line 7: 1 field; a variant E object line has 11');
    expect(r.stdout).toContain('line 8: access line follows a bad object line');
  });
});

describe('kmap dump', () => {
  it('prints every object with its accesses, one JSON object per line', () => {
    const r = kmap('dump', E);
    expect(r.code).toBe(0);
    const objects = r.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(objects).toHaveLength(3);
    expect(objects[0]).toMatchObject({
      idx: 0,
      allocIp: 'ffffffff812e4410',
      address: 'ffff888004c2a000',
      allocIndex: '120551',
      freeIndex: '120870',
      live: false,
      accesses: [
        { ip: 'ffffffff81533a17', pid: 731, reads: 3, writes: 0 },
        { ip: 'ffffffff81533b20', pid: -1, reads: 0, writes: 2 },
      ],
    });
    expect(objects[1]).toMatchObject({ allocIp: '00000000feedbeef', command: '', slab: 'dentry', live: true, accesses: [] });
    expect(objects[2].accesses).toEqual([{ ip: 'ffffffff81533a17', pid: null, reads: 4, writes: 1, caller: 'ffffffff81000000' }]);
  });
});

describe('errors', () => {
  it('a file that is not a kmap: one line on stderr, exit 1', () => {
    const png = file('x.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    const r = kmap('stats', png, '--json');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('PNG image');
    const json = kmap('stats', file('x.json', '{"a": 1}\n'));
    expect(json.code).toBe(1);
    expect(json.stderr).toContain('looks like JSON');
    const empty = kmap('stats', file('empty.kmap', ''));
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('empty');
  });

  it('a missing file and a bad command line say so', () => {
    const missing = kmap('stats', join(dir, 'nope.kmap'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`kmap: ${join(dir, 'nope.kmap')}: no such file\n`);
    const directory = kmap('stats', dir);
    expect(directory.code).toBe(1);
    expect(directory.stderr).toBe(`kmap: ${dir}: is a directory, not a file\n`);
    const usage = kmap('frobnicate', E);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('unknown command "frobnicate"');
    expect(kmap('stats', E, '--xml').code).toBe(2);
  });
});
