// The view: filter, sort, selected object, tab, breakdown and lifetimes
// grouping and the matrix settings (all mirrored in the URL), plus the keyboard cursor and the access table's sort
// (not in the URL).

import { create } from 'zustand';
import { emptyFilter, type AccessColumn, type BreakdownKey, type ObjectColumn, type ObjectFilter, type SortSpec } from '../../worker-api.ts';
import { EMPTY_VIEW_STATE, type MatrixSettings, type ViewState, type ViewTab } from '../../view-state/view-state.ts';
import type { LifetimeGrouping } from '../../worker-api.ts';

export interface ViewStore extends Omit<ViewState, 'src' | 'symbols' | 'file'> {
  /** Position (in the selection) of the keyboard cursor row. */
  cursorPos: number | null;
  accessSort: SortSpec<AccessColumn> | null;
  /** A request to scroll the table so that a position is visible. */
  reveal: { pos: number; center: boolean; nonce: number } | null;
  /** Changes some filter fields (a new filter object, so subscribers see the change). */
  setFilter(patch: Partial<ObjectFilter>): void;
  /** Empties every filter field. */
  clearFilter(): void;
  setSort(sort: SortSpec<ObjectColumn> | null): void;
  selectObject(idx: number | null, pos?: number | null): void;
  setCursor(pos: number | null): void;
  setAccessSort(sort: SortSpec<AccessColumn> | null): void;
  setTab(tab: ViewTab): void;
  setBy(by: BreakdownKey): void;
  setLby(lby: LifetimeGrouping): void;
  setQby(qby: LifetimeGrouping): void;
  setMatrix(patch: Partial<MatrixSettings>): void;
  /** Scrolls row `pos` into view (centred, or with the least movement). */
  revealPos(pos: number, center?: boolean): void;
}

export const useViewStore = create<ViewStore>((set) => ({
  filter: emptyFilter(),
  sort: EMPTY_VIEW_STATE.sort,
  obj: EMPTY_VIEW_STATE.obj,
  tab: EMPTY_VIEW_STATE.tab,
  by: EMPTY_VIEW_STATE.by,
  lby: EMPTY_VIEW_STATE.lby,
  qby: EMPTY_VIEW_STATE.qby,
  matrix: EMPTY_VIEW_STATE.matrix,
  cursorPos: null,
  accessSort: null,
  reveal: null,
  setFilter: (patch) => set((s) => ({ filter: { ...s.filter, ...patch }, cursorPos: null })),
  clearFilter: () => set({ filter: emptyFilter(), cursorPos: null }),
  setSort: (sort) => set({ sort, cursorPos: null }),
  selectObject: (obj, pos) => set(pos === undefined ? { obj } : { obj, cursorPos: pos }),
  setCursor: (cursorPos) => set({ cursorPos }),
  setAccessSort: (accessSort) => set({ accessSort }),
  setTab: (tab) => set({ tab }),
  setBy: (by) => set({ by }),
  setLby: (lby) => set({ lby }),
  setQby: (qby) => set({ qby }),
  setMatrix: (patch) => set((s) => ({ matrix: { ...s.matrix, ...patch } })),
  revealPos: (pos, center = false) => set((s) => ({ reveal: { pos, center, nonce: (s.reveal?.nonce ?? 0) + 1 } })),
}));

let quietDepth = 0;

/**
 * Runs `change` as the app's own doing, not the user's: the URL follows it
 * but no history entry is made for it (a load clearing or restoring the
 * selection; url-sync.ts reads isQuietChange()). Zustand calls subscribers
 * synchronously, so the URL is written inside `change`.
 */
export function withoutHistory<T>(change: () => T): T {
  quietDepth++;
  try {
    return change();
  } finally {
    quietDepth--;
  }
}

export function isQuietChange(): boolean {
  return quietDepth > 0;
}
