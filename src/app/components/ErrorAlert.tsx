// The load error, in an alert region; dismissable. The loaded view stays.
// A load that failed, or whose worker died, offers Retry.

import { retryLoad } from '../loader.ts';
import { reloadLostSymbols } from '../symbols-loader.ts';
import { useDataStore } from '../stores/data-store.ts';
import { revealHidden } from '../../query/shown-name.ts';

/** Opens the file again, and after a dead worker also the symbol file it took with it. */
function retry(kind: 'load' | 'crash'): void {
  if (kind === 'crash') reloadLostSymbols();
  retryLoad();
}

export function ErrorAlert() {
  const error = useDataStore((s) => s.error);
  const offer = useDataStore((s) => s.retry);
  const loading = useDataStore((s) => s.phase === 'loading');
  if (!error) return null;
  // Retry belongs to the error that offered it, not to a later one.
  const retryKind = offer !== null && offer.error === error ? offer.kind : null;
  return (
    <div className="alert" role="alert">
      <span className="alert-text">{revealHidden(error)}</span>
      {retryKind !== null && (
        <button type="button" className="btn btn-small" onClick={() => retry(retryKind)} disabled={loading} title="Open the file again">
          Retry
        </button>
      )}
      <button
        type="button"
        className="btn btn-small btn-ghost"
        aria-label="Dismiss error"
        onClick={() => useDataStore.setState({ error: null })}
      >
        ×
      </button>
    </div>
  );
}
