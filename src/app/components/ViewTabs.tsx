// The views of a loaded kmap as tabs: Objects, Breakdown, Access sites,
// Lifetimes, Matrix, Quality. The
// current tab is the view store's `tab` (so the URL carries it). ARIA tab
// pattern: the selected tab is the one tab stop; ArrowLeft/ArrowRight (and
// Home/End) move to and open another.

import type { KeyboardEvent, ReactNode } from 'react';
import { VIEW_TAB_LABELS, type ViewTab } from '../../view-state/view-state.ts';
import { useViewStore } from '../stores/view-store.ts';
import { BreakdownView } from '../views/breakdown/BreakdownView.tsx';
import { ObjectsView } from '../views/objects/ObjectsView.tsx';
import { LifetimesView } from '../views/lifetimes/LifetimesView.tsx';
import { MatrixView } from '../views/matrix/MatrixView.tsx';
import { QualityView } from '../views/quality/QualityView.tsx';
import { SitesView } from '../views/sites/SitesView.tsx';

interface TabDef {
  id: ViewTab;
  label: string;
  render: () => ReactNode;
}

const TABS: readonly TabDef[] = [
  { id: 'objects', label: VIEW_TAB_LABELS.objects, render: () => <ObjectsView /> },
  { id: 'breakdown', label: VIEW_TAB_LABELS.breakdown, render: () => <BreakdownView /> },
  { id: 'sites', label: VIEW_TAB_LABELS.sites, render: () => <SitesView /> },
  { id: 'lifetimes', label: VIEW_TAB_LABELS.lifetimes, render: () => <LifetimesView /> },
  { id: 'matrix', label: VIEW_TAB_LABELS.matrix, render: () => <MatrixView /> },
  { id: 'quality', label: VIEW_TAB_LABELS.quality, render: () => <QualityView /> },
];

const tabId = (id: ViewTab) => `view-tab-${id}`;
const panelId = (id: ViewTab) => `view-panel-${id}`;

export function ViewTabs() {
  const current = useViewStore((s) => s.tab);
  const setTab = useViewStore((s) => s.setTab);
  const tab = TABS.find((t) => t.id === current) ?? TABS[0];

  const onKeyDown = (e: KeyboardEvent) => {
    const i = TABS.indexOf(tab);
    let next: number;
    if (e.key === 'ArrowRight') next = (i + 1) % TABS.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + TABS.length) % TABS.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = TABS.length - 1;
    else return;
    e.preventDefault();
    setTab(TABS[next].id);
    document.getElementById(tabId(TABS[next].id))?.focus();
  };

  return (
    <div className="tabs">
      <div role="tablist" aria-label="Views" className="tablist" onKeyDown={onKeyDown}>
        {TABS.map((t) => (
          <button
            key={t.id}
            id={tabId(t.id)}
            role="tab"
            type="button"
            className="tab"
            aria-selected={t.id === tab.id}
            aria-controls={t.id === tab.id ? panelId(t.id) : undefined}
            tabIndex={t.id === tab.id ? 0 : -1}
            data-tab={t.id}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={panelId(tab.id)} aria-labelledby={tabId(tab.id)} className="tabpanel" data-tab={tab.id}>
        {tab.render()}
      </div>
    </div>
  );
}
