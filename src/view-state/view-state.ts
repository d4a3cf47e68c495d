// The view state of the dashboard: one plain, serialisable object that the
// URL mirrors (see url-codec.ts). Pure TypeScript: no DOM, no React.

import {
  BREAKDOWN_KEYS,
  OBJECT_COLUMNS,
  emptyFilter,
  isEmptyFilter,
  type BreakdownKey,
  type ObjectColumn,
  type ObjectFilter,
  type SortSpec,
} from '../query/types.ts';

/** The dashboard's views (tabs), in tab order. */
export const VIEW_TABS = ['objects', 'breakdown', 'sites'] as const;
export type ViewTab = (typeof VIEW_TABS)[number];

export interface ViewState {
  /** The structured filter every view applies (query/types.ts). */
  filter: ObjectFilter;
  /** Objects table order; null: file order. */
  sort: SortSpec<ObjectColumn> | null;
  /** idx (0-based, file order) of the selected object, or null. */
  obj: number | null;
  /** Where the data came from when it was loaded by URL (e.g. `sample.kmap`). */
  src: string | null;
  /** Where the symbol file came from when it was loaded by URL (e.g. `sample.System.map`). */
  symbols: string | null;
  tab: ViewTab;
  /** The Breakdown view's grouping. */
  by: BreakdownKey;
}

export const DEFAULT_TAB: ViewTab = 'objects';
export const DEFAULT_BY: BreakdownKey = 'slab';

export function emptyViewState(): ViewState {
  return { filter: emptyFilter(), sort: null, obj: null, src: null, symbols: null, tab: DEFAULT_TAB, by: DEFAULT_BY };
}

export const EMPTY_VIEW_STATE: ViewState = Object.freeze(emptyViewState()) as ViewState;

export function isObjectColumn(s: string): s is ObjectColumn {
  return (OBJECT_COLUMNS as readonly string[]).includes(s);
}

export function isViewTab(s: string): s is ViewTab {
  return (VIEW_TABS as readonly string[]).includes(s);
}

export function isBreakdownKey(s: string): s is BreakdownKey {
  return (BREAKDOWN_KEYS as readonly string[]).includes(s);
}

/** True when the state carries a filter, sort or selection (besides where the data came from). */
export function hasViewDetails(s: ViewState): boolean {
  return !isEmptyFilter(s.filter) || s.sort !== null || s.obj !== null;
}
