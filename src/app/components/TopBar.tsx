// The header: title, what is loaded, "Working…" while an answer from the
// data worker takes a while, the symbol file in use, and the "Open symbols"
// and "Open kmap" buttons.

import { useEffect } from 'react';
import { useBusyStore } from '../stores/busy-store.ts';
import { useDataStore } from '../stores/data-store.ts';
import { ExportParquetButton } from './ExportParquetButton.tsx';
import { CopyLinkButton } from './CopyLinkButton.tsx';
import { OpenKmapButton } from './OpenKmapButton.tsx';
import { OpenSymbolsButton } from './OpenSymbolsButton.tsx';
import { SymbolsStatus } from './SymbolsStatus.tsx';

export function TopBar() {
  const source = useDataStore((s) => s.source);
  const phase = useDataStore((s) => s.phase);
  const seconds = useDataStore((s) => s.loadSeconds);
  const loadCount = useDataStore((s) => s.loadCount);
  const partial = useDataStore((s) => s.partial !== null);
  const busy = useBusyStore((s) => s.busy);
  useEffect(() => {
    document.title = source ? `${source.name}${partial ? ' (partial)' : ''} · kmap explorer` : 'kmap explorer';
  }, [source, partial]);
  return (
    <header className="topbar" data-load-count={loadCount}>
      <span className="app-title">kmap explorer</span>
      {source && (
        <span className="source" title={source.src ?? source.name}>
          <span className="source-name">{source.name}</span>
          {phase === 'loading' && <span className="muted"> · loading</span>}
          {phase === 'ready' && partial && <span className="warn"> · partial</span>}
          {phase === 'ready' && seconds !== null && <span className="muted"> · {partial ? 'read for' : 'loaded in'} {seconds.toFixed(2)} s</span>}
        </span>
      )}
      <span className="busy-status" aria-live="polite" data-testid="busy">
        {busy && phase !== 'loading' && <span className="busy-text">Working…</span>}
      </span>
      <span className="spacer" />
      <SymbolsStatus />
      <span className="muted drop-hint">Drop a kmap or System.map anywhere</span>
      <ExportParquetButton />
      <CopyLinkButton />
      <OpenSymbolsButton />
      <OpenKmapButton />
    </header>
  );
}
