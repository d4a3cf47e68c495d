// The Objects tab: the virtualised table and the selected object's detail
// panel. The filter bar above the tabs (components/filters/FilterBar.tsx)
// narrows what the table lists.

import { useViewStore } from '../../stores/view-store.ts';
import { ObjectDetail } from './ObjectDetail.tsx';
import { ObjectsTable } from './ObjectsTable.tsx';
import { useCopyHex } from './copy-hex.ts';

export function ObjectsView() {
  const obj = useViewStore((s) => s.obj);
  const ref = useCopyHex<HTMLDivElement>();
  return (
    <div className="objects-view" ref={ref}>
      <div className={`objects-split${obj !== null ? ' with-detail' : ''}`}>
        <ObjectsTable />
        {obj !== null && <ObjectDetail idx={obj} />}
      </div>
    </div>
  );
}
