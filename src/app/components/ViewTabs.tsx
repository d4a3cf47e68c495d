// The views of a loaded kmap as tabs. Objects is the only one so far; the
// lifetimes, breakdown and access-matrix views (part 2) add entries here.

import { useId, useState, type KeyboardEvent, type ReactNode } from 'react';
import { ObjectsView } from '../views/objects/ObjectsView.tsx';

interface TabDef {
  id: string;
  label: string;
  render: () => ReactNode;
}

const TABS: readonly TabDef[] = [{ id: 'objects', label: 'Objects', render: () => <ObjectsView /> }];

export function ViewTabs() {
  const [current, setCurrent] = useState(TABS[0].id);
  const base = useId();
  const onKeyDown = (e: KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === current);
    let next = i;
    if (e.key === 'ArrowRight') next = (i + 1) % TABS.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + TABS.length) % TABS.length;
    else return;
    e.preventDefault();
    setCurrent(TABS[next].id);
    document.getElementById(`${base}-tab-${TABS[next].id}`)?.focus();
  };
  const tab = TABS.find((t) => t.id === current) ?? TABS[0];
  return (
    <div className="tabs">
      <div role="tablist" aria-label="Views" className="tablist" onKeyDown={onKeyDown}>
        {TABS.map((t) => (
          <button
            key={t.id}
            id={`${base}-tab-${t.id}`}
            role="tab"
            type="button"
            className="tab"
            aria-selected={t.id === current}
            aria-controls={`${base}-panel-${t.id}`}
            tabIndex={t.id === current ? 0 : -1}
            onClick={() => setCurrent(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div
        role="tabpanel"
        id={`${base}-panel-${tab.id}`}
        aria-labelledby={`${base}-tab-${tab.id}`}
        className="tabpanel"
      >
        {tab.render()}
      </div>
    </div>
  );
}
