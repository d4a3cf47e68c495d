// The view state of the dashboard: one plain, serialisable object that the
// URL mirrors (see url-codec.ts). Pure TypeScript: no DOM, no React.

import { OBJECT_COLUMNS, type ObjectColumn, type SortSpec } from '../worker-api.ts';

export interface ViewState {
  /** Slab cache names to keep; empty keeps all. Order as chosen. */
  slabs: string[];
  /** Case-insensitive substring over command, slab and type. */
  search: string;
  /** null: file order. */
  sort: SortSpec<ObjectColumn> | null;
  /** idx (0-based, file order) of the selected object, or null. */
  obj: number | null;
  /** Where the data came from when it was loaded by URL (e.g. `sample.kmap`). */
  src: string | null;
}

export const EMPTY_VIEW_STATE: ViewState = Object.freeze({
  slabs: [],
  search: '',
  sort: null,
  obj: null,
  src: null,
}) as ViewState;

export function isObjectColumn(s: string): s is ObjectColumn {
  return (OBJECT_COLUMNS as readonly string[]).includes(s);
}

/** True when the state carries anything beyond the defaults (besides src). */
export function hasViewDetails(s: ViewState): boolean {
  return s.slabs.length > 0 || s.search !== '' || s.sort !== null || s.obj !== null;
}
