// The view: filter, search, sort and the selected object (all mirrored in the
// URL), plus the keyboard cursor and the access table's sort (not in the URL).

import { create } from 'zustand';
import type { AccessColumn, ObjectColumn, SortSpec } from '../../worker-api.ts';
import { EMPTY_VIEW_STATE, type ViewState } from '../../view-state/view-state.ts';

export interface ViewStore extends Omit<ViewState, 'src'> {
  /** Position (in the selection) of the keyboard cursor row. */
  cursorPos: number | null;
  accessSort: SortSpec<AccessColumn> | null;
  /** A request to scroll the table so that a position is visible. */
  reveal: { pos: number; center: boolean; nonce: number } | null;
  setSlabs(slabs: string[]): void;
  setSearch(search: string): void;
  setSort(sort: SortSpec<ObjectColumn> | null): void;
  selectObject(idx: number | null, pos?: number | null): void;
  setCursor(pos: number | null): void;
  setAccessSort(sort: SortSpec<AccessColumn> | null): void;
  /** Scrolls row `pos` into view (centred, or with the least movement). */
  revealPos(pos: number, center?: boolean): void;
}

export const useViewStore = create<ViewStore>((set) => ({
  slabs: EMPTY_VIEW_STATE.slabs,
  search: EMPTY_VIEW_STATE.search,
  sort: EMPTY_VIEW_STATE.sort,
  obj: EMPTY_VIEW_STATE.obj,
  cursorPos: null,
  accessSort: null,
  reveal: null,
  setSlabs: (slabs) => set({ slabs, cursorPos: null }),
  setSearch: (search) => set({ search, cursorPos: null }),
  setSort: (sort) => set({ sort, cursorPos: null }),
  selectObject: (obj, pos) => set(pos === undefined ? { obj } : { obj, cursorPos: pos }),
  setCursor: (cursorPos) => set({ cursorPos }),
  setAccessSort: (accessSort) => set({ accessSort }),
  revealPos: (pos, center = false) => set((s) => ({ reveal: { pos, center, nonce: (s.reveal?.nonce ?? 0) + 1 } })),
}));
