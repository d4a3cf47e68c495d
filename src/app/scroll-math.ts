// The mapping between the table's scroll position and its rows. A browser
// cannot make an element ~33 million px tall, so past `maxRows` rows the
// scroll range is compressed: the scrollbar spans at most maxRows row
// heights and maps linearly onto the whole selection. Below that it is the
// plain one-row-per-rowHeight layout. Pure.

export interface ScrollGeometry {
  /** Rows in the selection. */
  total: number;
  rowHeight: number;
  /** Height of the scroll viewport in px. */
  viewHeight: number;
  /** Most rows the scroll range covers one to one. */
  maxRows: number;
}

/** Rows whose height the scroll content has (react-virtual's count). */
export function scrollRows(g: ScrollGeometry): number {
  return Math.min(g.total, g.maxRows);
}

/** Fractional number of rows that fill the viewport. */
function rowsInView(g: ScrollGeometry): number {
  return g.viewHeight / g.rowHeight;
}

/** Largest scrollTop. */
export function maxScrollTop(g: ScrollGeometry): number {
  return Math.max(0, scrollRows(g) * g.rowHeight - g.viewHeight);
}

/** Largest first row (fractional): the last row then sits at the viewport's bottom. */
function maxFirstRow(g: ScrollGeometry): number {
  return Math.max(0, g.total - rowsInView(g));
}

/** The (fractional) row at the top of the viewport for a scrollTop. */
export function firstRowAt(g: ScrollGeometry, scrollTop: number): number {
  const max = maxScrollTop(g);
  if (max <= 0) return 0;
  const s = Math.max(0, Math.min(max, scrollTop));
  if (g.total <= g.maxRows) return s / g.rowHeight;
  return (s / max) * maxFirstRow(g);
}

/** The scrollTop that puts (fractional) row `firstRow` at the top of the viewport. */
export function scrollTopFor(g: ScrollGeometry, firstRow: number): number {
  const max = maxScrollTop(g);
  const f = Math.max(0, Math.min(maxFirstRow(g), firstRow));
  if (g.total <= g.maxRows) return Math.min(max, f * g.rowHeight);
  const mf = maxFirstRow(g);
  return mf > 0 ? (f / mf) * max : 0;
}

/** Rows to render [start, end) for a scrollTop, with `overscan` rows each side. */
export function visibleRange(g: ScrollGeometry, scrollTop: number, overscan: number): [number, number] {
  const f = firstRowAt(g, scrollTop);
  const start = Math.max(0, Math.floor(f) - overscan);
  const end = Math.min(g.total, Math.ceil(f + rowsInView(g)) + overscan);
  return [start, end];
}

/** Top of row `pos` in content coordinates (the content scrolls by scrollTop). */
export function rowTop(g: ScrollGeometry, scrollTop: number, pos: number): number {
  const s = Math.max(0, Math.min(maxScrollTop(g), scrollTop));
  return s + (pos - firstRowAt(g, scrollTop)) * g.rowHeight;
}

/**
 * The scrollTop that brings row `pos` fully into view with the least
 * movement, or null when it already is.
 */
export function scrollTopToReveal(g: ScrollGeometry, scrollTop: number, pos: number): number | null {
  const f = firstRowAt(g, scrollTop);
  const n = rowsInView(g);
  if (pos < f) return scrollTopFor(g, pos);
  if (pos + 1 > f + n) return scrollTopFor(g, pos + 1 - n);
  return null;
}
