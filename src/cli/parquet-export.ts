// `kmap export FILE --parquet DIR`: the tables of query/parquet-tables.ts
// written as Parquet through DuckDB's own writer (COPY ... TO, zstd), one
// capture into DIR/TABLE/capture=NAME/part-K.parquet for each table.
//
// How rows reach DuckDB: each block of query/parquet-tables.ts is copied,
// 2,048 rows at a time (DuckDB's vector size), straight from its typed
// arrays into a data chunk's vectors (copy_data_to_vector: a memcpy per
// column, no JS value per cell), appended to a staging table, and COPY'd to
// one Parquet file; the staging table is then emptied. So DuckDB holds one
// block at a time: memory is the parsed store (what every kmap command holds)
// plus one block, not the file. VARCHAR columns are ENUM columns in the
// staging table, built once per dictionary (DuckDB writes an ENUM as a
// dictionary-encoded string), so names cost an id per row.
//
// A capture is written beside its final folders (`.capture=NAME.partial`)
// and renamed into place when all three tables are done: re-exporting a
// capture replaces it, and an interrupted export leaves no half partition
// that a reader of `*/*.parquet` would pick up.
//
// DuckDB is loaded only by this command and `kmap query` (a dynamic import:
// the other commands start without it).

import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import {
  PARQUET_COLUMNS,
  PARQUET_SCHEMA_VERSION,
  PARQUET_TABLE_NAMES,
  type BlockColumn,
  type ParquetTableName,
  type ParquetTables,
  type TableBlock,
} from '../query/parquet-tables.ts';

/** Rows per Parquet file (and per staging block). */
export const EXPORT_BLOCK_ROWS = 1 << 20;
/** DuckDB's vector size: rows per data chunk. */
const CHUNK_ROWS = 2048;

export interface ExportedTable {
  readonly table: ParquetTableName;
  readonly rows: number;
  readonly files: number;
  readonly bytes: number;
}

export interface ExportProgress {
  readonly table: ParquetTableName;
  readonly rowsDone: number;
  readonly rows: number;
}

type DuckApi = typeof import('@duckdb/node-api');
type Bindings = typeof import('@duckdb/node-bindings');

/** A SQL string literal (single quotes doubled): only for paths and names this module chose. */
function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** The partition folder of a capture in a table. */
export function partitionDir(dir: string, table: ParquetTableName, capture: string): string {
  return path.join(dir, table, `capture=${capture}`);
}

export async function loadDuckDb(): Promise<{ api: DuckApi; bindings: Bindings }> {
  const api = await import('@duckdb/node-api');
  const mod = (await import('@duckdb/node-bindings')) as Bindings & { default?: Bindings };
  const bindings = mod.default ?? mod;
  return { api, bindings };
}

/**
 * Writes the capture's three tables under `dir`. `blockRows` (tests use
 * small ones) sets rows per file.
 */
export async function exportParquet(
  tables: ParquetTables,
  dir: string,
  capture: string,
  opts: { blockRows?: number; onProgress?: (p: ExportProgress) => void } = {},
): Promise<ExportedTable[]> {
  const blockRows = opts.blockRows ?? EXPORT_BLOCK_ROWS;
  const { api, bindings } = await loadDuckDb();
  const instance = await api.DuckDBInstance.create(':memory:', { threads: String(Math.max(1, availableParallelism())) });
  const con = await instance.connect();
  const partial = (t: ParquetTableName) => path.join(dir, t, `.capture=${capture}.partial`);
  try {
    const enums = new EnumTypes(con);
    const out: ExportedTable[] = [];
    for (const table of PARQUET_TABLE_NAMES) {
      const target = partial(table);
      await rm(target, { recursive: true, force: true });
      await mkdir(target, { recursive: true });
      const numRows = table === 'capmap' ? -1 : tables.numRows(table);
      const blocks: Iterable<TableBlock> =
        table === 'capmap' ? [tables.capmapBlock()] : blocksOf(numRows, blockRows, (s, e) => (table === 'objects' ? tables.objectsBlock(s, e) : tables.accessesBlock(s, e)));
      let rows = 0;
      let files = 0;
      let staging: Staging | null = null;
      for (const block of blocks) {
        staging ??= await Staging.create(api, bindings, con, enums, table, block);
        await staging.append(block);
        const file = path.join(target, `part-${String(files).padStart(5, '0')}.parquet`);
        await con.run(
          `COPY staging_${table} TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd, KV_METADATA {kmap_parquet_schema: ${sqlString(String(PARQUET_SCHEMA_VERSION))}})`,
        );
        await con.run(`DELETE FROM staging_${table}`);
        rows += block.numRows;
        files++;
        opts.onProgress?.({ table, rowsDone: rows, rows: numRows < 0 ? rows : numRows });
      }
      staging?.close();
      if (files === 0) {
        // No rows (a capture without access lines): one empty file keeps the schema readable.
        staging = await Staging.create(api, bindings, con, enums, table, null);
        await con.run(`COPY staging_${table} TO ${sqlString(path.join(target, 'part-00000.parquet'))} (FORMAT parquet, COMPRESSION zstd)`);
        staging.close();
        files = 1;
      }
      let bytes = 0;
      for (const f of await readdir(target)) bytes += (await stat(path.join(target, f))).size;
      out.push({ table, rows, files, bytes });
    }
    // All three written: swap them in.
    for (const table of PARQUET_TABLE_NAMES) {
      const final = partitionDir(dir, table, capture);
      await rm(final, { recursive: true, force: true });
      await rename(partial(table), final);
    }
    return out;
  } catch (e) {
    for (const table of PARQUET_TABLE_NAMES) await rm(partial(table), { recursive: true, force: true });
    throw e;
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

function* blocksOf(numRows: number, blockRows: number, make: (start: number, end: number) => TableBlock): Generator<TableBlock> {
  for (let s = 0; s < numRows; s += blockRows) yield make(s, Math.min(numRows, s + blockRows));
}

/** One ENUM type per dictionary, made once (tables share the site and name dictionaries). */
class EnumTypes {
  private readonly made = new Map<readonly string[], string>();

  constructor(private readonly con: import('@duckdb/node-api').DuckDBConnection) {}

  /** The SQL type name of a dictionary's ENUM ('VARCHAR' for an empty one: its column is all null). */
  async typeOf(dict: readonly string[]): Promise<string> {
    if (dict.length === 0) return 'VARCHAR';
    const known = this.made.get(dict);
    if (known) return known;
    const k = this.made.size;
    // Names come from the kmap: they reach DuckDB through the appender, never inside SQL text.
    await this.con.run(`CREATE TABLE names_${k} (id INTEGER, name VARCHAR)`);
    const app = await this.con.createAppender(`names_${k}`);
    for (let i = 0; i < dict.length; i++) {
      app.appendInteger(i);
      app.appendVarchar(dict[i]);
      app.endRow();
    }
    app.closeSync();
    await this.con.run(`CREATE TYPE enum_${k} AS ENUM (SELECT name FROM names_${k} ORDER BY id)`);
    this.made.set(dict, `enum_${k}`);
    return `enum_${k}`;
  }
}

const ALL_VALID = new Uint8Array(CHUNK_ROWS / 8).fill(0xff);

/** A table's staging table and appender, and how each column's values are copied into a chunk. */
class Staging {
  private constructor(
    private readonly bindings: Bindings,
    private readonly appender: import('@duckdb/node-api').DuckDBAppender,
    private readonly chunk: import('@duckdb/node-api').DuckDBDataChunk,
    /** Bytes per value of each column's vector (8 BIGINT, 1 BOOLEAN, 1/2/4 ENUM by its size, 0 an all-null VARCHAR). */
    private readonly widths: number[],
  ) {}

  static async create(
    api: DuckApi,
    bindings: Bindings,
    con: import('@duckdb/node-api').DuckDBConnection,
    enums: EnumTypes,
    table: ParquetTableName,
    first: TableBlock | null,
  ): Promise<Staging> {
    const defs = PARQUET_COLUMNS[table];
    const sqlTypes: string[] = [];
    for (let c = 0; c < defs.length; c++) {
      const def = defs[c];
      sqlTypes.push(def.type === 'VARCHAR' ? (first ? await enums.typeOf(first.columns[c].dict!) : 'VARCHAR') : def.type);
    }
    await con.run(`CREATE OR REPLACE TABLE staging_${table} (${defs.map((d, c) => `${d.name} ${sqlTypes[c]}`).join(', ')})`);
    const appender = await con.createAppender(`staging_${table}`);
    const widths: number[] = [];
    const types = [];
    for (let c = 0; c < defs.length; c++) {
      const t = appender.columnType(c);
      types.push(t);
      if (t instanceof api.DuckDBEnumType) {
        const dict = first!.columns[c].dict!;
        if (t.values.length !== dict.length || t.values.some((v, i) => v !== dict[i])) throw new Error(`kmap export: DuckDB reordered the names of ${defs[c].name}`);
        widths.push(t.internalTypeId === api.DuckDBTypeId.UTINYINT ? 1 : t.internalTypeId === api.DuckDBTypeId.USMALLINT ? 2 : 4);
      } else {
        // A VARCHAR here has an empty dictionary: every row is null and no value is copied.
        widths.push(defs[c].type === 'BIGINT' ? 8 : defs[c].type === 'BOOLEAN' ? 1 : 0);
      }
    }
    return new Staging(bindings, appender, api.DuckDBDataChunk.create(types), widths);
  }

  async append(block: TableBlock): Promise<void> {
    const b = this.bindings;
    const raw = this.chunk.chunk;
    const narrow = block.columns.map((col, c) => narrowed(col, this.widths[c]));
    const validity = new Uint8Array(CHUNK_ROWS / 8);
    for (let s = 0; s < block.numRows; s += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, block.numRows - s);
      b.data_chunk_reset(raw);
      for (let c = 0; c < block.columns.length; c++) {
        const col = block.columns[c];
        const vec = b.data_chunk_get_vector(raw, c);
        const w = this.widths[c];
        const data = narrow[c];
        if (w > 0) b.copy_data_to_vector(vec, 0, data.buffer as ArrayBuffer, data.byteOffset + s * w, n * w);
        if (col.def.nullable) {
          b.vector_ensure_validity_writable(vec);
          let mask = ALL_VALID;
          if (col.nulls) {
            validity.fill(0);
            for (let k = 0; k < n; k++) if (!col.nulls[s + k]) validity[k >> 3] |= 1 << (k & 7);
            mask = validity;
          }
          b.copy_data_to_vector_validity(vec, 0, mask.buffer as ArrayBuffer, mask.byteOffset, mask.byteLength);
        }
      }
      b.data_chunk_set_size(raw, n);
      this.appender.appendDataChunk(this.chunk);
    }
    this.appender.flushSync();
  }

  close(): void {
    this.appender.closeSync();
  }
}

/** A column's values at the vector's width: ENUM ids as 1, 2 or 4 bytes; BIGINT words and BOOLEAN bytes as they are. */
function narrowed(col: BlockColumn, width: number): Uint8Array | Uint16Array | Uint32Array {
  if (col.def.type !== 'VARCHAR' || width === 4) return col.data;
  return width === 1 ? Uint8Array.from(col.data) : Uint16Array.from(col.data);
}
