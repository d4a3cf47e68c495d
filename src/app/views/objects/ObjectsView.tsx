// The Objects tab: filter bar, the virtualised table and the selected
// object's detail panel.

import { formatCount } from '../../format.ts';
import { useDataStore } from '../../stores/data-store.ts';
import { useViewStore } from '../../stores/view-store.ts';
import { ObjectDetail } from './ObjectDetail.tsx';
import { ObjectsTable } from './ObjectsTable.tsx';
import { SearchBox } from '../../components/filters/SearchBox.tsx';
import { SlabFilter } from '../../components/filters/SlabFilter.tsx';

function RowCount() {
  const result = useDataStore((s) => s.result);
  const phase = useDataStore((s) => s.phase);
  if (!result) return <span className="row-count muted">…</span>;
  const filtered = result.total !== result.numObjects;
  return (
    <span className="row-count" data-testid="row-count">
      {filtered
        ? `${formatCount(result.total)} of ${formatCount(result.numObjects)} objects`
        : `${formatCount(result.numObjects)} objects`}
      {phase === 'loading' ? ' (loading…)' : ''}
    </span>
  );
}

export function ObjectsView() {
  const obj = useViewStore((s) => s.obj);
  return (
    <div className="objects-view">
      <div className="filter-bar">
        <SlabFilter />
        <SearchBox />
        <span className="spacer" />
        <RowCount />
      </div>
      <div className={`objects-split${obj !== null ? ' with-detail' : ''}`}>
        <ObjectsTable />
        {obj !== null && <ObjectDetail idx={obj} />}
      </div>
    </div>
  );
}
