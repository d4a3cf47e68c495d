// `kmap export` in slices (src/cli/export-command.ts) against the same kmap
// exported whole, as a user runs both: the objects the same rows in the same
// order (idx running on across the slices' files), the accesses the same rows
// with each file sorted by slab then access_fn (ties in file order), the
// capmap the same file byte for byte, the same report of bad lines; a gzip
// kmap cut where the plain one is (the same files, byte for byte) and, as one
// slice, written exactly as the whole way writes it; the slices parsed in a
// thread of their own or here, the same files; a damaged or wrong file fails
// as every command fails it; Ctrl-C in the middle
// leaves nothing; slices whose names together near the cap are exported
// again whole; --slice-mb is checked.

import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, inject, it, vi } from 'vitest';
import { parseKmapBytes } from '../format/parser.ts';
import { QueryContext } from '../query/context.ts';
import { duckdbSession } from '../testing/duckdb-session.ts';
import { writeKmap } from '../testing/kmap-writer.ts';
import { parseArgs } from './args.ts';
import { runExport } from './export-command.ts';
import { kmapAsync } from './run-kmap.ts';

const dir = mkdtempSync(join(tmpdir(), 'kmap-slices-'));
// About 4.9 MB: five slices of 1 MB (--slice-mb 1) after the first, which holds the variant's detection.
const TEXT = writeKmap({ variant: 'E', objects: 30_000, seed: 21, damage: 0.01, blank: 0.01, crlf: 0.05, longLine: false });
const PLAIN = join(dir, 'big.kmap');
const GZ = join(dir, 'big.kmap.gz');
writeFileSync(PLAIN, TEXT);
writeFileSync(GZ, gzipSync(TEXT));

const q = duckdbSession();
const files = (ds: string, table: string) => `read_parquet('${join(ds, table, 'capture=c', '*.parquet')}', filename = true, file_row_number = true)`;
const count = async (sql: string) => Number((await q(`SELECT count(*) AS n FROM (${sql})`))[0].n);

/** Every file of a dataset's capture `c`, by table/name, as bytes. */
function datasetFiles(ds: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const table of ['objects', 'accesses', 'capmap']) {
    const folder = join(ds, table, 'capture=c');
    for (const f of readdirSync(folder).sort()) out.set(`${table}/${f}`, readFileSync(join(folder, f)));
  }
  return out;
}

/** stderr without the line that names the folder and the time. */
const report = (stderr: string) => stderr.split('\n').filter((l) => !l.startsWith('kmap: wrote capture')).join('\n');

async function exportTo(name: string, file: string, extra: string[]) {
  const ds = join(dir, name);
  const r = await kmapAsync(['export', file, '--parquet', ds, '--capture', 'c', ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return { ds, ...r };
}

describe('kmap export in slices', () => {
  it('gives the whole export\'s rows: objects in order, accesses sorted within each file, the capmap byte for byte, the same bad lines', async () => {
    const [whole, sliced] = await Promise.all([exportTo('whole', PLAIN, ['--slice-mb', '1000']), exportTo('sliced', PLAIN, ['--slice-mb', '1'])]);
    const table = (out: string) => Object.fromEntries(out.trim().split('\n').slice(1).map((l) => l.split(',')).map(([t, rows, nFiles]) => [t, { rows, files: Number(nFiles) }]));
    const w = table(whole.stdout);
    const s = table(sliced.stdout);
    for (const t of ['objects', 'accesses', 'capmap']) expect(s[t].rows).toBe(w[t].rows);
    // One file per slice at least: the export did cut.
    expect(s.accesses.files).toBeGreaterThan(4);
    expect(w.accesses.files).toBe(1);
    expect(report(sliced.stderr)).toBe(report(whole.stderr));
    expect(sliced.stderr).toMatch(/bad lines were not exported/);

    // Objects: idx 0, 1, 2, ... in file order across the files, and the same rows as the whole export's.
    const gaps = await count(`SELECT idx, lag(idx) OVER (ORDER BY filename, file_row_number) AS before FROM ${files(sliced.ds, 'objects')} QUALIFY before IS NOT NULL AND idx <> before + 1`);
    expect(gaps).toBe(0);
    const cols = (ds: string, t: string) => `SELECT * EXCLUDE (filename, file_row_number) FROM ${files(ds, t)}`;
    for (const t of ['objects', 'accesses']) {
      expect(await count(`${cols(sliced.ds, t)} EXCEPT ALL ${cols(whole.ds, t)}`), t).toBe(0);
      expect(await count(`${cols(whole.ds, t)} EXCEPT ALL ${cols(sliced.ds, t)}`), t).toBe(0);
    }
    // Accesses: each file sorted by slab, then access_fn (bytes), ties in file order (idx).
    const unsorted = await count(`
      SELECT slab::VARCHAR AS s, access_fn::VARCHAR AS f, idx,
             lag(slab::VARCHAR) OVER w AS ps, lag(access_fn::VARCHAR) OVER w AS pf, lag(idx) OVER w AS pi
      FROM ${files(sliced.ds, 'accesses')} WINDOW w AS (PARTITION BY filename ORDER BY file_row_number)
      QUALIFY ps IS NOT NULL AND (s < ps OR (s = ps AND (f < pf OR (f = pf AND idx < pi))))`);
    expect(unsorted).toBe(0);
    // ... but not the capture as a whole (else the slices were not cut, or were sorted together).
    const wholeOrder = await count(`
      SELECT slab::VARCHAR AS s, lag(slab::VARCHAR) OVER (ORDER BY filename, file_row_number) AS ps FROM ${files(sliced.ds, 'accesses')} QUALIFY s < ps`);
    expect(wholeOrder).toBeGreaterThan(0);
    expect(readFileSync(join(sliced.ds, 'capmap', 'capture=c', 'part-00000.parquet')).equals(readFileSync(join(whole.ds, 'capmap', 'capture=c', 'part-00000.parquet')))).toBe(true);
  }, 120_000);

  it('numbers bad lines in later slices and counts wrapped sums as the whole export does; blames the dataset folder for its errors', async () => {
    // Clean for the first slice, then damage, with a capmap cell whose reads pass 2^64 - 1 over two slices.
    const max = (1n << 64n) - 1n;
    const wrap = `ffffffff81000000,1,ffff888000001000,64,1,0,0000000000000000,cmd,T,slab,\n  ffffffff81000100,0,${max},1\n  ffffffff81000100,0,${max},1\n`;
    const clean = writeKmap({ variant: 'E', objects: 9000, seed: 31, damage: 0, blank: 0, crlf: 0, longLine: false, leadingAccess: false });
    const damaged = writeKmap({ variant: 'E', objects: 9000, seed: 32, damage: 0.05, blank: 0, crlf: 0, longLine: false, leadingAccess: false });
    const file = join(dir, 'late.kmap');
    writeFileSync(file, clean + wrap + damaged + wrap);
    const [whole, sliced] = await Promise.all([exportTo('late-whole', file, ['--slice-mb', '1000']), exportTo('late-sliced', file, ['--slice-mb', '1'])]);
    expect(Number(/accesses,\d+,(\d+),/.exec(sliced.stdout)![1])).toBeGreaterThan(2);
    expect(report(sliced.stderr)).toBe(report(whole.stderr));
    const firstBad = Number(/line (\d+): /.exec(sliced.stderr)![1]);
    expect(firstBad).toBeGreaterThan(clean.split('\n').length);
    expect(sliced.stderr).toMatch(/kmap: note: \d+ sums of reads or writes passed 2\^64 - 1/);
    // A dataset folder that cannot be made is what the error names, not the kmap.
    writeFileSync(join(dir, 'a-file'), '');
    const blocked = join(dir, 'a-file', 'ds');
    const r = await kmapAsync(['export', GZ, '--parquet', blocked, '--slice-mb', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr.startsWith(`kmap: ${blocked}: `)).toBe(true);
  }, 120_000);

  it('a gzip kmap is cut where the plain one is, and as one slice is written as the whole way writes it', async () => {
    const [plainSliced, gzSliced, oneThread, plainWhole, gzOne] = await Promise.all([
      exportTo('plain-sliced', PLAIN, ['--slice-mb', '1']),
      exportTo('gz-sliced', GZ, ['--slice-mb', '1']),
      // The slices parsed here, one after another, instead of in a thread of their own while the one before is written.
      exportTo('one-thread', PLAIN, ['--slice-mb', '1', '--workers', '1']),
      exportTo('plain-whole', PLAIN, []),
      exportTo('gz-one', GZ, []),
    ]);
    expect(datasetFiles(gzSliced.ds)).toEqual(datasetFiles(plainSliced.ds));
    expect(datasetFiles(oneThread.ds)).toEqual(datasetFiles(plainSliced.ds));
    expect(datasetFiles(gzOne.ds)).toEqual(datasetFiles(plainWhole.ds));
    expect(gzSliced.stdout.replaceAll('gz-sliced', 'x')).toBe(plainSliced.stdout.replaceAll('plain-sliced', 'x'));
  }, 120_000);

  it("a damaged or wrong file fails as every command's read fails it, from the slices' thread or not, and leaves nothing", async () => {
    const gz = readFileSync(GZ);
    const cut = join(dir, 'cut.kmap.gz');
    writeFileSync(cut, gz.subarray(0, gz.length >> 1));
    const json = join(dir, 'not.kmap');
    writeFileSync(json, '{"a": 1}\n'.repeat(300_000));
    for (const file of [cut, json]) {
      const stats = await kmapAsync(['stats', file]);
      expect(stats.code).toBe(1);
      for (const extra of [[], ['--workers', '1']]) {
        const ds = join(dir, 'failed');
        const r = await kmapAsync(['export', file, '--parquet', ds, '--capture', 'c', '--slice-mb', '1', ...extra]);
        expect([r.code, r.stderr], `${file} ${extra.join(' ')}`).toEqual([1, stats.stderr]);
        // The dataset folder is made with the first slice's files: a file that fails before has left nothing.
        expect(existsSync(ds)).toBe(false);
      }
    }
  }, 60_000);

  for (const extra of [[], ['--workers', '1']]) {
    it(`Ctrl-C (SIGINT) while a pipe holds the next slice back${extra.length ? ', slices parsed in turn' : ''}: the work folder goes and the process ends at once, by that signal, nothing in the dataset`, async () => {
      const ds = join(dir, `interrupted${extra.length}`);
      const fifo = join(dir, `kmap${extra.length}.fifo`);
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
      const child = spawn(process.execPath, [inject('kmapCli'), 'export', fifo, '--parquet', ds, '--capture', 'c', '--slice-mb', '1', ...extra], { stdio: 'ignore' });
      const exited = new Promise<[number | null, string | null]>((resolve) => child.on('exit', (code, signal) => resolve([code, signal])));
      // Two slices' worth, then nothing more: the first slices are written, the reader waits on the pipe.
      const feed = createWriteStream(fifo);
      feed.on('error', () => {});
      feed.write(TEXT.slice(0, 2_500_000));
      const works = () => (existsSync(ds) ? readdirSync(ds).filter((f) => f.startsWith('.kmap-export-c-')) : []);
      const written = () => works().flatMap((w) => (existsSync(join(ds, w, 'accesses')) ? readdirSync(join(ds, w, 'accesses')) : []));
      // Both whole slices written (a file each), then a second more: the export is idle, waiting for the third.
      for (let i = 0; i < 6000 && written().length < 2; i++) await new Promise((r) => setTimeout(r, 5));
      expect(written()).toHaveLength(2);
      await new Promise((r) => setTimeout(r, 1000));
      // The export unwinds and exits at once, pipe or not: while the pipe is still held open, its work folder is gone.
      child.kill('SIGINT');
      expect(await exited).toEqual([null, 'SIGINT']);
      expect(works()).toEqual([]);
      feed.end();
      for (const t of ['objects', 'accesses', 'capmap']) expect(existsSync(join(ds, t, 'capture=c'))).toBe(false);
    }, 60_000);
  }

  it("a file whose names come near the cap is exported again whole, and stderr says so", async () => {
    const commands = parseKmapBytes(new TextEncoder().encode(TEXT)).commands.size;
    const ds = join(dir, 'near-cap');
    const args = parseArgs(['export', PLAIN, '--parquet', ds, '--capture', 'c', '--slice-mb', '1']);
    const said: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      said.push(String(chunk));
      return true;
    });
    let wholeLoads = 0;
    let stdout = '';
    try {
      await runExport(
        args,
        {
          whole: async () => {
            wholeLoads++;
            return new QueryContext(parseKmapBytes(new TextEncoder().encode(TEXT)));
          },
          symbols: async () => null,
          blame: () => {},
          // A cap the file's names come within one of (the whole parse's careful path): the slices cannot promise its rows.
          maxNames: commands + 1,
        },
        async (text) => {
          stdout += text;
        },
      );
    } finally {
      spy.mockRestore();
    }
    expect(wholeLoads).toBe(1);
    expect(said.join('')).toContain('so it must be exported in one piece: exporting it again that way');
    const whole = await exportTo('near-cap-whole', PLAIN, []);
    expect(datasetFiles(ds)).toEqual(datasetFiles(whole.ds));
    expect(stdout.replaceAll('near-cap', 'x')).toBe(whole.stdout.replaceAll('near-cap-whole', 'x'));
  }, 120_000);

  it('--slice-mb takes a positive number of MB, once, and only with export', async () => {
    for (const bad of [['--slice-mb', '0'], ['--slice-mb', 'x'], ['--slice-mb', '1', '--slice-mb', '2']]) {
      const r = await kmapAsync(['export', PLAIN, '--parquet', join(dir, 'never'), ...bad]);
      expect(r.code, bad.join(' ')).toBe(2);
    }
    expect((await kmapAsync(['stats', PLAIN, '--slice-mb', '1'])).code).toBe(2);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});
