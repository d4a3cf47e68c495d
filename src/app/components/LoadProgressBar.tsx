// Load progress: bytes read of total, percent, rate, objects so far, Cancel.

import { cancelLoad } from '../loader.ts';
import { formatCount, formatMB, formatRate, percentOf } from '../format.ts';
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
        <span>{formatCount(p.objects)} objects</span>
        <span>{formatCount(p.accesses)} access lines</span>
        {p.badLines > 0 && <span className="warn">{formatCount(p.badLines)} bad lines</span>}
        <button type="button" className="btn btn-small" onClick={cancelLoad}>
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
