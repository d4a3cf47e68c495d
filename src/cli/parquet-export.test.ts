// `kmap export --parquet` read back with DuckDB: every object field against
// the `kmap dump` of the same file (an independent reading: row objects, not
// the export's blocks), the accesses' rows and order, and every count, sum
// and group against `kmap stats`, `breakdown`, `sites` and `matrix` on the
// same store. Inputs: seeded kmaps of every variant with damage (bad lines,
// from: lines, CRLF), written at a tiny block size so that tables span many
// files, and the bundled sample with its System.map; then a capture without
// access lines, two captures in one dataset (and replacing one), and the
// command itself as a user runs it.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { parseKmapBytes } from '../format/parser.ts';
import { LAYOUTS } from '../format/variants.ts';
import { breakdown } from '../query/breakdown.ts';
import { QueryContext } from '../query/context.ts';
import { breakdownCsv, matrixCsv } from '../query/csv.ts';
import { dumpLine } from '../query/dump.ts';
import { matrixRows } from '../query/matrix.ts';
import { ParquetTables } from '../query/parquet-tables.ts';
import { PARQUET_COLUMNS, PARQUET_TABLE_NAMES } from '../query/parquet-schema.ts';
import { accessSites } from '../query/sites.ts';
import { summarize } from '../query/summary.ts';
import type { KmapStore } from '../store/kmap-store.ts';
import { IpSymbols } from '../symbols/ip-symbols.ts';
import { parseSymbolMap } from '../symbols/symbol-map.ts';
import { duckdbSession, type Row } from '../testing/duckdb-session.ts';
import { writeKmap } from '../testing/kmap-writer.ts';
import { exportParquet } from './parquet-export.ts';
import { kmapAsync } from './run-kmap.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'kmap-parquet-'));

const q = duckdbSession();
/** A table of one dataset folder, every capture (capture from the folder, as kmap query reads it). */
const from = (ds: string, table: string) => `read_parquet('${join(ds, table, 'capture=*', '*.parquet')}', hive_partitioning = true, hive_types = {'capture': VARCHAR})`;

function load(text: string, symbolMap: string | null = null): QueryContext {
  const store: KmapStore = parseKmapBytes(new TextEncoder().encode(text));
  return new QueryContext(store, symbolMap ? new IpSymbols(parseSymbolMap(symbolMap), store.ips) : null);
}

/** A number from DuckDB (BIGINT arrives as bigint) or a dump field, as a decimal string; null stays null. */
const dec = (v: unknown) => (v === null || v === undefined || v === '' ? null : String(v));

/** The objects table's rows as the dump spells them (hex addresses, decimal strings). */
async function objectsAsDump(ds: string, capture: string): Promise<Row[]> {
  const rows = await q(`
    SELECT idx, printf('%016x', alloc_ip) AS allocIp, pid, printf('%016x', address) AS address, size,
           alloc_index, free_index, printf('%016x', free_ip) AS freeIp, alloc_type, command, slab,
           new_alloc_type, live, access_lines, reads, writes
    FROM ${from(ds, 'objects')} WHERE capture = '${capture}' ORDER BY idx`);
  return rows.map((r) => ({
    idx: Number(r.idx),
    allocIp: r.allocIp,
    pid: Number(r.pid),
    address: r.address,
    size: dec(r.size),
    allocIndex: dec(r.alloc_index),
    freeIndex: dec(r.free_index),
    freeIp: r.freeIp,
    type: r.alloc_type,
    command: r.command,
    slab: r.slab,
    newType: r.new_alloc_type,
    live: r.live,
    accessLines: Number(r.access_lines),
    reads: dec(r.reads),
    writes: dec(r.writes),
  }));
}

/** The same rows from `kmap dump` (a field the variant lacks is null). */
function dumpRows(ctx: QueryContext): Row[] {
  const store = ctx.store;
  const layout = LAYOUTS[store.variant ?? 'E'];
  const out: Row[] = [];
  for (let i = 0; i < store.numObjects; i++) {
    const d = JSON.parse(dumpLine(store, i));
    const acc = d.accesses as { reads: number | string; writes: number | string }[];
    const sum = (k: 'reads' | 'writes') => String(acc.reduce((s, a) => s + BigInt(a[k]), 0n));
    out.push({
      idx: d.idx,
      allocIp: d.allocIp,
      pid: d.pid,
      address: d.address,
      size: dec(d.size),
      allocIndex: dec(d.allocIndex),
      freeIndex: dec(d.freeIndex),
      freeIp: d.freeIp,
      type: layout.hasType ? d.type : null,
      command: d.command,
      slab: layout.hasSlab ? d.slab : null,
      newType: layout.hasNewType ? d.newType : null,
      live: d.live,
      accessLines: acc.length,
      reads: sum('reads'),
      writes: sum('writes'),
    });
  }
  return out;
}

/** CSV rows (header dropped) sorted, for comparing groups regardless of tie order. */
const sortedLines = (csv: string) => csv.trim().split('\n').slice(1).sort();

function compareBytesOf(a: string, b: string): number {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return Buffer.compare(x, y);
}

async function checkCapture(name: string, ctx: QueryContext, blockRows: number, pieceRows?: number): Promise<void> {
  const ds = join(dir, name);
  const written = (await exportParquet(new ParquetTables(ctx), ds, name, { blockRows, pieceRows })).tables;
  const store = ctx.store;
  const layout = LAYOUTS[store.variant ?? 'E'];
  expect(written.map((t) => t.table)).toEqual([...PARQUET_TABLE_NAMES]);
  expect(written[0].rows).toBe(store.numObjects);
  expect(written[1].rows).toBe(store.numAccesses);
  expect(written[0].files).toBe(Math.max(1, Math.ceil(store.numObjects / blockRows)));

  // The columns, in the documented order and types (capture last, from the folder).
  for (const table of PARQUET_TABLE_NAMES) {
    const cols = await q(`DESCRIBE SELECT * FROM ${from(ds, table)}`);
    expect(cols.map((c) => [c.column_name, c.column_type])).toEqual([
      ...PARQUET_COLUMNS[table].map((c) => [c.name, c.type]),
      ['capture', 'VARCHAR'],
    ]);
  }

  // Every object field equals the dump's.
  expect(await objectsAsDump(ds, name)).toEqual(dumpRows(ctx));

  // Access rows: the dump's lines, as a multiset, in the documented order.
  const acc = await q(`SELECT idx, printf('%016x', access_ip) AS ip, pid, reads, writes, slab, access_fn FROM ${from(ds, 'accesses')}`);
  const got = acc.map((r) => `${r.idx}|${r.ip}|${r.pid ?? ''}|${r.reads}|${r.writes}`).sort();
  const want: string[] = [];
  for (let i = 0; i < store.numObjects; i++) {
    for (const a of JSON.parse(dumpLine(store, i)).accesses) want.push(`${i}|${a.ip}|${a.pid ?? ''}|${a.reads}|${a.writes}`);
  }
  expect(got).toEqual(want.sort());
  for (let k = 1; k < acc.length; k++) {
    const a = acc[k - 1];
    const b = acc[k];
    const bySlab = compareBytesOf(String(a.slab ?? ''), String(b.slab ?? ''));
    const order = bySlab || compareBytesOf(String(a.access_fn), String(b.access_fn)) || Number(a.idx) - Number(b.idx);
    expect(order, `accesses rows ${k - 1} and ${k} out of order`).toBeLessThanOrEqual(0);
  }

  // Each file's (one row group's) min/max statistics bound its own rows, so a reader can skip the others.
  for (const c of ['slab', 'access_fn']) {
    const stats = await q(`
      SELECT file_name AS f, stats_min_value AS lo, stats_max_value AS hi FROM parquet_metadata('${join(ds, 'accesses', 'capture=*', '*.parquet')}')
      WHERE path_in_schema = '${c}' ORDER BY f`);
    const actual = await q(`
      SELECT filename AS f, min(${c}) AS lo, max(${c}) AS hi FROM read_parquet('${join(ds, 'accesses', 'capture=*', '*.parquet')}', filename = true)
      GROUP BY filename ORDER BY f`);
    if (c === 'slab' && !layout.hasSlab) expect(actual.every((r) => r.lo === null)).toBe(true);
    else expect(stats.filter((r) => actual.some((a) => a.f === r.f))).toEqual(actual);
  }

  // Totals as kmap stats counts them.
  const s = summarize(store);
  const [t] = await q(`SELECT count(*) AS n, sum(CASE WHEN live THEN 1 ELSE 0 END) AS live, sum(size) AS bytes, sum(reads) AS reads, sum(writes) AS writes, sum(access_lines) AS lines FROM ${from(ds, 'objects')}`);
  expect([Number(t.n), Number(t.live ?? 0), dec(t.bytes ?? 0), dec(t.reads ?? 0), dec(t.writes ?? 0), Number(t.lines ?? 0)]).toEqual([
    store.numObjects,
    store.numLive,
    String(store.bytes),
    String(store.reads),
    String(store.writes),
    store.numAccesses,
  ]);
  expect(s.objects).toBe(store.numObjects);

  // Breakdown by slab (by command where the variant has no slab), as kmap breakdown prints it.
  const key = layout.hasSlab ? 'slab' : 'command';
  const all = Uint32Array.from({ length: store.numObjects }, (_, i) => i);
  const bd = await q(`
    SELECT ${key} AS key, count(*) AS objects, count(*) FILTER (WHERE live) AS live, sum(size) AS bytes,
           coalesce(sum(size) FILTER (WHERE live), 0) AS liveBytes, sum(access_lines) AS accessLines, sum(reads) AS reads, sum(writes) AS writes
    FROM ${from(ds, 'objects')} GROUP BY ${key}`);
  const bdCsv = breakdownCsv(
    bd.map((r) => ({ key: String(r.key), objects: Number(r.objects), live: Number(r.live), bytes: dec(r.bytes), liveBytes: dec(r.liveBytes), accessLines: Number(r.accessLines), reads: dec(r.reads), writes: dec(r.writes) }) as never),
    key,
  );
  expect(sortedLines(bdCsv)).toEqual(sortedLines(breakdownCsv(breakdown(ctx, all, key), key)));

  // Access sites, as kmap sites prints them (site,reads,writes,accessLines,objects; pids aside).
  const sites = await q(`SELECT access_fn AS site, sum(reads) AS reads, sum(writes) AS writes, count(*) AS lines, count(DISTINCT idx) AS objects FROM ${from(ds, 'accesses')} GROUP BY access_fn`);
  const siteKey = (r: { site: string; reads: unknown; writes: unknown; accessLines: unknown; objects: unknown }) => `${r.site}|${r.reads}|${r.writes}|${r.accessLines}|${r.objects}`;
  expect(sites.map((r) => siteKey({ site: String(r.site), reads: r.reads, writes: r.writes, accessLines: r.lines, objects: r.objects })).sort()).toEqual(
    accessSites(ctx, all, false).map(siteKey).sort(),
  );

  // The capmap, summed over the other column, is kmap matrix by slab and by type.
  for (const kind of ['slab', 'type'] as const) {
    const c = kind === 'slab' ? 'slab' : 'alloc_type';
    const rows = await q(`SELECT access_fn AS site, coalesce(${c}, '') AS column, sum(reads) AS reads, sum(writes) AS writes, sum(access_lines) AS accessLines, sum(objects) AS objects FROM ${from(ds, 'capmap')} GROUP BY ALL`);
    const csv = matrixCsv(rows.map((r) => ({ site: String(r.site), column: String(r.column), reads: dec(r.reads), writes: dec(r.writes), accessLines: Number(r.accessLines), objects: Number(r.objects) }) as never));
    expect(sortedLines(csv)).toEqual(sortedLines(matrixCsv(matrixRows(ctx, all, kind, false))));
  }
  // The capmap from the accesses table, in SQL, agrees too (distinct objects per triple).
  const [diff] = await q(`
    SELECT count(*) AS n FROM (
      (SELECT access_fn, slab, alloc_type, sum(reads) r, sum(writes) w, count(*) l, count(DISTINCT idx) o FROM ${from(ds, 'accesses')} GROUP BY ALL
       EXCEPT ALL SELECT access_fn, slab, alloc_type, reads, writes, access_lines, objects FROM ${from(ds, 'capmap')})
      UNION ALL
      (SELECT access_fn, slab, alloc_type, reads, writes, access_lines, objects FROM ${from(ds, 'capmap')}
       EXCEPT ALL SELECT access_fn, slab, alloc_type, sum(reads) r, sum(writes) w, count(*) l, count(DISTINCT idx) o FROM ${from(ds, 'accesses')} GROUP BY ALL))`);
  expect(Number(diff.n)).toBe(0);
}

describe('kmap export --parquet, read back with DuckDB', () => {
  for (const variant of ['A', 'B', 'C', 'D', 'E'] as const) {
    it(`variant ${variant}: every field, row and group (damaged input, 7-row files in pieces of 3)`, async () => {
      const ctx = load(writeKmap({ variant, objects: 220, seed: 40 + variant.charCodeAt(0), damage: 0.02 }));
      expect(ctx.store.numBadLines).toBeGreaterThan(0);
      await checkCapture(`gen-${variant}`, ctx, 7, 3);
    });
  }

  it('the sample with its System.map: functions named, files of 10,000 rows in pieces of 3,000', async () => {
    const ctx = load(readFileSync(join(ROOT, 'public/sample.kmap'), 'utf8'), readFileSync(join(ROOT, 'public/sample.System.map'), 'utf8'));
    await checkCapture('sample', ctx, 10_000, 3_000);
    const [w] = await q(`SELECT count(*) AS n FROM ${from(join(dir, 'sample'), 'accesses')} WHERE access_fn = '__d_alloc'`);
    expect(Number(w.n)).toBeGreaterThan(0);
  });

  it('a capture without access lines has an empty, readable accesses table', async () => {
    const text = 'ffffffff81001010,100,ffff888000001000,64,10,0,0000000000000000,KMALLOC,cat,kmalloc-64,\n';
    const ctx = load(text);
    const ds = join(dir, 'no-lines');
    await exportParquet(new ParquetTables(ctx), ds, 'x');
    expect(await q(`SELECT count(*) AS n FROM ${from(ds, 'accesses')}`)).toEqual([{ n: 0n }]);
    expect(await q(`SELECT count(*) AS n FROM ${from(ds, 'capmap')}`)).toEqual([{ n: 0n }]);
    expect(await q(`SELECT idx, slab, live FROM ${from(ds, 'objects')}`)).toEqual([{ idx: 0n, slab: 'kmalloc-64', live: true }]);
    const cols = await q(`DESCRIBE SELECT * FROM ${from(ds, 'accesses')}`);
    expect(cols.map((c) => c.column_name)).toEqual([...PARQUET_COLUMNS.accesses.map((c) => c.name), 'capture']);
  });

  it('a symbol named like a hex IP key (two equal site keys) still exports', async () => {
    const text = [
      'ffffffff81000010,5,ffff888000001000,64,10,0,0000000000000000,KMALLOC,cat,kmalloc-64,',
      '  ffffffff82000010,1,2,5',
      '  ffffffff81000020,1,2,5',
      '',
    ].join('\n');
    const ctx = load(text, 'ffffffff81000000 T ffffffff82000010\nffffffff81000100 T other_fn\nffffffff81001000 T _etext\n');
    const ds = join(dir, 'dup-keys');
    await exportParquet(new ParquetTables(ctx), ds, 'd');
    expect(await q(`SELECT access_fn, reads FROM ${from(ds, 'accesses')} ORDER BY reads`)).toEqual([
      { access_fn: 'ffffffff82000010', reads: 2n },
      { access_fn: 'ffffffff82000010', reads: 2n },
    ]);
  });

  it('a field the variant lacks has no statistics; a string column of very many names gets exact ones per file', async () => {
    // Variant C has no new alloc type: its column is all null, and no min/max may describe values it does not have.
    const d = load(['ffffffff81001010,100,ffff888000001000,64,10,0,0000000000000000,cat,kmalloc-64', '  ffffffff81004010,1,2', ''].join('\n'));
    expect(d.store.variant).toBe('C');
    const dsD = join(dir, 'absent');
    await exportParquet(new ParquetTables(d), dsD, 'd');
    expect(await q(`SELECT stats_min_value AS lo, stats_max_value AS hi, stats_null_count AS nulls FROM parquet_metadata('${join(dsD, 'objects', 'capture=d', '*.parquet')}') WHERE path_in_schema = 'new_alloc_type'`)).toEqual([
      { lo: null, hi: null, nulls: 1n },
    ]);
    // 5,000 allocating IPs, no symbols: alloc_fn's dictionary is past ENUM_NAMES_MAX, so it is written as
    // VARCHAR, each file with its own names and range (an ENUM would repeat all 5,000 in every file).
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++) lines.push(`ffffffff${(0x81000000 + 16 * i).toString(16)},1,ffff8880${(0x10000 + i).toString(16).padStart(8, '0')},64,${10 + i},0,0000000000000000,KMALLOC,cat,kmalloc-64,`);
    const many = load(lines.join('\n') + '\n');
    const dsM = join(dir, 'many');
    await exportParquet(new ParquetTables(many), dsM, 'm', { blockRows: 1000 });
    const glob = join(dsM, 'objects', 'capture=m', '*.parquet');
    const stats = await q(`SELECT file_name AS f, stats_min_value AS lo, stats_max_value AS hi FROM parquet_metadata('${glob}') WHERE path_in_schema = 'alloc_fn' ORDER BY f`);
    const actual = await q(`SELECT filename AS f, min(alloc_fn) AS lo, max(alloc_fn) AS hi FROM read_parquet('${glob}', filename = true) GROUP BY f ORDER BY f`);
    expect(stats.length).toBe(5);
    expect(stats).toEqual(actual);
  });

  it('writes each accesses file as one row group (past the 122,880 rows DuckDB would cut at), its sort keys exact for the file', async () => {
    // 40,000 objects of 4 access lines: 160,000 rows, in files of 150,000 (one row group each) and 10,000.
    const lines: string[] = [];
    const slabs = ['dentry', 'filp', 'kmalloc-64', 'task_struct'];
    for (let i = 0; i < 40_000; i++) {
      lines.push(`ffffffff81001010,${100 + (i % 7)},ffff8880${(0x100000 + i).toString(16).padStart(8, '0')},64,${10 + i},0,0000000000000000,KMALLOC,cat,${slabs[i % 4]},`);
      for (let k = 0; k < 4; k++) lines.push(`  ffffffff8100${(0x4000 + 16 * ((i + k) % 50)).toString(16)},1,2,${100 + k}`);
    }
    const ctx = load(lines.join('\n') + '\n');
    expect(ctx.store.numAccesses).toBe(160_000);
    const ds = join(dir, 'row-groups');
    await exportParquet(new ParquetTables(ctx), ds, 'g', { blockRows: 150_000 });
    const glob = join(ds, 'accesses', 'capture=g', '*.parquet');
    const groups = await q(`SELECT file_name AS f, count(DISTINCT row_group_id) AS groups, max(row_group_num_rows) AS rows FROM parquet_metadata('${glob}') GROUP BY f ORDER BY f`);
    expect(groups.map((g) => [Number(g.groups), Number(g.rows)])).toEqual([
      [1, 150_000],
      [1, 10_000],
    ]);
    for (const c of ['slab', 'access_fn']) {
      const stats = await q(`SELECT file_name AS f, stats_min_value AS lo, stats_max_value AS hi FROM parquet_metadata('${glob}') WHERE path_in_schema = '${c}' ORDER BY f`);
      const actual = await q(`SELECT filename AS f, min(${c}) AS lo, max(${c}) AS hi FROM read_parquet('${glob}', filename = true) GROUP BY f ORDER BY f`);
      expect(stats).toEqual(actual);
    }
  });

  it('keeps 64-bit values exact: above 2^53 as is, above 2^63 as the same bits (negative)', async () => {
    const text = [
      'ffffffff81001010,100,ffff888000001000,9007199254740993,10,0,0000000000000000,KMALLOC,cat,kmalloc-64,',
      '  ffffffff81004010,9007199254740993,1,100',
      'ffffffff81001010,100,ffff888000002000,18446744073709551615,11,0,0000000000000000,KMALLOC,cat,kmalloc-64,',
      '  ffffffff81004010,1,2,100',
      '',
    ].join('\n');
    const ctx = load(text);
    expect(ctx.store.numBadLines).toBe(0);
    const ds = join(dir, 'wide');
    await exportParquet(new ParquetTables(ctx), ds, 'w');
    expect(await q(`SELECT size, writes, printf('%016x', size) AS hex FROM ${from(ds, 'objects')} ORDER BY idx`)).toEqual([
      { size: 9007199254740993n, writes: 9007199254740993n, hex: '0020000000000001' },
      { size: -1n, writes: 1n, hex: 'ffffffffffffffff' },
    ]);
    expect(await q(`SELECT writes, objects FROM ${from(ds, 'capmap')}`)).toEqual([{ writes: 9007199254740994n, objects: 2n }]);
    expect(await q(`SELECT idx, writes FROM ${from(ds, 'accesses')} ORDER BY idx`)).toEqual([
      { idx: 0n, writes: 9007199254740993n },
      { idx: 1n, writes: 1n },
    ]);
  });
});

describe('kmap export and kmap query as a user runs them', () => {
  const sample = join(ROOT, 'public/sample.kmap');
  const ds = join(dir, 'cli');

  it('two captures in one dataset; exporting one again replaces it', async () => {
    const gen = join(dir, 'run 1.kmap');
    writeFileSync(gen, writeKmap({ variant: 'E', objects: 150, seed: 7, damage: 0.03 }));
    const a = await kmapAsync(['export', sample, '--parquet', ds, '--symbols', join(ROOT, 'public/sample.System.map')]);
    expect(a.stderr).toContain('wrote capture sample');
    expect(a.code).toBe(0);
    expect(a.stdout.split('\n')[0]).toBe('table,rows,files,bytes,folder');
    expect(a.stdout).toMatch(/^objects,671,1,\d+,.*capture=sample$/m);
    const b = await kmapAsync(['export', gen, '--parquet', ds]);
    expect(b.code).toBe(0);
    // The default capture name comes from the file name; bad lines are reported, the good ones exported.
    expect(b.stderr).toContain('wrote capture run_1');
    expect(b.stderr).toMatch(/bad lines? (was|were) not exported; the first:\n {2}line \d+: /);
    const twice = await kmapAsync(['export', sample, '--parquet', ds, '--capture', 'sample']);
    expect(twice.code).toBe(0);
    const r = await kmapAsync(['query', ds, 'SELECT capture, count(*) AS objects FROM objects GROUP BY capture ORDER BY capture']);
    expect(r.code).toBe(0);
    const genStore = parseKmapBytes(readFileSync(gen));
    expect(r.stdout).toBe(`capture,objects\nrun_1,${genStore.numObjects}\nsample,671\n`);
    const j = await kmapAsync(['query', ds, "SELECT count(*) AS n, sum(reads) AS reads FROM accesses WHERE capture = 'sample'", '--json']);
    expect(JSON.parse(j.stdout)).toEqual([{ n: 24175, reads: 551385 }]);
  });

  it('reads the SQL from stdin with -, and SQL that starts with a comment is not an option', () => {
    const sql = "-- objects of one capture\nSELECT count(*) AS n FROM objects WHERE capture = 'sample';\n";
    const viaStdin = spawnSync(process.execPath, [inject('kmapCli'), 'query', ds, '-'], { input: sql, encoding: 'utf8' });
    expect([viaStdin.status, viaStdin.stdout, viaStdin.stderr]).toEqual([0, 'n\n671\n', '']);
    const viaArg = spawnSync(process.execPath, [inject('kmapCli'), 'query', ds, sql, '--json'], { encoding: 'utf8' });
    expect([viaArg.status, viaArg.stdout]).toEqual([0, '[{"n":671}]\n']);
  });

  it('answers bad SQL, a folder without a dataset and bad arguments with one line', async () => {
    const bad = await kmapAsync(['query', ds, 'SELECT nope FROM objects']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^kmap: query: .*nope/);
    const empty = await kmapAsync(['query', dir, 'SELECT 1']);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('holds no kmap Parquet tables');
    const noDir = await kmapAsync(['export', sample]);
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toContain('export needs --parquet DIR');
    const badName = await kmapAsync(['export', sample, '--parquet', ds, '--capture', '../x']);
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain('--capture takes a name');
  });
});
