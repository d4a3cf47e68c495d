// The objects table: a virtualised grid over the worker's current selection.
// Only the visible window is fetched (rows(start, count), through a small
// page cache). @tanstack/react-table holds the columns and the sort state;
// @tanstack/react-virtual owns the scroll extent and scroll commands, and
// scroll-math.ts maps scroll positions to rows (compressed past 400k rows,
// since a browser cannot make an element tall enough for 10 million rows).

import {
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type SortingState,
  type Updater,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactElement,
  type RefObject,
} from 'react';
import { isEmptyFilter, OBJECT_COLUMNS, type ObjectColumn, type ObjectRow } from '../../../worker-api.ts';
import { kmapApi } from '../../kmap-client.ts';
import { RowCache } from '../../row-cache.ts';
import {
  rowTop,
  scrollRows,
  scrollTopFor,
  scrollTopToReveal,
  visibleRange,
  type ScrollGeometry,
} from '../../scroll-math.ts';
import { firstPageFor } from '../../loader.ts';
import { useDataStore } from '../../stores/data-store.ts';
import { useViewStore } from '../../stores/view-store.ts';
import { ClearFiltersButton } from '../../components/filters/ClearFiltersButton.tsx';
import { COLUMN_INFO, columnWidth, renderObjectCell, sortsDescFirst } from './object-cells.tsx';

const ROW_HEIGHT = 22;
/** Rows the scroll range covers one to one (22 px each: 8.8 million px). */
const MAX_SCROLL_ROWS = 400_000;
const OVERSCAN = 12;

const COLUMNS: ColumnDef<ObjectRow>[] = OBJECT_COLUMNS.map((id) => ({
  id,
  // An accessor makes the column sortable for react-table (the worker sorts).
  accessorFn: (r: ObjectRow) => r[id],
  header: COLUMN_INFO[id].label,
  size: COLUMN_INFO[id].width,
  enableSorting: true,
  sortDescFirst: sortsDescFirst(id),
}));

/** Columns a format does not have (type before C, slab before D, indices in A) are hidden. */
function hiddenColumns(hasType: boolean, hasSlab: boolean, hasIndices: boolean): Record<string, boolean> {
  return { type: hasType, slab: hasSlab, allocIndex: hasIndices, freeIndex: hasIndices };
}
const NO_DATA: ObjectRow[] = [];

/** What an empty table says: nothing yet while loading, else why. */
function EmptyResult() {
  const result = useDataStore((s) => s.result);
  const phase = useDataStore((s) => s.phase);
  const filtered = useViewStore((s) => !isEmptyFilter(s.filter));
  if (!result || result.total > 0) return null;
  if (result.numObjects === 0) {
    return <div className="grid-empty muted">{phase === 'loading' ? 'Loading… no objects read yet.' : 'This file has no objects.'}</div>;
  }
  if (!filtered) return null;
  return (
    <div className="grid-empty" data-testid="objects-empty">
      <span className="muted">{phase === 'loading' ? 'Loading… none of the objects read so far match the filters.' : 'No objects match the filters.'}</span>{' '}
      <ClearFiltersButton />
    </div>
  );
}

function useElementHeight(ref: RefObject<HTMLElement | null>): number {
  const [h, setH] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setH(el.clientHeight);
    const ro = new ResizeObserver(() => setH(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return h;
}

export function ObjectsTable() {
  const total = useDataStore((s) => s.result?.total ?? 0);
  const version = useDataStore((s) => s.selectionVersion);
  const grew = useDataStore((s) => s.selectionGrew);
  const sort = useViewStore((s) => s.sort);
  const setSort = useViewStore((s) => s.setSort);
  const filter = useViewStore((s) => s.filter);
  const obj = useViewStore((s) => s.obj);
  const cursorPos = useViewStore((s) => s.cursorPos);
  const reveal = useViewStore((s) => s.reveal);
  const hasType = useDataStore((s) => s.summary?.hasType ?? true);
  const hasSlab = useDataStore((s) => s.summary?.hasSlab ?? true);
  const hasIndices = useDataStore((s) => s.summary?.hasIndices ?? true);
  const withSymbols = useDataStore((s) => s.symbols !== null);

  const gridRef = useRef<HTMLDivElement>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const headRef = useRef<HTMLDivElement>(null);
  const viewHeight = useElementHeight(bodyRef);
  const [scrollTop, setScrollTop] = useState(0);
  const [, setLoadedTick] = useState(0);

  const cache = useMemo(() => new RowCache<ObjectRow>((start, count) => kmapApi().rows(start, count)), []);
  // A new selection: drop cached pages before this render reads them. Its
  // first page may have come with the query's answer (firstPageFor says
  // when that is still the worker's selection).
  const cacheVersion = useRef(-1);
  if (cacheVersion.current !== version) {
    cacheVersion.current = version;
    cache.reset(grew);
    const first = firstPageFor(version);
    if (first) cache.seed(0, first);
  }

  const geometry: ScrollGeometry = useMemo(
    () => ({ total, rowHeight: ROW_HEIGHT, viewHeight, maxRows: MAX_SCROLL_ROWS }),
    [total, viewHeight],
  );

  const virtualizer = useVirtualizer({
    count: scrollRows(geometry),
    getScrollElement: () => bodyRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 0,
  });

  const [start, end] = visibleRange(geometry, scrollTop, OVERSCAN);

  useEffect(() => {
    let live = true;
    void cache.ensure(start, end, total).then((added) => {
      if (live && added) setLoadedTick((t) => t + 1);
    });
    return () => {
      live = false;
    };
  }, [cache, start, end, total, version]);

  // A new filter, search or sort starts at the top.
  const firstQuery = useRef(true);
  useEffect(() => {
    if (firstQuery.current) {
      firstQuery.current = false;
      return;
    }
    if (bodyRef.current) bodyRef.current.scrollTop = 0;
  }, [filter, sort]);

  const scrollTo = useCallback(
    (pos: number, center = false) => {
      const el = bodyRef.current;
      if (!el) return;
      const t = center
        ? scrollTopFor(geometry, pos - (geometry.viewHeight / ROW_HEIGHT - 1) / 2)
        : scrollTopToReveal(geometry, el.scrollTop, pos);
      if (t !== null) {
        virtualizer.scrollToOffset(t);
        el.scrollTop = t;
      }
    },
    [geometry, virtualizer],
  );

  useEffect(() => {
    if (reveal && viewHeight > 0 && reveal.pos < total) scrollTo(reveal.pos, reveal.center);
    // Only when a reveal is asked for (or the table first gets its size).
  }, [reveal, viewHeight > 0]);

  const sorting: SortingState = [sort ? { id: sort.key, desc: sort.desc } : { id: 'idx', desc: false }];
  const onSortingChange = (updater: Updater<SortingState>) => {
    const next = typeof updater === 'function' ? updater(sorting) : updater;
    const first = next[0];
    if (!first) return setSort(null);
    const key = first.id as ObjectColumn;
    setSort(key === 'idx' && !first.desc ? null : { key, desc: first.desc });
  };
  const table = useReactTable<ObjectRow>({
    data: NO_DATA,
    columns: COLUMNS,
    state: { sorting, columnVisibility: hiddenColumns(hasType, hasSlab, hasIndices) },
    onSortingChange,
    manualSorting: true,
    enableMultiSort: false,
    enableSortingRemoval: false,
    sortDescFirst: false,
    getCoreRowModel: getCoreRowModel(),
  });

  const visibleColumns = table.getVisibleLeafColumns().map((c) => c.id as ObjectColumn);
  const GRID_TEMPLATE = visibleColumns.map((c) => `${columnWidth(c, withSymbols)}px`).join(' ');
  const GRID_WIDTH = visibleColumns.reduce((w, c) => w + columnWidth(c, withSymbols), 0);

  const rowsInView = Math.max(1, Math.floor(viewHeight / ROW_HEIGHT) - 1);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (total === 0) return;
    const cur = cursorPos ?? -1;
    let next: number | null = null;
    switch (e.key) {
      case 'ArrowDown':
        next = Math.min(total - 1, cur + 1);
        break;
      case 'ArrowUp':
        next = Math.max(0, cur - 1);
        break;
      case 'PageDown':
        next = Math.min(total - 1, Math.max(0, cur) + rowsInView);
        break;
      case 'PageUp':
        next = Math.max(0, cur - rowsInView);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = total - 1;
        break;
      case 'Enter':
      case ' ': {
        e.preventDefault();
        if (cursorPos === null) return;
        const row = cache.get(cursorPos);
        if (row) useViewStore.getState().selectObject(row.idx, cursorPos);
        return;
      }
      case 'Escape':
        if (obj !== null) {
          e.preventDefault();
          useViewStore.getState().selectObject(null);
        }
        return;
      default:
        return;
    }
    e.preventDefault();
    useViewStore.getState().setCursor(next);
    scrollTo(next);
  };

  const onScroll = () => {
    const el = bodyRef.current;
    if (!el) return;
    setScrollTop(el.scrollTop);
    if (headRef.current) headRef.current.scrollLeft = el.scrollLeft;
  };

  const rows: ReactElement[] = [];
  for (let pos = start; pos < end; pos++) {
    const r = cache.get(pos);
    const top = rowTop(geometry, scrollTop, pos);
    const isCursor = pos === cursorPos;
    const isSelected = r !== undefined && r.idx === obj;
    rows.push(
      <div
        key={pos}
        id={`objrow-${pos}`}
        role="row"
        aria-rowindex={pos + 2}
        aria-selected={isSelected}
        data-idx={r?.idx}
        data-pos={pos}
        data-testid={r && cache.isFresh(pos) ? 'object-row' : 'object-row-pending'}
        className={`grid-row${isSelected ? ' selected' : ''}${isCursor ? ' cursor' : ''}${r?.live ? ' live' : ''}${pos % 2 ? ' odd' : ''}`}
        style={{ top, gridTemplateColumns: GRID_TEMPLATE, width: GRID_WIDTH }}
        onClick={() => {
          if (!r) return;
          useViewStore.getState().selectObject(r.idx, pos);
          gridRef.current?.focus({ preventScroll: true });
        }}
      >
        {visibleColumns.map((col) => (
          <div key={col} role="gridcell" data-col={col} className={`cell${COLUMN_INFO[col].numeric ? ' num' : ''}`}>
            {r ? renderObjectCell(col, r) : col === 'idx' ? <span className="muted">…</span> : null}
          </div>
        ))}
      </div>,
    );
  }

  return (
    <div
      className="grid"
      role="grid"
      aria-label="Objects (arrow keys move, Enter opens)"
      aria-rowcount={total + 1}
      aria-colcount={visibleColumns.length}
      aria-multiselectable="false"
      ref={gridRef}
      tabIndex={0}
      aria-activedescendant={cursorPos !== null && cursorPos >= start && cursorPos < end ? `objrow-${cursorPos}` : undefined}
      onKeyDown={onKeyDown}
    >
      <div
        className="grid-head"
        ref={headRef}
        role="rowgroup"
        onScroll={() => {
          // Focus moving to a header out of view scrolls the head: the body follows.
          const head = headRef.current;
          const body = bodyRef.current;
          if (head && body && body.scrollLeft !== head.scrollLeft) body.scrollLeft = head.scrollLeft;
        }}
      >
        {table.getHeaderGroups().map((hg) => (
          <div
            key={hg.id}
            role="row"
            aria-rowindex={1}
            className="grid-head-row"
            style={{ gridTemplateColumns: GRID_TEMPLATE, width: GRID_WIDTH }}
          >
            {hg.headers.map((h) => {
              const col = h.column.id as ObjectColumn;
              const dir = h.column.getIsSorted();
              const info = COLUMN_INFO[col];
              return (
                <div
                  key={h.id}
                  role="columnheader"
                  aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}
                  data-col={col}
                  className={`head-cell${info.numeric ? ' num' : ''}${dir ? ' sorted' : ''}`}
                  title={info.title}
                >
                  <button type="button" className="sort-button" onClick={h.column.getToggleSortingHandler()}>
                    <span>{info.label}</span>
                    <span className="sort-arrow" aria-hidden="true">
                      {dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : ''}
                    </span>
                  </button>
                </div>
              );
            })}
          </div>
        ))}
      </div>
      <div
        className="grid-body"
        ref={bodyRef}
        role="rowgroup"
        onScroll={onScroll}
        data-testid="objects-scroll"
      >
        <div className="grid-content" style={{ height: virtualizer.getTotalSize(), width: GRID_WIDTH }}>
          {rows}
        </div>
        {total === 0 && <EmptyResult />}
      </div>
    </div>
  );
}
