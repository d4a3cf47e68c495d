// The CLI reading its standard input when that is a socket, as a Node
// parent's spawn() gives it (libuv's pipes are socket pairs; these tests'
// children get one): no path opens such a socket (/dev/stdin gave "ENXIO:
// no such device or address"), so the CLI reads it through process.stdin.
// Every command prints for /dev/stdin what it prints for the file, plain or
// gzip; an export in slices writes the same rows, each slice as soon as it
// has come; a file that can only be opened by its path (a symbol file) gets
// a message in words.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { writeKmap } from '../testing/kmap-writer.ts';
import { kmapSync } from './run-kmap.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SAMPLE_PATH = join(ROOT, 'public', 'sample.kmap');
const SAMPLE = readFileSync(SAMPLE_PATH);

const dir = mkdtempSync(join(tmpdir(), 'kmap-cli-stdin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the CLI on a standard input that is a socket', () => {
  it('prints for /dev/stdin (and /dev/fd/0) what it prints for the file, plain or gzip', () => {
    for (const args of [['stats', 'FILE', '--json'], ['breakdown', 'FILE', '--by', 'slab'], ['dump', 'FILE']]) {
      const want = kmapSync(args.map((a) => (a === 'FILE' ? SAMPLE_PATH : a)));
      expect(want.code, args.join(' ')).toBe(0);
      for (const [path, input] of [['/dev/stdin', SAMPLE], ['/dev/stdin', gzipSync(SAMPLE)], ['/dev/fd/0', SAMPLE]] as const) {
        const got = kmapSync(args.map((a) => (a === 'FILE' ? path : a)), { input });
        expect([got.code, got.stderr], `${args.join(' ')} < ${path}`).toEqual([0, '']);
        expect(got.stdout, `${args.join(' ')} < ${path}`).toBe(want.stdout);
      }
    }
  }, 60_000);

  it('exports it in slices with the same rows as the file', () => {
    const text = writeKmap({ variant: 'E', objects: 30_000, seed: 4, damage: 0 });
    const file = join(dir, 'big.kmap');
    writeFileSync(file, text);
    const ds = join(dir, 'ds');
    const fromFile = kmapSync(['export', file, '--parquet', ds, '--capture', 'file', '--slice-mb', '1']);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    const fromStdin = kmapSync(['export', '/dev/stdin', '--parquet', ds, '--capture', 'stdin', '--slice-mb', '1'], { input: new TextEncoder().encode(text) });
    // The same report (bad lines, notes), but for the capture's name and the seconds taken.
    const report = (stderr: string, capture: string) => stderr.replace(`capture ${capture} `, 'capture C ').replace(/ in [0-9.]+ s/, ' in N s');
    expect([fromStdin.code, report(fromStdin.stderr, 'stdin')]).toEqual([0, report(fromFile.stderr, 'file')]);
    const q = (sql: string) => kmapSync(['query', ds, sql]);
    for (const table of ['objects', 'accesses', 'capmap']) {
      const r = q(`SELECT capture, count(*) AS n, sum(reads) AS reads, sum(writes) AS writes FROM ${table} GROUP BY capture ORDER BY capture`);
      expect(r.code, r.stderr).toBe(0);
      const [, a, b] = r.stdout.trim().split('\n');
      expect(Number(a.split(',')[1]), table).toBeGreaterThan(0);
      expect(a.replace(/^file,/, ''), table).toBe(b.replace(/^stdin,/, ''));
    }
    // Row for row: nothing in one capture that the other lacks.
    const diff = q("SELECT count(*) FROM (SELECT idx, address, size, slab FROM objects WHERE capture = 'file' EXCEPT ALL SELECT idx, address, size, slab FROM objects WHERE capture = 'stdin')");
    expect(diff.stdout.trim().split('\n')[1]).toBe('0');
  }, 120_000);

  it('parses what a slow writer has sent as it comes: slices are written before the input ends', async () => {
    const text = new TextEncoder().encode(writeKmap({ variant: 'E', objects: 30_000, seed: 6, damage: 0 }));
    const ds = join(dir, 'slow');
    const child = spawn(process.execPath, [inject('kmapCli'), 'export', '/dev/stdin', '--parquet', ds, '--capture', 'c', '--slice-mb', '1'], { stdio: ['pipe', 'ignore', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Two slices' worth, the input left open: both are written while the CLI waits for more.
    child.stdin.write(text.subarray(0, 2_500_000));
    const written = () => (existsSync(ds) ? readdirSync(ds).filter((f) => f.startsWith('.kmap-export-c-')).flatMap((w) => (existsSync(join(ds, w, 'accesses')) ? readdirSync(join(ds, w, 'accesses')) : [])) : []);
    try {
      for (let i = 0; i < 6000 && written().length < 2; i++) await new Promise((r) => setTimeout(r, 5));
      expect(written().length).toBeGreaterThanOrEqual(2);
      child.stdin.end(text.subarray(2_500_000));
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);

  it('says in words that a socket cannot be opened by its path where only a path will do', () => {
    const r = kmapSync(['stats', SAMPLE_PATH, '--symbols', '/dev/stdin'], { input: readFileSync(join(ROOT, 'public', 'sample.System.map')) });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('kmap: /dev/stdin: cannot be opened by its path (a socket?): save it to a file and give that\n');
  });
});
