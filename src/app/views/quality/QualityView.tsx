// The Quality tab: what in the capture is not a plain allocate-use-free
// object, per slab cache or type of the filtered objects (query/quality.ts
// defines each flag): live at the end (missed frees or real leaks), frees
// closed by an overlapping or nested allocation or never seen, UFO, induced,
// pre-registered and catch-all objects with the access lines the catch-alls
// gathered, objects never accessed, read-only and write-only ones. Every
// number is a button that sets the filter to those objects and opens the
// Objects tab. Beside it, Memorizer's instrumentation as a tree (HooksTree).

import { INDUCED_TYPE, QUALITY_FLAG_TEXT, filterKey, type LifetimeGrouping, type ObjectFilter, type QualityRow } from '../../../worker-api.ts';
import { DownloadCsvButton, csvFileName } from '../../components/DownloadCsvButton.tsx';
import { displayName } from '../../components/grid/cells.tsx';
import { formatCount, plural } from '../../format.ts';
import { kmapApi } from '../../kmap-client.ts';
import { useDataStore } from '../../stores/data-store.ts';
import { useViewStore } from '../../stores/view-store.ts';
import { useWorkerResult } from '../use-worker-result.ts';
import { HooksTree } from './HooksTree.tsx';

/** Groups drawn (the biggest by objects); the CSV has all. */
const MAX_ROWS = 500;

type Column = Exclude<keyof QualityRow, 'group'>;

const COLUMNS: readonly { id: Column; header: string; title: string }[] = [
  { id: 'objects', header: 'Objects', title: 'Objects of the group that the filters keep' },
  { id: 'live', header: 'Live at end', title: 'Never freed during the capture: missed frees, or real leaks' },
  { id: 'overlapped', header: 'Overlapped', title: `Closed by an overlapping allocation (free IP deadbeef)` },
  { id: 'nested', header: 'Nested', title: QUALITY_FLAG_TEXT.nested },
  { id: 'freeUnseen', header: 'Free unseen', title: QUALITY_FLAG_TEXT.freeUnseen },
  { id: 'ufo', header: 'UFO', title: QUALITY_FLAG_TEXT.ufo },
  { id: 'induced', header: 'Induced', title: `Objects of type ${INDUCED_TYPE}` },
  { id: 'preregistered', header: 'Pre-registered', title: QUALITY_FLAG_TEXT.preregistered },
  { id: 'catchAll', header: 'Catch-all', title: QUALITY_FLAG_TEXT.catchAll },
  { id: 'catchAllLines', header: 'Catch-all lines', title: 'Access lines that landed on catch-all objects: accesses to memory no tracked object covered' },
  { id: 'unaccessed', header: 'Never accessed', title: QUALITY_FLAG_TEXT.unaccessed },
  { id: 'readOnly', header: 'Read-only', title: QUALITY_FLAG_TEXT.readOnly },
  { id: 'writeOnly', header: 'Write-only', title: QUALITY_FLAG_TEXT.writeOnly },
];

/**
 * The filter fields a number stands for: its group (null: all groups) and
 * its column, on top of the filter the counts were made with. null when no
 * filter can say it: a column of another flag than the one the filter holds
 * (a filter holds one flag; the number counts objects with both).
 */
export function qualityPatch(by: LifetimeGrouping, group: string | null, column: Column, active: ObjectFilter['flag']): Partial<ObjectFilter> | null {
  const patch: Partial<ObjectFilter> = {};
  if (group !== null) patch[by === 'slab' ? 'slabs' : 'types'] = [group];
  const flag = column === 'catchAllLines' ? 'catchAll' : column;
  switch (column) {
    case 'objects':
      break;
    case 'live':
      patch.state = 'live';
      break;
    case 'induced':
      if (by === 'slab' || group === null) patch.types = [INDUCED_TYPE];
      break;
    default:
      if (active !== null && active !== flag) return null;
      patch.flag = flag as ObjectFilter['flag'];
  }
  return patch;
}

export function QualityView() {
  const filter = useViewStore((s) => s.filter);
  const qby = useViewStore((s) => s.qby);
  const setQby = useViewStore((s) => s.setQby);
  const setFilter = useViewStore((s) => s.setFilter);
  const setTab = useViewStore((s) => s.setTab);
  const summary = useDataStore((s) => s.summary);
  const phase = useDataStore((s) => s.phase);
  const sourceName = useDataStore((s) => s.source?.name ?? null);
  const partial = useDataStore((s) => s.partial !== null);
  const available = (['slab', 'type'] as const).filter((k) => (k === 'slab' ? (summary?.hasSlab ?? true) : (summary?.hasType ?? true)));
  const by: LifetimeGrouping = available.includes(qby) ? qby : (available[0] ?? 'slab');
  const result = useWorkerResult<{ rows: QualityRow[]; total: QualityRow }>('quality', `${by}\n${filterKey(filter)}`, () => kmapApi().quality(filter, by));
  const q = result.value;

  const apply = (patch: Partial<ObjectFilter>) => {
    setFilter(patch);
    setTab('objects');
  };
  const cell = (row: QualityRow, group: string | null, column: Column) => {
    const n = row[column];
    const what = `${group === null ? 'All groups' : displayName(group)}, ${COLUMNS.find((c) => c.id === column)!.header.toLowerCase()}: ${formatCount(n)}`;
    const patch = n > 0 ? qualityPatch(by, group, column, filter.flag) : null;
    return (
      <td key={column} className="num">
        {n > 0 && patch === null ? (
          <span title={`${what}: objects with this flag and the one the filters hold; remove that flag to list them`}>{formatCount(n)}</span>
        ) : patch !== null ? (
          <button type="button" className="link-number" title={`${what}. Show these objects`} aria-label={`${what}. Show these objects`} onClick={() => apply(patch)} data-column={column}>
            {formatCount(n)}
          </button>
        ) : (
          <span className="muted">0</span>
        )}
      </td>
    );
  };

  return (
    <div className="agg-view quality-view">
      <div className="view-toolbar">
        {available.length > 0 && (
          <label className="view-field">
            <span>Group by</span>
            <select className="view-select" value={by} onChange={(e) => setQby(e.currentTarget.value as LifetimeGrouping)}>
              {available.map((k) => (
                <option key={k} value={k}>
                  {k === 'slab' ? 'Slab cache' : 'Type'}
                </option>
              ))}
            </select>
          </label>
        )}
        <span className="view-status" role="status">
          {q && !result.stale && <span data-testid="quality-count">{plural(q.rows.length, by === 'slab' ? 'slab cache' : 'type')}</span>}
          {result.computing && <span className="computing">Computing…</span>}
        </span>
        <span className="spacer" />
        <DownloadCsvButton
          fileName={csvFileName(`quality-${by}`, sourceName, partial)}
          getCsv={() => kmapApi().qualityCsv(useViewStore.getState().filter, by)}
          disabled={phase === 'empty'}
          title={`The quality counts as CSV: what kmap quality --by ${by} prints`}
        />
      </div>
      {result.error && (
        <p className="view-error" role="alert">
          The quality counts failed: {result.error}
        </p>
      )}
      <div className="quality-split">
        <div className={`quality-table-box${result.stale ? ' dimmed' : ''}`}>
          {q === null ? (
            <p className="muted">Computing…</p>
          ) : (
            <table className="quality-table" aria-label={`Data quality by ${by === 'slab' ? 'slab cache' : 'type'}`}>
              <thead>
                <tr>
                  <th scope="col">{by === 'slab' ? 'Slab cache' : 'Type'}</th>
                  {COLUMNS.map((c) => (
                    <th key={c.id} scope="col" title={c.title} className="num">
                      {c.header}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                <tr className="quality-total" data-testid="quality-row" data-group="">
                  <th scope="row">All</th>
                  {COLUMNS.map((c) => cell(q.total, null, c.id))}
                </tr>
                {q.rows.slice(0, MAX_ROWS).map((r) => (
                  <tr key={r.group} data-testid="quality-row" data-group={r.group}>
                    <th scope="row" className="mono" title={displayName(r.group)}>
                      {displayName(r.group)}
                    </th>
                    {COLUMNS.map((c) => cell(r, r.group, c.id))}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {q && q.rows.length > MAX_ROWS && (
            <p className="chart-note muted">
              The {formatCount(MAX_ROWS)} biggest of {formatCount(q.rows.length)} groups are listed; Download CSV has them all.
            </p>
          )}
        </div>
        <HooksTree />
      </div>
      <p className="chart-hint muted">Click a number (Enter on it) to filter the objects to those it counts and open the Objects tab.</p>
    </div>
  );
}
