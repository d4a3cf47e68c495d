// The data worker's state and answers, as a class with no comlink in it (the
// worker module exposes one instance; unit tests drive another directly).
//
// Lifecycle of a load (open()):
// - The previous complete kmap waits in `fallback` until the new file is
//   complete; a failure or cancel at any moment gives it back (previousKept).
//   Two kmaps are in memory meanwhile: the price of never losing the one the
//   user had.
// - Until the new file is known to be a kmap (its variant detected), queries
//   see nothing; once detected, the new store is committed: queries see it grow.
// - A newer open() or cancel() makes the running load's token stale; it stops
//   at its next chunk. stop() ends it early and keeps its complete lines.
// - A gzip file (its first two bytes) is decompressed on the way
//   (src/format/gunzip-web.ts); progress counts its compressed bytes, and a
//   damaged one fails like any other load (nothing of it is kept).
// A source is a kmap (a file or a URL) or Memorizer's split CSV pair (two
// files read one after the other as one capture: split-source.ts).
// Symbols are independent of loads: a symbol file stays applied to every kmap
// loaded after it until clearSymbols(). Results of filters and aggregates are
// cached by filterKey() for the current store generation; the cache is
// dropped whenever the store, its size (while loading) or the symbols change.

import { kmapText, newInputMeter, type MakeDecompressor } from '../src/format/gunzip-web.ts';
import { GzipDataError, gzipContentMessage } from '../src/format/gzip.ts';
import { KmapParser, MAX_LINE_BYTES } from '../src/format/parser.ts';
import { KmapFormatError } from '../src/format/sniff.ts';
import { breakdown, filteredTotals, hierarchy } from '../src/query/breakdown.ts';
import { QueryContext } from '../src/query/context.ts';
import { breakdownCsv, lifetimesCsv, liveCsv, matrixCsv, qualityCsv, sitesCsv } from '../src/query/csv.ts';
import { qualityRows, type QualityRow } from '../src/query/quality.ts';
import { lifetimeChart, liveChart, windowBands, type LifetimeChart, type LiveChart, type WindowBands } from '../src/query/lifetime-charts.ts';
import { lifetimeHistogram, liveBins } from '../src/query/lifetimes.ts';
import { kmapSliceChunks } from '../src/query/kmap-slice.ts';
import { matrixRows, matrixView, type MatrixView } from '../src/query/matrix.ts';
import { filterObjects, type FilterResult } from '../src/query/filter.ts';
import { sortSelection } from '../src/query/object-query.ts';
import { accessRowsWindow, objectRow } from '../src/query/rows.ts';
import { accessSites, pidCommands, siteDetail } from '../src/query/sites.ts';
import { mismatchMessage, resolution, symbolsMismatch } from '../src/query/stats.ts';
import { shownName } from '../src/query/shown-name.ts';
import { summarize } from '../src/query/summary.ts';
import { filterKey } from '../src/query/types.ts';
import { topCountPairs, type KmapStore } from '../src/store/kmap-store.ts';
import { budgetBytes, estimateStore, storeBytes } from '../src/store/memory-estimate.ts';
import { LAYOUTS } from '../src/format/variants.ts';
import { IpSymbols } from '../src/symbols/ip-symbols.ts';
import { parserFor, pairChunks, pendingBytes, sourceBytes } from './split-source.ts';
import { parseSymbolMap, SymbolFormatError, type SymbolTable } from '../src/symbols/symbol-map.ts';
import type {
  AccessColumn,
  AccessRow,
  BreakdownKey,
  BreakdownRow,
  FilteredTotals,
  HierarchyCell,
  KmapSource,
  LifetimeGrouping,
  MatrixColumnKind,
  KmapWorkerApi,
  LoadProgress,
  MemoryWarning,
  NameField,
  NameList,
  ObjectFilter,
  ObjectRow,
  OpenResult,
  QueryResult,
  SiteDetail,
  SiteRow,
  SortSpec,
  SymbolSource,
  SymbolsInfo,
  SymbolsResult,
  ViewQuery,
} from '../src/worker-api.ts';

/** Read size for a dropped file: large enough to amortise the await per slice. */
const FILE_SLICE_BYTES = 8 * 1024 * 1024;
const PROGRESS_INTERVAL_MS = 100;
/** The memory estimate is made once this much of a file is parsed (a dropped file: its first 8 MiB slice). */
const ESTIMATE_AFTER_BYTES = 1024 * 1024;
/** Filter results kept (each up to 4 bytes per object). */
const MAX_CACHED_FILTERS = 4;
/** Aggregate results kept. */
const MAX_CACHED_RESULTS = 32;
/** Names per count list in a summary (the page asks for names with nameOptions). */
const SUMMARY_NAMES = 20;

class Cancelled extends Error {}

/** The answer, or null once `signal` aborts (whichever comes first). */
function answerOrAbort<T>(answer: Promise<T>, signal: AbortSignal): Promise<T | null> {
  if (signal.aborted) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(null);
    signal.addEventListener('abort', onAbort, { once: true });
    answer.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** Why a fetch failed without an answer, in words (the browser says only "Failed to fetch"). */
function unreachableText(url: string): string {
  let crossOrigin = false;
  try {
    const here = (globalThis as { location?: { origin: string } }).location?.origin;
    crossOrigin = here !== undefined && new URL(url).origin !== here;
  } catch {
    // Not a URL the page can compare: say the general thing.
  }
  return crossOrigin
    ? `${url} could not be fetched: the server did not answer, or it does not allow this page to read it (its answer needs an Access-Control-Allow-Origin header: CORS).`
    : `${url} could not be fetched: the server did not answer (network error).`;
}

interface LoadedSymbols {
  name: string;
  table: SymbolTable;
}

export class KmapSession implements KmapWorkerApi {
  /** The kmap that queries see: the last one loaded, or the one loading once it is known to be a kmap. */
  private store: KmapStore | null = null;
  /** Whether `store` holds a whole file (not one still loading or cut short by a cancel). */
  private storeComplete = false;
  private ctx: QueryContext | null = null;
  private selection: Uint32Array = new Uint32Array(0);
  /** Position of each object in the selection (+1; 0 = filtered out), built on demand. */
  private positions: Uint32Array | null = null;
  /**
   * The previously loaded kmap while a new file has not yet shown that it is
   * a kmap: a new file that turns out not to be one, or is cancelled that
   * early, gives it back instead of leaving nothing.
   */
  private fallback: { store: KmapStore; selection: Uint32Array } | null = null;
  /** Incremented by every open() and cancel(): a load whose token is stale stops. */
  private loadToken = 0;
  /** The token of the load that stop() asked to end early (keeping what it read). */
  private stopToken = -1;
  /** Incremented by every open() only: the newest open owns the fallback. */
  private openSeq = 0;
  /** Aborts the running load's fetch, so that a cancelled download stops. */
  private abortLoad: AbortController | null = null;
  private symbols: LoadedSymbols | null = null;
  /** Bumped when the store or the symbols change: cached results are stale. */
  private generation = 0;
  private filterCache = new Map<string, FilterResult>();
  private resultCache = new Map<string, unknown>();

  /**
   * @param memoryBudget bytes the loaded data may take, with headroom for
   *   the next growth of a column and the kmap kept for Cancel; a load that
   *   would pass it stops early and keeps what it read (partial, reason
   *   'memory'). null: no budget (the CLI and tests).
   * @param decompressor makes the gzip decompressor (tests; default: the
   *   platform's DecompressionStream).
   */
  constructor(
    private readonly memoryBudget: number | null = null,
    private readonly decompressor?: MakeDecompressor,
  ) {}

  /** What a load holds now, as the budget sees it: its columns with growth headroom, plus the kept previous kmap. */
  private heldBytes(loading: KmapStore): number {
    return budgetBytes(loading) + this.keptBytes();
  }

  /** Bytes of the kmap kept for a Cancel while a load runs. */
  private keptBytes(): number {
    return this.fallback ? storeBytes(this.fallback.store) : 0;
  }

  /**
   * The memory check before the rest of a file is read: the warning to ask
   * about when the whole file will not fit, else null. `textBytes`: for a
   * gzip file, its text's estimated size (the file's size times the ratio so
   * far), which the estimate scales to; null for a plain file.
   */
  private memoryWarning(store: KmapStore, bytesParsed: number, fileBytes: number, textBytes: number | null): MemoryWarning | null {
    if (this.memoryBudget === null) return null;
    const kept = this.keptBytes();
    const content = textBytes ?? fileBytes;
    const est = estimateStore(store, bytesParsed, content, this.memoryBudget - kept);
    // All fits; or not even the part read does, and the running check stops the load at once.
    if (est.fitFraction >= 1 || est.fitFraction * content <= bytesParsed) return null;
    return {
      fileBytes,
      textBytes,
      neededBytes: est.bytes,
      budgetBytes: this.memoryBudget,
      keptBytes: kept,
      objects: est.objects,
      accessLines: est.accessLines,
      fitFraction: est.fitFraction,
    };
  }

  private setStore(next: KmapStore | null, nextSelection: Uint32Array = new Uint32Array(0), complete = false): void {
    this.store = next;
    this.storeComplete = next !== null && complete;
    this.selection = nextSelection;
    this.positions = null;
    this.rebuildContext();
  }

  private rebuildContext(): void {
    this.ctx = this.store ? new QueryContext(this.store, this.symbols ? new IpSymbols(this.symbols.table, this.store.ips) : null) : null;
    this.generation++;
    this.filterCache.clear();
    this.resultCache.clear();
  }

  /** The cache key prefix: results hold for one store generation and, while loading, one size. */
  private stamp(): string {
    const s = this.store;
    return s ? `${this.generation}:${s.numObjects}:${s.numAccesses}` : 'none';
  }

  private filtered(filter: ObjectFilter): FilterResult {
    const ctx = this.ctx!;
    const key = `${this.stamp()}|${filterKey(filter)}`;
    const hit = this.filterCache.get(key);
    if (hit) {
      this.filterCache.delete(key);
      this.filterCache.set(key, hit);
      return hit;
    }
    const result = filterObjects(ctx, filter);
    this.filterCache.set(key, result);
    while (this.filterCache.size > MAX_CACHED_FILTERS) this.filterCache.delete(this.filterCache.keys().next().value!);
    return result;
  }

  private cached<T>(op: string, filter: ObjectFilter, compute: () => T): T {
    const key = `${op}|${this.stamp()}|${filterKey(filter)}`;
    if (this.resultCache.has(key)) return this.resultCache.get(key) as T;
    const value = compute();
    this.resultCache.set(key, value);
    while (this.resultCache.size > MAX_CACHED_RESULTS) this.resultCache.delete(this.resultCache.keys().next().value!);
    return value;
  }

  private async *fileChunks(blob: Blob, token: number): AsyncGenerator<Uint8Array> {
    for (let offset = 0; offset < blob.size; offset += FILE_SLICE_BYTES) {
      const buf = await blob.slice(offset, Math.min(blob.size, offset + FILE_SLICE_BYTES)).arrayBuffer();
      if (token !== this.loadToken) throw new Cancelled();
      yield new Uint8Array(buf);
    }
  }

  private async *urlChunks(
    url: string,
    token: number,
    signal: AbortSignal,
    onTotal: (n: number | null) => void,
  ): AsyncGenerator<Uint8Array> {
    let response: Response;
    try {
      response = await fetch(url, { signal });
    } catch (err) {
      if (token !== this.loadToken || signal.aborted) throw err;
      throw new KmapFormatError(unreachableText(url));
    }
    if (token !== this.loadToken) throw new Cancelled();
    if (!response.ok) throw new KmapFormatError(`${url} answered HTTP ${response.status} ${response.statusText}`.trim() + '.');
    // A web server's fallback page (a single-page app answers every unknown
    // path with its index.html and 200) is not the file asked for.
    const type = response.headers.get('Content-Type') ?? '';
    if (/^\s*(text\/html|application\/xhtml)/i.test(type)) {
      throw new KmapFormatError(
        `${url} answered HTTP ${response.status} with a web page (${type.split(';')[0].trim()}), not a kmap: the file is probably not on that server.`,
      );
    }
    const length = response.headers.get('Content-Length');
    onTotal(length && !response.headers.get('Content-Encoding') ? Number(length) : null);
    if (!response.body) throw new KmapFormatError(`${url} answered without a body.`);
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (token !== this.loadToken) throw new Cancelled();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }

  async open(
    source: KmapSource,
    onProgress: (p: LoadProgress) => void,
    onTooBig?: (w: MemoryWarning) => Promise<boolean>,
  ): Promise<OpenResult> {
    const token = ++this.loadToken;
    const seq = ++this.openSeq;
    this.abortLoad?.abort();
    const abort = (this.abortLoad = new AbortController());
    const parser = parserFor(source);
    // Only a whole file is worth keeping: one still loading (now superseded) is dropped.
    if (this.store && this.storeComplete && !this.fallback) this.fallback = { store: this.store, selection: this.selection };
    this.setStore(null);
    let committed = false;
    const commit = () => {
      committed = true;
      this.setStore(parser.store);
    };
    let totalBytes: number | null = sourceBytes(source);
    // A gzip file is decompressed on the way (src/format/gunzip-web.ts): the
    // parser counts text, `meter` the file's (compressed) bytes against it.
    // Progress and a partial load's size are in the file's bytes, so that they
    // compare with its size; the memory estimate scales the text parsed to
    // the text the whole file will give at the ratio so far.
    const meter = newInputMeter();
    /** The file's bytes that gave the first `text` bytes of text (all of them for a plain file). */
    const fileBytesFor = (text: number) =>
      meter.gzip ? Math.round((meter.inputBytes * text) / Math.max(1, meter.textBytes)) : text;
    // The parser gets complete lines only; the bytes after a chunk's last
    // newline wait for the next chunk, so that stop() never leaves a cut line.
    // Except a line already longer than the parser's limit: it is a bad line
    // whatever follows, so it goes to the parser (which skips it without
    // keeping it) instead of piling up here.
    let tail: Uint8Array[] = [];
    let tailBytes = 0;
    const t0 = performance.now();
    let lastReport = 0;
    const report = (done: boolean) => {
      const seconds = (performance.now() - t0) / 1000;
      const bytesRead = meter.gzip ? meter.inputBytes : parser.bytesIn + tailBytes;
      onProgress({
        name: source.name,
        bytesRead,
        totalBytes,
        bytesPerSecond: seconds > 0 ? bytesRead / seconds : 0,
        objects: parser.store.numObjects,
        accesses: parser.store.numAccesses,
        badLines: parser.store.numBadLines,
        done,
      });
    };
    let overBudget = false;
    let estimated = false;
    const stopped = () => (this.stopToken === token || overBudget) && committed;
    // Set only when a stop ended the reading before the stream did: a stop
    // that arrives after the last chunk leaves a complete file.
    let endedEarly = false;
    try {
      try {
        // A split CSV pair is plain text (its files are told apart by their headers); a kmap may be gzip.
        const chunks =
          source.kind === 'pair'
            ? pairChunks(source, (blob) => this.fileChunks(blob, token))
            : kmapText(
                source.kind === 'file' ? this.fileChunks(source.file, token) : this.urlChunks(source.url, token, abort.signal, (n) => (totalBytes = n)),
                meter,
                this.decompressor,
              );
        for await (const chunk of chunks) {
          if (stopped()) {
            endedEarly = true;
            break;
          }
          const lastNewline = chunk.lastIndexOf(10);
          if (lastNewline < 0) {
            tail.push(chunk);
            tailBytes += chunk.length;
          } else {
            for (const t of tail) parser.push(t);
            parser.push(chunk.subarray(0, lastNewline + 1));
            tail = [chunk.subarray(lastNewline + 1)];
            tailBytes = chunk.length - lastNewline - 1;
          }
          if (tailBytes > MAX_LINE_BYTES) {
            for (const t of tail) parser.push(t);
            tail = [];
            tailBytes = 0;
          }
          if (!committed && parser.variant !== null) commit();
          // Once, after the first megabyte: will the whole file fit? If not, ask before reading on.
          if (!estimated && committed && totalBytes !== null && source.kind !== 'pair' && parser.bytesIn >= ESTIMATE_AFTER_BYTES) {
            estimated = true;
            const textBytes = meter.gzip ? (totalBytes * meter.textBytes) / Math.max(1, meter.inputBytes) : null;
            const warning = this.memoryWarning(parser.store, parser.bytesIn, totalBytes, textBytes);
            if (warning && onTooBig) {
              report(false);
              // cancel(), stop(), close() and a newer open() abort the load: they end the wait too.
              const goOn = await answerOrAbort(onTooBig(warning), abort.signal);
              if (token !== this.loadToken) throw new Cancelled();
              if (goOn === null && stopped()) {
                endedEarly = true;
                break;
              }
              if (!goOn) {
                this.cancel();
                throw new Cancelled();
              }
            }
          }
          if (this.memoryBudget !== null && committed && this.heldBytes(parser.store) + pendingBytes(parser) > this.memoryBudget) {
            overBudget = true;
            endedEarly = true;
            break;
          }
          const now = performance.now();
          if (now - lastReport >= PROGRESS_INTERVAL_MS) {
            lastReport = now;
            report(false);
          }
        }
      } catch (err) {
        // stop() aborts a fetch that waits for data: that is the stop, not a failure.
        if (!stopped()) throw err;
        endedEarly = true;
      }
      const partial = endedEarly;
      if (token !== this.loadToken) throw new Cancelled();
      if (!partial) for (const t of tail) parser.push(t);
      const keptBefore = this.keptBytes();
      parser.finish();
      if (!committed) commit();
      this.storeComplete = true;
      this.fallback = null;
      // The final size: results cached while loading are stale.
      this.rebuildContext();
      report(true);
      return {
        ok: true,
        summary: summarize(parser.store, SUMMARY_NAMES),
        seconds: (performance.now() - t0) / 1000,
        partial: partial
          ? {
              bytesKept: fileBytesFor(parser.bytesIn),
              totalBytes,
              reason: overBudget ? 'memory' : 'stopped',
              memoryBytes: storeBytes(parser.store),
              keptBytes: keptBefore,
            }
          : null,
      };
    } catch (err) {
      let previousKept = false;
      if (seq === this.openSeq) {
        // The newest load failed or was cancelled: give the previous kmap back.
        if (this.fallback) {
          this.setStore(this.fallback.store, this.fallback.selection, true);
          previousKept = true;
        } else {
          this.setStore(null);
        }
        this.fallback = null;
      }
      // A stale token means cancel() or a newer open(): an abort error from
      // the fetch is then a cancellation too.
      const cancelled = err instanceof Cancelled || token !== this.loadToken;
      const error = cancelled
        ? 'Loading was cancelled.'
        : err instanceof KmapFormatError
          ? // The parser's verdict on a gzip file's text is said of the file.
            meter.gzip && !(err instanceof GzipDataError)
            ? gzipContentMessage(err.message)
            : err.message
          : `it could not be read (${err instanceof Error ? err.message : String(err)}).`;
      return { ok: false, cancelled, error, previousKept };
    }
  }

  cancel(): void {
    this.loadToken++;
    this.abortLoad?.abort();
  }

  stop(): void {
    if (this.store === null) {
      // Not yet known to be a kmap: nothing to keep.
      this.cancel();
      return;
    }
    this.stopToken = this.loadToken;
    this.abortLoad?.abort();
  }

  close(): void {
    this.loadToken++;
    this.abortLoad?.abort();
    this.fallback = null;
    this.setStore(null);
  }

  holdAliveLock(name: string): Promise<boolean> {
    const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
    if (!locks) return Promise.resolve(false);
    return new Promise((resolve) => {
      // Held until this thread ends: the callback's promise never settles.
      void locks.request(name, () => {
        resolve(true);
        return new Promise<never>(() => {});
      });
    });
  }

  summary() {
    return this.store ? summarize(this.store, SUMMARY_NAMES) : null;
  }

  async loadSymbols(source: SymbolSource): Promise<SymbolsResult> {
    let text: string;
    try {
      if (source.kind === 'file') {
        text = await source.file.text();
      } else {
        let response: Response;
        try {
          response = await fetch(source.url);
        } catch {
          return { ok: false, name: source.name, error: unreachableText(source.url) };
        }
        if (!response.ok) return { ok: false, name: source.name, error: `${source.url} answered HTTP ${response.status} ${response.statusText}`.trim() + '.' };
        const type = response.headers.get('Content-Type') ?? '';
        if (/^\s*(text\/html|application\/xhtml)/i.test(type)) {
          return { ok: false, name: source.name, error: `${source.url} answered with a web page (${type.split(';')[0].trim()}), not a symbol file: the file is probably not on that server.` };
        }
        text = await response.text();
      }
    } catch (err) {
      return { ok: false, name: source.name, error: `it could not be read (${err instanceof Error ? err.message : String(err)}).` };
    }
    let table: SymbolTable;
    try {
      table = parseSymbolMap(text);
    } catch (err) {
      if (err instanceof SymbolFormatError) return { ok: false, name: source.name, error: err.message };
      throw err;
    }
    this.symbols = { name: source.name, table };
    this.rebuildContext();
    return this.symbolsInfo()!;
  }

  clearSymbols(): void {
    this.symbols = null;
    this.rebuildContext();
  }

  symbolsInfo(): SymbolsInfo {
    const loaded = this.symbols;
    if (!loaded) return null;
    const res = this.ctx
      ? resolution(this.ctx, null)
      : { allocResolved: null, accessResolved: null, distinctAllocIps: 0, distinctAccessIps: 0 };
    return {
      ok: true,
      name: loaded.name,
      numSymbols: loaded.table.numTextSymbols,
      numFunctions: loaded.table.fnNames.length,
      badLines: loaded.table.numBadLines,
      resolution: res,
      mismatch: this.storeComplete && symbolsMismatch(res) ? mismatchMessage(loaded.name, res) : null,
    };
  }

  nameOptions(field: NameField, query = '', limit = Number.POSITIVE_INFINITY): NameList {
    const store = this.store;
    if (!store) return { options: [], total: 0 };
    const layout = LAYOUTS[store.variant ?? 'E'];
    if ((field === 'slab' && !layout.hasSlab) || (field === 'type' && !layout.hasType)) return { options: [], total: 0 };
    const [interner, counts] =
      field === 'slab'
        ? [store.slabs, store.objectsBySlab]
        : field === 'type'
          ? [store.types, store.objectsByType]
          : [store.commands, store.objectsByCommand];
    const needle = query.trim().toLowerCase();
    // Matched as the pickers show names (shownName: "(empty)", ⟨U+202E⟩), as their local narrowing does.
    const accept = needle === '' ? null : (name: string) => shownName(name).toLowerCase().includes(needle);
    const { pairs, total } = topCountPairs(interner.names(), counts, limit, accept);
    return { options: pairs.map(([name, objects]) => ({ name, objects })), total };
  }

  query(q: ViewQuery): QueryResult {
    if (!this.store || !this.ctx) return { total: 0, numObjects: 0, unknownNames: [], searchErrors: [] };
    const f = this.filtered(q.filter);
    let indices = f.indices;
    if (q.sort && !(q.sort.key === 'idx' && !q.sort.desc)) {
      indices = indices.slice();
      sortSelection(this.store, indices, q.sort);
    }
    this.selection = indices;
    this.positions = null;
    return { total: indices.length, numObjects: this.store.numObjects, unknownNames: f.unknownNames, searchErrors: f.searchErrors };
  }

  totals(filter: ObjectFilter): FilteredTotals {
    if (!this.ctx) return { objects: 0, liveObjects: 0, bytes: 0, liveBytes: 0, accesses: 0, reads: 0, writes: 0 };
    return this.cached('totals', filter, () => filteredTotals(this.ctx!, this.filtered(filter).indices));
  }

  breakdown(filter: ObjectFilter, by: BreakdownKey): BreakdownRow[] {
    if (!this.ctx) return [];
    return this.cached(`breakdown:${by}`, filter, () => breakdown(this.ctx!, this.filtered(filter).indices, by));
  }

  hierarchy(filter: ObjectFilter, limit: number): { cells: HierarchyCell[]; total: number } {
    if (!this.ctx) return { cells: [], total: 0 };
    const all = this.cached('hierarchy', filter, () => hierarchy(this.ctx!, this.filtered(filter).indices));
    return { cells: all.slice(0, Math.max(0, limit)), total: all.length };
  }

  sites(filter: ObjectFilter): SiteRow[] {
    if (!this.ctx) return [];
    return this.cached('sites', filter, () => accessSites(this.ctx!, this.filtered(filter).indices, filter.otherTasks));
  }

  siteDetail(filter: ObjectFilter, site: string): SiteDetail {
    if (!this.ctx) return { site, pids: [] };
    const ctx = this.ctx;
    return siteDetail(ctx, this.filtered(filter).indices, filter.otherTasks, site, ctx.memo('pidCommands', () => pidCommands(ctx.store)));
  }

  breakdownCsv(filter: ObjectFilter, by: BreakdownKey): string {
    return breakdownCsv(this.breakdown(filter, by), by);
  }

  sitesCsv(filter: ObjectFilter): string {
    return sitesCsv(this.sites(filter));
  }

  /** The context and filtered objects an analysis runs on (an empty store before any load). */
  private input(filter: ObjectFilter): [QueryContext, Uint32Array] {
    if (!this.ctx) return [new QueryContext(new KmapParser().store), new Uint32Array(0)];
    return [this.ctx, this.filtered(filter).indices];
  }

  lifetimeChart(filter: ObjectFilter, by: LifetimeGrouping, topGroups: number): LifetimeChart {
    return this.cached(`lifetimes:${by}:${topGroups}`, filter, () => lifetimeChart(...this.input(filter), by, topGroups));
  }

  liveChart(filter: ObjectFilter, by: LifetimeGrouping, topGroups: number, bins: number, range: [number, number] | null): LiveChart {
    const key = `live:${by}:${topGroups}:${bins}:${range ? range.join('-') : 'all'}`;
    return this.cached(key, filter, () => liveChart(...this.input(filter), by, topGroups, bins, range));
  }

  windowBands(filter: ObjectFilter, by: LifetimeGrouping, topGroups: number, start: number, end: number, limit: number): WindowBands {
    return this.cached(`bands:${by}:${topGroups}:${start}:${end}:${limit}`, filter, () => windowBands(...this.input(filter), by, topGroups, start, end, limit));
  }

  matrix(filter: ObjectFilter, cols: MatrixColumnKind, maxRows: number, maxCols: number): MatrixView {
    return this.cached(`matrix:${cols}:${maxRows}:${maxCols}`, filter, () => matrixView(...this.input(filter), cols, filter.otherTasks, maxRows, maxCols));
  }

  lifetimesCsv(filter: ObjectFilter, by: LifetimeGrouping): string {
    return lifetimesCsv(lifetimeHistogram(...this.input(filter), by).rows);
  }

  liveCsv(filter: ObjectFilter, bins: number): string {
    return liveCsv(liveBins(...this.input(filter), Math.max(1, Math.floor(bins))));
  }

  matrixCsv(filter: ObjectFilter, cols: MatrixColumnKind): string {
    return matrixCsv(matrixRows(...this.input(filter), cols, filter.otherTasks));
  }

  quality(filter: ObjectFilter, by: LifetimeGrouping): { rows: QualityRow[]; total: QualityRow } {
    return this.cached(`quality:${by}`, filter, () => qualityRows(...this.input(filter), by));
  }

  qualityCsv(filter: ObjectFilter, by: LifetimeGrouping): string {
    return qualityCsv(this.quality(filter, by).rows);
  }

  kmapSlice(filter: ObjectFilter): Blob {
    const [ctx, indices] = this.input(filter);
    return new Blob([...kmapSliceChunks(ctx.store, indices)] as BlobPart[], { type: 'text/plain' });
  }

  rows(start: number, count: number): ObjectRow[] {
    if (!this.store) return [];
    const end = Math.min(this.selection.length, start + count);
    const rows: ObjectRow[] = [];
    for (let p = Math.max(0, start); p < end; p++) rows.push(objectRow(this.store, this.selection[p], this.ctx ?? undefined));
    return rows;
  }

  positionOf(idx: number): number {
    if (!this.store || idx < 0 || idx >= this.store.numObjects) return -1;
    if (!this.positions || this.positions.length !== this.store.numObjects) {
      this.positions = new Uint32Array(this.store.numObjects);
      for (let p = 0; p < this.selection.length; p++) this.positions[this.selection[p]] = p + 1;
    }
    return this.positions[idx] - 1;
  }

  object(idx: number): ObjectRow | null {
    if (!this.store || !Number.isInteger(idx) || idx < 0 || idx >= this.store.numObjects) return null;
    return objectRow(this.store, idx, this.ctx ?? undefined);
  }

  accesses(idx: number, sort: SortSpec<AccessColumn> | null, limit = Number.POSITIVE_INFINITY): AccessRow[] {
    if (!this.store || !Number.isInteger(idx) || idx < 0 || idx >= this.store.numObjects) return [];
    const rows = accessRowsWindow(this.store, idx, sort, Math.max(0, limit), this.ctx ?? undefined);
    if (rows.length > 0 && this.ctx) {
      const ctx = this.ctx;
      const names = ctx.memo('pidCommands', () => pidCommands(ctx.store));
      for (const r of rows) r.pidCommand = r.pid === null ? null : (names.get(r.pid) ?? null);
    }
    return rows;
  }
}



