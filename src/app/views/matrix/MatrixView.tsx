// The Matrix tab: the CAPMAP of the filtered objects, accessing functions
// (IPs without symbols) by slab cache or alloc type. The worker counts the
// top rows and columns by reads + writes with an "other" row and column and
// the totals at the edges, every figure exact (distinct objects included);
// this view orders them (by total, or clustered so that blocks show) and
// colours each cell on a log scale by reads, writes or both.
//
// A cell is a button: a click (or Enter) filters the objects to that pair
// (the site as an access site, the cache or type) and opens the Objects
// tab; the Access-sites tab then shows the same pair. One tab stop for the
// grid (roving tabindex), arrow keys move between cells. An aggregate-only
// load kept no object's sites: its cells filter nothing, and distinct
// objects it cannot tell (NaN from the worker) read "not known".

import { interpolateBlues, interpolateOranges, interpolatePurples } from 'd3';
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { filterKey, MATRIX_COLUMN_KINDS, type MatrixColumnKind, type MatrixView as MatrixData } from '../../../worker-api.ts';
import { MATRIX_COLORS, MATRIX_ORDERS, type MatrixColor } from '../../../view-state/view-state.ts';
import { foldFilterProblem } from '../../../query/cell-queries.ts';
import { matrixSvg } from '../../charts/svg-export.ts';
import { DownloadCsvButton, csvFileName } from '../../components/DownloadCsvButton.tsx';
import { ExportChartButtons } from '../../components/ExportChartButtons.tsx';
import { displayName } from '../../components/grid/cells.tsx';
import { formatCompact, formatCount, plural } from '../../format.ts';
import { kmapApi } from '../../kmap-client.ts';
import { useDataStore } from '../../stores/data-store.ts';
import { useViewStore } from '../../stores/view-store.ts';
import { useWorkerResult } from '../use-worker-result.ts';
import { clusteredOrder } from './matrix-order.ts';

const ROW_CHOICES = [20, 40, 80] as const;
const MAX_COLS = 24;
let lastRows: number = ROW_CHOICES[1];

const COLS_LABEL: Record<MatrixColumnKind, string> = { slab: 'Slab caches', type: 'Types' };
const COLOR_LABEL: Record<MatrixColor, string> = { both: 'Both', reads: 'Reads', writes: 'Writes' };
const INTERPOLATE: Record<MatrixColor, (t: number) => string> = { both: interpolatePurples, reads: interpolateBlues, writes: interpolateOranges };

export function MatrixView() {
  const filter = useViewStore((s) => s.filter);
  const settings = useViewStore((s) => s.matrix);
  const setMatrix = useViewStore((s) => s.setMatrix);
  const summary = useDataStore((s) => s.summary);
  const phase = useDataStore((s) => s.phase);
  const sourceName = useDataStore((s) => s.source?.name ?? null);
  const partial = useDataStore((s) => s.partial !== null);
  const aggregateOnly = summary?.aggregateOnly ?? false;
  const [maxRows, setMaxRowsState] = useState(lastRows);
  const setMaxRows = (n: number) => {
    lastRows = n;
    setMaxRowsState(n);
  };
  const available = MATRIX_COLUMN_KINDS.filter((k) => (k === 'slab' ? (summary?.hasSlab ?? true) : (summary?.hasType ?? true)));
  const cols: MatrixColumnKind = available.includes(settings.cols) ? settings.cols : (available[0] ?? 'slab');

  // A filter the sums of an aggregate-only load cannot apply: said here, and nothing is asked.
  const refused = aggregateOnly ? foldFilterProblem(filter) : null;
  const result = useWorkerResult<MatrixData>('matrix', refused === null ? `${cols}\n${maxRows}\n${filterKey(filter)}` : null, () => kmapApi().matrix(filter, cols, maxRows, MAX_COLS));
  const m = refused === null ? result.value : null;

  return (
    <div className="agg-view matrix-view">
      <div className="view-toolbar">
        <label className="view-field">
          <span>Columns</span>
          <select className="view-select" value={cols} onChange={(e) => setMatrix({ cols: e.currentTarget.value as MatrixColumnKind })}>
            {available.map((k) => (
              <option key={k} value={k}>
                {COLS_LABEL[k]}
              </option>
            ))}
          </select>
        </label>
        <div className="seg-toggle" role="radiogroup" aria-label="Colour by">
          {MATRIX_COLORS.map((c) => (
            <label key={c} className={`seg-option${settings.color === c ? ' checked' : ''}`}>
              <input type="radio" name="matrix-color" value={c} checked={settings.color === c} onChange={() => setMatrix({ color: c })} />
              {COLOR_LABEL[c]}
            </label>
          ))}
        </div>
        <div className="seg-toggle" role="radiogroup" aria-label="Order">
          {MATRIX_ORDERS.map((o) => (
            <label key={o} className={`seg-option${settings.order === o ? ' checked' : ''}`}>
              <input type="radio" name="matrix-order" value={o} checked={settings.order === o} onChange={() => setMatrix({ order: o })} />
              {o === 'total' ? 'By total' : 'Clustered'}
            </label>
          ))}
        </div>
        <label className="view-field">
          <span>Rows</span>
          <select className="view-select" value={maxRows} onChange={(e) => setMaxRows(Number(e.currentTarget.value))}>
            {ROW_CHOICES.map((n) => (
              <option key={n} value={n}>
                top {n}
              </option>
            ))}
          </select>
        </label>
        <span className="view-status" role="status" data-testid="matrix-status">
          {m && !result.stale && (
            <span data-testid="matrix-count">
              {plural(m.numSites, 'site')} × {plural(m.numColumns, cols === 'slab' ? 'cache' : 'type')}
              {phase === 'loading' ? ' so far' : ''}
            </span>
          )}
          {result.computing && <span className="computing">Computing…</span>}
        </span>
        <span className="spacer" />
        <ExportChartButtons
          what={`matrix-${cols}`}
          chart="matrix"
          sourceName={sourceName}
          partial={partial}
          getSvg={() => (m && m.rows.length > 0 ? matrixAsSvg(m, cols, settings.color, settings.order === 'cluster', sourceName) : null)}
        />
        <DownloadCsvButton
          fileName={csvFileName(`matrix-${cols}`, sourceName, partial)}
          getCsv={() => kmapApi().matrixCsv(useViewStore.getState().filter, cols)}
          disabled={phase === 'empty'}
          title={`Every (site, ${cols}) pair as CSV: what kmap matrix --cols ${cols} prints`}
        />
      </div>
      {refused !== null ? (
        <p className="view-note active" role="status" data-testid="matrix-refused">
          {refused}
        </p>
      ) : (
        result.error && (
          <p className="view-error" role="alert">
            The matrix failed: {result.error}
          </p>
        )
      )}
      {m === null ? (
        <div className="chart-empty muted">{result.error || refused !== null ? 'Nothing to draw.' : 'Computing…'}</div>
      ) : m.rows.length === 0 ? (
        <div className="chart-empty muted" data-testid="matrix-empty">
          No access lines among the filtered objects.
        </div>
      ) : (
        <MatrixGrid data={m} cols={cols} color={settings.color} clustered={settings.order === 'cluster'} dimmed={result.stale} aggregateOnly={aggregateOnly} />
      )}
      <p className="chart-hint muted">
        Rows: accessing functions (instruction addresses without symbols), most reads + writes first. A cell’s colour is its{' '}
        {settings.color === 'both' ? 'reads + writes' : settings.color} on a log scale.{' '}
        {aggregateOnly
          ? 'Loaded aggregates only: the cells come from access lines summed as they were read, so a cell cannot list its objects, and distinct objects over several addresses are not known.'
          : 'Click a cell (Enter on one) to filter the objects to that pair.'}
      </p>
    </div>
  );
}

/** The value a cell shows and is coloured by. */
function cellMetric(data: MatrixData, color: MatrixColor): (cell: number) => number {
  return (cell) => (color === 'reads' ? data.reads[cell] : color === 'writes' ? data.writes[cell] : data.reads[cell] + data.writes[cell]);
}

/** Rows and columns in the chosen order ("other" last). */
function gridOrder(data: MatrixData, metric: (cell: number) => number, clustered: boolean): { rows: number[]; cols: number[] } {
  const R = data.rows.length + (data.otherRow ? 1 : 0);
  const C = data.columns.length + (data.otherColumn ? 1 : 0);
  if (!clustered) return { rows: Array.from({ length: R }, (_, r) => r), cols: Array.from({ length: C }, (_, c) => c) };
  // "other" stays last: only the named rows and columns are clustered.
  const nr = data.rows.length;
  const nc = data.columns.length;
  const o = clusteredOrder(nr, nc, (r, c) => metric(r * C + c));
  return { rows: [...o.rows, ...(data.otherRow ? [nr] : [])], cols: [...o.cols, ...(data.otherColumn ? [nc] : [])] };
}

/** Pale at the low end, deep at the high end, on a log scale up to the largest cell. */
function cellShade(data: MatrixData, metric: (cell: number) => number, color: MatrixColor): { shade: (v: number) => string; max: number } {
  const R = data.rows.length + (data.otherRow ? 1 : 0);
  const C = data.columns.length + (data.otherColumn ? 1 : 0);
  let max = 0;
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) max = Math.max(max, metric(r * C + c));
  return { max, shade: (v) => (v <= 0 || max <= 0 ? 'transparent' : INTERPOLATE[color](0.12 + 0.88 * (Math.log1p(v) / Math.log1p(max)))) };
}

function matrixAsSvg(data: MatrixData, cols: MatrixColumnKind, color: MatrixColor, clustered: boolean, sourceName: string | null): string {
  const metric = cellMetric(data, color);
  const { shade } = cellShade(data, metric, color);
  return matrixSvg(
    data,
    gridOrder(data, metric, clustered),
    metric,
    shade,
    (r) => (r < data.rows.length ? data.rows[r] : 'other'),
    (c) => (c < data.columns.length ? data.columns[c] : 'other'),
    `${sourceName ?? 'kmap'}: accessing functions by ${cols === 'slab' ? 'slab cache' : 'type'}, ${color === 'both' ? 'reads + writes' : color}`,
  );
}

interface GridProps {
  data: MatrixData;
  cols: MatrixColumnKind;
  color: MatrixColor;
  clustered: boolean;
  dimmed: boolean;
  /** An aggregate-only load: cells cannot filter the objects to their pair. */
  aggregateOnly: boolean;
}

function MatrixGrid({ data, cols, color, clustered, dimmed, aggregateOnly }: GridProps) {
  const setFilter = useViewStore((s) => s.setFilter);
  const setTab = useViewStore((s) => s.setTab);
  const R = data.rows.length + (data.otherRow ? 1 : 0);
  const C = data.columns.length + (data.otherColumn ? 1 : 0);
  const rowBase = R * C;
  const colBase = rowBase + R;
  const grand = colBase + C;
  const metric = cellMetric(data, color);
  const order = useMemo(() => gridOrder(data, cellMetric(data, color), clustered), [data, clustered, color]);
  // Pale at the low end (dark text there: the 'dark' class), deep at the high end.
  const { shade, max } = cellShade(data, metric, color);
  const rowName = (r: number) => (r < data.rows.length ? data.rows[r] : 'other');
  const colName = (c: number) => (c < data.columns.length ? data.columns[c] : 'other');
  const rowText = (r: number) => (r < data.rows.length ? displayName(data.rows[r]) : `other (${formatCount(data.numSites - data.rows.length)} sites)`);
  const colText = (c: number) => (c < data.columns.length ? displayName(data.columns[c]) : `other (${formatCount(data.numColumns - data.columns.length)})`);
  const describe = (cell: number, what: string) =>
    `${what}: ${formatCount(data.reads[cell])} reads, ${formatCount(data.writes[cell])} writes, ${plural(data.lines[cell], 'access line')}, ${Number.isNaN(data.objects[cell]) ? 'objects not known' : plural(data.objects[cell], 'object')}`;

  const [focus, setFocus] = useState<[number, number]>([0, 0]);
  const tableRef = useRef<HTMLTableElement>(null);
  const fr = Math.min(focus[0], R - 1);
  const fc = Math.min(focus[1], C - 1);
  const moveFocus = (i: number, j: number) => {
    const r = Math.max(0, Math.min(R - 1, i));
    const c = Math.max(0, Math.min(C - 1, j));
    setFocus([r, c]);
    tableRef.current?.querySelector<HTMLButtonElement>(`button[data-pos="${r}:${c}"]`)?.focus();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const [i, j] = [fr, fc];
    const moves: Record<string, [number, number]> = {
      ArrowUp: [i - 1, j],
      ArrowDown: [i + 1, j],
      ArrowLeft: [i, j - 1],
      ArrowRight: [i, j + 1],
      Home: [i, 0],
      End: [i, C - 1],
    };
    const to = moves[e.key];
    if (!to) return;
    e.preventDefault();
    moveFocus(to[0], to[1]);
  };
  const activate = (r: number, c: number) => {
    // "other" is many sites or columns, and an empty cell keeps nothing: neither filters.
    if (aggregateOnly || r >= data.rows.length || c >= data.columns.length || !(data.lines[r * C + c] > 0)) return;
    const site = data.rows[r];
    const column = data.columns[c];
    setFilter(cols === 'slab' ? { accessSites: [site], slabs: [column] } : { accessSites: [site], types: [column] });
    setTab('objects');
  };

  return (
    <div className={`matrix-scroll${dimmed ? ' dimmed' : ''}`}>
      <table ref={tableRef} className="matrix-table" aria-label={`Access matrix: accessing functions by ${cols === 'slab' ? 'slab cache' : 'type'}`} onKeyDown={onKeyDown}>
        <thead>
          <tr>
            <th scope="col" className="matrix-corner">
              site \ {cols === 'slab' ? 'cache' : 'type'}
            </th>
            {order.cols.map((c) => (
              <th key={c} scope="col" className="matrix-col-head" title={colText(c)} data-testid="matrix-col">
                <span>{colText(c)}</span>
              </th>
            ))}
            <th scope="col" className="matrix-col-head total">
              <span>Total</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {order.rows.map((r, i) => (
            <tr key={r} data-testid="matrix-row">
              <th scope="row" className="matrix-row-head mono" title={rowText(r)}>
                {rowText(r)}
              </th>
              {order.cols.map((c, j) => {
                const cell = r * C + c;
                const v = metric(cell);
                const named = r < data.rows.length && c < data.columns.length && !aggregateOnly;
                const label = describe(cell, `${rowText(r)} × ${colText(c)}`);
                return (
                  <td key={c} className="matrix-cell" style={{ background: shade(v) }}>
                    <button
                      type="button"
                      data-pos={`${i}:${j}`}
                      data-site={rowName(r)}
                      data-column={colName(c)}
                      tabIndex={i === fr && j === fc ? 0 : -1}
                      aria-label={label + (named && data.lines[cell] > 0 ? '. Press to filter the objects to this pair' : '')}
                      title={label}
                      onFocus={() => setFocus([i, j])}
                      onClick={() => activate(r, c)}
                      aria-disabled={!named || data.lines[cell] === 0}
                      className={v > 0 && Math.log1p(v) / Math.log1p(max) < 0.5 ? 'dark' : undefined}
                    >
                      {data.lines[cell] > 0 ? formatCompact(v) : ''}
                    </button>
                  </td>
                );
              })}
              <td className="matrix-total" title={describe(rowBase + r, `${rowText(r)}, all columns`)}>
                {formatCompact(metric(rowBase + r))}
              </td>
            </tr>
          ))}
          <tr className="matrix-totals">
            <th scope="row" className="matrix-row-head">
              Total
            </th>
            {order.cols.map((c) => (
              <td key={c} className="matrix-total" title={describe(colBase + c, `${colText(c)}, all sites`)}>
                {formatCompact(metric(colBase + c))}
              </td>
            ))}
            <td className="matrix-total" title={describe(grand, 'All')} data-testid="matrix-grand-total">
              {formatCompact(metric(grand))}
            </td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}
