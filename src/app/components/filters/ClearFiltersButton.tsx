// "Clear filters": empties every filter field; shown only while one is set.

import { isEmptyFilter } from '../../../worker-api.ts';
import { useViewStore } from '../../stores/view-store.ts';

export function ClearFiltersButton({ className = '' }: { className?: string }) {
  const active = useViewStore((s) => !isEmptyFilter(s.filter));
  const clearFilter = useViewStore((s) => s.clearFilter);
  if (!active) return null;
  return (
    <button type="button" className={`btn btn-small ${className}`.trim()} onClick={clearFilter} title="Remove every filter and the search">
      Clear filters
    </button>
  );
}
