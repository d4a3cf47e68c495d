// Mirrors the view in the URL (history.replaceState) and reads it back once
// at start-up. The codec itself is pure (src/view-state/url-codec.ts).

import { decodeViewState, encodeViewState } from '../view-state/url-codec.ts';
import type { ViewState } from '../view-state/view-state.ts';
import { useDataStore } from './stores/data-store.ts';
import { notify } from './stores/notice-store.ts';
import { useViewStore } from './stores/view-store.ts';

/** Reads the URL into the view store; returns the decoded state (src included). */
export function readUrlIntoView(): ViewState {
  const { state, notices } = decodeViewState(window.location.search);
  for (const n of notices) notify(n);
  const { filter, sort, obj, tab, by, lby, matrix } = state;
  useViewStore.setState({ filter, sort, obj, tab, by, lby, matrix });
  return state;
}

function currentUrlState(): ViewState {
  const v = useViewStore.getState();
  const d = useDataStore.getState();
  const src = d.source?.kind === 'url' ? d.source.src : d.source === null ? d.failedSrc : null;
  return { filter: v.filter, sort: v.sort, obj: v.obj, tab: v.tab, by: v.by, lby: v.lby, matrix: v.matrix, src, symbols: d.symbolsSrc };
}

let lastWritten = '';
function write(): void {
  const query = encodeViewState(currentUrlState());
  if (query === lastWritten) return;
  lastWritten = query;
  const url = `${window.location.pathname}?${query}${window.location.hash}`;
  window.history.replaceState(window.history.state, '', url);
}

/** Starts mirroring; returns the unsubscribe function. */
export function startUrlSync(): () => void {
  write();
  const a = useViewStore.subscribe(write);
  const b = useDataStore.subscribe(write);
  return () => {
    a();
    b();
  };
}
