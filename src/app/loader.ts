// Loading and querying: the only code that talks to the worker about the
// data set as a whole. Opens files and URLs (with progress, cancel and a
// table that fills while loading), re-runs the query when the view changes,
// and restores a selection that came with a link.

import * as Comlink from 'comlink';
import { isEmptyFilter, type FilteredTotals, type KmapSource, type KmapSummary, type LoadProgress, type MemoryUse, type MemoryWarning, type NameList, type ObjectRow, type PartialLoad, type QueryResult, type TooBigAnswer, type ViewQuery } from '../worker-api.ts';
import { kmapApi, onWorkerCrash } from './kmap-client.ts';
import { ROW_PAGE_SIZE } from './row-cache.ts';
import { preflight } from './preflight.ts';
import { FINGERPRINT_HEAD_BYTES, fingerprint, fingerprintSize } from '../view-state/fingerprint.ts';
import { shownName } from '../query/shown-name.ts';
import { splitPairOf } from './split-pair.ts';
import { fileLooksLikeSymbolMap } from './symbols-sniff.ts';
import { emptyDataPatch, NAMES_FETCHED, NO_NAME_OPTIONS, useDataStore, type LoadedSource } from './stores/data-store.ts';
import { notify, useNoticeStore } from './stores/notice-store.ts';
import { useViewStore, withoutHistory } from './stores/view-store.ts';
import { formatBytes, formatCount, percentOf } from './format.ts';
import { within } from './within.ts';

/** How often the table and summary refresh while a file loads, at most. */
const REFRESH_WHILE_LOADING_MS = 250;

/**
 * The most of a load's time its refreshes may take: a refresh that took t
 * waits t * (1 / share - 1) before the next. The data worker answers them
 * between slices of the parse, and each costs time in proportion to what is
 * loaded (the filter, the totals, the per-object sums): at a fifth, the
 * refreshes were about a fifth of the data worker's time while it loaded
 * 1 GB (a trace), and a tenth took that load from 6.07-6.31 s to 5.35-5.54 s
 * in one piece and from 4.37-4.46 to 3.84-4.03 s in ranges (Chromium,
 * interleaved, 2 rounds). The progress bar moves with every progress report
 * either way; the rows and the summary follow less often on big files.
 */
const REFRESH_SHARE_WHILE_LOADING = 0.1;

/** Incremented by every load: answers for an older load are dropped. */
let loadSeq = 0;
/** Incremented by every query: only the latest answer is applied. */
let querySeq = 0;
/** The selected object from a link waits for the first complete load. */
let restorePending = false;

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Loads by what they read (a File is kept by reference, a URL as given), so
 * that a failure or a dead worker can offer to open the file again: the one
 * in progress, the one on screen, and the one Retry opens (the last that
 * failed, or whose worker died).
 */
interface Load {
  source: KmapSource;
  loaded: LoadedSource;
}
let loadingNow: Load | null = null;
let shown: Load | null = null;
let retryable: Load | null = null;

/** Set by Cancel until the load answers: a crash meanwhile does not offer the cancelled file. */
let cancelling = false;

/** Answers the worker's question about a file too big for its memory budget, and whose load asked. */
let answerTooBig: { seq: number; resolve: (answer: TooBigAnswer) => void } | null = null;

/**
 * What the page showed before the loads now running replaced it: kept across
 * loads that replace each other, given back if the last of them fails or is
 * cancelled (the worker keeps that kmap the same way), dropped once one
 * succeeds.
 */
let keptView: {
  source: LoadedSource | null;
  summary: KmapSummary | null;
  nameOptions: ReturnType<typeof useDataStore.getState>['nameOptions'];
  loadSeconds: number | null;
  partial: PartialLoad | null;
  obj: number | null;
  load: Load | null;
} | null = null;

/** Shows `error` with a Retry of `load` (or without Retry when null). */
function setError(error: string, load: Load | null, kind: 'load' | 'crash' = 'load'): void {
  retryable = load;
  setData({ error, retry: load ? { error, kind } : null });
}

// A dead worker took the data with it. The view (filters, tab, selection)
// stays in the view store; the file is named and offered again.
onWorkerCrash((message) => {
  loadSeq++;
  const d = useDataStore.getState();
  const was = (cancelling ? null : loadingNow) ?? shown;
  loadingNow = null;
  shown = null;
  keptView = null;
  cancelling = false;
  answerTooBig = null;
  useNoticeStore.getState().setKeyed('unknown-names', null);
  useNoticeStore.getState().setKeyed('filters-keep-nothing', null);
  const what = was ? `${d.phase === 'loading' && was !== shownBefore(d) ? 'while loading' : 'holding'} ${JSON.stringify(was.loaded.name)}` : '';
  const error =
    `The data worker stopped${what ? ` ${what}` : ''}: ${message}. Its data is gone; the view is kept.` +
    (was ? ' Retry opens the file again (the same view applies to it).' : '');
  setData({ ...emptyDataPatch(null), failedSrc: was?.loaded.src ?? null });
  // Nothing held: a Retry offered before (a failed load) stays on offer.
  if (was) setError(error, was, 'crash');
  else setData({ error, retry: retryable ? useDataStore.getState().retry : null });
});

/** The load whose kmap the page shows, when it is not the one loading. */
function shownBefore(d: ReturnType<typeof useDataStore.getState>): Load | null {
  return d.source !== null && shown?.loaded === d.source ? shown : null;
}

export function setRestorePending(pending: boolean): void {
  restorePending = pending;
}

export function currentQuery(): ViewQuery {
  const v = useViewStore.getState();
  return { filter: structuredClone(v.filter), sort: v.sort ? { ...v.sort } : null };
}

function setData(patch: Partial<ReturnType<typeof useDataStore.getState>>): void {
  useDataStore.setState(patch);
}

/** Incremented by every file or URL chosen: a slower preflight of an earlier choice is dropped. */
let chooseSeq = 0;

export async function openFile(file: File): Promise<void> {
  const choice = ++chooseSeq;
  retryable = null;
  setData({ error: null, retry: null });
  // The preflight runs before anything is replaced: a file that is plainly
  // not a kmap leaves the loaded view (or a load in progress) alone.
  const why = await preflight(file);
  if (choice !== chooseSeq) return;
  if (why) {
    const symbolsHint = (await fileLooksLikeSymbolMap(file))
      ? ' It looks like a System.map or /proc/kallsyms file: open it with "Open symbols" (or drop it on the page) to name the functions.'
      : '';
    if (choice !== chooseSeq) return;
    setData({ error: `Could not open ${JSON.stringify(file.name)}: ${why}${symbolsHint}` });
    return;
  }
  let fp: string | null = null;
  try {
    fp = fingerprint(file.size, new Uint8Array(await file.slice(0, FINGERPRINT_HEAD_BYTES).arrayBuffer()));
  } catch {
    // Unreadable here: the worker's read will say why.
  }
  if (choice !== chooseSeq) return;
  checkExpectedFile(file.name, fp);
  const seq = ++loadSeq;
  await load(seq, { kind: 'file', file, name: file.name }, { kind: 'file', name: file.name, src: null, fingerprint: fp });
}

/**
 * A link made on another file: says so (its view may not fit this one). The
 * link's file is then forgotten: the address bar names the file opened.
 */
function checkExpectedFile(name: string, fp: string | null): void {
  const expected = useDataStore.getState().expectedFile;
  if (!expected) return;
  setData({ expectedFile: null });
  if (fp === expected.fp) return;
  const size = (n: number) => `${n.toLocaleString('en-US')} bytes`;
  if (fp === null) {
    notify(`This link's view was made on ${shownName(expected.name)}; ${shownName(name)} could not be read here to check that it is the same file.`);
    return;
  }
  notify(
    `This link's view was made on ${shownName(expected.name)} (${size(fingerprintSize(expected.fp))}); ` +
      `${shownName(name)}${fp ? ` (${size(fingerprintSize(fp))})` : ''} is a different file, so its objects and numbers may not match the view.`,
  );
}

/**
 * Opens what the user chose or dropped as kmap data: one file is a kmap;
 * two files are Memorizer's split CSV pair (allocations and accesses, in
 * either order), opened as one capture; more is refused with a message.
 */
export async function openKmapFiles(files: File[]): Promise<void> {
  if (files.length === 1) return openFile(files[0]);
  if (files.length !== 2) {
    ++chooseSeq;
    setData({
      error: `${files.length} files were chosen: open one kmap, or the two files of Memorizer's split CSV pair (allocations and accesses) together.`,
    });
    return;
  }
  const choice = ++chooseSeq;
  retryable = null;
  setData({ error: null, retry: null });
  // Told apart by their headers before anything is replaced, as a kmap's preflight.
  const pair = await splitPairOf(files[0], files[1]);
  if (choice !== chooseSeq) return;
  if (!pair.ok) {
    setData({ error: `Could not open ${pair.file ? JSON.stringify(pair.file.name) : 'these files'}: ${pair.error}` });
    return;
  }
  const name = `${pair.allocations.name} + ${pair.accesses.name}`;
  // A pair has no fingerprint (links name single files): a link's file is checked against neither.
  setData({ expectedFile: null });
  const seq = ++loadSeq;
  await load(
    seq,
    { kind: 'pair', allocations: pair.allocations, accesses: pair.accesses, allocationsName: pair.allocations.name, accessesName: pair.accesses.name, name },
    { kind: 'file', name, src: null, fingerprint: null },
  );
}

export async function openUrl(src: string): Promise<void> {
  ++chooseSeq;
  retryable = null;
  setData({ error: null, retry: null });
  const name = src.replace(/[?#].*$/, '').split('/').filter(Boolean).pop() ?? src;
  let url: string;
  try {
    url = resolveSrc(src);
  } catch {
    setData({ error: `Could not open ${JSON.stringify(src)}: not a valid URL.` });
    return;
  }
  setData({ expectedFile: null });
  const seq = ++loadSeq;
  await load(seq, { kind: 'url', url, name }, { kind: 'url', name, src, fingerprint: null });
}

/**
 * The absolute URL of a ?src= value: relative values are relative to the
 * app's base (import.meta.env.BASE_URL), where public/ files are served.
 * The worker needs it absolute (it would resolve against its own script).
 */
export function resolveSrc(src: string): string {
  const base = new URL(import.meta.env.BASE_URL, window.location.href);
  return new URL(src, base).href;
}

/** The user's answer to the "too big for this tab" question of the load in progress. */
export function answerMemoryWarning(answer: TooBigAnswer): void {
  const asked = answerTooBig;
  answerTooBig = null;
  setData({ tooBig: null });
  asked?.resolve(answer);
}

/** Stops the load in progress; the kmap loaded before (if any) comes back. */
export function cancelLoad(): void {
  if (useDataStore.getState().phase !== 'loading') return;
  answerMemoryWarning('cancel');
  cancelling = true;
  kmapApi()
    .cancel()
    .catch(() => {});
}

/** Stops the load in progress and keeps what it read, marked partial. */
export function stopAndKeep(): void {
  if (useDataStore.getState().phase !== 'loading') return;
  const stop = kmapApi().stop();
  answerMemoryWarning('part'); // after stop(): the worker reads no further
  stop.catch(() => {});
}

/**
 * Re-reads the symbol file's info from the worker: its resolution and
 * mismatch are against the kmap loaded now (the worker keeps symbols across
 * kmap loads).
 */
async function refreshSymbolsInfo(): Promise<void> {
  try {
    const info = await kmapApi().symbolsInfo();
    if (info !== null || useDataStore.getState().symbols !== null) setData({ symbols: info });
  } catch {
    // The worker is gone; its crash handler resets the page.
  }
}

async function load(seq: number, source: KmapSource, loaded: LoadedSource): Promise<void> {
  answerMemoryWarning('cancel'); // a question of the load this one replaces is moot
  const current: Load = { source, loaded };
  loadingNow = current;
  cancelling = false;
  retryable = null;
  setData({ retry: null });
  const error = await loadKmap(seq, source, loaded);
  if (loadingNow === current) loadingNow = null;
  if (seq !== loadSeq) return;
  cancelling = false;
  const onScreen = useDataStore.getState().source;
  // The new file, the one given back (unchanged), or nothing.
  if (onScreen === loaded) shown = current;
  else if (onScreen === null) shown = null;
  // A link whose file failed keeps its src only while nothing else is shown.
  setData({ failedSrc: error !== null && loaded.src !== null && onScreen === null ? loaded.src : null });
  if (error !== null) setError(error, current);
  await refreshSymbolsInfo();
}

/** Opens the load that the shown error offers again (a failed one, or one whose worker died). */
export function retryLoad(): void {
  const r = retryable;
  if (!r) return;
  retryable = null;
  setData({ error: null, retry: null });
  void load(++loadSeq, r.source, r.loaded);
}

/** Loads one kmap; the error when it failed (null when it loaded, was cancelled or superseded). */
async function loadKmap(seq: number, source: KmapSource, loaded: LoadedSource): Promise<string | null> {
  const api = kmapApi();
  // What is on screen now: the worker keeps that kmap until the new file is
  // complete, and gives it back if it fails or is cancelled. A load that
  // replaces a load still running keeps what was kept before it.
  const before = useDataStore.getState();
  if (before.phase === 'ready') {
    keptView = {
      source: before.source,
      summary: before.summary,
      nameOptions: before.nameOptions,
      loadSeconds: before.loadSeconds,
      partial: before.partial,
      obj: useViewStore.getState().obj,
      load: shown,
    };
  } else if (before.phase === 'empty') {
    keptView = null;
  }
  const previous = keptView;
  reportedUnknown = null;
  useNoticeStore.getState().setKeyed('unknown-names', null);
  useNoticeStore.getState().setKeyed('filters-keep-nothing', null);
  withoutHistory(() => {
    if (!restorePending) useViewStore.getState().selectObject(null, null);
    else useViewStore.getState().setCursor(null);
  });
  const totalBytes = source.kind === 'file' ? source.file.size : source.kind === 'pair' ? source.allocations.size + source.accesses.size : null;
  setData({
    phase: 'loading',
    source: loaded,
    progress: {
      name: loaded.name,
      bytesRead: 0,
      totalBytes,
      bytesPerSecond: 0,
      objects: 0,
      accesses: 0,
      badLines: 0,
      done: false,
    },
    summary: null,
    nameOptions: NO_NAME_OPTIONS,
    result: null,
    totals: null,
    totalsPending: false,
    loadSeconds: null,
    partial: null,
    selectionVersion: useDataStore.getState().selectionVersion + 1,
    selectionGrew: false,
  });

  // Refresh the table about 4 times a second while loading, but never spend
  // more than REFRESH_SHARE_WHILE_LOADING of the time on it (a sorted query
  // over millions of objects takes a while and would slow the parse down).
  // The first refresh comes with the first progress that has objects: the
  // first rows at once.
  let nextRefresh = performance.now() + REFRESH_WHILE_LOADING_MS;
  let shownRows = false;
  let refreshing = false;
  const onProgress = (p: LoadProgress) => {
    if (seq !== loadSeq) return;
    setData({ progress: p });
    const now = performance.now();
    if (!refreshing && !p.done && (now >= nextRefresh || (!shownRows && p.objects > 0))) {
      shownRows = p.objects > 0;
      refreshing = true;
      void refresh(seq, true).finally(() => {
        const end = performance.now();
        nextRefresh = end + Math.max(REFRESH_WHILE_LOADING_MS, (end - now) * (1 / REFRESH_SHARE_WHILE_LOADING - 1));
        refreshing = false;
      });
    }
  };

  // The worker asks once, after the first megabyte, when the file will not fit.
  const onTooBig = (w: MemoryWarning) =>
    new Promise<TooBigAnswer>((resolve) => {
      if (seq !== loadSeq) return resolve('cancel');
      answerTooBig = { seq, resolve };
      setData({ tooBig: w });
      void refresh(seq, true); // the rows read so far, while the user decides
    });

  let res: Awaited<ReturnType<typeof api.open>>;
  try {
    res = await api.open(source, Comlink.proxy(onProgress), Comlink.proxy(onTooBig));
  } catch (err) {
    res = { ok: false, cancelled: false, error: `Loading ${JSON.stringify(loaded.name)} failed: ${describe(err)}`, previousKept: false };
  }
  if (seq !== loadSeq) return null;
  // The load ended (a failure, or the worker's own stop) with its question still up.
  if (answerTooBig?.seq === seq) answerMemoryWarning('cancel');
  if (!res.ok) {
    const error = res.cancelled ? null : `Could not open ${JSON.stringify(loaded.name)}: ${res.error}`;
    keptView = null;
    if (res.previousKept && previous) {
      const { obj, load: previousLoad, ...view } = previous;
      setData({
        ...view,
        phase: 'ready',
        progress: null,
        result: null,
        error: null,
        selectionVersion: useDataStore.getState().selectionVersion + 1,
        selectionGrew: false,
      });
      shown = previousLoad;
      withoutHistory(() => useViewStore.getState().selectObject(obj, null));
      await refresh(seq);
      if (res.cancelled) notify(`Loading ${JSON.stringify(loaded.name)} was cancelled; ${JSON.stringify(previous.source?.name ?? '')} is shown again.`);
    } else {
      // Nothing is on screen to give back: let the worker free what it kept.
      if (res.previousKept) await api.close().catch(() => {});
      setData(emptyDataPatch(null));
      if (res.cancelled) notify(`Loading ${JSON.stringify(loaded.name)} was cancelled.`);
    }
    return error;
  }
  keptView = null;
  // The final query first, so that 'ready' never shows a partial row count.
  await refresh(seq, true);
  if (seq !== loadSeq) return null;
  setData({
    phase: 'ready',
    summary: res.summary,
    loadSeconds: res.seconds,
    partial: res.partial,
    progress: null,
    loadCount: useDataStore.getState().loadCount + 1,
  });
  if (res.partial?.reason === 'memory') {
    const p = res.partial;
    const pct = percentOf(p.bytesKept, p.totalBytes);
    const kept =
      p.keptBytes > 0
        ? ` (and the kmap shown before, held until this one was complete so that Cancel could give it back, took ${formatBytes(p.keptBytes)}: opening this file with nothing else loaded reads more of it)`
        : '';
    setData({
      error:
        `Loading ${JSON.stringify(loaded.name)} stopped${pct === null ? '' : ` at ${pct}%`}: its data already takes ${formatBytes(p.memoryBytes)}${kept}, ` +
        'and more would risk this tab running out of memory. The part read is shown, marked partial; the kmap command line reads files of any size.',
    });
  }
  reportUnknownNames(useDataStore.getState().result?.unknownNames ?? []);
  reportFiltersKeepNothing(true);
  if (restorePending) {
    restorePending = false;
    // A link's filter may name functions (site=, fn:): its selection is only
    // found among the rows once the link's symbols are applied.
    if (useDataStore.getState().symbolsLoading !== null) {
      await symbolsSettled();
      if (seq !== loadSeq) return null;
      await refresh(seq);
      if (seq !== loadSeq) return null;
    }
    await restoreSelection(seq);
  }
  return null;
}

/** Resolves once no symbol file is loading. */
function symbolsSettled(): Promise<void> {
  if (useDataStore.getState().symbolsLoading === null) return Promise.resolve();
  return new Promise((resolve) => {
    const unsubscribe = useDataStore.subscribe((s) => {
      if (s.symbolsLoading !== null) return;
      unsubscribe();
      resolve();
    });
  });
}

/** The first page of rows that came with the answer applied last: the selection version it made and the query it answered. */
let firstPage: { version: number; qseq: number; rows: ObjectRow[] } | null = null;

/**
 * Rows [0, ROW_PAGE_SIZE) of the worker's current selection, when they came
 * with the answer that made selection `version` and no query has been sent
 * since (the worker's selection is then still theirs); else null, and the
 * table asks rows() as before. Decided here, not per table: a table mounted
 * later (a drill-down sends the query, then shows the tab) or a version moved
 * on alone (symbols applied, before their query) must not seed older rows.
 */
export function firstPageFor(version: number): ObjectRow[] | null {
  return firstPage !== null && firstPage.version === version && firstPage.qseq === querySeq ? firstPage.rows : null;
}

/**
 * How long a refresh after a filter or sort waits for the filter's totals
 * once its other answers are in, before it shows the rows without them (the
 * totals then follow, the summary strip showing them as being counted): at
 * 5 GB a filter right after the load takes 190-260 ms for its totals (the
 * per-object sums not made yet) after 90-170 ms for its rows; on a smaller
 * file they come together, as they always do while a file loads.
 */
const TOTALS_GRACE_MS = 30;

/** Re-runs the query, the summary, the pickers' names (the most frequent few hundred of each) and the filter's totals. */
async function refresh(seq: number, grew = false): Promise<void> {
  const api = kmapApi();
  // The table's first page comes with the answer when the table is shown (a new filter or sort shows its top).
  const q = { ...currentQuery(), ...(useViewStore.getState().tab === 'objects' ? { firstRows: ROW_PAGE_SIZE } : {}) };
  const qseq = ++querySeq;
  const current = () => seq === loadSeq && qseq === querySeq;
  const failed = (err: unknown) => {
    if (current()) setData({ error: `The query failed: ${describe(err)}`, totalsPending: false });
  };
  let answers: [QueryResult, KmapSummary | null, NameList, NameList, NameList, MemoryUse];
  // The totals are asked last (the worker answers in the order asked): the rest need not wait for them.
  let totalsAnswer: Promise<FilteredTotals>;
  let early: { value: FilteredTotals } | null;
  try {
    const rest = Promise.all([
      api.query(q),
      api.summary(),
      api.nameOptions('slab', '', NAMES_FETCHED),
      api.nameOptions('type', '', NAMES_FETCHED),
      api.nameOptions('command', '', NAMES_FETCHED),
      api.memoryUse(),
    ]);
    totalsAnswer = api.totals(q.filter);
    // Its failure is reported where it is awaited (below), not as an unhandled rejection meanwhile.
    totalsAnswer.catch(() => {});
    answers = await rest;
    // While a file loads (the store grew), its totals come with the rest, as every refresh's did: no "…" four times a second.
    early = grew ? { value: await totalsAnswer } : await within(totalsAnswer, TOTALS_GRACE_MS);
  } catch (err) {
    failed(err);
    return;
  }
  const [{ firstRows, ...result }, summary, slab, type, command, memory] = answers;
  if (!current()) return;
  const d = useDataStore.getState();
  const version = d.selectionVersion + 1;
  firstPage = firstRows ? { version, qseq, rows: firstRows } : null;
  setData({
    result,
    totals: early?.value ?? null,
    totalsPending: early === null,
    memory,
    summary: summary ?? d.summary,
    nameOptions: { slab, type, command },
    selectionVersion: version,
    dataVersion: grew || summary?.objects !== d.summary?.objects ? d.dataVersion + 1 : d.dataVersion,
    selectionGrew: grew,
  });
  reportUnknownNames(result.unknownNames);
  reportFiltersKeepNothing(false);
  if (early !== null) return;
  let totals: FilteredTotals;
  try {
    totals = await totalsAnswer;
  } catch (err) {
    failed(err);
    return;
  }
  if (current()) setData({ totals, totalsPending: false });
}

/**
 * Names in the filter that the file lacks: one notice (with "Clear filters")
 * that follows the filter and goes once they are gone.
 */
function reportUnknownNames(unknown: string[]): void {
  // While symbols load, a function name in the filter is not known yet: the
  // query that follows them reports what is still missing.
  if (useDataStore.getState().phase !== 'ready' || useDataStore.getState().symbolsLoading !== null) return;
  const where = useDataStore.getState().partial ? 'The part of this file that was read has' : 'This file has';
  const text = unknown.length > 0 ? `${where} no ${unknown.join(', ')}; the filter keeps no objects of ${unknown.length === 1 ? 'it' : 'them'}.` : null;
  // Only a change is shown again (a dismissed notice stays dismissed while the names stay the same).
  if (text === reportedUnknown) return;
  reportedUnknown = text;
  useNoticeStore.getState().setKeyed('unknown-names', text, 'clear-filters');
}
let reportedUnknown: string | null = null;

/**
 * A file that opens with filters (kept from the file before, or from a link)
 * that keep none of its objects says so, with "Clear filters"; the notice
 * goes once the filters keep something or are cleared.
 */
function reportFiltersKeepNothing(atLoad: boolean): void {
  const d = useDataStore.getState();
  const r = d.result;
  const keepsNothing = d.phase === 'ready' && r !== null && r.total === 0 && r.numObjects > 0 && !isEmptyFilter(useViewStore.getState().filter);
  const notices = useNoticeStore.getState();
  if (!keepsNothing) notices.setKeyed('filters-keep-nothing', null);
  else if (atLoad && r.unknownNames.length === 0) {
    notices.setKeyed(
      'filters-keep-nothing',
      `The filters keep none of the ${formatCount(r.numObjects)} objects ${d.partial ? 'read' : ''}${d.partial ? ' ' : ''}of ${JSON.stringify(d.source?.name ?? 'this file')}.`,
      'clear-filters',
    );
  }
}

/** Re-runs the query after the view changed (filter or sort). */
export async function runQuery(): Promise<void> {
  if (useDataStore.getState().phase === 'empty') return;
  await refresh(loadSeq);
}

async function restoreSelection(seq: number): Promise<void> {
  const view = useViewStore.getState();
  const obj = view.obj;
  if (obj === null) return;
  const numObjects = useDataStore.getState().summary?.objects ?? 0;
  if (obj >= numObjects) {
    notify(`The link selects object #${formatCount(obj)}, but this file has ${formatCount(numObjects)} objects; nothing is selected.`);
    withoutHistory(() => view.selectObject(null, null));
    return;
  }
  const pos = await kmapApi()
    .positionOf(obj)
    .catch(() => -1);
  if (seq !== loadSeq) return;
  if (pos < 0) {
    notify(`Object #${formatCount(obj)} is selected but hidden by the filter or search.`);
    return;
  }
  useViewStore.getState().setCursor(pos);
  useViewStore.getState().revealPos(pos, true);
}

/** Scrolls the table to the selected object (after a click elsewhere, or a query). */
export async function revealSelected(): Promise<void> {
  const obj = useViewStore.getState().obj;
  if (obj === null || useDataStore.getState().phase === 'empty') return;
  const seq = loadSeq;
  const pos = await kmapApi()
    .positionOf(obj)
    .catch(() => -1);
  if (seq !== loadSeq) return;
  if (pos < 0) {
    notify(`Object #${formatCount(obj)} is hidden by the filter or search.`);
    return;
  }
  useViewStore.getState().setCursor(pos);
  useViewStore.getState().revealPos(pos, true);
}
