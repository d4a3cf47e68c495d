// Load progress: bytes read of total (of a gzip file, compressed bytes: the
// worker counts them so), percent and rate (the counts so far
// are the summary strip's: one count on screen), "Stop and keep what is
// loaded" and Cancel; and the question the worker asks when a file will not
// fit in its memory budget (read it aggregates only, read the part that
// fits, or cancel).

import { useEffect, useRef } from 'react';
import type { MemoryWarning } from '../../worker-api.ts';
import { answerMemoryWarning, cancelLoad, stopAndKeep } from '../loader.ts';
import { formatBytes, formatCount, formatMB, formatPercent, formatRate, percentOf } from '../format.ts';
import { useDataStore } from '../stores/data-store.ts';

/**
 * "Too big for this tab": the estimate, what fits, and the ways on: the
 * whole file aggregates only (its access lines summed as they are read),
 * when that fits, focused then; the first part that fits; or cancel.
 */
function TooBigQuestion({ w, name }: { w: MemoryWarning; name: string }) {
  const firstButton = useRef<HTMLButtonElement>(null);
  useEffect(() => firstButton.current?.focus(), [w]);
  const fits = formatPercent(w.fitFraction);
  return (
    <div className="too-big" role="alertdialog" aria-label="Too big for this tab" aria-describedby="too-big-text">
      <div id="too-big-text">
        <p className="too-big-title">{`${JSON.stringify(name)} is too big to load whole in this tab.`}</p>
        <p>
          {`Its ${formatBytes(w.fileBytes)}${w.textBytes === null ? '' : ` (gzip-compressed: about ${formatBytes(w.textBytes)} of text)`} hold about ${formatCount(w.objects)} objects and ${formatCount(w.accessLines)} access lines ` +
            `(estimated from the part read so far), which would take about ${formatBytes(w.neededBytes)} of memory; ` +
            `this tab's data may take ${formatBytes(w.budgetBytes)}` +
            (w.keptBytes > w.budgetBytes / 20 ? `, ${formatBytes(w.keptBytes)} of it held by the kmap shown now until this one is loaded. ` : '. ') +
            `About the first ${fits} of the file fits; it would be marked partial.`}
        </p>
        <p data-testid="too-big-aggregate">
          {w.aggregateFits
            ? `Loaded aggregates only, the whole file would take about ${formatBytes(w.aggregateBytes)}: every object with its access-line, read and write counts, ` +
              'the breakdowns, lifetimes and quality flags under every filter but access sites, and the access sites and the matrix by cache, type, live or freed, ' +
              'sentinels and other tasks. No object lists its own access lines, and sites keep no pids.'
            : `Even loaded aggregates only (access lines summed, not kept) it would take about ${formatBytes(w.aggregateBytes)}: with the room its columns need to grow, more than this tab's data may take.`}
        </p>
        <p>The command line reads files of any size: npm run --silent kmap -- stats FILE</p>
      </div>
      <div className="too-big-actions">
        {w.aggregateFits && (
          <button ref={firstButton} type="button" className="btn btn-small" onClick={() => answerMemoryWarning('aggregate')}>
            Load aggregates only
          </button>
        )}
        <button ref={w.aggregateFits ? undefined : firstButton} type="button" className="btn btn-small" onClick={() => answerMemoryWarning('part')}>
          Load the first {fits}
        </button>
        <button type="button" className="btn btn-small" onClick={cancelLoad}>
          Cancel
        </button>
      </div>
    </div>
  );
}

export function LoadProgressBar() {
  const phase = useDataStore((s) => s.phase);
  const p = useDataStore((s) => s.progress);
  const tooBig = useDataStore((s) => s.tooBig);
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
      {tooBig && <TooBigQuestion w={tooBig} name={p.name} />}
    </section>
  );
}
