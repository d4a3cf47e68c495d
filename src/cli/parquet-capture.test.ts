// Capture names and the dataset folder of `kmap export --parquet`: the
// names Hive-style readers would take for null are refused, defaults from
// Memorizer's own file names take their folder's name, a re-export says it
// replaced the capture, and an export that fails or is interrupted (SIGINT)
// leaves the dataset as it was, with no work folder behind.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { parseKmapBytes } from '../format/parser.ts';
import { QueryContext } from '../query/context.ts';
import { ParquetTables } from '../query/parquet-tables.ts';
import { captureNameOf, CAPTURE_NAME } from '../query/parquet-schema.ts';
import { exportParquet } from './parquet-export.ts';
import { writeKmap } from '../testing/kmap-writer.ts';
import { kmapAsync } from './run-kmap.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SAMPLE = join(ROOT, 'public', 'sample.kmap');
const dir = mkdtempSync(join(tmpdir(), 'kmap-capture-'));
const load = (text: string) => new QueryContext(parseKmapBytes(new TextEncoder().encode(text)));

describe('capture names', () => {
  it('refuse what cannot be a partition folder, and what readers take for a null partition', () => {
    for (const ok of ['boot', 'ls-6.1', '2024', '_null', 'null1', 'a'.repeat(128)]) expect(CAPTURE_NAME.test(ok), ok).toBe(true);
    for (const bad of ['', '.x', '..', 'a/b', 'a b', 'a'.repeat(129), 'null', 'NULL', 'Null', '__HIVE_DEFAULT_PARTITION__', '__hive_default_partition__']) {
      expect(CAPTURE_NAME.test(bad), bad).toBe(false);
    }
  });

  it('default from the file name; Memorizer\'s own names take their folder; never a refused name', () => {
    expect(captureNameOf('/x/run 1.kmap.gz')).toBe('run_1');
    expect(captureNameOf('runs/ls/kmap')).toBe('ls-kmap');
    expect(captureNameOf('kmap')).toBe('kmap');
    expect(captureNameOf('/data/boot-6.1/allocations', true)).toBe('boot-6.1');
    expect(captureNameOf('null.kmap')).toBe('_null');
    expect(captureNameOf('.hidden.kmap')).toBe('hidden');
    expect(captureNameOf('???')).toBe('___');
    for (const f of ['', '/', '.kmap', 'x/NULL', '__HIVE_DEFAULT_PARTITION__.kmap']) expect(CAPTURE_NAME.test(captureNameOf(f)), f).toBe(true);
  });
});

describe('the dataset folder', () => {
  it('says when an export replaced a capture; --capture twice and a reserved name are usage errors', async () => {
    const ds = join(dir, 'replace');
    const first = await kmapAsync(['export', SAMPLE, '--parquet', ds, '--capture', 'a']);
    expect(first.code).toBe(0);
    expect(first.stderr).not.toContain('replaced');
    const again = await kmapAsync(['export', SAMPLE, '--parquet', ds, '--capture', 'a']);
    expect(again.stderr).toContain('wrote capture a to');
    expect(again.stderr).toContain('(it replaced the capture of that name)');
    expect(readdirSync(ds).sort()).toEqual(['accesses', 'capmap', 'objects']);
    const twice = await kmapAsync(['export', SAMPLE, '--parquet', ds, '--capture', 'a', '--capture', 'b']);
    expect([twice.code, twice.stderr.split('\n')[0]]).toEqual([2, 'kmap: --capture is given twice']);
    const reserved = await kmapAsync(['export', SAMPLE, '--parquet', ds, '--capture', 'NULL']);
    expect(reserved.code).toBe(2);
    expect(reserved.stderr).toContain('not null or __HIVE_DEFAULT_PARTITION__');
  });

  it('an export that cannot swap its tables in changes nothing, names the folder and leaves no work folder', async () => {
    const ds = join(dir, 'blocked');
    mkdirSync(ds);
    writeFileSync(join(ds, 'capmap'), 'not a folder');
    const r = await kmapAsync(['export', SAMPLE, '--parquet', ds, '--capture', 'x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^kmap: ${ds.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `));
    // The table folders made before the one that failed are empty: no capture was swapped in.
    for (const t of ['objects', 'accesses']) if (existsSync(join(ds, t))) expect(readdirSync(join(ds, t))).toEqual([]);
    expect(readdirSync(ds).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('a block that fails to build (ahead of its scan or in it) fails the export cleanly: the dataset as it was, no work folder', async () => {
    const ds = join(dir, 'failing');
    const ctx = load(readFileSync(SAMPLE, 'utf8'));
    await exportParquet(new ParquetTables(ctx), ds, 'f');
    const before = readdirSync(join(ds, 'accesses', 'capture=f'));
    class Failing extends ParquetTables {
      override accessesBlock(start: number, end: number) {
        if (start >= 5000) throw new Error('injected at ' + start);
        return super.accessesBlock(start, end);
      }
    }
    // Files of 4,000 rows in pieces of 500 on two connections: the failure hits a piece built ahead and one built on demand.
    await expect(exportParquet(new Failing(ctx), ds, 'f', { blockRows: 4000, pieceRows: 500 })).rejects.toThrow(/injected at/);
    expect(readdirSync(join(ds, 'accesses', 'capture=f'))).toEqual(before);
    expect(readdirSync(ds).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('kmap query names captures by their own folders, not by key=value folders above DIR; SQL of comments only is said to be empty', async () => {
    const ds = join(dir, 'year=2024', 'capture=old', 'ds');
    for (const c of ['one', 'two']) expect((await kmapAsync(['export', SAMPLE, '--parquet', ds, '--capture', c])).code).toBe(0);
    const r = await kmapAsync(['query', ds, 'SELECT capture, count(*) AS n FROM objects GROUP BY capture ORDER BY capture']);
    expect(r.stdout).toBe('capture,n\none,671\ntwo,671\n');
    const cols = await kmapAsync(['query', ds, "SELECT count(*) AS n FROM (DESCRIBE objects) WHERE column_name = 'year'"]);
    expect(cols.stdout).toBe('n\n0\n');
    const empty = await kmapAsync(['query', ds, '-- nothing here\n/* nor here */ ;']);
    expect([empty.code, empty.stderr]).toEqual([1, 'kmap: query: the SQL holds no statement\n']);
  });

  it('Ctrl-C (SIGINT) during an export removes its work folder and ends by that signal (a shell sees 130)', async () => {
    const ds = join(dir, 'interrupted');
    const big = join(dir, 'big.kmap');
    writeFileSync(big, writeKmap({ variant: 'E', objects: 120_000, seed: 3, damage: 0, longLine: false }));
    const child = spawn(process.execPath, [inject('kmapCli'), 'export', big, '--parquet', ds, '--capture', 'big'], { stdio: 'ignore' });
    const exited = new Promise<[number | null, string | null]>((resolve) => child.on('exit', (code, signal) => resolve([code, signal])));
    // Wait for the work folder (the export is writing), then interrupt.
    const works = () => (existsSync(ds) ? readdirSync(ds).filter((f) => f.startsWith('.kmap-export-big-')) : []);
    for (let i = 0; i < 2000 && works().length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(works()).toHaveLength(1);
    child.kill('SIGINT');
    expect(await exited).toEqual([null, 'SIGINT']);
    expect(works()).toEqual([]);
    for (const t of ['objects', 'accesses', 'capmap']) expect(existsSync(join(ds, t, 'capture=big'))).toBe(false);
  }, 60_000);
});
