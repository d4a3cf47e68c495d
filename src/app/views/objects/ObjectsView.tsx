// The Objects tab: the virtualised table and the selected object's detail
// panel. The filter bar above the tabs (components/filters/FilterBar.tsx)
// narrows what the table lists.

import { useViewStore } from '../../stores/view-store.ts';
import { ObjectDetail } from './ObjectDetail.tsx';
import { ObjectsTable } from './ObjectsTable.tsx';

export function ObjectsView() {
  const obj = useViewStore((s) => s.obj);
  return (
    <div className="objects-view">
      <div className={`objects-split${obj !== null ? ' with-detail' : ''}`}>
        <ObjectsTable />
        {obj !== null && <ObjectDetail idx={obj} />}
      </div>
    </div>
  );
}
