// The data worker's state, as a class with no comlink in it (the worker
// module exposes one instance; unit tests drive another directly): loading,
// cancelling, the kmap kept for a Cancel, symbols. The answers about the
// loaded kmap (queries, aggregates, CSV) are its base class, SessionQueries
// (./session-queries.ts).
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
// - A dropped plain file of 16 MB or more (or a URL whose server answers
//   Range requests: byte-ranges.ts) is cut into ranges
//   (parallel-load.ts): this loop parses the first range as above (so rows
//   show and stop/budget/estimate work as for any file) while parsing
//   workers parse the others; their parts are appended once the first range
//   is complete. A stop before then keeps the first range (or the part of it
//   read); a cancel or a failure stops the parsing workers.
// A source is a kmap (a file or a URL) or Memorizer's split CSV pair (two
// files read one after the other as one capture: split-source.ts).
// Symbols are independent of loads: a symbol file stays applied to every kmap
// loaded after it until clearSymbols(). Whenever the store or the symbols
// change, rebuildContext() bumps the generation, which drops the cached
// results of SessionQueries.

import { kmapText, newInputMeter, type MakeDecompressor } from '../src/format/gunzip-web.ts';
import { GzipDataError, gzipContentMessage, isGzip } from '../src/format/gzip.ts';
import { KmapParser, MAX_LINE_BYTES } from '../src/format/parser.ts';
import { appendRanges, rangeParser } from '../src/format/ranges.ts';
import { KmapFormatError } from '../src/format/sniff.ts';
import { QueryContext } from '../src/query/context.ts';
import { dropSortOrders } from '../src/query/sort-orders.ts';
import { sentinelIpMask } from '../src/query/filter.ts';
import { mismatchMessage, resolution, symbolsMismatch } from '../src/query/stats.ts';
import { summarize } from '../src/query/summary.ts';
import type { KmapStore } from '../src/store/kmap-store.ts';
import { budgetBytes, estimateStore, storeBytes } from '../src/store/memory-estimate.ts';
import { IpSymbols } from '../src/symbols/ip-symbols.ts';
import { parseSymbolMap, SymbolFormatError, type SymbolTable } from '../src/symbols/symbol-map.ts';
import type {
  KmapSource,
  KmapWorkerApi,
  LoadProgress,
  MemoryUse,
  MemoryWarning,
  OpenResult,
  ParquetExportFile,
  ParquetExportProgress,
  ParquetExportResult,
  SymbolSource,
  SymbolsInfo,
  SymbolsResult,
  TooBigAnswer,
} from '../src/worker-api.ts';
import { exportCapture, exportWorkingBytes } from './session-export.ts';
import { SessionQueries, SUMMARY_NAMES } from './session-queries.ts';
import { parserFor, pairChunks, pendingBytes, sourceBytes } from './split-source.ts';
import { aggregateRangesFit, appendPeakBytes, LaterRanges, laterBytes, rangesFor, type RangeRunner } from './parallel-load.ts';
import { rangeChunks, rangeSourceSize, type RangeSource } from './byte-ranges.ts';
import { workerText } from './text-reads.ts';
import { answerOrAbort, Cancelled, FILE_SLICE_BYTES, fileChunks, symbolText, urlChunks } from './load-sources.ts';

const PROGRESS_INTERVAL_MS = 100;
/** The memory estimate is made once this much of a file is parsed (a dropped file: after its first few slices). */
const ESTIMATE_AFTER_BYTES = 1024 * 1024;

interface LoadedSymbols {
  name: string;
  table: SymbolTable;
}

export class KmapSession extends SessionQueries implements KmapWorkerApi {
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
  /** Incremented by every exportParquet() and cancelExport(): an export whose token is stale stops. */
  private exportToken = 0;
  /** open() calls not yet answered (a newer one may overlap an older one's end). */
  private loadsRunning = 0;

  /**
   * @param defaultBudget bytes the loaded data may take, with headroom for
   *   the next growth of a column and the kmap kept for Cancel; a load that
   *   would pass it stops early and keeps what it read (partial, reason
   *   'memory'). null: no budget (the CLI and tests).
   * @param decompressor makes the gzip decompressor (tests; default: the
   *   platform's DecompressionStream).
   * @param parallel parsing workers for a big dropped file (parallel-load.ts):
   *   how many ranges, and who parses the ranges after the first; null: one
   *   piece (the default).
   */
  constructor(
    private readonly defaultBudget: number | null = null,
    private readonly decompressor?: MakeDecompressor,
    private readonly parallel: { readonly workers: number; readonly runner: RangeRunner } | null = null,
  ) {
    super();
  }

  /** setMemoryBudget(): a budget below the constructor's for the next loads (null: the constructor's). */
  private lowerBudget: number | null = null;

  /** The budget loads and slices are held to: the constructor's, or the lower one set. */
  private get memoryBudget(): number | null {
    if (this.lowerBudget === null) return this.defaultBudget;
    return this.defaultBudget === null ? this.lowerBudget : Math.min(this.defaultBudget, this.lowerBudget);
  }

  setMemoryBudget(bytes: number | null): void {
    this.lowerBudget = bytes !== null && Number.isFinite(bytes) && bytes > 0 ? bytes : null;
  }

  /** setParseWorkers(): the ranges of the next loads (null: the constructor's count). */
  private parseWorkers: number | null = null;

  setParseWorkers(count: number | null): void {
    this.parseWorkers = count !== null && Number.isInteger(count) && count >= 1 ? Math.min(count, 64) : null;
  }

  protected override sliceRoom(): number | null {
    // A stepped sort is finished first, without an order (its turns would make one during the slice or export).
    this.settleSort(false);
    if (this.memoryBudget === null || !this.store) return null;
    // What the queries keep is let go first (a slice or an export is no time to hold the next sort's buffers or orders).
    this.ctx?.scratch.clear();
    if (this.ctx) dropSortOrders(this.ctx);
    return this.memoryBudget - budgetBytes(this.store) - this.keptBytes() - this.queryBytes();
  }

  /** What a load holds now, as the budget sees it: its columns with growth headroom, plus the kept previous kmap. */
  private heldBytes(loading: KmapStore): number {
    return budgetBytes(loading) + this.keptBytes();
  }

  memoryUse(): MemoryUse {
    return { dataBytes: this.store ? storeBytes(this.store) : 0, keptBytes: this.keptBytes(), queryBytes: this.queryBytes(), budgetBytes: this.memoryBudget };
  }

  /** Bytes of the kmap kept for a Cancel while a load runs. */
  private keptBytes(): number {
    return this.fallback ? storeBytes(this.fallback.store) : 0;
  }

  /**
   * The memory check before the rest of a file is read: the warning to ask
   * about when the whole file will not fit, else null. `textBytes`: for a
   * gzip file, its text's estimated size (the file's size times the ratio so
   * far), which the estimate scales to; null for a plain file. Beside the
   * warning, the cells the estimate expects of the file read aggregates only
   * (whether its ranges would fit: aggregateRangesFit).
   */
  private memoryWarning(store: KmapStore, bytesParsed: number, fileBytes: number, textBytes: number | null): { warning: MemoryWarning; aggregateCells: number } | null {
    if (this.memoryBudget === null) return null;
    const kept = this.keptBytes();
    const content = textBytes ?? fileBytes;
    const est = estimateStore(store, bytesParsed, content, this.memoryBudget - kept);
    // All fits; or not even the part read does, and the running check stops the load at once.
    if (est.fitFraction >= 1 || est.fitFraction * content <= bytesParsed) return null;
    const warning: MemoryWarning = {
      fileBytes,
      textBytes,
      neededBytes: est.bytes,
      budgetBytes: this.memoryBudget,
      keptBytes: kept,
      objects: est.objects,
      accessLines: est.accessLines,
      fitFraction: est.fitFraction,
      aggregateBytes: est.aggregate.bytes,
      aggregateFits: est.aggregate.fits,
    };
    return { warning, aggregateCells: est.aggregate.cells };
  }

  private setStore(next: KmapStore | null, nextSelection: Uint32Array = new Uint32Array(0), complete = false): void {
    this.store = next;
    this.storeComplete = next !== null && complete;
    this.selection = nextSelection;
    this.positions = null;
    this.rebuildContext();
  }

  private rebuildContext(): void {
    this.stopWarming();
    this.forgetBuffers();
    this.ctx = this.store ? new QueryContext(this.store, this.symbols ? new IpSymbols(this.symbols.table, this.store.ips) : null) : null;
    this.generation++;
    this.filterCache.clear();
    this.resultCache.clear();
    // A loaded kmap (or new symbols over one): what its first questions need, made between them.
    if (this.storeComplete) this.warmAfterLoad();
  }

  /**
   * A whole source in one piece (a dropped file, or a URL by Range
   * requests), with no progress: the rare file whose ranges cannot be
   * stitched (names near the cap, a garbage start). Cancel stops it (at its
   * next slice: `stale`); Stop and the memory budget do not, which a hostile
   * file of that kind can use to take as long and as much memory as its
   * parse takes.
   */
  private async parseWhole(source: RangeSource, stale: () => boolean, signal: AbortSignal, aggregateOnly: boolean): Promise<KmapStore> {
    const parser = new KmapParser({ aggregateOnly });
    for await (const chunk of rangeChunks(source, 0, () => Infinity, stale, signal)) parser.push(chunk);
    return parser.finish();
  }

  async open(
    source: KmapSource,
    onProgress: (p: LoadProgress) => void,
    onTooBig?: (w: MemoryWarning) => Promise<TooBigAnswer>,
  ): Promise<OpenResult> {
    this.loadsRunning++;
    try {
      return await this.load(source, onProgress, onTooBig);
    } finally {
      this.loadsRunning--;
    }
  }

  private async load(
    source: KmapSource,
    onProgress: (p: LoadProgress) => void,
    onTooBig?: (w: MemoryWarning) => Promise<TooBigAnswer>,
  ): Promise<OpenResult> {
    const token = ++this.loadToken;
    /** True once cancel() or a newer open() made this load stale. */
    const stale = () => token !== this.loadToken;
    const seq = ++this.openSeq;
    this.abortLoad?.abort();
    const abort = (this.abortLoad = new AbortController());
    // A big plain file, or a URL whose server answers Range requests, is cut into ranges: this thread parses the
    // first, parsing workers the others (parallel-load.ts). The parsing workers start once the memory estimate
    // says the file fits (before it, they would fill memory while the question waits); a file that does not fit
    // is read in one piece, this range reading on to its end. A URL's failure to answer is the load's error.
    const ranges = this.parallel ? await rangesFor(source, this.parseWorkers ?? this.parallel.workers, stale, abort.signal) : { source: null, plan: null };
    let plan = ranges.plan;
    // A cancel or a newer open() while the plan read the file: this load has touched nothing yet, and ends here.
    // After a cancel (this the newest load) a complete kmap on screen stays; else what an earlier load kept for
    // a cancel comes back (that load, superseded by this one, left it to the newest), as for any cancelled load.
    // stop() before anything was read ends the load as a cancel would: there is nothing of this file to keep.
    if (stale() || this.stopToken === token) {
      void ranges.response?.body?.cancel().catch(() => {});
      const stays = seq === this.openSeq && this.storeComplete && this.store !== null;
      return { ok: false, cancelled: true, error: 'Loading was cancelled.', previousKept: stays || this.giveBack(seq) };
    }
    const parser = plan ? rangeParser(plan.variant, true) : parserFor(source);
    const rangeParsed = plan !== null;
    /** The parsing workers, once started (a holder: they start inside the loop and its callbacks). */
    const laterRef: { current: LaterRanges | null } = { current: null };
    /** Aborted when the parsing workers' rows pass the memory budget (checked as they report). */
    const laterOverBudget = new AbortController();
    const onLaterProgress = () => {
      reportNow();
      if (this.memoryBudget !== null && this.heldBytes(parser.store) + laterBytes(laterRef.current, parser.store) > this.memoryBudget) laterOverBudget.abort();
    };
    const startLater = () => {
      if (plan && !laterRef.current && ranges.source) {
        // A first range read aggregates only (the page's answer to a file too big whole): the others too.
        laterRef.current = new LaterRanges(ranges.source, plan, this.parallel!.runner, FILE_SLICE_BYTES, onLaterProgress, parser.store.fold !== null);
      }
    };
    // Only a whole file is worth keeping: one still loading (now superseded) is dropped.
    if (this.store && this.storeComplete && !this.fallback) {
      // A stepped sort finished without an order: the context goes with the new load.
      this.settleSort(false);
      this.fallback = { store: this.store, selection: this.selection };
    }
    this.setStore(null);
    let committed = false;
    const commit = () => {
      committed = true;
      this.setStore(parser.store);
    };
    let totalBytes: number | null = ranges.source ? rangeSourceSize(ranges.source) : sourceBytes(source);
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
      const bytesRead = meter.gzip ? meter.inputBytes : parser.bytesIn + tailBytes + (laterRef.current?.bytes ?? 0);
      onProgress({
        name: source.name,
        bytesRead,
        totalBytes,
        bytesPerSecond: seconds > 0 ? bytesRead / seconds : 0,
        // Once done, the store holds every range (or the one-piece parse that replaced them).
        objects: done && this.store ? this.store.numObjects : parser.store.numObjects + (laterRef.current?.objects ?? 0),
        accesses: done && this.store ? this.store.numAccesses : parser.store.numAccesses + (laterRef.current?.accessLines ?? 0),
        badLines: done && this.store ? this.store.numBadLines : parser.store.numBadLines,
        done,
      });
    };
    const reportNow = () => {
      const now = performance.now();
      if (now - lastReport < PROGRESS_INTERVAL_MS) return;
      lastReport = now;
      report(false);
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
        if (ranges.error !== undefined) throw ranges.error;
        // A dropped gzip file read in one piece is decompressed by a reading worker beside the parser (text-reads.ts).
        const gzipFile = source.kind === 'file' && !plan && typeof Worker === 'function' && isGzip(new Uint8Array(await source.file.slice(0, 2).arrayBuffer()));
        const chunks =
          source.kind === 'pair'
            ? pairChunks(source, (blob) => fileChunks(blob, stale))
            : gzipFile && source.kind === 'file'
              ? workerText(source.file, meter, stale, () => kmapText(fileChunks(source.file, stale), meter, this.decompressor))
              : kmapText(
                  ranges.source
                    ? rangeChunks(ranges.source, 0, () => (plan ? plan.starts[1] : Infinity), stale, abort.signal)
                    : source.kind === 'file'
                      ? fileChunks(source.file, stale)
                      : urlChunks(source.url, stale, abort.signal, (n) => (totalBytes = n), ranges.response),
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
            const asked = this.memoryWarning(parser.store, parser.bytesIn, totalBytes, textBytes);
            const warning = asked?.warning ?? null;
            // A file that does not fit is read in one piece (the part that fits), unless it is read aggregates only.
            const planned = plan;
            if (warning) plan = null;
            else startLater();
            if (warning && onTooBig) {
              report(false);
              // cancel(), stop(), close() and a newer open() abort the load: they end the wait too.
              const answer = await answerOrAbort(onTooBig(warning), abort.signal);
              if (token !== this.loadToken) throw new Cancelled();
              if (answer === null && stopped()) {
                endedEarly = true;
                break;
              }
              if (answer !== 'part' && answer !== 'aggregate') {
                this.cancel();
                throw new Cancelled();
              }
              if (answer === 'aggregate') {
                // The lines read so far are summed and let go; the parser sums the rest as it reads them,
                // in ranges again when the file was cut (and this range has not been read past its end).
                parser.store.foldAccessRows(sentinelIpMask(parser.store));
                this.rebuildContext();
                if (planned && parser.bytesIn < planned.starts[1] && aggregateRangesFit(warning.aggregateBytes, asked!.aggregateCells, planned.starts.length, warning.budgetBytes - this.keptBytes())) {
                  plan = planned;
                  startLater();
                }
              }
            }
          }
          if (this.memoryBudget !== null && committed && this.heldBytes(parser.store) + pendingBytes(parser) + laterBytes(laterRef.current, parser.store) > this.memoryBudget) {
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
      let partial = endedEarly;
      if (token !== this.loadToken) throw new Cancelled();
      if (!partial) for (const t of tail) parser.push(t);
      const keptBefore = this.keptBytes();
      parser.finish();
      if (!committed) commit();
      // A first range too short for the estimate's check to have run: its parsing workers start now.
      if (!partial) startLater();
      const running = laterRef.current;
      if (running && partial) {
        running.stop();
      } else if (running) {
        // The first range is complete (its rows show); the parsing workers' parts join it, or a stop (or the
        // budget, as they grow, or the append's peak: the whole store reserved while the parts are held) keeps it.
        let parts = await answerOrAbort(running.parts, AbortSignal.any([abort.signal, laterOverBudget.signal]));
        if (token !== this.loadToken) throw new Cancelled();
        if (parts !== null && this.memoryBudget !== null && this.keptBytes() + appendPeakBytes(parser.store, parts) > this.memoryBudget) {
          laterOverBudget.abort();
          parts = null;
        }
        if (parts === null) {
          running.stop();
          partial = true;
          overBudget = laterOverBudget.signal.aborted && !stopped();
        } else if (!appendRanges(parser as KmapParser, parts)) {
          // The stitch cannot promise the single parse's store (format/ranges.ts): the file again, in one piece
          // (the parts dropped first). Rare: a hostile file (names near the cap, no good object before bad lines).
          parts = null;
          // Not the load's signal: stop() aborts it, and Stop does not end this read.
          this.setStore(await this.parseWhole(ranges.source!, stale, new AbortController().signal, parser.store.fold !== null));
        }
      }
      // A range parser leaves its slack for the append (KmapParser.finish): trimmed here whatever came of it.
      if (rangeParsed) parser.store.trim();
      this.storeComplete = true;
      this.fallback = null;
      // The final size: results cached while loading are stale.
      this.rebuildContext();
      report(true);
      return {
        ok: true,
        summary: summarize(this.store!, SUMMARY_NAMES),
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
      laterRef.current?.stop();
      const previousKept = this.giveBack(seq);
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

  /**
   * When load `seq` is the newest and failed or was cancelled: the previous
   * kmap back (true), or nothing shown when none was kept.
   */
  private giveBack(seq: number): boolean {
    if (seq !== this.openSeq) return false;
    const kept = this.fallback;
    this.fallback = null;
    if (kept) this.setStore(kept.store, kept.selection, true);
    else this.setStore(null);
    return kept !== null;
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

  async loadSymbols(source: SymbolSource): Promise<SymbolsResult> {
    const got = await symbolText(source);
    if (!got.ok) return { ok: false, name: source.name, error: got.error };
    const text = got.text;
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

  async exportParquet(
    capture: string,
    onFile: (f: ParquetExportFile) => void,
    onProgress: (p: ParquetExportProgress) => void,
  ): Promise<ParquetExportResult> {
    const token = ++this.exportToken;
    if (this.loadsRunning > 0 || (this.ctx && !this.storeComplete)) return { ok: false, cancelled: false, error: 'A file is loading: export it once it is loaded.' };
    if (!this.ctx) return { ok: false, cancelled: false, error: 'No file is loaded: open a kmap first.' };
    if (this.ctx.store.fold) {
      return {
        ok: false,
        cancelled: false,
        error: 'This kmap was loaded aggregates only: its access lines, which the accesses table of the export holds, were summed, not kept. The command line writes every table of any size: kmap export FILE --parquet DIR',
      };
    }
    const room = this.sliceRoom();
    const need = exportWorkingBytes(this.ctx.store.numObjects, this.ctx.store.numAccesses);
    if (room !== null && need > room) {
      const mb = (n: number) => `${Math.round(n / 1e6).toLocaleString('en-US')} MB`;
      return {
        ok: false,
        cancelled: false,
        error: `Writing Parquet needs about ${mb(need)} of working memory, more than this tab has left (${mb(Math.max(0, room))}). The command line writes the same files: kmap export FILE --parquet DIR`,
      };
    }
    const generation = this.generation;
    return exportCapture(this.ctx, capture, {
      interrupted: () => (token !== this.exportToken ? 'cancelled' : generation !== this.generation ? 'changed' : null),
      send: (f) => onFile(this.transferable(f, [f.bytes.buffer as ArrayBuffer])),
      onProgress,
    });
  }

  cancelExport(): void {
    this.exportToken++;
  }

  /**
   * A value to send to the page with `buffers` moved rather than copied. The
   * worker module marks them for comlink (Comlink.transfer); this class has
   * no comlink in it, and tests keep the value as it is.
   */
  protected transferable<T>(value: T, _buffers: Transferable[]): T {
    return value;
  }
}
