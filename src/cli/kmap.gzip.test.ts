// The CLI on gzip files, run as a user runs it (a child process of the
// bundled CLI): every command prints for FILE.gz exactly what it prints for
// FILE (the bundled sample; generated kmaps of every variant, damaged lines
// included), multi-member gzip (`cat a.gz b.gz`) reads as the
// concatenation, a damaged gzip file (truncated, a CRC that fails, garbage
// or zero padding after the data) gets one line on stderr naming the file
// and what is wrong, exit 1 and nothing on stdout, and a gzip of a non-kmap
// is refused at once in the file's words. In process: the terminal progress
// line counts compressed bytes, to 100%.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readKmapFile } from '../node/read-kmap-file.ts';
import { writeKmap } from '../testing/kmap-writer.ts';
import { ProgressLine } from './progress.ts';
import { kmapSync } from './run-kmap.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SAMPLE = readFileSync(join(ROOT, 'public', 'sample.kmap'));
const SAMPLE_MAP = join(ROOT, 'public', 'sample.System.map');

const dir = mkdtempSync(join(tmpdir(), 'kmap-cli-gz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** The CLI's answer for `args` with FILE replaced by `path`. */
function run(args: string[], path: string) {
  return kmapSync(args.map((a) => (a === 'FILE' ? path : a)));
}

/** Every command prints the same for the plain file and the gzip one. */
function expectSameOutput(plain: string, gz: string, commands: string[][]): void {
  for (const args of commands) {
    const a = run(args, plain);
    const b = run(args, gz);
    expect(a.code, `${args.join(' ')}: ${a.stderr}`).toBe(0);
    expect(b.code, `${args.join(' ')} of the .gz: ${b.stderr}`).toBe(0);
    expect(b.stdout, args.join(' ')).toBe(a.stdout);
  }
}

describe('kmap on a gzip file prints what it prints for the plain file', () => {
  it('the bundled sample: stats, breakdown, sites, dump, with and without symbols', () => {
    const plain = file('sample.kmap', SAMPLE);
    const gz = file('sample.kmap.gz', gzipSync(SAMPLE));
    expectSameOutput(plain, gz, [
      ['stats', 'FILE', '--json'],
      ['stats', 'FILE', '--json', '--symbols', SAMPLE_MAP, '--slab', 'dentry'],
      ['breakdown', 'FILE', '--by', 'site', '--symbols', SAMPLE_MAP],
      ['sites', 'FILE', '--json'],
      ['dump', 'FILE'],
    ]);
  });

  it('generated kmaps of every variant (damaged lines, CRLF, a 64 KiB line), named without .gz', () => {
    for (const variant of ['A', 'B', 'C', 'D', 'E'] as const) {
      const text = writeKmap({ variant, objects: 3000, seed: 17 });
      const plain = file(`gen-${variant}.kmap`, text);
      const gz = file(`gen-${variant}-really-gzip.kmap`, gzipSync(text));
      expectSameOutput(plain, gz, [['stats', 'FILE', '--json']]);
    }
  });

  it('a bigger generated kmap (many pieces of compressed input)', () => {
    const text = writeKmap({ variant: 'E', objects: 100_000, seed: 23 });
    const plain = file('big.kmap', text);
    const gz = file('big.kmap.gz', gzipSync(text));
    expectSameOutput(plain, gz, [['stats', 'FILE', '--json'], ['breakdown', 'FILE', '--by', 'slab']]);
  });

  it('multi-member gzip (members cut inside lines, an empty one included) reads as the concatenation', () => {
    const text = Buffer.from(writeKmap({ variant: 'E', objects: 5000, seed: 29 }));
    const cuts = [0, 10, 10, 100_000, 100_007, text.length];
    const members = cuts.slice(1).map((end, k) => gzipSync(text.subarray(cuts[k], end)));
    expectSameOutput(file('cat.kmap', text), file('cat.kmap.gz', Buffer.concat(members)), [['stats', 'FILE', '--json'], ['dump', 'FILE']]);
  });
});

describe('a damaged gzip file: one line naming the file and what is wrong, exit 1', () => {
  const text = writeKmap({ variant: 'E', objects: 20_000, seed: 31 });
  const gz = gzipSync(text);
  const cases: [string, Buffer, RegExp][] = [
    ['truncated', gz.subarray(0, Math.floor(gz.length / 2)), /The gzip data ends early \(truncated\?\) after \d\.\d MB of kmap text\. Nothing of it was loaded; gunzip -c FILE > part\.kmap saves what can be read, and that file loads\./],
    ['cut in its header', gz.subarray(0, 6), /The gzip data ends early \(truncated\?\) before any kmap text\./],
    ['a CRC that fails', Buffer.from(gz.map((b, i) => (i === gz.length - 6 ? b ^ 1 : b))), /The gzip data is damaged \(its CRC-32 check fails\) after about \d\.\d MB of kmap text\./],
    ['garbage after the data', Buffer.concat([gz, Buffer.from('garbage\n')]), /The gzip data is followed by bytes that are not gzip data \(garbage after the end\?\)\./],
    ['zero padding after the data', Buffer.concat([gz, Buffer.alloc(512)]), /The gzip data is followed by bytes that are not gzip data/],
  ];
  for (const [what, bytes, message] of cases) {
    it(what, () => {
      const path = file(`${what.replace(/\W+/g, '-')}.kmap.gz`, bytes);
      const r = kmapSync(['stats', path, '--json']);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.startsWith(`kmap: ${path}: `)).toBe(true);
      expect(r.stderr).toMatch(message);
    });
  }
});

describe('a gzip of a non-kmap is refused at once, in the file\'s words', () => {
  const cases: [string, Uint8Array | string, string][] = [
    ['notes.txt.gz', 'just some notes\n'.repeat(1000), 'This file is gzip-compressed, and its content is not a kmap: none of its 1,000 lines is a kmap object line (line 1: 1 field; an object line has at least 6).'],
    ['picture.png.gz', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(100_000).fill(3)]), 'This file is gzip-compressed, and its content is a PNG image, not a kmap text file.'],
    ['twice.kmap.gz.gz', gzipSync(SAMPLE), 'This file is gzip-compressed, and its content is gzip data (a .gz inside a .gz? decompress it once, e.g. gunzip, and open the result), not a kmap text file.'],
  ];
  for (const [name, content, message] of cases) {
    it(name, () => {
      const path = file(name, gzipSync(content));
      const r = kmapSync(['stats', path]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toBe(`kmap: ${path}: ${message}\n`);
    });
  }
});

describe('the terminal progress line of a gzip file', () => {
  it('counts compressed bytes against the file\'s size, from a few percent to 100%', async () => {
    // A 40 MB gzip file (the line is drawn for files of 32 MiB and more), as many members.
    const member = gzipSync(writeKmap({ variant: 'E', objects: 20_000, seed: 37 }), { level: 1 });
    const big = Buffer.concat(new Array(Math.ceil(40e6 / member.length)).fill(member));
    const out: string[] = [];
    let now = 0;
    const line = new ProgressLine({ isTTY: true, columns: 200, write: (t: string) => out.push(t) }, 'big.kmap.gz', () => (now += 250));
    await readKmapFile(file('big.kmap.gz', big), { onProgress: (p) => line.update(p) });
    line.done();
    const drawn = out.filter((t) => t.startsWith('\rkmap: reading big.kmap.gz: '));
    const pcts = drawn.map((t) => Number(/: (\d+)%, /.exec(t)![1]));
    expect(pcts.length).toBeGreaterThan(10);
    expect(pcts[0]).toBeLessThan(10);
    expect(pcts.at(-1)).toBe(100);
    for (let i = 1; i < pcts.length; i++) expect(pcts[i]).toBeGreaterThanOrEqual(pcts[i - 1]);
    expect(drawn.at(-1)).toContain(`${(big.length / 1e6).toFixed(1)} MB of ${(big.length / 1e6).toFixed(1)} MB`);
    expect(out.at(-1)).toBe('\r\x1b[K');
  });
});
