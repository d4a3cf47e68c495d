// `kmap query DIR "SQL" [--json]`: DuckDB (its Node package, loaded only
// here and by `kmap export`) over a dataset that `kmap export --parquet DIR`
// wrote. The tables are views named objects, accesses and capmap over every
// capture's files, with `capture` from the partition folders' names (always
// VARCHAR, so a capture named 2024 stays a name), each over its files listed
// one by one (a glob would let DuckDB read '[', '*' or '~' in DIR's name).
// Several statements run in order; the last one's result streams out as CSV
// with a header (names neutralised as in every CSV the project writes) or,
// with --json, as an array of objects; integers above 2^53 - 1 are JSON
// strings of their decimal, as in the other commands; DECIMAL, TIME, BLOB
// and the like are spelled as DuckDB spells them.

import { readdir } from 'node:fs/promises';
import type { DuckDBValue } from '@duckdb/node-api';
import path from 'node:path';
import { csvField, jsonText } from '../query/csv.ts';
import { PARQUET_TABLE_NAMES } from '../query/parquet-schema.ts';
import { loadDuckDb } from './parquet-export.ts';

/** A query that DuckDB refused, or a folder with no dataset: a message for the user (DuckDB's may point into the SQL), exit 1. */
export class QueryError extends Error {}

/** A table's captures (the NAME of each capture=NAME folder, sorted) and each one's Parquet files (sorted). */
async function tableFiles(folder: string): Promise<{ capture: string; files: string[] }[]> {
  let parts: string[];
  try {
    parts = (await readdir(folder, { withFileTypes: true }))
      .filter((d) => d.isDirectory() && d.name.startsWith('capture='))
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
  const out: { capture: string; files: string[] }[] = [];
  for (const p of parts) {
    const files = (await readdir(path.join(folder, p))).filter((f) => f.endsWith('.parquet')).sort();
    if (files.length > 0) out.push({ capture: p.slice('capture='.length), files: files.map((f) => path.join(folder, p, f)) });
  }
  return out;
}

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * The views over a dataset folder: one per table that has files, the union
 * of its captures, each capture's files listed one by one and its `capture`
 * taken from its folder's name here. DuckDB's own Hive parsing is off: it
 * would also read any key=value folder above DIR as a column (a DIR under
 * .../capture=old/ would name every capture "old").
 */
export async function datasetViews(dirArg: string): Promise<string[]> {
  const dir = path.resolve(dirArg);
  const sql: string[] = [];
  for (const table of PARQUET_TABLE_NAMES) {
    const captures = await tableFiles(path.join(dir, table));
    if (captures.length === 0) continue;
    const parts = captures.map(
      (c) => `SELECT *, ${sqlString(c.capture)} AS capture FROM read_parquet([${c.files.map(sqlString).join(', ')}], hive_partitioning = false, union_by_name = true)`,
    );
    sql.push(`CREATE VIEW ${table} AS ${parts.join(' UNION ALL BY NAME ')}`);
  }
  return sql;
}

/** DuckDB's message, its first line (the rest points into the SQL: kept, indented, when it does). */
function duckMessage(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/\n+/g, '\n  ').trimEnd();
}

type Value = DuckDBValue;
type Api = Awaited<ReturnType<typeof loadDuckDb>>['api'];

/** DuckDB's value classes, from the package loaded at run time (a static import would load DuckDB for every command). */
let api: Api;

/** A DuckDB value as JSON: integers beyond 2^53 - 1 as decimal strings, lists and structs as arrays and objects, the rest (DECIMAL, TIME, BLOB, ...) as DuckDB spells them. */
function jsonValue(v: Value): unknown {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : String(v);
  if (v instanceof api.DuckDBListValue || v instanceof api.DuckDBArrayValue) return v.items.map(jsonValue);
  if (v instanceof api.DuckDBStructValue) return Object.fromEntries(Object.entries(v.entries).map(([k, x]) => [k, jsonValue(x)]));
  if (v instanceof api.DuckDBMapValue) return v.entries.map((e) => ({ key: jsonValue(e.key), value: jsonValue(e.value) }));
  return String(v);
}

function csvValue(v: Value): string {
  if (v === null) return '';
  if (typeof v === 'string') return csvField(v, true);
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof api.DuckDBListValue || v instanceof api.DuckDBArrayValue || v instanceof api.DuckDBStructValue || v instanceof api.DuckDBMapValue) return csvField(JSON.stringify(jsonValue(v)), true);
  return csvField(String(v), true);
}

async function readStdin(): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of process.stdin) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

/**
 * Runs `sql` ('-': read from stdin) over the dataset in `dir` and writes the
 * last statement's result as it streams, a chunk (2,048 rows) at a time:
 * memory does not grow with the result.
 */
export async function runQuery(dir: string, sqlArg: string, json: boolean, write: (text: string) => Promise<void>): Promise<void> {
  const sql = sqlArg === '-' ? await readStdin() : sqlArg;
  if (sql.trim() === '') throw new QueryError('the SQL is empty');
  const views = await datasetViews(dir);
  if (views.length === 0) {
    throw new QueryError(`${dir} holds no kmap Parquet tables (objects/, accesses/ or capmap/ with capture=NAME/*.parquet); write one with kmap export FILE --parquet ${dir}`);
  }
  api = (await loadDuckDb()).api;
  const instance = await api.DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  try {
    let result;
    try {
      for (const v of views) await con.run(v);
      // SQL of comments or semicolons only: DuckDB's extractor fails on it with a message that says nothing.
      const statements = await con.extractStatements(sql).catch((e) => {
        throw /^[\s;]*$/.test(sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, '')) ? new QueryError('the SQL holds no statement') : e;
      });
      if (statements.count === 0) throw new QueryError('the SQL holds no statement');
      for (let i = 0; i < statements.count - 1; i++) await (await statements.prepare(i)).run();
      result = await (await statements.prepare(statements.count - 1)).stream();
    } catch (e) {
      throw e instanceof QueryError ? e : new QueryError(duckMessage(e));
    }
    const names = result.columnNames();
    let first = true;
    await write(json ? '[' : names.map((n) => csvField(n, true)).join(',') + '\n');
    for (;;) {
      let chunk;
      try {
        chunk = await result.fetchChunk();
      } catch (e) {
        throw new QueryError(duckMessage(e));
      }
      if (!chunk || chunk.rowCount === 0) break;
      const out: string[] = [];
      for (const r of chunk.getRows()) {
        if (json) {
          out.push((first ? '' : ',') + jsonText(Object.fromEntries(names.map((n, k) => [n, jsonValue(r[k])]))));
          first = false;
        } else {
          out.push(r.map(csvValue).join(',') + '\n');
        }
      }
      await write(out.join(''));
    }
    if (json) await write(']\n');
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}
