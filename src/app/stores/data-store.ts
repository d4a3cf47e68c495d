// What is loaded: the phase, the source, load progress, the summary and the
// current selection's size, the symbol file in use. Written by loader.ts
// and symbols-loader.ts (the symbols); components read it.

import { create } from 'zustand';
import type { FilteredTotals, KmapSummary, LoadProgress, MemoryUse, MemoryWarning, NameField, NameList, PartialLoad, QueryResult, SymbolsInfo } from '../../worker-api.ts';

export type Phase = 'empty' | 'loading' | 'ready';

export interface LoadedSource {
  kind: 'file' | 'url';
  name: string;
  /** For kind 'url': the URL as given (it goes into ?src=). */
  src: string | null;
  /** For kind 'file': its fingerprint (view-state/fingerprint.ts; it goes into ?fp=). */
  fingerprint: string | null;
}

export interface DataState {
  phase: Phase;
  source: LoadedSource | null;
  progress: LoadProgress | null;
  /** Set while a load waits for the user: the file will not fit in the worker's memory budget. */
  tooBig: MemoryWarning | null;
  summary: KmapSummary | null;
  /** The most frequent names of the file with their object counts, for the filter pickers (and how many there are). */
  nameOptions: Record<NameField, NameList>;
  result: QueryResult | null;
  /** Totals over the filtered objects (the summary strip's filtered column). */
  totals: FilteredTotals | null;
  /** True while the totals of the shown query are still being counted (its rows came first: loader.ts, refresh). */
  totalsPending: boolean;
  /** What the data worker holds (the summary strip's "Memory"), as of the last refresh. */
  memory: MemoryUse | null;
  /** The symbol file applied to the data, with its resolution; null without one. */
  symbols: SymbolsInfo;
  /** Where the symbol file came from when loaded by URL (it goes into ?symbols=). */
  symbolsSrc: string | null;
  /** The name of a symbol file being read, or null. */
  symbolsLoading: string | null;
  /** Bumped whenever the data, its size or the symbols change: views re-run their aggregates. */
  dataVersion: number;
  /** Bumped whenever the worker's selection changes: row caches drop their pages. */
  selectionVersion: number;
  /**
   * True when the latest selection is the same query over more objects (a
   * refresh while loading): the table may show its old rows until new arrive.
   */
  selectionGrew: boolean;
  /** Seconds the last complete load took. */
  loadSeconds: number | null;
  /** Set when the loaded kmap is the first part of its file ("Stop and keep what is loaded"). */
  partial: PartialLoad | null;
  /** Loads completed in this page (shown as data-load-count, so that tests can wait for the next). */
  loadCount: number;
  /** A load error, shown in the alert region; the previous view stays. */
  error: string | null;
  /**
   * The ?src= of a URL load that failed with nothing else to show: it stays
   * in the address bar (so that the link can be retried or shared).
   */
  failedSrc: string | null;
  /**
   * The file a link's view was made on (?file= and ?fp=), until a kmap is
   * opened: it stays in the address bar meanwhile, and the file opened is
   * checked against it.
   */
  expectedFile: { name: string; fp: string } | null;
  /**
   * The error that offers Retry, with what it retries: a load that failed,
   * or one whose worker died ('crash': its symbol file comes back too).
   * Retry shows only while `error` is that error.
   */
  retry: { error: string; kind: 'load' | 'crash' } | null;
}

/** Names per field fetched with every refresh; a picker asks the worker for more as the user types. */
export const NAMES_FETCHED = 500;

const NO_NAMES: NameList = { options: [], total: 0 };
export const NO_NAME_OPTIONS: Record<NameField, NameList> = { slab: NO_NAMES, type: NO_NAMES, command: NO_NAMES };

/** What nothing loaded looks like (fields that every way back to empty resets). */
function emptyFields() {
  return {
    phase: 'empty' as const,
    source: null,
    progress: null,
    tooBig: null,
    summary: null,
    nameOptions: NO_NAME_OPTIONS,
    result: null,
    totals: null,
    totalsPending: false,
    memory: null,
    partial: null,
    selectionGrew: false,
  };
}

/**
 * The patch that returns to the empty state (nothing loaded), with `error`
 * to show; the selection version moves on so row caches drop their pages.
 */
export function emptyDataPatch(error: string | null): Partial<DataState> {
  const d = useDataStore.getState();
  return { ...emptyFields(), selectionVersion: d.selectionVersion + 1, dataVersion: d.dataVersion + 1, error };
}

export const useDataStore = create<DataState>(() => ({
  ...emptyFields(),
  selectionVersion: 0,
  dataVersion: 0,
  symbols: null,
  symbolsSrc: null,
  symbolsLoading: null,
  loadSeconds: null,
  loadCount: 0,
  error: null,
  failedSrc: null,
  expectedFile: null,
  retry: null,
}));
