// The load error, in an alert region; dismissable. The loaded view stays.

import { useDataStore } from '../stores/data-store.ts';

export function ErrorAlert() {
  const error = useDataStore((s) => s.error);
  if (!error) return null;
  return (
    <div className="alert" role="alert">
      <span className="alert-text">{error}</span>
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
