// The table functions kmap_objects(), kmap_accesses() and kmap_capmap() that
// `kmap export --parquet` COPYs into Parquet files (./parquet-export.ts):
// each hands DuckDB the rows of the current file, 2,048 at a time (DuckDB's
// vector size), copied from the blocks' typed arrays into the output chunk's
// vectors (copy_data_to_vector: a memcpy per column, no JS value per cell).
//
// Files in parallel: kmap_TABLE(k) scans file k, so the export runs two
// COPYs at once on two connections (one per core): DuckDB's pipeline for one
// COPY is one thread (this source is not parallel), and casting, encoding
// and compressing a file is most of the export's time.
//
// Pieces and prefetching: a table's rows are cut into pieces of at most
// PIECE_ROWS rows that never cross a file boundary, built by `make` (the
// ParquetTables block builders). DuckDB runs the callbacks on the JS thread
// and, between them, casts, encodes and compresses on its own threads; the
// JS thread would sit idle then. So after each callback a prefetcher builds
// up to PREFETCH pieces ahead of each running scan, one per turn of the event
// loop (setImmediate), and a scan takes a prebuilt piece when there is one
// (else builds it on the spot). Rows come out in the same order either way.
// When another thread builds a table's rows (the accesses:
// ./parquet-access-thread.ts), the prefetcher asks it for those pieces
// instead, and a scan's make() takes them, waiting for one not there yet.
//
// Sort keys typed per file: a string column the table is sorted by (the
// accesses' slab and access_fn, the capmap's access_fn: the string columns
// of STATS_COLUMNS) reaches DuckDB as an ENUM of the names that file holds,
// not of the whole dictionary. DuckDB writes an ENUM column's min/max as its
// dictionary's range, so with one row group per file (parquet-export.ts sets
// ROW_GROUP_SIZE to the file's rows) that range is exact; and an ENUM costs
// DuckDB an id per row where a VARCHAR column hashes every value into a
// dictionary (1.1 of the 2.7 CPU-s DuckDB took to write the 1 GB benchmark
// kmap's accesses from a table of VARCHARs, measured).
//
// Invariants: a scan takes its file's pieces strictly in order and ends (row
// count 0) after the last; a table's column types are fixed by its first
// piece (the dictionaries do not change between pieces), but for the sort
// keys, which are fixed per file by keyIds; one table at a time.

import type { DuckDBConnection, DuckDBDataChunk, DuckDBEnumType, DuckDBType } from '@duckdb/node-api';
import { PARQUET_COLUMNS, STATS_COLUMNS, type ParquetTableName, type TableBlock } from '../query/parquet-schema.ts';
import type { Bindings, DuckApi } from './parquet-export.ts';
import { distinctNames, namesOf, narrowed, type Narrow } from './parquet-enum-ids.ts';

/** DuckDB's vector size: rows per data chunk. */
const CHUNK_ROWS = 2048;
/** Rows per piece: a multiple of CHUNK_ROWS, small enough to build between two callbacks without holding DuckDB up long. */
export const PIECE_ROWS = 64 * CHUNK_ROWS;
/** Pieces built ahead of each running scan at most (about 10 MB of blocks each). */
const PREFETCH = 2;

const ALL_VALID = new Uint8Array(CHUNK_ROWS / 8).fill(0xff);

interface Piece {
  readonly file: number;
  readonly start: number;
  readonly end: number;
}


/** A table's (or one file's) DuckDB column types, bytes per value, and the remap of each ENUM column's ids (null: ids as they are). */
interface ColumnTypes {
  readonly types: DuckDBType[];
  readonly widths: number[];
  readonly remaps: (Uint32Array | null)[];
}

/** The distinct dictionary ids column `column` holds in rows [start, end) (ParquetTables.accessesKeyIds). */
export type KeyIds = (column: number, start: number, end: number) => Uint32Array;

/** The columns typed per file: the table's sort keys that are strings. */
function keyColumns(table: ParquetTableName): number[] {
  const keys = STATS_COLUMNS[table];
  return PARQUET_COLUMNS[table].flatMap((d, c) => (d.type === 'VARCHAR' && keys.has(d.name) ? [c] : []));
}

/** One running scan of a file: its next piece and the piece it is in. */
interface ScanState {
  readonly file: number;
  nextPiece: number;
  endPiece: number;
  current: { block: TableBlock; next: number; narrow: Narrow[] } | null;
}

export class BlockScan {
  private table: ParquetTableName | null = null;
  private make: ((start: number, end: number) => TableBlock) | null = null;
  /** The current table's builder in another thread: asked for pieces ahead instead of this thread building them (beginTable). */
  private ask: ((start: number, end: number) => void) | null = null;
  /** Pieces asked for (with ask). */
  private readonly asked = new Set<number>();
  private keyIds: KeyIds | null = null;
  /** Per table, its sort keys' dictionaries (from its first piece, as its types); per file of the current table, its types. */
  private readonly keyDicts = new Map<ParquetTableName, Map<number, readonly string[]>>();
  private fileTypes = new Map<number, ColumnTypes>();
  private pieces: Piece[] = [];
  /** First piece of each file, and one past the last file's last. */
  private fileStarts: number[] = [];
  private built = new Map<number, TableBlock>();
  /** A piece whose building failed ahead of its scan: the error, thrown when the scan reaches it. */
  private failed = new Map<number, unknown>();
  private readonly scans = new Set<ScanState>();
  private prefetching = false;
  /** Set by abort(): every scan ends at its next callback. */
  private aborted = false;
  private readonly types = new Map<ParquetTableName, ColumnTypes>();
  private readonly enums = new Map<readonly string[], { type: DuckDBEnumType; remap: Uint32Array | null }>();
  private readonly validity = new Uint8Array(CHUNK_ROWS / 8);

  constructor(
    private readonly api: DuckApi,
    private readonly bindings: Bindings,
    /** Tests use small pieces, so that a file spans several. */
    private readonly pieceRows = PIECE_ROWS,
  ) {}

  /** kmap_TABLE(file) on a connection (each connection that COPYs needs its own). */
  register(con: DuckDBConnection, table: ParquetTableName): void {
    const defs = PARQUET_COLUMNS[table];
    con.registerTableFunction(
      this.api.DuckDBTableFunction.create({
        name: `kmap_${table}`,
        parameterTypes: [this.api.INTEGER],
        bindFunction: (info) => {
          const file = Number(info.getParameter(0));
          if (this.table !== table || file < 0 || file >= this.fileStarts.length) throw new Error(`kmap export: kmap_${table}(${file}) has no rows to scan`);
          const { types } = this.typesOf(table, file);
          defs.forEach((d, c) => info.addResultColumn(d.name, types[c]));
          info.setBindData({ file });
        },
        initFunction: (info) => {
          const { file } = info.bindData as { file: number };
          if (this.table !== table || file < 0 || file >= this.fileStarts.length) throw new Error(`kmap export: kmap_${table}(${file}) has no rows to scan`);
          const state: ScanState = { file, nextPiece: this.fileStarts[file], endPiece: this.fileStarts[file + 1] ?? this.pieces.length, current: null };
          this.scans.add(state);
          info.setInitData(state);
          this.kick();
        },
        mainFunction: (info, output) => this.fill(table, info.initData as ScanState, output),
      }),
    );
  }

  /**
   * A table of numRows rows, written in files of fileRows rows (at least one
   * file); make(start, end) builds rows [start, end), and keyIds tells which
   * names of a sort key a file holds (for the table's string sort keys).
   * With `ask`, another thread builds the rows: ask(start, end) is called
   * for the pieces ahead of each scan, and make() then waits for them.
   */
  beginTable(
    table: ParquetTableName,
    numRows: number,
    fileRows: number,
    make: (start: number, end: number) => TableBlock,
    keyIds: KeyIds,
    ask: ((start: number, end: number) => void) | null = null,
  ): number {
    this.table = table;
    this.make = make;
    this.keyIds = keyIds;
    this.ask = ask;
    this.asked.clear();
    this.fileTypes.clear();
    this.pieces = [];
    this.fileStarts = [];
    for (let f = 0, s = 0; f === 0 || s < numRows; f++, s += fileRows) {
      this.fileStarts.push(this.pieces.length);
      const fileEnd = Math.min(numRows, s + fileRows);
      for (let p = s; p < fileEnd; p += this.pieceRows) this.pieces.push({ file: f, start: p, end: Math.min(fileEnd, p + this.pieceRows) });
    }
    this.built.clear();
    this.failed.clear();
    this.scans.clear();
    if (!this.types.has(table) && this.pieces.length > 0) {
      const first = this.build(0);
      this.built.set(0, first);
      this.types.set(table, this.columnTypes(table, first));
      this.keyDicts.set(table, new Map(keyColumns(table).map((c) => [c, first.columns[c].dict ?? []])));
    }
    return this.fileStarts.length;
  }

  /**
   * The next tables come from another store (a slice of the capture): its
   * dictionaries differ, so the column types and ENUMs of the tables before
   * are forgotten. Between tables only.
   */
  forgetTypes(): void {
    this.types.clear();
    this.keyDicts.clear();
    this.enums.clear();
  }

  /** Ends every scan at its next callback (an interrupted export). */
  abort(): void {
    this.aborted = true;
    this.make = null;
  }

  endTable(): void {
    this.table = null;
    this.make = null;
    this.ask = null;
    this.asked.clear();
    this.keyIds = null;
    this.fileTypes.clear();
    this.pieces = [];
    this.fileStarts = [];
    this.built.clear();
    this.scans.clear();
  }

  private build(i: number): TableBlock {
    const p = this.pieces[i];
    return this.make!(p.start, p.end);
  }

  /**
   * Builds pieces ahead of the running scans, one per turn of the event loop, while DuckDB works;
   * or, when another thread builds them, asks it for them at once.
   */
  private kick(): void {
    if (this.ask) {
      if (this.make === null) return;
      for (const scan of this.scans) {
        for (let i = scan.nextPiece; i < Math.min(scan.endPiece, scan.nextPiece + PREFETCH); i++) {
          if (this.asked.has(i) || this.built.has(i)) continue; // the first piece is built in beginTable
          this.asked.add(i);
          this.ask(this.pieces[i].start, this.pieces[i].end);
        }
      }
      return;
    }
    if (this.prefetching) return;
    this.prefetching = true;
    const step = () => {
      let todo = -1;
      if (this.make !== null) {
        for (const scan of this.scans) {
          for (let i = scan.nextPiece; i < Math.min(scan.endPiece, scan.nextPiece + PREFETCH); i++) {
            if (!this.built.has(i) && !this.failed.has(i)) {
              todo = i;
              break;
            }
          }
          if (todo >= 0) break;
        }
      }
      if (todo < 0) {
        this.prefetching = false;
        return;
      }
      try {
        this.built.set(todo, this.build(todo));
      } catch (e) {
        // Not thrown here (no one would catch it): the scan that needs the piece throws it, and its COPY fails.
        this.failed.set(todo, e);
        this.prefetching = false;
        return;
      }
      setImmediate(step);
    };
    setImmediate(step);
  }
  /** The column types of a file: the table's, with each string sort key an ENUM of the names the file holds. */
  private typesOf(table: ParquetTableName, file: number): ColumnTypes {
    const base = this.types.get(table) ?? this.columnTypes(table, null);
    const keys = keyColumns(table);
    if (keys.length === 0 || this.pieces.length === 0) return base;
    let t = this.fileTypes.get(file);
    if (t) return t;
    t = { types: [...base.types], widths: [...base.widths], remaps: [...base.remaps] };
    const start = this.pieces[this.fileStarts[file]].start;
    const end = this.pieces[(this.fileStarts[file + 1] ?? this.pieces.length) - 1].end;
    for (const c of keys) {
      const dict = this.keyDicts.get(table)?.get(c) ?? [];
      if (dict.length === 0) continue; // a field the variant lacks: all null (VARCHAR)
      const { names, remap } = namesOf(dict, this.keyIds!(c, start, end));
      // A file whose rows all hold null here (none do today) keeps the VARCHAR of no names.
      if (names.length === 0) {
        t.types[c] = this.api.VARCHAR;
        t.widths[c] = 0;
        t.remaps[c] = null;
        continue;
      }
      const type = this.api.ENUM(names);
      t.types[c] = type;
      t.widths[c] = this.enumWidth(type);
      t.remaps[c] = remap;
    }
    this.fileTypes.set(file, t);
    return t;
  }

  private enumWidth(type: DuckDBEnumType): number {
    const api = this.api;
    const id = type.internalTypeId;
    return id === api.DuckDBTypeId.UTINYINT ? 1 : id === api.DuckDBTypeId.USMALLINT ? 2 : 4;
  }

  /**
   * DuckDB types and bytes per value: BIGINT 8, BOOLEAN 1, ENUM 1/2/4 by its
   * size, 0 for VARCHAR (no dictionary: all null). An ENUM's members must be
   * distinct: a dictionary with a name twice (a symbol named like a hex IP
   * key, say) gets an ENUM of its distinct names and a remap of its ids.
   */
  private columnTypes(table: ParquetTableName, block: TableBlock | null): ColumnTypes {
    const api = this.api;
    const types: DuckDBType[] = [];
    const widths: number[] = [];
    const remaps: (Uint32Array | null)[] = [];
    const keys = new Set(keyColumns(table));
    PARQUET_COLUMNS[table].forEach((def, c) => {
      const dict = block?.columns[c].dict ?? null;
      remaps.push(null);
      if (keys.has(c)) {
        // Typed per file (typesOf); this stands for a file without rows.
        types.push(api.VARCHAR);
        widths.push(0);
        return;
      }
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
        widths.push(this.enumWidth(e.type));
      }
    });
    return { types, widths, remaps };
  }

  /** The scan's piece with rows left, or null after its file's last. */
  private piece(scan: ScanState): { block: TableBlock; next: number; narrow: Narrow[] } | null {
    if (scan.current && scan.current.next < scan.current.block.numRows) return scan.current;
    const i = scan.nextPiece;
    if (i >= scan.endPiece) {
      this.scans.delete(scan);
      return null;
    }
    if (this.failed.has(i)) throw this.failed.get(i);
    const block = this.built.get(i) ?? this.build(i);
    this.built.delete(i);
    scan.nextPiece++;
    const { widths, remaps } = this.typesOf(this.table!, scan.file);
    scan.current = { block, next: 0, narrow: block.columns.map((col, c) => narrowed(col, widths[c], remaps[c])) };
    this.kick();
    return scan.current;
  }

  private fill(table: ParquetTableName, scan: ScanState, output: DuckDBDataChunk): void {
    if (table !== this.table) throw new Error(`kmap export: kmap_${table}() scanned outside its table`);
    const cur = this.aborted ? null : this.piece(scan);
    const n = cur ? Math.min(CHUNK_ROWS, cur.block.numRows - cur.next) : 0;
    output.rowCount = n;
    if (!cur || n <= 0) return;
    const b = this.bindings;
    const raw = output.chunk;
    const { widths } = this.typesOf(table, scan.file);
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
