// Start-up: read the URL into the view, start mirroring it, re-run the query
// whenever the filter or sort changes, load ?src= and ?symbols= (in
// parallel), and keep the wrong-symbols warning in step with the symbols.

import { kmapApi } from './kmap-client.ts';
import { openUrl, runQuery, setRestorePending } from './loader.ts';
import { useDataStore } from './stores/data-store.ts';
import { useNoticeStore } from './stores/notice-store.ts';
import { useViewStore } from './stores/view-store.ts';
import { openSymbolsUrl } from './symbols-loader.ts';
import { readUrlIntoView, startUrlSync } from './url-sync.ts';

let started = false;

export function initApp(): void {
  if (started) return;
  started = true;
  const state = readUrlIntoView();
  setRestorePending(state.obj !== null);
  startUrlSync();
  useViewStore.subscribe((s, prev) => {
    if (s.filter !== prev.filter || s.sort !== prev.sort) void runQuery();
  });
  // A symbol file that does not belong to the capture: a warning among the notices.
  useDataStore.subscribe((s, prev) => {
    if (s.symbols === prev.symbols) return;
    useNoticeStore.getState().setKeyed('symbols-mismatch', s.symbols?.mismatch ?? null);
  });
  if (state.symbols) void openSymbolsUrl(state.symbols);
  if (state.src) void openUrl(state.src);
  // The data worker starts now, not when the first file is chosen: loading
  // and compiling its code takes a few hundred milliseconds that would
  // otherwise come before the first rows.
  kmapApi();
}
