// The index window (set by the Lifetimes view's brush) as a chip in the
// filter bar, so that every view shows it applies and any view can remove it.

import { useViewStore } from '../../stores/view-store.ts';
import { windowText } from './filter-text.ts';

export function WindowChip() {
  const win = useViewStore((s) => s.filter.window);
  const setFilter = useViewStore((s) => s.setFilter);
  if (!win) return null;
  const text = windowText(win);
  return (
    <span className="chip window-chip" data-testid="window-chip" title={`Objects ${text} (set on the Lifetimes tab)`}>
      <span className="chip-text">
        <span className="chip-kind">objects </span>
        {text}
      </span>
      <button type="button" className="chip-remove" aria-label="Remove the index window" title="Remove the index window" onClick={() => setFilter({ window: null })}>
        ×
      </button>
    </span>
  );
}
