// The kept bad lines (the first 100) with line numbers, reasons and text, and
// the file of each when the capture came in two (the split CSV pair).

import { useEffect, useId, useRef } from 'react';
import type { KmapSummary } from '../../worker-api.ts';
import { formatCount } from '../format.ts';
import { revealHidden } from '../../query/shown-name.ts';

export function BadLinesDialog({ summary, onClose }: { summary: KmapSummary; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    // No cleanup: an unmounted dialog leaves the top layer with its element
    // (and closing it here would fire `close` again under StrictMode).
    if (d && !d.open) d.showModal();
  }, []);
  const kept = summary.firstBadLines;
  const withFiles = kept.some((b) => b.file !== undefined);
  return (
    // Every way out (×, Escape) goes through the native close(), which
    // returns focus to the button that opened the dialog and fires onClose once.
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} onClose={onClose}>
      <header className="dialog-header">
        <h2 id={titleId}>Bad lines: {formatCount(summary.badLines)}</h2>
        <button type="button" className="btn btn-small btn-ghost" aria-label="Close" onClick={() => ref.current?.close()}>
          ×
        </button>
      </header>
      <p className="muted">
        Lines that are neither a valid object line nor a valid access line of format {summary.format ?? '?'}; they are
        counted and skipped, the rest of the file is loaded.
        {summary.split &&
          ` Rows of ${summary.split.accesses} whose alloc_index matches no object of ${summary.split.allocations} are among them.`}
        {summary.badLines > kept.length && ` Showing the first ${formatCount(kept.length)}.`}
      </p>
      {kept.length === 0 ? (
        <p>No bad lines.</p>
      ) : (
        <div className="dialog-scroll">
          <table className="bad-lines">
            <thead>
              <tr>
                {withFiles && <th scope="col">File</th>}
                <th scope="col" className="num">
                  Line
                </th>
                <th scope="col">Reason</th>
                <th scope="col">Text</th>
              </tr>
            </thead>
            <tbody>
              {kept.map((b) => (
                <tr key={`${b.file ?? ''}:${b.lineNum}`} data-testid="bad-line">
                  {withFiles && <td className="mono">{b.file}</td>}
                  <td className="num mono">{b.lineNum}</td>
                  <td>{b.reason}</td>
                  <td className="mono bad-text">{revealHidden(b.text)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </dialog>
  );
}
