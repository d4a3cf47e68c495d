// The numbers of the loaded kmap, one line; bad lines open their dialog.

import { useState } from 'react';
import { formatBytes, formatCount } from '../format.ts';
import { useDataStore } from '../stores/data-store.ts';
import { BadLinesDialog } from './BadLinesDialog.tsx';

function Item({ label, value, title, testId }: { label: string; value: string; title?: string; testId: string }) {
  return (
    <div className="summary-item">
      <dt>{label}</dt>
      <dd data-testid={testId} title={title}>
        {value}
      </dd>
    </div>
  );
}

export function SummaryStrip() {
  const s = useDataStore((st) => st.summary);
  const phase = useDataStore((st) => st.phase);
  const [showBad, setShowBad] = useState(false);
  if (!s) return null;
  return (
    <section className="summary" aria-label="Summary">
      <dl className="summary-list">
        <div className="summary-item summary-format">
          <dt>Format</dt>
          <dd data-testid="summary-format" title={s.formatDescription}>
            <span className="format-badge">{s.format ?? '?'}</span>
            <span className="muted format-desc">{s.formatDescription}</span>
          </dd>
        </div>
        {s.indexKind !== 'none' && (
          <Item
            label="Indices"
            value={s.indexKind === 'jiffies' ? 'jiffies' : 'serial'}
            title={
              s.indexKind === 'jiffies'
                ? 'alloc/free indices are kernel jiffies (memorizer_index_type=time): they repeat and are not unique'
                : 'alloc/free indices are a serial counter shared by allocations and frees: an order, not a time'
            }
            testId="summary-index-kind"
          />
        )}
        <Item label="Objects" value={formatCount(s.objects)} testId="summary-objects" />
        <Item label="Access lines" value={formatCount(s.accesses)} testId="summary-accesses" />
        <Item label="Live objects" value={formatCount(s.liveObjects)} testId="summary-live" />
        <Item
          label="Bytes allocated"
          value={formatBytes(s.bytes)}
          title={`${formatCount(s.bytes)} bytes`}
          testId="summary-bytes"
        />
        <Item label="Reads" value={formatCount(s.reads)} testId="summary-reads" />
        <Item label="Writes" value={formatCount(s.writes)} testId="summary-writes" />
        <div className="summary-item">
          <dt>Bad lines</dt>
          <dd>
            <button
              type="button"
              className={`btn btn-small bad-lines-button${s.badLines > 0 ? ' has-bad' : ''}`}
              data-testid="summary-bad-lines"
              aria-label={`Bad lines: ${formatCount(s.badLines)}${s.badLines > 0 ? ', show them' : ''}`}
              onClick={() => setShowBad(true)}
            >
              {formatCount(s.badLines)}
            </button>
          </dd>
        </div>
        {phase === 'loading' && <div className="summary-item muted">(so far)</div>}
      </dl>
      {showBad && <BadLinesDialog summary={s} onClose={() => setShowBad(false)} />}
    </section>
  );
}
