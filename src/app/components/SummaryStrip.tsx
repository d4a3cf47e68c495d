// The numbers of the loaded kmap, one line; bad lines open their dialog. A
// capture read from the split CSV pair names its two files, and how many
// access rows were joined by an alloc index several objects share.
// The figures are the whole file's; while a filter is set, each is preceded
// by what the filter keeps ("39 of 671"), or by "…" while that is being
// counted (a big file's totals can come after the filter's rows: loader.ts).

import { useState } from 'react';
import { isEmptyFilter, type FilteredTotals, type MemoryUse, type PartialLoad } from '../../worker-api.ts';
import { formatBytes, formatCount, formatMB, percentOf } from '../format.ts';
import { useDataStore } from '../stores/data-store.ts';
import { useViewStore } from '../stores/view-store.ts';
import { BadLinesDialog } from './BadLinesDialog.tsx';

interface Figure {
  value: string;
  title?: string;
}

function Item({
  label,
  file,
  filtered,
  testId,
}: {
  label: string;
  file: Figure;
  /** What the filter keeps, or null when no filter is set. */
  filtered: Figure | null;
  testId: string;
}) {
  return (
    <div className="summary-item">
      <dt>{label}</dt>
      <dd>
        {filtered && (
          <>
            <span className="summary-filtered" data-testid={testId.replace('summary-', 'summary-filtered-')} title={filtered.title}>
              {filtered.value}
            </span>
            <span className="summary-of"> of </span>
          </>
        )}
        <span className={filtered ? 'summary-file' : undefined} data-testid={testId} title={file.title}>
          {file.value}
        </span>
      </dd>
    </div>
  );
}

const count = (n: number | bigint): Figure => ({ value: formatCount(n) });
/** What a filtered figure shows while the filter's totals are being counted. */
const COUNTING: Figure = { value: '…', title: 'Counting what the filters keep' };
const bytes = (n: number | bigint): Figure => ({ value: formatBytes(n), title: `${formatCount(n)} bytes` });

/** "first 41%: 12.3 MB of 30.1 MB" (or "first 12.3 MB" when the size is unknown). */
function partialText(p: PartialLoad): string {
  const pct = percentOf(p.bytesKept, p.totalBytes);
  return p.totalBytes === null ? `first ${formatMB(p.bytesKept)}` : `first ${pct}%: ${formatMB(p.bytesKept)} of ${formatMB(p.totalBytes)}`;
}

/** The data worker's memory: the loaded kmap, and a kmap kept for Cancel while a load runs. */
function memoryTitle(m: MemoryUse): string {
  return (
    `The loaded data holds ${formatBytes(m.dataBytes)} in the data worker (${formatCount(m.dataBytes)} bytes of columns and name tables)` +
    (m.keptBytes > 0 ? `; the kmap shown before holds ${formatBytes(m.keptBytes)} until this load ends` : '') +
    (m.queryBytes > 0 ? `; its queries keep ${formatBytes(m.queryBytes)} more (per-object sums, orders and indexes computed once, buffers reused by the next query)` : '') +
    (m.budgetBytes !== null ? `. This tab allows data up to about ${formatBytes(m.budgetBytes)}.` : '.')
  );
}

export function SummaryStrip() {
  const s = useDataStore((st) => st.summary);
  const phase = useDataStore((st) => st.phase);
  const totals = useDataStore((st) => st.totals);
  const totalsPending = useDataStore((st) => st.totalsPending);
  // What the filters keep is known with the rows: the objects figure need not wait for the totals.
  const keptObjects = useDataStore((st) => st.result?.total ?? null);
  const filterActive = useViewStore((st) => !isEmptyFilter(st.filter));
  const partial = useDataStore((st) => st.partial);
  const memory = useDataStore((st) => st.memory);
  const [showBad, setShowBad] = useState(false);
  if (!s) return null;
  const t: FilteredTotals | null = filterActive && !totalsPending ? totals : null;
  const counting = filterActive && totalsPending;
  /** The filtered figure of `pick` (null: no filter). */
  const kept = (pick: (t: FilteredTotals) => Figure): Figure | null => (counting ? COUNTING : t && pick(t));
  return (
    <section className={`summary${t || counting ? ' is-filtered' : ''}`} aria-label="Summary" aria-busy={counting}>
      <dl className="summary-list">
        <div className="summary-item summary-format">
          <dt>Format</dt>
          <dd data-testid="summary-format" title={s.formatDescription}>
            <span className="format-badge">{s.format ?? '?'}</span>
            <span className="muted format-desc">{s.formatDescription}</span>
          </dd>
        </div>
        {s.split && (
          <div className="summary-item">
            <dt>Files</dt>
            <dd data-testid="summary-split-files" title="Memorizer's split CSV pair (allocations + accesses), read as one kmap">
              {s.split.allocations} + {s.split.accesses}
            </dd>
          </div>
        )}
        {s.split && s.split.ambiguousRows > 0 && (
          <div className="summary-item">
            <dt>Shared alloc index</dt>
            <dd
              className="warn"
              data-testid="summary-split-ambiguous"
              title={
                `${formatCount(s.split.ambiguousRows)} access rows name an alloc_index that several objects share ` +
                `(${formatCount(s.split.ambiguousIndices)} such indices: jiffies, or the catch-all objects' 0). Each went to one of them ` +
                'by the order both files were printed in (docs/kmap-format.md, "The split CSV files"): a guess when that order cannot tell.'
              }
            >
              {formatCount(s.split.ambiguousRows)} rows
            </dd>
          </div>
        )}
        {s.indexKind !== 'none' && (
          <div className="summary-item">
            <dt>Indices</dt>
            <dd
              data-testid="summary-index-kind"
              title={
                s.indexKind === 'jiffies'
                  ? 'alloc/free indices are kernel jiffies (memorizer_index_type=time): they repeat and are not unique'
                  : 'alloc/free indices are a serial counter shared by allocations and frees: an order, not a time'
              }
            >
              {s.indexKind === 'jiffies' ? 'jiffies' : 'serial'}
            </dd>
          </div>
        )}
        {(t || counting) && (
          <div className="summary-item summary-filtered-label" title="Each figure: what the filters keep, of the whole file">
            <dt>Filtered</dt>
            <dd className="muted">kept of file</dd>
          </div>
        )}
        <Item label="Objects" file={count(s.objects)} filtered={counting && keptObjects !== null ? count(keptObjects) : kept((t) => count(t.objects))} testId="summary-objects" />
        <Item label="Access lines" file={count(s.accesses)} filtered={kept((t) => count(t.accesses))} testId="summary-accesses" />
        <Item label="Live objects" file={count(s.liveObjects)} filtered={kept((t) => count(t.liveObjects))} testId="summary-live" />
        <Item label="Bytes allocated" file={bytes(s.bytes)} filtered={kept((t) => bytes(t.bytes))} testId="summary-bytes" />
        <Item label="Reads" file={count(s.reads)} filtered={kept((t) => count(t.reads))} testId="summary-reads" />
        <Item label="Writes" file={count(s.writes)} filtered={kept((t) => count(t.writes))} testId="summary-writes" />
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
        {memory && (
          <div className="summary-item">
            <dt>Memory</dt>
            <dd data-testid="summary-memory" data-bytes={memory.dataBytes + memory.keptBytes} title={memoryTitle(memory)}>
              {formatBytes(memory.dataBytes + memory.keptBytes)}
            </dd>
          </div>
        )}
        {phase === 'loading' && <div className="summary-item muted">(so far)</div>}
        {s.aggregateOnly && (
          <div
            className="summary-item summary-aggregate"
            title="The access lines were summed as they were read, not kept: objects carry their counts, and the access sites and the matrix narrow by cache, type, live or freed, sentinels and other tasks only"
          >
            <dt>Aggregates only</dt>
            <dd className="warn" data-testid="summary-aggregate">
              access lines summed, not kept
            </dd>
          </div>
        )}
        {phase === 'ready' && partial && (
          <div
            className="summary-item summary-partial"
            title={
              partial.reason === 'memory'
                ? "Loading stopped before the tab would run out of memory: every figure is of the file's first part only"
                : "Loading was stopped with \"Stop and keep what is loaded\": every figure is of the file's first part only"
            }
          >
            <dt>Partial</dt>
            <dd className="warn" data-testid="summary-partial">
              {partialText(partial)}
            </dd>
          </div>
        )}
      </dl>
      {showBad && <BadLinesDialog summary={s} onClose={() => setShowBad(false)} />}
    </section>
  );
}
