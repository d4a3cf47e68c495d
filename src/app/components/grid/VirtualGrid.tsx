// A virtualised, sortable grid over rows held in memory (an aggregate's
// groups: tens to hundreds of thousands of rows). Only the rows in view are
// in the DOM (@tanstack/react-virtual). Headers sort: a number column sorts
// descending on its first click (biggest first), a text column ascending;
// a second click reverses. Until a header is clicked the rows keep the order
// they came in (`naturalSort` says which column that is, for aria-sort).
//
// Keyboard: the grid is one tab stop; ArrowUp/ArrowDown, PageUp/PageDown,
// Home/End move a cursor row (aria-activedescendant), Enter or Space
// activates it. A click moves the cursor there and activates the row.
// Every row carries data-testid (given) and data-key, every cell data-col.

import { useVirtualizer } from '@tanstack/react-virtual';
import { useId, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface GridColumn<R> {
  id: string;
  header: string;
  /** Tooltip of the header. */
  title?: string;
  /** A fixed width in px, or a flexible one (at least `min` px, sharing spare room by `flex`). */
  width: number | { min: number; flex: number };
  /** Number columns sort descending first (and are right-aligned unless `align` says otherwise). */
  numeric?: boolean;
  align?: 'left' | 'right';
  /** What the column sorts by; absent: not sortable. */
  sortValue?: (row: R) => number | bigint | string;
  render: (row: R) => ReactNode;
  /** Tooltip of a cell. */
  cellTitle?: (row: R) => string | undefined;
  className?: string;
}

export interface GridSort {
  id: string;
  desc: boolean;
}

export interface VirtualGridProps<R> {
  rows: readonly R[];
  columns: readonly GridColumn<R>[];
  rowKey: (row: R) => string;
  /** data-testid of every row. */
  rowTestId: string;
  /** Accessible name of the grid. */
  label: string;
  /** A click on a row, or Enter/Space on the cursor row. */
  onActivate?: (row: R) => void;
  /** The cursor row changed (keyboard or click); null when it left the rows. */
  onCursorChange?: (row: R | null) => void;
  /** How the rows as given are ordered (shown as aria-sort until a header is clicked). */
  naturalSort?: GridSort | null;
  /** The rows answer an older request: shown dimmed. */
  dimmed?: boolean;
  /** Shown over the body when there are no rows. */
  empty?: ReactNode;
  rowClassName?: (row: R) => string;
  className?: string;
}

const ROW_HEIGHT = 24;
const HEAD_HEIGHT = 28;

function compareValues(a: number | bigint | string, b: number | bigint | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  // 64-bit sums above 2^53 - 1 are bigints; < and > compare them with numbers exactly.
  if (typeof a !== 'string' && typeof b !== 'string') return a < b ? -1 : a > b ? 1 : 0;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The row indices of `rows` in `sort` order (stable: ties keep the given order). */
function sortedOrder<R>(rows: readonly R[], column: GridColumn<R> | undefined, desc: boolean): R[] {
  if (!column?.sortValue) return rows as R[];
  const values = rows.map(column.sortValue);
  const order = rows.map((_, i) => i);
  order.sort((i, j) => {
    const c = compareValues(values[i], values[j]);
    return (desc ? -c : c) || i - j;
  });
  return order.map((i) => rows[i]);
}

function alignRight(c: GridColumn<never>): boolean {
  return (c.align ?? (c.numeric ? 'right' : 'left')) === 'right';
}

function track(w: GridColumn<unknown>['width']): string {
  return typeof w === 'number' ? `${w}px` : `minmax(${w.min}px, ${w.flex}fr)`;
}

export function VirtualGrid<R>(props: VirtualGridProps<R>) {
  const { rows, columns, rowKey, rowTestId, label, onActivate, onCursorChange, naturalSort = null, dimmed = false, empty } = props;
  const idBase = useId();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [sort, setSort] = useState<GridSort | null>(null);
  const [cursorKey, setCursorKey] = useState<string | null>(null);

  const sortColumn = sort ? columns.find((c) => c.id === sort.id && c.sortValue) : undefined;
  // Re-sorted only when the rows, the column's sort key or the direction change (not on every new columns array).
  const sortValue = sortColumn?.sortValue;
  const sorted = useMemo(() => sortedOrder(rows, sortColumn, sort?.desc ?? false), [rows, sortValue, sort?.desc]);
  const indexByKey = useMemo(() => {
    const m = new Map<string, number>();
    sorted.forEach((r, i) => m.set(rowKey(r), i));
    return m;
    // rowKey is a pure function of the row.
  }, [sorted]);
  const cursor = cursorKey === null ? -1 : (indexByKey.get(cursorKey) ?? -1);

  const virtualizer = useVirtualizer({
    count: sorted.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollMargin: HEAD_HEIGHT,
  });

  const template = columns.map((c) => track(c.width as GridColumn<unknown>['width'])).join(' ');
  const minWidth = columns.reduce((w, c) => w + (typeof c.width === 'number' ? c.width : c.width.min), 0);
  const shownSort = sortColumn ? sort : naturalSort;

  const moveCursor = (i: number) => {
    const row = sorted[i];
    if (!row) return;
    setCursorKey(rowKey(row));
    onCursorChange?.(row);
    // Scroll the least that shows the row below the sticky header.
    const el = scrollRef.current;
    if (!el) return;
    const top = HEAD_HEIGHT + i * ROW_HEIGHT;
    if (top - HEAD_HEIGHT < el.scrollTop) el.scrollTop = top - HEAD_HEIGHT;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  };

  const onHeaderClick = (c: GridColumn<R>) => {
    if (!c.sortValue) return;
    setSort((s) => (s && s.id === c.id ? { id: c.id, desc: !s.desc } : { id: c.id, desc: c.numeric === true }));
  };

  const pageRows = () => Math.max(1, Math.floor(((scrollRef.current?.clientHeight ?? 0) - HEAD_HEIGHT) / ROW_HEIGHT) - 1);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    // Keys on a header's sort button are the button's.
    if (e.target !== e.currentTarget) return;
    const n = sorted.length;
    if (n === 0) return;
    let next: number;
    switch (e.key) {
      case 'ArrowDown':
        next = Math.min(n - 1, cursor + 1);
        break;
      case 'ArrowUp':
        next = Math.max(0, cursor - 1);
        break;
      case 'PageDown':
        next = Math.min(n - 1, Math.max(0, cursor) + pageRows());
        break;
      case 'PageUp':
        next = Math.max(0, cursor - pageRows());
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = n - 1;
        break;
      case 'Enter':
      case ' ':
        e.preventDefault();
        if (cursor >= 0 && !e.repeat) onActivate?.(sorted[cursor]);
        return;
      default:
        return;
    }
    e.preventDefault();
    moveCursor(next);
  };

  const rowId = (i: number) => `${idBase}-row-${i}`;
  const items = virtualizer.getVirtualItems();
  const cursorInView = cursor >= 0 && items.some((it) => it.index === cursor);

  return (
    <div
      ref={scrollRef}
      className={`vgrid${dimmed ? ' is-stale' : ''} ${props.className ?? ''}`.trim()}
      role="grid"
      aria-label={label}
      aria-rowcount={sorted.length + 1}
      aria-colcount={columns.length}
      aria-busy={dimmed || undefined}
      tabIndex={0}
      aria-activedescendant={cursorInView ? rowId(cursor) : undefined}
      onKeyDown={onKeyDown}
      onFocus={(e) => {
        // Keyboard focus arriving with no cursor puts it on the first row (without scrolling away).
        if (e.target === e.currentTarget && cursor < 0 && sorted.length > 0 && e.currentTarget.matches(':focus-visible')) {
          const first = Math.max(0, items[0]?.index ?? 0);
          setCursorKey(rowKey(sorted[first]));
          onCursorChange?.(sorted[first]);
        }
      }}
    >
      <div className="vgrid-head" role="rowgroup" style={{ minWidth, height: HEAD_HEIGHT }}>
        <div className="vgrid-row vgrid-head-row" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template }}>
          {columns.map((c) => {
            const dir = shownSort && shownSort.id === c.id ? (shownSort.desc ? 'descending' : 'ascending') : 'none';
            return (
              <div
                key={c.id}
                role="columnheader"
                aria-sort={c.sortValue ? dir : undefined}
                data-col={c.id}
                className={`vgrid-head-cell${alignRight(c) ? ' num' : ''}${sortColumn && sort?.id === c.id ? ' sorted' : ''}`}
                title={c.title}
              >
                {c.sortValue ? (
                  <button type="button" className="vgrid-sort" onClick={() => onHeaderClick(c)}>
                    <span className="vgrid-head-label">{c.header}</span>
                    <span className="vgrid-sort-arrow" aria-hidden="true">
                      {dir === 'ascending' ? '▲' : dir === 'descending' ? '▼' : ''}
                    </span>
                  </button>
                ) : (
                  <span className="vgrid-head-label">{c.header}</span>
                )}
              </div>
            );
          })}
        </div>
      </div>
      <div className="vgrid-body" role="rowgroup" style={{ height: virtualizer.getTotalSize(), minWidth }}>
        {items.map((it) => {
          const row = sorted[it.index];
          const key = rowKey(row);
          const isCursor = it.index === cursor;
          return (
            <div
              key={key}
              id={rowId(it.index)}
              role="row"
              aria-rowindex={it.index + 2}
              data-testid={rowTestId}
              data-key={key}
              className={`vgrid-row${it.index % 2 ? ' odd' : ''}${isCursor ? ' cursor' : ''}${onActivate ? ' clickable' : ''} ${props.rowClassName?.(row) ?? ''}`.trim()}
              style={{ gridTemplateColumns: template, transform: `translateY(${it.start - HEAD_HEIGHT}px)` }}
              onClick={() => {
                setCursorKey(key);
                onCursorChange?.(row);
                scrollRef.current?.focus({ preventScroll: true });
                onActivate?.(row);
              }}
            >
              {columns.map((c) => (
                <div
                  key={c.id}
                  role="gridcell"
                  data-col={c.id}
                  className={`vgrid-cell${alignRight(c) ? ' num' : ''} ${c.className ?? ''}`.trim()}
                  title={c.cellTitle?.(row)}
                >
                  {c.render(row)}
                </div>
              ))}
            </div>
          );
        })}
        {sorted.length === 0 && empty ? <div className="vgrid-empty">{empty}</div> : null}
      </div>
    </div>
  );
}
