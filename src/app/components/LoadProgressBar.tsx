// Load progress: bytes read of total, percent and rate (the counts so far
// are the summary strip's: one count on screen), "Stop and keep what is
// loaded" and Cancel.

import { cancelLoad, stopAndKeep } from '../loader.ts';
import { formatMB, formatRate, percentOf } from '../format.ts';
import { useDataStore } from '../stores/data-store.ts';

export function LoadProgressBar() {
  const phase = useDataStore((s) => s.phase);
  const p = useDataStore((s) => s.progress);
  if (phase !== 'loading' || !p) return null;
  const pct = percentOf(p.bytesRead, p.totalBytes);
  return (
    <section className="load-progress" aria-label="Loading">
      <div className="load-progress-text">
        <span className="load-name">Loading {p.name}</span>
        <span data-testid="progress-bytes">
          {formatMB(p.bytesRead)}
          {p.totalBytes !== null ? ` of ${formatMB(p.totalBytes)}` : ''}
        </span>
        {pct !== null && <span>{pct}%</span>}
        <span>{formatRate(p.bytesPerSecond)}</span>
        <button
          type="button"
          className="btn btn-small"
          onClick={stopAndKeep}
          disabled={p.objects === 0}
          title={p.objects === 0 ? 'Nothing read yet to keep' : 'Stop reading and keep the objects read so far (marked partial)'}
        >
          Stop and keep what is loaded
        </button>
        <button type="button" className="btn btn-small" onClick={cancelLoad} title="Stop reading and go back to what was shown before">
          Cancel
        </button>
      </div>
      <div
        className={`progress-track${pct === null ? ' indeterminate' : ''}`}
        role="progressbar"
        aria-label={`Loading ${p.name}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct ?? undefined}
        aria-valuetext={pct === null ? `${formatMB(p.bytesRead)} read` : `${pct}%`}
      >
        <div className="progress-fill" style={{ width: pct === null ? '30%' : `${pct}%` }} />
      </div>
    </section>
  );
}
