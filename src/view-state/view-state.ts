// The view state of the dashboard: one plain, serialisable object that the
// URL mirrors (see url-codec.ts). Pure TypeScript: no DOM, no React.

import {
  BREAKDOWN_KEYS,
  OBJECT_COLUMNS,
  emptyFilter,
  isEmptyFilter,
  type BreakdownKey,
  type LifetimeGrouping,
  type MatrixColumnKind,
  type ObjectColumn,
  type ObjectFilter,
  type SortSpec,
} from '../query/types.ts';

/** The dashboard's views (tabs), in tab order. */
export const VIEW_TABS = ['objects', 'breakdown', 'sites', 'lifetimes', 'matrix', 'quality'] as const;
export type ViewTab = (typeof VIEW_TABS)[number];
/** Each tab's name as the page shows it. */
export const VIEW_TAB_LABELS: Readonly<Record<ViewTab, string>> = {
  objects: 'Objects',
  breakdown: 'Breakdown',
  sites: 'Access sites',
  lifetimes: 'Lifetimes',
  matrix: 'Matrix',
  quality: 'Quality',
};

/** What the Matrix view colours its cells by. */
export const MATRIX_COLORS = ['both', 'reads', 'writes'] as const;
export type MatrixColor = (typeof MATRIX_COLORS)[number];
/** How the Matrix view orders its rows and columns: by total, or clustered so that blocks show. */
export const MATRIX_ORDERS = ['total', 'cluster'] as const;
export type MatrixOrder = (typeof MATRIX_ORDERS)[number];

/** The Matrix view's settings. */
export interface MatrixSettings {
  cols: MatrixColumnKind;
  color: MatrixColor;
  order: MatrixOrder;
}

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
  /**
   * The file the view was made on, when it was opened from disk (a URL load
   * is named by src): its name and fingerprint (fingerprint.ts), so that a
   * link opened with another file can say so.
   */
  file: { name: string; fp: string } | null;
  tab: ViewTab;
  /** The Breakdown view's grouping. */
  by: BreakdownKey;
  /** The Lifetimes view's grouping (its series). */
  lby: LifetimeGrouping;
  /** The Quality view's grouping. */
  qby: LifetimeGrouping;
  matrix: MatrixSettings;
}

export const DEFAULT_TAB: ViewTab = 'objects';
export const DEFAULT_BY: BreakdownKey = 'slab';
export const DEFAULT_LBY: LifetimeGrouping = 'slab';
export const DEFAULT_QBY: LifetimeGrouping = 'slab';
export const DEFAULT_MATRIX: Readonly<MatrixSettings> = Object.freeze({ cols: 'slab', color: 'both', order: 'total' });

export function emptyViewState(): ViewState {
  return {
    filter: emptyFilter(),
    sort: null,
    obj: null,
    src: null,
    symbols: null,
    file: null,
    tab: DEFAULT_TAB,
    by: DEFAULT_BY,
    lby: DEFAULT_LBY,
    qby: DEFAULT_QBY,
    matrix: { ...DEFAULT_MATRIX },
  };
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
