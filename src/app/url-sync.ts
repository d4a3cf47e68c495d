// Mirrors the view in the URL and in the browser's history, and reads it
// back at start-up and on Back/Forward. The codec itself is pure
// (src/view-state/url-codec.ts).
//
// History: a change a person would undo (the filter, the tab, the selected
// object) is a new history entry, so Back steps back inside the app; other
// changes (sort, groupings, matrix settings, the data loaded) replace the
// current entry. Changes within HISTORY_COALESCE_MS of the last new entry
// (typing a search, a brush, several chips removed in a row) go into that
// entry instead of making one each. Back/Forward restore the entry's view
// (not its data: the loaded file stays).

import { filterKey } from '../query/types.ts';
import { decodeViewState, encodeViewState } from '../view-state/url-codec.ts';
import type { ViewState } from '../view-state/view-state.ts';
import { useDataStore } from './stores/data-store.ts';
import { notify } from './stores/notice-store.ts';
import { useViewStore } from './stores/view-store.ts';

const HISTORY_COALESCE_MS = 700;

function applyToView(state: ViewState): void {
  const { filter, sort, obj, tab, by, lby, qby, matrix } = state;
  useViewStore.setState({ filter, sort, obj, tab, by, lby, qby, matrix });
}

/** Reads the URL into the view store; returns the decoded state (src included). */
export function readUrlIntoView(): ViewState {
  const { state, notices } = decodeViewState(window.location.search);
  for (const n of notices) notify(n);
  applyToView(state);
  useDataStore.setState({ expectedFile: state.file });
  return state;
}

function currentUrlState(): ViewState {
  const v = useViewStore.getState();
  const d = useDataStore.getState();
  const src = d.source?.kind === 'url' ? d.source.src : d.source === null ? d.failedSrc : null;
  const file =
    d.source?.kind === 'file' && d.source.fingerprint ? { name: d.source.name, fp: d.source.fingerprint } : d.source === null ? d.expectedFile : null;
  return {
    file, filter: v.filter, sort: v.sort, obj: v.obj, tab: v.tab, by: v.by, lby: v.lby, qby: v.qby, matrix: v.matrix, src, symbols: d.symbolsSrc };
}

/** What a history entry is about: the parts of the view that Back undoes. */
function undoableKey(s: ViewState): string {
  return `${filterKey(s.filter)}\n${s.tab}\n${s.obj}`;
}

let lastWritten = '';
let lastUndoable = '';
let lastPushAt = Number.NEGATIVE_INFINITY;

function write(): void {
  const state = currentUrlState();
  const query = encodeViewState(state);
  if (query === lastWritten) return;
  const undoable = undoableKey(state);
  const url = `${window.location.pathname}?${query}${window.location.hash}`;
  const now = performance.now();
  if (undoable !== lastUndoable && now - lastPushAt > HISTORY_COALESCE_MS) {
    window.history.pushState(null, '', url);
    lastPushAt = now;
  } else {
    window.history.replaceState(window.history.state, '', url);
  }
  lastWritten = query;
  lastUndoable = undoable;
}

/** Back or Forward: the entry's view, without a new entry. */
function onPopState(): void {
  const { state } = decodeViewState(window.location.search);
  lastUndoable = undoableKey(state);
  lastPushAt = Number.NEGATIVE_INFINITY;
  // Written as a replacement of this entry (the undoable part is the same),
  // so that the address bar names the data loaded now, whatever the entry named.
  lastWritten = '';
  applyToView(state);
  write();
}

/** Starts mirroring; returns the unsubscribe function. */
export function startUrlSync(): () => void {
  // The start-up view replaces the entry the page was opened with.
  const state = currentUrlState();
  lastWritten = encodeViewState(state);
  lastUndoable = undoableKey(state);
  window.history.replaceState(window.history.state, '', `${window.location.pathname}?${lastWritten}${window.location.hash}`);
  const a = useViewStore.subscribe(write);
  const b = useDataStore.subscribe(write);
  window.addEventListener('popstate', onPopState);
  return () => {
    a();
    b();
    window.removeEventListener('popstate', onPopState);
  };
}
