// Kernel symbols (System.map or /proc/kallsyms): the code that loads and
// removes them (loader.ts only re-reads their info after a kmap load, since
// their resolution is against the loaded kmap). The worker keeps one symbol file and applies it to
// the loaded kmap and to every kmap loaded after it; this module loads one
// (a file, or a URL from ?symbols=), removes it, and keeps the data store's
// `symbols` in step. A change re-runs the query and bumps the data and
// selection versions, so that rows and views show the new names.

import type { SymbolSource, SymbolsInfo } from '../worker-api.ts';
import { kmapApi, onWorkerCrash } from './kmap-client.ts';
import { resolveSrc, runQuery } from './loader.ts';
import { useDataStore } from './stores/data-store.ts';

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Symbol loads and removals run one after another, so that the worker ends
 * with what the user asked for last (a removal during a load waits for it).
 */
let chain: Promise<unknown> = Promise.resolve();
function serial<T>(task: () => Promise<T>): Promise<T> {
  const run = chain.then(task);
  chain = run.catch(() => {});
  return run;
}

function bumpVersions(): { dataVersion: number; selectionVersion: number } {
  const d = useDataStore.getState();
  return { dataVersion: d.dataVersion + 1, selectionVersion: d.selectionVersion + 1 };
}

/** Applies new symbols (or none): the data store, then a fresh query so rows and views renew. */
async function applied(symbols: SymbolsInfo, symbolsSrc: string | null): Promise<void> {
  useDataStore.setState({ symbols, symbolsSrc, symbolsLoading: null, ...bumpVersions() });
  await runQuery();
}

/**
 * The symbol file applied last and the one being read (a File by
 * reference), so that Retry after a dead worker can load it again; `lost` is
 * what the last crash took, forgotten once symbols are chosen or removed.
 */
type Chosen = { source: SymbolSource; src: string | null };
let applied_: Chosen | null = null;
let reading: Chosen | null = null;
let lost: Chosen | null = null;

// A dead worker took its symbols with it (and never answers the calls it had).
onWorkerCrash(() => {
  chain = Promise.resolve();
  lost = reading ?? applied_;
  applied_ = null;
  reading = null;
  useDataStore.setState({ symbols: null, symbolsSrc: null, symbolsLoading: null });
});

/** Loads again the symbol file that the last dead worker took with it (Retry of that crash). */
export function reloadLostSymbols(): void {
  const l = lost;
  lost = null;
  if (l) void load(l.source, l.src);
}

function load(source: SymbolSource, src: string | null): Promise<boolean> {
  lost = null;
  return serial(async () => {
    reading = { source, src };
    try {
      return await loadNow(source, src);
    } finally {
      reading = null;
    }
  });
}

async function loadNow(source: SymbolSource, src: string | null): Promise<boolean> {
  // A URL goes into the page's URL at once (a link copied meanwhile keeps it); a failure puts the previous one back.
  const previousSrc = useDataStore.getState().symbolsSrc;
  useDataStore.setState(src !== null ? { symbolsLoading: source.name, symbolsSrc: src } : { symbolsLoading: source.name });
  let res: Awaited<ReturnType<ReturnType<typeof kmapApi>['loadSymbols']>>;
  try {
    res = await kmapApi().loadSymbols(source);
  } catch (err) {
    res = { ok: false, name: source.name, error: describe(err) };
  }
  if (!res.ok) {
    // The worker kept the previous symbol file: so does the page.
    useDataStore.setState({
      symbolsLoading: null,
      symbolsSrc: previousSrc,
      error: `Could not open symbols ${JSON.stringify(source.name)}: ${res.error}`,
    });
    return false;
  }
  applied_ = { source, src };
  await applied(res, src);
  return true;
}

/** Loads a System.map or kallsyms file chosen or dropped by the user. */
export async function openSymbolsFile(file: File): Promise<boolean> {
  useDataStore.setState({ error: null });
  if (file.size === 0) {
    useDataStore.setState({ error: `Could not open symbols ${JSON.stringify(file.name)}: the file is empty.` });
    return false;
  }
  return load({ kind: 'file', file, name: file.name }, null);
}

/** Loads a symbol file by URL (?symbols=; relative values are relative to the app, like src=). */
export async function openSymbolsUrl(src: string): Promise<boolean> {
  const name = src.replace(/[?#].*$/, '').split('/').filter(Boolean).pop() ?? src;
  let url: string;
  try {
    url = resolveSrc(src);
  } catch {
    useDataStore.setState({ error: `Could not open symbols ${JSON.stringify(src)}: not a valid URL.` });
    return false;
  }
  return load({ kind: 'url', url, name }, src);
}

/** Stops using symbols: addresses are shown as hex again. */
export function removeSymbols(): Promise<void> {
  lost = null;
  return serial(async () => {
    try {
      await kmapApi().clearSymbols();
    } catch (err) {
      useDataStore.setState({ error: `Could not remove the symbols: ${describe(err)}` });
      return;
    }
    applied_ = null;
    await applied(null, null);
  });
}
