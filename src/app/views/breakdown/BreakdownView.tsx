// The Breakdown tab: the filtered objects grouped by type, slab cache,
// command, allocating pid or allocation site (the "Group by" select, `by` in
// the URL), as a sortable table beside a chart (the top groups as bars, or
// an icicle of type -> cache -> site). A click on a row, a bar or a tile (or
// Enter on one) adds that group to the shared filters.

import { useMemo, useState } from 'react';
import { filterKey, isEmptyFilter, type BreakdownKey, type BreakdownRow, type HierarchyCell } from '../../../worker-api.ts';
import { BarChart, type BarDatum } from '../../charts/BarChart.tsx';
import { Icicle, type IcicleField, type IcicleNode } from '../../charts/Icicle.tsx';
import { ClearFiltersButton } from '../../components/filters/ClearFiltersButton.tsx';
import { displayCommand } from '../../components/filters/filter-text.ts';
import { layoutIcicle } from '../../charts/icicle-layout.ts';
import { barsSvg, icicleSvg } from '../../charts/svg-export.ts';
import { DownloadCsvButton, csvFileName } from '../../components/DownloadCsvButton.tsx';
import { ExportChartButtons } from '../../components/ExportChartButtons.tsx';
import { Bytes, bytesTitle, Count, displayName, NameText, SiteText } from '../../components/grid/cells.tsx';
import { VirtualGrid, type GridColumn } from '../../components/grid/VirtualGrid.tsx';
import { formatBytes, formatCount, plural } from '../../format.ts';
import { kmapApi } from '../../kmap-client.ts';
import { useDataStore } from '../../stores/data-store.ts';
import { useViewStore } from '../../stores/view-store.ts';
import { useWorkerResult } from '../use-worker-result.ts';
import { addGroupToFilter } from '../add-to-filter.ts';

const BY_LABEL: Record<BreakdownKey, string> = {
  type: 'Type',
  slab: 'Slab cache',
  command: 'Command',
  pid: 'PID',
  site: 'Allocation site',
};

const BY_PLURAL: Record<BreakdownKey, string> = {
  type: 'types',
  slab: 'slab caches',
  command: 'commands',
  pid: 'allocating pids',
  site: 'allocation sites',
};

const BY_ORDER: readonly BreakdownKey[] = ['type', 'slab', 'command', 'pid', 'site'];
/** What a grouping the format lacks falls back to, in order. */
const FALLBACK: readonly BreakdownKey[] = ['slab', 'type', 'command'];

const TOP_BARS = 30;
/** Cells asked for the icicle (the biggest; the worker says how many there are). */
const ICICLE_LIMIT = 20_000;
/** SVG up to this many cells, canvas beyond. */
const ICICLE_SVG_MAX = 2000;

const LEVEL_NAMES: Record<IcicleField, string> = { type: 'type', slab: 'slab cache', site: 'alloc site' };
const showName = (_f: IcicleField, name: string) => displayName(name);

type ChartKind = 'bars' | 'icicle';
/** The chart chosen last (kept while the tab is away). */
let lastChart: ChartKind = 'bars';

interface Groups {
  by: BreakdownKey;
  rows: BreakdownRow[];
}

/** How a group's key reads for grouping `by`. */
function keyText(by: BreakdownKey, key: string): string {
  return by === 'command' ? displayCommand(key) : displayName(key);
}

function KeyCell({ by, k }: { by: BreakdownKey; k: string }) {
  if (by === 'site') return <SiteText site={k} />;
  if (by === 'pid') return <span className="mono">{k}</span>;
  return <NameText name={k} />;
}

function columnsFor(by: BreakdownKey): GridColumn<BreakdownRow>[] {
  const count = (id: keyof BreakdownRow & string, header: string, title: string, width: number): GridColumn<BreakdownRow> => ({
    id,
    header,
    title,
    width,
    numeric: true,
    sortValue: (r) => r[id] as number | bigint,
    render: (r) => <Count n={r[id] as number | bigint} />,
  });
  const bytes = (id: 'bytes' | 'liveBytes', header: string, title: string): GridColumn<BreakdownRow> => ({
    id,
    header,
    title,
    width: 88,
    numeric: true,
    sortValue: (r) => r[id],
    render: (r) => <Bytes n={r[id]} />,
    cellTitle: (r) => bytesTitle(r[id]),
  });
  return [
    {
      id: 'key',
      header: 'Key',
      title: `The ${BY_LABEL[by].toLowerCase()} of the group (click a row to add it to the filters)`,
      width: { min: 170, flex: 1 },
      sortValue: by === 'pid' ? (r) => Number(r.key) : (r) => r.key,
      render: (r) => <KeyCell by={by} k={r.key} />,
      cellTitle: (r) => keyText(by, r.key),
      className: 'key-cell',
    },
    count('objects', 'Objects', 'Objects of the group that the filters keep', 78),
    count('live', 'Live', 'Objects never freed during the capture', 66),
    bytes('bytes', 'Bytes', 'Total size of the objects'),
    bytes('liveBytes', 'Live bytes', 'Total size of the live objects'),
    count('accessLines', 'Access lines', 'Access lines of the objects (distinct instruction and task)', 104),
    count('reads', 'Reads', 'Reads over all their access lines', 86),
    count('writes', 'Writes', 'Writes over all their access lines', 86),
  ];
}

function EmptyGroups({ loading }: { loading: boolean }) {
  const filtered = useViewStore((s) => !isEmptyFilter(s.filter));
  if (!filtered) {
    return <span className="muted">{loading ? 'Loading… no objects read yet.' : 'This file has no objects.'}</span>;
  }
  return (
    <span className="view-empty-line" data-testid="breakdown-empty">
      <span className="muted">{loading ? 'Loading… none of the objects read so far match the filters.' : 'No objects match the filters.'}</span>
      <ClearFiltersButton />
    </span>
  );
}

export function BreakdownView() {
  const filter = useViewStore((s) => s.filter);
  const by = useViewStore((s) => s.by);
  const setBy = useViewStore((s) => s.setBy);
  const hasType = useDataStore((s) => s.summary?.hasType ?? true);
  const hasSlab = useDataStore((s) => s.summary?.hasSlab ?? true);
  const phase = useDataStore((s) => s.phase);
  const sourceName = useDataStore((s) => s.source?.name ?? null);
  const partial = useDataStore((s) => s.partial !== null);
  const [chart, setChartState] = useState<ChartKind>(lastChart);
  const setChart = (c: ChartKind) => {
    lastChart = c;
    setChartState(c);
  };

  const available = BY_ORDER.filter((k) => (k === 'type' ? hasType : k === 'slab' ? hasSlab : true));
  // A link's grouping that this format lacks (types before C, caches before D): the first it has.
  const effBy: BreakdownKey = available.includes(by) ? by : (FALLBACK.find((k) => available.includes(k)) ?? 'command');

  const fKey = filterKey(filter);
  const groups = useWorkerResult<Groups>('breakdown', `${effBy}\n${fKey}`, async () => ({
    by: effBy,
    rows: await kmapApi().breakdown(filter, effBy),
  }));
  const levels = useMemo<IcicleField[]>(
    () => [...(hasType ? (['type'] as const) : []), ...(hasSlab ? (['slab'] as const) : []), 'site'],
    [hasType, hasSlab],
  );
  const tree = useWorkerResult<{ cells: HierarchyCell[]; total: number }>(
    'hierarchy',
    chart === 'icicle' ? fKey : null,
    () => kmapApi().hierarchy(filter, ICICLE_LIMIT),
  );

  const shown = groups.value;
  const shownBy = shown?.by ?? effBy;
  const rows = shown?.rows ?? [];
  const columns = useMemo(() => columnsFor(shownBy), [shownBy]);
  const loading = phase === 'loading';
  const firstCompute = shown === null && groups.computing;
  const busy = groups.computing && (groups.stale || shown === null);

  const bars = useMemo<BarDatum[]>(
    () => rows.slice(0, TOP_BARS).map((r) => ({ key: r.key, label: keyText(shownBy, r.key), value: Number(r.bytes), exact: r.bytes, count: r.objects })),
    [rows, shownBy],
  );

  const activateRow = (r: { key: string }) => addGroupToFilter(shownBy, r.key);
  const activateTile = (n: IcicleNode) => addGroupToFilter(n.field, n.name);

  return (
    <div className="agg-view breakdown-view">
      <div className="view-toolbar">
        <label className="view-field">
          <span>Group by</span>
          <select className="view-select" value={effBy} onChange={(e) => setBy(e.currentTarget.value as BreakdownKey)}>
            {available.map((k) => (
              <option key={k} value={k}>
                {BY_LABEL[k]}
              </option>
            ))}
          </select>
        </label>
        <span className="view-status" role="status" data-testid="breakdown-status">
          {shown !== null && !groups.stale && (
            <span data-testid="breakdown-count">
              {plural(rows.length, 'group')}
              {loading ? ' so far' : ''}
            </span>
          )}
          {busy && <span className="computing">Computing…</span>}
        </span>
        <span className="spacer" />
        <DownloadCsvButton
          fileName={csvFileName(`breakdown-${effBy}`, sourceName, partial)}
          getCsv={() => kmapApi().breakdownCsv(useViewStore.getState().filter, effBy)}
          disabled={phase === 'empty'}
        />
      </div>
      {groups.error && (
        <p className="view-error" role="alert">
          The breakdown failed: {groups.error}
        </p>
      )}
      <div className="agg-split">
        <VirtualGrid
          rows={rows}
          columns={columns}
          rowKey={(r) => r.key}
          rowTestId="breakdown-row"
          label={`Breakdown by ${BY_LABEL[shownBy].toLowerCase()} (arrow keys move, Enter adds the group to the filters)`}
          onActivate={activateRow}
          naturalSort={{ id: 'bytes', desc: true }}
          dimmed={groups.stale}
          empty={firstCompute ? <span className="muted">Computing…</span> : shown !== null ? <EmptyGroups loading={loading} /> : null}
          className="agg-grid"
        />
        <section className="agg-chart" aria-label="Chart">
          <div className="chart-toolbar">
            <div className="seg-toggle" role="radiogroup" aria-label="Chart">
              {(['bars', 'icicle'] as const).map((c) => (
                <label key={c} className={`seg-option${chart === c ? ' checked' : ''}`}>
                  <input
                    type="radio"
                    name="breakdown-chart"
                    value={c}
                    checked={chart === c}
                    onChange={() => setChart(c)}
                  />
                  {c === 'bars' ? 'Bars' : 'Icicle'}
                </label>
              ))}
            </div>
            <span className="chart-caption muted">
              {chart === 'bars'
                ? `Top ${Math.min(TOP_BARS, rows.length)} ${BY_PLURAL[shownBy]} by bytes`
                : `${levels.map((l) => LEVEL_NAMES[l]).join(' → ')}, by bytes`}
            </span>
            {chart === 'icicle' && tree.computing && (tree.stale || tree.value === null) && <span className="computing">Computing…</span>}
            {chart === 'icicle' && tree.value && tree.value.cells.length > 0 && (
              <>
                <span className="spacer" />
                <ExportChartButtons
                  what={`breakdown-icicle`}
                  chart="icicle"
                  sourceName={sourceName}
                  partial={partial}
                  getSvg={() =>
                    tree.value &&
                    icicleSvg(
                      layoutIcicle(tree.value.cells, levels, 1000, 700),
                      (node) => displayName(node.name),
                      `${sourceName ?? 'kmap'}: bytes by ${levels.map((l) => LEVEL_NAMES[l]).join(', then ')}`,
                    )
                  }
                />
              </>
            )}
            {chart === 'bars' && bars.length > 0 && (
              <>
                <span className="spacer" />
                <ExportChartButtons
                  what={`breakdown-${shownBy}-bars`}
                  chart="bar chart"
                  sourceName={sourceName}
                  partial={partial}
                  getSvg={() =>
                    barsSvg(
                      bars.map((d) => ({ label: d.label, value: d.value, text: formatBytes(d.value) })),
                      `${sourceName ?? 'kmap'}: top ${bars.length} ${BY_PLURAL[shownBy]} by bytes`,
                    )
                  }
                />
              </>
            )}
          </div>
          {chart === 'bars' ? (
            rows.length > 0 ? (
              <BarChart
                data={bars}
                label={`Top ${bars.length} ${BY_PLURAL[shownBy]} by bytes`}
                formatValue={formatBytes}
                describe={(d) => `${d.label}: ${formatBytes(d.value)} in ${plural(d.count, 'object')}`}
                tooltip={(d) =>
                  `${d.label}\n${formatBytes(d.value)} (${bytesTitle(d.exact ?? d.value)}) in ${plural(d.count, 'object')}\nClick to add it to the filters`
                }
                onActivate={(d) => addGroupToFilter(shownBy, d.key)}
                dimmed={groups.stale}
                barTestId="breakdown-bar"
              />
            ) : (
              <div className="chart-empty muted">{firstCompute ? 'Computing…' : 'Nothing to draw.'}</div>
            )
          ) : tree.value && tree.value.cells.length > 0 ? (
            <>
              <Icicle
                cells={tree.value.cells}
                levels={levels}
                levelNames={LEVEL_NAMES}
                label={`Bytes by ${levels.map((l) => LEVEL_NAMES[l]).join(', then ')}`}
                formatBytes={formatBytes}
                displayName={showName}
                onActivate={activateTile}
                svgMaxCells={ICICLE_SVG_MAX}
                dimmed={tree.stale}
              />
              {tree.value.total > tree.value.cells.length && (
                <p className="chart-note muted">
                  The biggest {formatCount(tree.value.cells.length)} of {formatCount(tree.value.total)} type × cache × site
                  combinations are drawn.
                </p>
              )}
            </>
          ) : (
            <div className="chart-empty muted">
              {tree.error ? `The chart failed: ${tree.error}` : tree.value === null ? 'Computing…' : 'Nothing to draw.'}
            </div>
          )}
          <p className="chart-hint muted">
            {chart === 'bars'
              ? 'Click a bar, or a row (Enter on one), to add the group to the filters.'
              : 'Click a tile (Enter on one) to add its type, cache or site to the filters.'}
          </p>
        </section>
      </div>
    </div>
  );
}
