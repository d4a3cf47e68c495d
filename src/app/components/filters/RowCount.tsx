// How many objects the filters keep: "39 of 671 objects" (the objects
// table's rows; data-testid="row-count").

import { formatCount } from '../../format.ts';
import { useDataStore } from '../../stores/data-store.ts';

export function RowCount() {
  const result = useDataStore((s) => s.result);
  const phase = useDataStore((s) => s.phase);
  if (!result) return <span className="row-count muted">…</span>;
  const filtered = result.total !== result.numObjects;
  return (
    <span className="row-count" data-testid="row-count" aria-live="polite">
      {filtered
        ? `${formatCount(result.total)} of ${formatCount(result.numObjects)} objects`
        : `${formatCount(result.numObjects)} objects`}
      {phase === 'loading' ? ' (loading…)' : ''}
    </span>
  );
}
