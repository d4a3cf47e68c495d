// The dashboard's Parquet writer (query/parquet-hyparquet.ts) against the
// CLI's (cli/parquet-export.ts, DuckDB's COPY) on the same store: DuckDB
// reads both datasets back, and they must hold the same columns with the
// same types and exactly the same rows in the same order (every table, every
// file), for generated kmaps of every variant (damage, commas, huge values
// included), with a tiny block size so that tables span many files, for a
// capture without access lines, and for the sample with its System.map.
// Also: the browser files' own schema (REQUIRED/OPTIONAL from `nullable`,
// UTF8 strings, dictionary-encoded), their metadata, and the statistics of
// the accesses sort keys.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKmapBytes } from '../format/parser.ts';
import { QueryContext } from '../query/context.ts';
import { parquetFiles } from '../query/parquet-hyparquet.ts';
import { ParquetTables } from '../query/parquet-tables.ts';
import { PARQUET_COLUMNS, PARQUET_TABLE_NAMES } from '../query/parquet-schema.ts';
import type { KmapStore } from '../store/kmap-store.ts';
import { IpSymbols } from '../symbols/ip-symbols.ts';
import { parseSymbolMap } from '../symbols/symbol-map.ts';
import { writeKmap } from '../testing/kmap-writer.ts';
import { exportParquet } from './parquet-export.ts';

const ROOT = join(import.meta.dirname, '..', '..');
let tmp = '';
let instance: DuckDBInstance;
let con: DuckDBConnection;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'kmap-pq-web-'));
  instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  con = await instance.connect();
});
afterAll(async () => {
  con?.closeSync();
  instance?.closeSync();
  await rm(tmp, { recursive: true, force: true });
});

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return (await con.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
}

/** A table of a dataset with each row's position (files in name order, rows in file order). */
function positioned(dir: string, table: string): string {
  const glob = join(dir, table, 'capture=*', '*.parquet').replaceAll("'", "''");
  return (
    `(SELECT row_number() OVER (ORDER BY filename, file_row_number) AS pos, * EXCLUDE (filename, file_row_number) ` +
    `FROM read_parquet('${glob}', hive_partitioning = true, filename = true, file_row_number = true))`
  );
}

async function writeWeb(tables: ParquetTables, dir: string, capture: string, blockRows?: number): Promise<number> {
  let files = 0;
  const seen = new Map<string, number>();
  for (const { file, progress } of parquetFiles(tables, capture, { blockRows })) {
    const path = join(dir, file.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.bytes);
    files++;
    // Progress counts rows of the table, up to its total.
    expect(progress.rowsDone).toBe((seen.get(file.table) ?? 0) + file.rows);
    expect(progress.rowsDone).toBeLessThanOrEqual(progress.rows);
    seen.set(file.table, progress.rowsDone);
  }
  return files;
}

/** Writes a store both ways and compares what DuckDB reads back. */
async function compareWriters(name: string, store: KmapStore, symbols: IpSymbols | null, blockRows?: number): Promise<void> {
  const ctx = new QueryContext(store, symbols);
  const tables = new ParquetTables(ctx);
  const web = join(tmp, name, 'web');
  const cli = join(tmp, name, 'cli');
  const webFiles = await writeWeb(tables, web, name, blockRows);
  const cliOut = (await exportParquet(tables, cli, name, { blockRows })).tables;
  expect(webFiles).toBe(cliOut.reduce((n, t) => n + t.files, 0));
  for (const table of PARQUET_TABLE_NAMES) {
    const a = positioned(web, table);
    const b = positioned(cli, table);
    const described = async (src: string) => (await rows(`DESCRIBE SELECT * FROM ${src}`)).map((r) => `${String(r.column_name)} ${String(r.column_type)}`);
    const columns = await described(a);
    expect(columns, `${name} ${table}: columns`).toEqual(await described(b));
    expect(columns.slice(1, -1)).toEqual(PARQUET_COLUMNS[table].map((c) => `${c.name} ${c.type}`));
    const [{ n: na }] = await rows(`SELECT count(*)::INTEGER AS n FROM ${a}`);
    const [{ n: nb }] = await rows(`SELECT count(*)::INTEGER AS n FROM ${b}`);
    expect(na, `${name} ${table}: rows`).toBe(nb);
    if (table !== 'capmap') expect(na).toBe(tables.numRows(table));
    // With the position in each row, EXCEPT ALL both ways empty means the same rows in the same order.
    const [{ n: onlyWeb }] = await rows(`SELECT count(*)::INTEGER AS n FROM (SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b})`);
    const [{ n: onlyCli }] = await rows(`SELECT count(*)::INTEGER AS n FROM (SELECT * FROM ${b} EXCEPT ALL SELECT * FROM ${a})`);
    expect([onlyWeb, onlyCli], `${name} ${table}: rows only in the browser's files, only in the CLI's`).toEqual([0, 0]);
  }
}

describe('the browser Parquet writer writes what the CLI writes', () => {
  for (const variant of ['A', 'B', 'C', 'D', 'E'] as const) {
    it(`variant ${variant}, in blocks of 2^20 rows and of 97`, async () => {
      const store = parseKmapBytes(new TextEncoder().encode(writeKmap({ variant, objects: 1200, seed: 11 })));
      expect(store.variant).toBe(variant);
      expect(store.numAccesses).toBeGreaterThan(97 * 3);
      await compareWriters(`gen-${variant}`, store, null);
      await compareWriters(`gen-${variant}-small`, store, null, 97);
    });
  }

  it('a capture without access lines (an empty accesses table is one file with the schema)', async () => {
    const text = 'ffffffff81000010,42,ffff888000001000,64,1,0,0,KMALLOC,bash,kmalloc-64,\nffffffff81000010,-1,ffff888000002000,18446744073709551615,5,7,ffffffff81000020,KMALLOC,a\u202eb,dentry,UFO\n';
    const store = parseKmapBytes(new TextEncoder().encode(text));
    expect(store.numAccesses).toBe(0);
    await compareWriters('no-accesses', store, null);
  });

  it('the sample with its System.map; schema, metadata and statistics of the files', async () => {
    const store = parseKmapBytes(readFileSync(join(ROOT, 'public', 'sample.kmap')));
    const symbols = new IpSymbols(parseSymbolMap(readFileSync(join(ROOT, 'public', 'sample.System.map'), 'utf8')), store.ips);
    await compareWriters('sample', store, symbols, 5000);
    const web = join(tmp, 'sample', 'web');
    for (const table of PARQUET_TABLE_NAMES) {
      const file = join(web, table, 'capture=sample', 'part-00000.parquet').replaceAll("'", "''");
      const schema = await rows(`SELECT name, type, repetition_type, converted_type FROM parquet_schema('${file}') WHERE type IS NOT NULL`);
      expect(schema).toEqual(
        PARQUET_COLUMNS[table].map((c) => ({
          name: c.name,
          type: c.type === 'BIGINT' ? 'INT64' : c.type === 'BOOLEAN' ? 'BOOLEAN' : 'BYTE_ARRAY',
          repetition_type: c.nullable ? 'OPTIONAL' : 'REQUIRED',
          converted_type: c.type === 'VARCHAR' ? 'UTF8' : null,
        })),
      );
      const kv = await rows(`SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata('${file}')`);
      expect(kv).toContainEqual({ key: 'kmap_parquet_schema', value: '1' });
      const meta = await rows(`SELECT path_in_schema AS col, encodings, stats_min_value AS lo, stats_max_value AS hi FROM parquet_metadata('${file}')`);
      for (const m of meta) {
        const def = PARQUET_COLUMNS[table].find((c) => c.name === m.col)!;
        if (def.type === 'VARCHAR') expect(String(m.encodings), `${table}.${def.name}`).toContain('RLE_DICTIONARY');
      }
      if (table === 'accesses') {
        for (const key of ['idx', 'slab', 'access_fn']) {
          const m = meta.filter((r) => r.col === key);
          expect(m.length).toBeGreaterThan(0);
          for (const r of m) expect([r.lo, r.hi], `statistics of accesses.${key}`).not.toContain(null);
        }
      }
    }
  });
});
