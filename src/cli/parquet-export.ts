// `kmap export FILE --parquet DIR`: the tables of query/parquet-tables.ts
// written as Parquet through DuckDB's own writer (COPY ... TO, zstd), one
// capture into DIR/TABLE/capture=NAME/part-K.parquet for each table.
//
// How rows reach DuckDB: a table function (kmap_objects(), ...) registered
// on the connection hands DuckDB the current block 2,048 rows at a time
// (DuckDB's vector size), copied straight from its typed arrays into the
// output chunk's vectors (copy_data_to_vector: a memcpy per column, no JS
// value per cell), and `COPY (SELECT * FROM kmap_TABLE()) TO file` streams
// them into one Parquet file per block. Nothing is staged in a DuckDB table
// (an appender into one cost three times as much, measured), so DuckDB holds
// a row group at a time: memory is the parsed store (what every kmap command
// holds) plus one block. VARCHAR columns are ENUM columns built once per
// dictionary (DuckDB writes an ENUM as a dictionary-encoded string), so a
// name costs an id per row, and names never pass through SQL text.
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
    const scan = new BlockScan(api, bindings);
    for (const table of PARQUET_TABLE_NAMES) scan.register(con, table);
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
      const copy = async (file: string) => {
        const meta = `KV_METADATA {kmap_parquet_schema: ${sqlString(String(PARQUET_SCHEMA_VERSION))}}`;
        await con.run(`COPY (SELECT * FROM kmap_${table}()) TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd, ${meta})`);
      };
      const fileName = (k: number) => path.join(target, `part-${String(k).padStart(5, '0')}.parquet`);
      for (const block of blocks) {
        scan.start(table, block);
        await copy(fileName(files));
        rows += block.numRows;
        files++;
        opts.onProgress?.({ table, rowsDone: rows, rows: numRows < 0 ? rows : numRows });
      }
      if (files === 0) {
        // No rows (a capture without access lines): one empty file keeps the schema readable.
        scan.start(table, null);
        await copy(fileName(0));
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

type DuckType = import('@duckdb/node-api').DuckDBType;

const ALL_VALID = new Uint8Array(CHUNK_ROWS / 8).fill(0xff);

/**
 * The table functions kmap_objects(), kmap_accesses(), kmap_capmap(): each
 * scans the block given to start() (DuckDB runs their callbacks on the JS
 * thread, one at a time, while a COPY awaits). A table's column types are
 * fixed by its first block (the dictionaries do not change between blocks).
 */
class BlockScan {
  private current: { table: ParquetTableName; block: TableBlock | null; next: number; narrow: (Uint8Array | Uint16Array | Uint32Array)[] } | null = null;
  private readonly types = new Map<ParquetTableName, { types: DuckType[]; widths: number[] }>();
  private readonly enums = new Map<readonly string[], import('@duckdb/node-api').DuckDBEnumType>();
  private readonly validity = new Uint8Array(CHUNK_ROWS / 8);

  constructor(
    private readonly api: DuckApi,
    private readonly bindings: Bindings,
  ) {}

  register(con: import('@duckdb/node-api').DuckDBConnection, table: ParquetTableName): void {
    const defs = PARQUET_COLUMNS[table];
    con.registerTableFunction(
      this.api.DuckDBTableFunction.create({
        name: `kmap_${table}`,
        parameterTypes: [],
        bindFunction: (info) => {
          const { types } = this.typesOf(table);
          defs.forEach((d, c) => info.addResultColumn(d.name, types[c]));
        },
        initFunction: (info) => info.setInitData({}),
        mainFunction: (_info, output) => this.fill(table, output),
      }),
    );
  }

  start(table: ParquetTableName, block: TableBlock | null): void {
    if (block && !this.types.has(table)) this.types.set(table, this.columnTypes(table, block));
    const { widths } = this.typesOf(table);
    this.current = { table, block, next: 0, narrow: block ? block.columns.map((col, c) => narrowed(col, widths[c])) : [] };
  }

  private typesOf(table: ParquetTableName): { types: DuckType[]; widths: number[] } {
    return this.types.get(table) ?? this.columnTypes(table, null);
  }

  /** DuckDB types and bytes per value: BIGINT 8, BOOLEAN 1, ENUM 1/2/4 by its size, 0 for VARCHAR (no dictionary: all null). */
  private columnTypes(table: ParquetTableName, block: TableBlock | null): { types: DuckType[]; widths: number[] } {
    const api = this.api;
    const types: DuckType[] = [];
    const widths: number[] = [];
    PARQUET_COLUMNS[table].forEach((def, c) => {
      const dict = block?.columns[c].dict ?? null;
      if (def.type === 'BIGINT') {
        types.push(api.BIGINT);
        widths.push(8);
      } else if (def.type === 'BOOLEAN') {
        types.push(api.BOOLEAN);
        widths.push(1);
      } else if (!dict || dict.length === 0) {
        types.push(api.VARCHAR);
        widths.push(0);
      } else {
        let e = this.enums.get(dict);
        if (!e) {
          e = api.ENUM(dict as string[]);
          this.enums.set(dict, e);
        }
        types.push(e);
        widths.push(e.internalTypeId === api.DuckDBTypeId.UTINYINT ? 1 : e.internalTypeId === api.DuckDBTypeId.USMALLINT ? 2 : 4);
      }
    });
    return { types, widths };
  }

  private fill(table: ParquetTableName, output: import('@duckdb/node-api').DuckDBDataChunk): void {
    const cur = this.current;
    if (!cur || cur.table !== table) throw new Error(`kmap export: kmap_${table}() scanned with no block`);
    const block = cur.block;
    const n = block ? Math.min(CHUNK_ROWS, block.numRows - cur.next) : 0;
    output.rowCount = n;
    if (n <= 0 || !block) return;
    const b = this.bindings;
    const raw = output.chunk;
    const { widths } = this.typesOf(table);
    const s = cur.next;
    for (let c = 0; c < block.columns.length; c++) {
      const col = block.columns[c];
      const vec = b.data_chunk_get_vector(raw, c);
      const w = widths[c];
      const data = cur.narrow[c];
      if (w > 0) b.copy_data_to_vector(vec, 0, data.buffer as ArrayBuffer, data.byteOffset + s * w, n * w);
      if (col.def.nullable) {
        b.vector_ensure_validity_writable(vec);
        let mask = ALL_VALID;
        if (col.nulls) {
          const v = this.validity;
          v.fill(0);
          for (let k = 0; k < n; k++) if (!col.nulls[s + k]) v[k >> 3] |= 1 << (k & 7);
          mask = v;
        }
        b.copy_data_to_vector_validity(vec, 0, mask.buffer as ArrayBuffer, mask.byteOffset, mask.byteLength);
      }
    }
    cur.next += n;
  }
}

/** A column's values at the vector's width: ENUM ids as 1, 2 or 4 bytes; BIGINT words and BOOLEAN bytes as they are. */
function narrowed(col: BlockColumn, width: number): Uint8Array | Uint16Array | Uint32Array {
  if (col.def.type !== 'VARCHAR' || width === 4 || width === 0) return col.data;
  return width === 1 ? Uint8Array.from(col.data) : Uint16Array.from(col.data);
}
