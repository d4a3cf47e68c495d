// Mirrors the view in the URL and in the browser's history, and reads it
// back at start-up and on Back/Forward. The codec itself is pure
// (src/view-state/url-codec.ts).
//
// History: a change a person would undo (the filter, the tab, the selected
// object) is a new history entry, so Back steps back inside the app; other
// changes (sort, groupings, matrix settings, the data loaded) replace the
// current entry, and so do the app's own changes (withoutHistory: a load
// clearing or restoring the selection). A change within HISTORY_COALESCE_MS
// of the previous one (typing a search, a brush, several chips removed in a
// row) goes into the same entry instead of making one each. Back/Forward
// restore the entry's view, not its data: the loaded file stays, and an
// entry made on other data does not bring back its selected object.

import { filterKey } from '../query/types.ts';
import { decodeViewState, encodeViewState } from '../view-state/url-codec.ts';
import type { ViewState } from '../view-state/view-state.ts';
import { useDataStore } from './stores/data-store.ts';
import { notify } from './stores/notice-store.ts';
import { isQuietChange, useViewStore, withoutHistory } from './stores/view-store.ts';

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
/** When the user last changed what Back undoes (a burst of changes shares one entry). */
let lastUndoableAt = Number.NEGATIVE_INFINITY;

function write(): void {
  const state = currentUrlState();
  const query = encodeViewState(state);
  if (query === lastWritten) return;
  const undoable = undoableKey(state);
  const url = `${window.location.pathname}?${query}${window.location.hash}`;
  const now = performance.now();
  const userStep = undoable !== lastUndoable && !isQuietChange();
  if (userStep && now - lastUndoableAt > HISTORY_COALESCE_MS) window.history.pushState(null, '', url);
  else window.history.replaceState(window.history.state, '', url);
  if (userStep) lastUndoableAt = now;
  lastWritten = query;
  lastUndoable = undoable;
}

/** Whether an entry's view was made on the data loaded now (its src, or its file's fingerprint). */
function sameData(entry: ViewState): boolean {
  const now = currentUrlState();
  if (entry.src !== null || now.src !== null) return entry.src === now.src;
  if (entry.file !== null || now.file !== null) return entry.file?.fp === now.file?.fp;
  return true;
}

/** Back or Forward: the entry's view, without a new entry. */
function onPopState(): void {
  const { state } = decodeViewState(window.location.search);
  // An object number means nothing in other data; nor one past this file's end.
  const objects = useDataStore.getState().summary?.objects ?? null;
  if (state.obj !== null && (!sameData(state) || (objects !== null && state.obj >= objects))) state.obj = null;
  lastUndoable = undoableKey(state);
  lastUndoableAt = Number.NEGATIVE_INFINITY;
  // Written as a replacement of this entry (the undoable part is the same),
  // so that the address bar names the data loaded now, whatever the entry named.
  lastWritten = '';
  withoutHistory(() => applyToView(state));
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
