// Start-up: read the URL into the view, start mirroring it, re-run the query
// whenever the filter or sort changes, and load ?src= if given.

import { openUrl, runQuery, setRestorePending } from './loader.ts';
import { useViewStore } from './stores/view-store.ts';
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
  if (state.src) void openUrl(state.src);
}
