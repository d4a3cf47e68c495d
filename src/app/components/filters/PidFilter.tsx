// "Allocating pid": a comma-separated list of pids (-1 included). Text that
// is not such a list shows an inline error and is not applied.

import { useId } from 'react';
import { useViewStore } from '../../stores/view-store.ts';
import { formatPidList, parsePidList } from './filter-text.ts';
import { useDraft } from './use-draft.ts';

const samePids = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((p) => b.includes(p));

export function PidFilter() {
  const pids = useViewStore((s) => s.filter.pids);
  const setFilter = useViewStore((s) => s.setFilter);
  const draft = useDraft(pids, formatPidList, parsePidList, samePids, (value) => setFilter({ pids: value }));
  const errorId = useId();
  return (
    <div className="filter-field pid-filter">
      <label className="filter-label">
        <span>Allocating pid</span>
        <input
          type="text"
          inputMode="numeric"
          className={`text-input pid-input${draft.error ? ' invalid' : ''}`}
          placeholder="e.g. 42, -1"
          title="Objects allocated by these pids: whole numbers separated by commas (-1: no task)"
          value={draft.text}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={draft.error !== null}
          aria-describedby={draft.error ? errorId : undefined}
          onChange={(e) => draft.onChange(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') draft.commit();
          }}
          onBlur={draft.commit}
        />
      </label>
      {draft.error && (
        <div id={errorId} className="field-error" aria-live="polite">
          {draft.error}
        </div>
      )}
    </div>
  );
}
