// docs/parquet-schema.md lists each table's columns between
// `<!-- columns:TABLE -->` markers; they must be PARQUET_COLUMNS exactly
// (name, type, nullability, meaning, in order) plus the partition column
// last, and the doc must state the schema version the files carry.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAPTURE_COLUMN, PARQUET_COLUMNS, PARQUET_SCHEMA_VERSION, PARQUET_TABLE_NAMES } from './parquet-schema.ts';

const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'parquet-schema.md'), 'utf8');

function documented(table: string): string[][] {
  const m = new RegExp(`<!-- columns:${table} -->\\n([\\s\\S]*?)<!-- /columns -->`).exec(doc);
  expect(m, `docs/parquet-schema.md has no column table for ${table}`).not.toBeNull();
  return m![1]
    .trim()
    .split('\n')
    .slice(2)
    .map((line) => line.split('|').slice(1, -1).map((c) => c.trim()));
}

describe('docs/parquet-schema.md', () => {
  for (const table of PARQUET_TABLE_NAMES) {
    it(`lists the ${table} columns as the code defines them`, () => {
      expect(documented(table)).toEqual([
        ...PARQUET_COLUMNS[table].map((c) => [c.name, c.type, c.nullable ? 'yes' : 'no', c.meaning]),
        [CAPTURE_COLUMN, 'VARCHAR', 'no', 'from the folder `capture=NAME`'],
      ]);
    });
  }

  it('states the schema version the files carry', () => {
    expect(doc).toContain(`Schema version **${PARQUET_SCHEMA_VERSION}**`);
  });
});
