// The page: header, alerts and notices, progress, then either the first-run
// empty state or the loaded kmap's summary, the filter bar every view
// applies, and the views.

import { DropOverlay } from './components/DropOverlay.tsx';
import { EmptyState } from './components/EmptyState.tsx';
import { FilterBar } from './components/filters/FilterBar.tsx';
import { ErrorAlert } from './components/ErrorAlert.tsx';
import { LoadProgressBar } from './components/LoadProgressBar.tsx';
import { NoticeList } from './components/NoticeList.tsx';
import { SummaryStrip } from './components/SummaryStrip.tsx';
import { TopBar } from './components/TopBar.tsx';
import { ViewTabs } from './components/ViewTabs.tsx';
import { useDataStore } from './stores/data-store.ts';

export function App() {
  const phase = useDataStore((s) => s.phase);
  return (
    <div className="app">
      <TopBar />
      <div className="messages">
        <ErrorAlert />
        <NoticeList />
      </div>
      <LoadProgressBar />
      {phase === 'empty' ? (
        <EmptyState />
      ) : (
        <main className="main">
          <SummaryStrip />
          <FilterBar />
          <ViewTabs />
        </main>
      )}
      <DropOverlay />
    </div>
  );
}
