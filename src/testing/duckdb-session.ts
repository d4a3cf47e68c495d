// One in-memory DuckDB for a test file that reads Parquet back: opened before
// its tests, closed after them (vitest's beforeAll / afterAll), and a query
// function that returns rows as objects (BIGINT as bigint).

import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll } from 'vitest';

export type Row = Record<string, unknown>;

export function duckdbSession(): (sql: string) => Promise<Row[]> {
  let instance: DuckDBInstance;
  let con: DuckDBConnection;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    con = await instance.connect();
  });
  afterAll(() => {
    con.closeSync();
    instance.closeSync();
  });
  return async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJS() as Row[];
}
