// Wrong files answered fast by the CLI, run as a user runs it (a child
// process of the bundled CLI): an image, a zip, a gzip of a non-kmap, UTF-16 text,
// an empty file, one 200 MB line without a newline, only access lines, every
// line bad: one line on stderr and exit 1, soon after the process starts. A
// valid kmap followed by 50 MB of garbage: the kmap kept, the garbage lines
// counted. And a kmap whose first valid object line comes after a long head
// of blank, access or damaged lines loads with the same counts as without
// the head. Big inputs are generated here, in a temporary directory.

import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kmapSync } from './run-kmap.ts';


function kmap(...args: string[]) {
  return kmapSync(args);
}

const dir = mkdtempSync(join(tmpdir(), 'kmap-cli-wrong-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const E_OBJ = 'ffffffff812e4410,731,ffff888004c2a000,64,120551,120870,ffffffff812e4f02,KMALLOC,cat,kmalloc-64,\n';
const E_LIVE = 'ffffffff81700000,42,ffff888008000000,512,120590,0,0000000000000000,KMALLOC,ls,kmalloc-512,\n';
const E_ACC = '  ffffffff81533a17,0,3,731\n';
const KMAP = (E_OBJ + E_ACC + E_LIVE + E_ACC + E_ACC).repeat(100);
const KMAP_STATS = { format: 'E', objects: 200, accesses: 300, liveObjects: 100, reads: 900, writes: 0, bytes: 57600 };

/** How long the CLI takes on a tiny kmap: mostly starting Node. */
let startupMs = 0;
/**
 * The time a wrong file may take beyond the start-up. The parser answers each
 * case here in well under a second (src/format/parser.wrong-files.test.ts
 * measures it in process); this bound leaves room for a busy machine running
 * other test files at the same time.
 */
const SLACK_MS = 3000;

beforeAll(() => {
  const tiny = file('tiny.kmap', E_OBJ);
  kmap('stats', tiny, '--json'); // warm the file cache
  startupMs = Math.min(kmap('stats', tiny, '--json').ms, kmap('stats', tiny, '--json').ms);
});

function expectRefused(path: string, message: string | RegExp): void {
  const r = kmap('stats', path, '--json');
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  if (typeof message === 'string') expect(r.stderr).toBe(`kmap: ${path}: ${message}\n`);
  else expect(r.stderr).toMatch(message);
  expect(r.ms - startupMs, `${path} answered ${Math.round(r.ms - startupMs)} ms after start-up`).toBeLessThan(SLACK_MS);
}

describe('kmap stats on files that are not kmaps: one line on stderr, exit 1, at once', () => {
  it('a JPEG, a zip, a gzip of a non-kmap', () => {
    expectRefused(file('photo.kmap', new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46])), /This file is a JPEG image, not a kmap/);
    expectRefused(file('a.zip', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 8, 0])), /This file is a zip archive, not a kmap/);
    // A gzip file is read by its content (src/cli/kmap.gzip.test.ts).
    expectRefused(file('notes.txt.gz', gzipSync('just some notes\n'.repeat(1000))), /This file is gzip-compressed, and its content is not a kmap: none of its 1,000 lines/);
  });

  it('UTF-16 text (with a BOM, and without one)', () => {
    const utf16 = (text: string) => Buffer.from(text, 'utf16le');
    expectRefused(file('utf16-bom.kmap', Buffer.concat([Buffer.from([0xff, 0xfe]), utf16(KMAP)])), /UTF-16 text; a kmap is UTF-8/);
    expectRefused(file('utf16.kmap', utf16(KMAP)), /UTF-16 text; a kmap is UTF-8/);
  });

  it('an empty file', () => {
    expectRefused(file('empty.kmap', ''), 'The file is empty.');
  });

  it('one 200 MB line without a newline: refused after reading 64 MiB', () => {
    const path = join(dir, 'one-line.kmap');
    const fd = openSync(path, 'w');
    const block = Buffer.alloc(1 << 20, 0x61);
    for (let i = 0; i < 200; i++) writeSync(fd, block);
    closeSync(fd);
    expectRefused(path, 'Not a kmap: no kmap object line in the first 64 MiB (1 line): line 1: longer than 65536 bytes.');
    rmSync(path);
  });

  it('only access lines', () => {
    expectRefused(file('access.kmap', E_ACC.repeat(400_000)), 'Not a kmap: no line starts at column 0 with comma-separated fields (every line is indented or blank).');
  });

  it('every line bad', () => {
    const bad = E_OBJ.replace('ffff888004c2a000', 'ffff888004c2a00g');
    expectRefused(
      file('all-bad.kmap', bad.repeat(200_000)),
      'Not a kmap: none of its 200,000 lines is a kmap object line (line 1: as a variant E line (11 fields), va is not a hex number: "ffff888004c2a00g").',
    );
  });
});

describe('kmap stats keeps the good part', () => {
  it('a valid kmap followed by 50 MB of garbage: the kmap, and every garbage line as a bad line', () => {
    const block = Buffer.alloc(1_000_000);
    for (let i = 0; i < block.length; i++) block[i] = i % 1000 === 999 ? 0x0a : 0x80 + ((i * 7919) % 127); // invalid UTF-8, no blanks
    const path = join(dir, 'then-garbage.kmap');
    const fd = openSync(path, 'w');
    writeSync(fd, KMAP);
    for (let i = 0; i < 50; i++) writeSync(fd, block);
    closeSync(fd);
    const r = kmap('stats', path, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ...KMAP_STATS, badLines: 50_000 });
    expect(r.ms - startupMs).toBeLessThan(SLACK_MS);
    rmSync(path);
  });
});

describe('a kmap after a long head loads with the same counts at any size of the head', () => {
  const cases: [string, string, number][] = [
    ['70,000 blank lines', '\n'.repeat(70_000), 0],
    ['3,000 access lines', E_ACC.repeat(3000), 3000],
    ['2,500 damaged object lines', E_OBJ.replace('ffff888004c2a000', 'ffff888004c2a0zz').repeat(2500), 2500],
    ['a 2 MB line', 'x'.repeat(2_000_000) + '\n', 1],
  ];
  for (const [what, head, badLines] of cases) {
    it(what, () => {
      const r = kmap('stats', file(`head-${what.replace(/\W+/g, '-')}.kmap`, head + KMAP), '--json');
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ ...KMAP_STATS, badLines });
    });
  }
});
