// The load error, in an alert region; dismissable. The loaded view stays.
// A load that failed, or whose worker died, offers Retry.

import { retryLoad } from '../loader.ts';
import { reloadLostSymbols } from '../symbols-loader.ts';
import { useDataStore } from '../stores/data-store.ts';

/** Opens the file again, and a symbol file that a dead worker took with it. */
function retry(): void {
  retryLoad();
  reloadLostSymbols();
}

export function ErrorAlert() {
  const error = useDataStore((s) => s.error);
  const canRetry = useDataStore((s) => s.canRetry);
  const loading = useDataStore((s) => s.phase === 'loading');
  if (!error) return null;
  return (
    <div className="alert" role="alert">
      <span className="alert-text">{error}</span>
      {canRetry && (
        <button type="button" className="btn btn-small" onClick={retry} disabled={loading} title="Open the file again">
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
