// The load error, in an alert region; dismissable. The loaded view stays.
// A link whose file could not be fetched offers Retry.

import { retryFailedSrc } from '../loader.ts';
import { useDataStore } from '../stores/data-store.ts';

export function ErrorAlert() {
  const error = useDataStore((s) => s.error);
  const failedSrc = useDataStore((s) => s.failedSrc);
  const loading = useDataStore((s) => s.phase === 'loading');
  if (!error) return null;
  return (
    <div className="alert" role="alert">
      <span className="alert-text">{error}</span>
      {failedSrc !== null && (
        <button type="button" className="btn btn-small" onClick={retryFailedSrc} disabled={loading} title={`Open ${failedSrc} again`}>
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
