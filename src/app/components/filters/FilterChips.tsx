// The filters other views set as chips in the filter bar, so that every
// view shows they apply and any view can remove them: the index window (the
// Lifetimes brush) and the data-quality flag (a Quality number).

import { QUALITY_FLAG_TEXT } from '../../../worker-api.ts';
import { useViewStore } from '../../stores/view-store.ts';
import { windowText } from './filter-text.ts';

export function FlagChip() {
  const flag = useViewStore((s) => s.filter.flag);
  const setFilter = useViewStore((s) => s.setFilter);
  if (!flag) return null;
  const text = QUALITY_FLAG_TEXT[flag];
  return (
    <span className="chip window-chip" data-testid="flag-chip" title={`Only objects ${text} (set on the Quality tab)`}>
      <span className="chip-text">
        <span className="chip-kind">only </span>
        {text}
      </span>
      <button type="button" className="chip-remove" aria-label="Remove the quality flag" title="Remove the quality flag" onClick={() => setFilter({ flag: null })}>
        ×
      </button>
    </span>
  );
}

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
