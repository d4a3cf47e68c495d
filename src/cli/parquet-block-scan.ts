// The table functions kmap_objects(), kmap_accesses() and kmap_capmap() that
// `kmap export --parquet` COPYs into Parquet files (./parquet-export.ts):
// each hands DuckDB the rows of the current file, 2,048 at a time (DuckDB's
// vector size), copied from the blocks' typed arrays into the output chunk's
// vectors (copy_data_to_vector: a memcpy per column, no JS value per cell).
//
// Pieces and prefetching: a table's rows are cut into pieces of at most
// PIECE_ROWS rows that never cross a file boundary, built by `make` (the
// ParquetTables block builders). DuckDB runs the table function's callback
// on the JS thread and, between callbacks, compresses and writes on its own
// threads; the JS thread would sit idle then. So after each callback a
// prefetcher builds up to PREFETCH pieces ahead, one per turn of the event
// loop (setImmediate), and the callback takes a prebuilt piece when there is
// one (else builds it on the spot). Building rows and compressing them then
// overlap; rows come out in the same order either way.
//
// Invariants: pieces are consumed strictly in order; a file's scan ends
// (row count 0) at its last piece; a table's column types are fixed by its
// first piece (the dictionaries do not change between pieces).

import type { DuckDBConnection, DuckDBDataChunk, DuckDBEnumType, DuckDBType } from '@duckdb/node-api';
import { PARQUET_COLUMNS, type BlockColumn, type ParquetTableName, type TableBlock } from '../query/parquet-tables.ts';
import type { Bindings, DuckApi } from './parquet-export.ts';

/** DuckDB's vector size: rows per data chunk. */
const CHUNK_ROWS = 2048;
/** Rows per piece: a multiple of CHUNK_ROWS, small enough to build between two callbacks without holding DuckDB up long. */
export const PIECE_ROWS = 64 * CHUNK_ROWS;
/** Pieces built ahead of the scan at most (about 10 MB of blocks). */
const PREFETCH = 2;

const ALL_VALID = new Uint8Array(CHUNK_ROWS / 8).fill(0xff);

interface Piece {
  readonly file: number;
  readonly start: number;
  readonly end: number;
}

type Narrow = Uint8Array | Uint16Array | Uint32Array;

export class BlockScan {
  private table: ParquetTableName | null = null;
  private make: ((start: number, end: number) => TableBlock) | null = null;
  private pieces: Piece[] = [];
  private built = new Map<number, TableBlock>();
  /** Next piece the scan takes, and the next the prefetcher builds. */
  private nextToScan = 0;
  private nextToBuild = 0;
  private prefetching = false;
  private file = -1;
  private current: { block: TableBlock; next: number; narrow: Narrow[] } | null = null;
  private readonly types = new Map<ParquetTableName, { types: DuckDBType[]; widths: number[]; remaps: (Uint32Array | null)[] }>();
  private readonly enums = new Map<readonly string[], { type: DuckDBEnumType; remap: Uint32Array | null }>();
  private readonly validity = new Uint8Array(CHUNK_ROWS / 8);

  constructor(
    private readonly api: DuckApi,
    private readonly bindings: Bindings,
    /** Tests use small pieces, so that a file spans several. */
    private readonly pieceRows = PIECE_ROWS,
  ) {}

  register(con: DuckDBConnection, table: ParquetTableName): void {
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

  /** A table of numRows rows, written in files of fileRows rows; make(start, end) builds rows [start, end). */
  beginTable(table: ParquetTableName, numRows: number, fileRows: number, make: (start: number, end: number) => TableBlock): void {
    this.table = table;
    this.make = make;
    this.pieces = [];
    for (let f = 0, s = 0; s < numRows; f++, s += fileRows) {
      const fileEnd = Math.min(numRows, s + fileRows);
      for (let p = s; p < fileEnd; p += this.pieceRows) this.pieces.push({ file: f, start: p, end: Math.min(fileEnd, p + this.pieceRows) });
    }
    this.built.clear();
    this.nextToScan = 0;
    this.nextToBuild = 0;
    this.current = null;
    this.file = -1;
    if (!this.types.has(table) && this.pieces.length > 0) {
      const first = this.build(0);
      this.built.set(0, first);
      this.nextToBuild = 1;
      this.types.set(table, this.columnTypes(table, first));
    }
  }

  /** The next COPY scans file k's pieces. */
  startFile(k: number): void {
    this.file = k;
    this.current = null;
    this.kick();
  }

  endTable(): void {
    this.table = null;
    this.make = null;
    this.pieces = [];
    this.built.clear();
    this.current = null;
  }

  private build(i: number): TableBlock {
    const p = this.pieces[i];
    return this.make!(p.start, p.end);
  }

  /** Builds pieces ahead of the scan, one per turn of the event loop, while DuckDB works. */
  private kick(): void {
    if (this.prefetching) return;
    this.prefetching = true;
    const step = () => {
      this.nextToBuild = Math.max(this.nextToBuild, this.nextToScan);
      if (this.make === null || this.nextToBuild >= this.pieces.length || this.nextToBuild - this.nextToScan >= PREFETCH) {
        this.prefetching = false;
        return;
      }
      this.built.set(this.nextToBuild, this.build(this.nextToBuild));
      this.nextToBuild++;
      setImmediate(step);
    };
    setImmediate(step);
  }

  private typesOf(table: ParquetTableName): { types: DuckDBType[]; widths: number[]; remaps: (Uint32Array | null)[] } {
    return this.types.get(table) ?? this.columnTypes(table, null);
  }

  /**
   * DuckDB types and bytes per value: BIGINT 8, BOOLEAN 1, ENUM 1/2/4 by its
   * size, 0 for VARCHAR (no dictionary: all null). An ENUM's members must be
   * distinct: a dictionary with a name twice (a symbol named like a hex IP
   * key, say) gets an ENUM of its distinct names and a remap of its ids.
   */
  private columnTypes(table: ParquetTableName, block: TableBlock | null): { types: DuckDBType[]; widths: number[]; remaps: (Uint32Array | null)[] } {
    const api = this.api;
    const types: DuckDBType[] = [];
    const widths: number[] = [];
    const remaps: (Uint32Array | null)[] = [];
    PARQUET_COLUMNS[table].forEach((def, c) => {
      const dict = block?.columns[c].dict ?? null;
      remaps.push(null);
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
          const { names, remap } = distinctNames(dict);
          e = { type: api.ENUM(names), remap };
          this.enums.set(dict, e);
        }
        types.push(e.type);
        remaps[c] = e.remap;
        const id = e.type.internalTypeId;
        widths.push(id === api.DuckDBTypeId.UTINYINT ? 1 : id === api.DuckDBTypeId.USMALLINT ? 2 : 4);
      }
    });
    return { types, widths, remaps };
  }

  /** The current piece with rows left to scan, or null at the end of the file. */
  private piece(): { block: TableBlock; next: number; narrow: Narrow[] } | null {
    if (this.current && this.current.next < this.current.block.numRows) return this.current;
    const i = this.nextToScan;
    if (i >= this.pieces.length || this.pieces[i].file !== this.file) return null;
    const block = this.built.get(i) ?? this.build(i);
    this.built.delete(i);
    this.nextToScan++;
    const { widths, remaps } = this.typesOf(this.table!);
    this.current = { block, next: 0, narrow: block.columns.map((col, c) => narrowed(col, widths[c], remaps[c])) };
    this.kick();
    return this.current;
  }

  private fill(table: ParquetTableName, output: DuckDBDataChunk): void {
    if (table !== this.table) throw new Error(`kmap export: kmap_${table}() scanned outside its table`);
    const cur = this.piece();
    const n = cur ? Math.min(CHUNK_ROWS, cur.block.numRows - cur.next) : 0;
    output.rowCount = n;
    if (!cur || n <= 0) return;
    const b = this.bindings;
    const raw = output.chunk;
    const { widths } = this.typesOf(table);
    const s = cur.next;
    const columns = cur.block.columns;
    for (let c = 0; c < columns.length; c++) {
      const col = columns[c];
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

/** A column's values at the vector's width: ENUM ids (remapped when the dictionary had repeats) as 1, 2 or 4 bytes; BIGINT words and BOOLEAN bytes as they are. */
function narrowed(col: BlockColumn, width: number, remap: Uint32Array | null): Narrow {
  if (col.def.type !== 'VARCHAR' || width === 0) return col.data;
  const out = width === 1 ? new Uint8Array(col.data.length) : width === 2 ? new Uint16Array(col.data.length) : new Uint32Array(col.data.length);
  if (remap) for (let k = 0; k < out.length; k++) out[k] = remap[col.data[k]];
  else if (width === 4) return col.data;
  else out.set(col.data);
  return out;
}

/** A dictionary's distinct names in first-seen order, and id -> index among them (null when all are distinct already). */
function distinctNames(dict: readonly string[]): { names: string[]; remap: Uint32Array | null } {
  const index = new Map<string, number>();
  for (const n of dict) if (!index.has(n)) index.set(n, index.size);
  if (index.size === dict.length) return { names: dict as string[], remap: null };
  return { names: [...index.keys()], remap: Uint32Array.from(dict, (n) => index.get(n)!) };
}
