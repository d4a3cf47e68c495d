// `kmap query DIR "SQL" [--json]`: DuckDB (its Node package, loaded only
// here and by `kmap export`) over a dataset that `kmap export --parquet DIR`
// wrote. The tables are views named objects, accesses and capmap over every
// capture's files, with `capture` read from the partition folders (always
// VARCHAR, so a capture named 2024 stays a name). The result prints as CSV
// with a header (names neutralised as in every CSV the project writes) or,
// with --json, as an array of objects; integers above 2^53 - 1 are JSON
// strings of their decimal, as in the other commands.

import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { csvField, jsonText } from '../query/csv.ts';
import { PARQUET_TABLE_NAMES } from '../query/parquet-tables.ts';
import { loadDuckDb } from './parquet-export.ts';

/** A query that DuckDB refused, or a folder with no dataset: one line for the user, exit 1. */
export class QueryError extends Error {}

async function hasParquet(dir: string): Promise<boolean> {
  let parts: string[];
  try {
    parts = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory() && d.name.startsWith('capture=')).map((d) => d.name);
  } catch {
    return false;
  }
  for (const p of parts) if ((await readdir(path.join(dir, p))).some((f) => f.endsWith('.parquet'))) return true;
  return false;
}

/** The views over a dataset folder: one per table that has files. */
export async function datasetViews(dir: string): Promise<string[]> {
  const sql: string[] = [];
  for (const table of PARQUET_TABLE_NAMES) {
    const folder = path.join(dir, table);
    if (!(await hasParquet(folder))) continue;
    const glob = path.join(folder, 'capture=*', '*.parquet').replaceAll("'", "''");
    sql.push(`CREATE VIEW ${table} AS SELECT * FROM read_parquet('${glob}', hive_partitioning = true, hive_types = {'capture': VARCHAR}, union_by_name = true)`);
  }
  return sql;
}

function jsonValue(v: unknown): unknown {
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : String(v);
  if (Array.isArray(v)) return v.map(jsonValue);
  if (v && typeof v === 'object' && !(v instanceof Date)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonValue(x)]));
  return v;
}

function csvValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return csvField(v, true);
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  return csvField(JSON.stringify(jsonValue(v)), true);
}

async function readStdin(): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of process.stdin) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

/** Runs `sql` ('-': read from stdin) over the dataset in `dir` and writes the result. */
export async function runQuery(dir: string, sqlArg: string, json: boolean, write: (text: string) => Promise<void>): Promise<void> {
  const sql = sqlArg === '-' ? await readStdin() : sqlArg;
  if (sql.trim() === '') throw new QueryError('the SQL is empty');
  const views = await datasetViews(dir);
  if (views.length === 0) {
    throw new QueryError(`${dir} holds no kmap Parquet tables (objects/, accesses/ or capmap/ with capture=NAME/*.parquet); write one with kmap export FILE --parquet ${dir}`);
  }
  const { api } = await loadDuckDb();
  const instance = await api.DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  try {
    for (const v of views) await con.run(v);
    let reader;
    try {
      reader = await con.runAndReadAll(sql);
    } catch (e) {
      throw new QueryError(e instanceof Error ? e.message : String(e));
    }
    const names = reader.columnNames();
    const rows = reader.getRowsJS();
    if (json) {
      await write(jsonText(rows.map((r) => Object.fromEntries(names.map((n, k) => [n, jsonValue(r[k])])))) + '\n');
    } else {
      const lines = [names.map((n) => csvField(n, true)).join(',')];
      for (const r of rows) lines.push(r.map(csvValue).join(','));
      await write(lines.join('\n') + '\n');
    }
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}
