// "Objects state": all, live (never freed) or freed, as a radio group
// (native radios: arrow keys move between them).

import { useId } from 'react';
import { OBJECT_STATES, type ObjectState } from '../../../worker-api.ts';
import { useViewStore } from '../../stores/view-store.ts';

const LABELS: Record<ObjectState, { label: string; title: string }> = {
  all: { label: 'All', title: 'Live and freed objects' },
  live: { label: 'Live', title: 'Objects not freed when the kmap was read (free index 0)' },
  freed: { label: 'Freed', title: 'Objects freed before the kmap was read' },
};

export function StateFilter() {
  const state = useViewStore((s) => s.filter.state);
  const setFilter = useViewStore((s) => s.setFilter);
  const name = useId();
  const labelId = useId();
  return (
    <div className="filter-field state-filter segmented" role="radiogroup" aria-label="Objects state">
      <span id={labelId} className="filter-label-text" aria-hidden="true">
        State
      </span>
      {OBJECT_STATES.map((s) => (
        <label key={s} className={`segment${state === s ? ' checked' : ''}`} title={LABELS[s].title}>
          <input
            type="radio"
            className="segment-input"
            name={name}
            value={s}
            checked={state === s}
            onChange={() => setFilter({ state: s })}
          />
          {LABELS[s].label}
        </label>
      ))}
    </div>
  );
}
