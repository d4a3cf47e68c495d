// One object's access lines: access IP, PID, reads, writes (and the caller
// of from:/caller: lines), sortable by clicking a header, with a total line.
// The worker sorts and sends the first MAX_ACCESS_ROWS lines of the order
// (an object can have millions); the totals are the object's own.

import { useId } from 'react';
import { ACCESS_COLUMNS, type AccessColumn, type AccessRow, type ObjectRow } from '../../../worker-api.ts';
import { formatCount, plural } from '../../format.ts';
import { useViewStore } from '../../stores/view-store.ts';
import { Hex, Ip } from './object-cells.tsx';
import { SentinelBadge } from '../../components/SentinelBadge.tsx';
import { shownName } from '../../../query/shown-name.ts';

/** Access lines fetched and shown at once: the first of the sorted order. */
export const MAX_ACCESS_ROWS = 1000;

const LABELS: Record<AccessColumn, string> = { ip: 'access IP', pid: 'PID', reads: 'reads', writes: 'writes' };
const NUMERIC: Record<AccessColumn, boolean> = { ip: false, pid: true, reads: true, writes: true };

function PidCell({ pid, command, hasPid }: { pid: number | null; command: string | null | undefined; hasPid: boolean }) {
  if (pid === null) {
    return (
      <span className="muted" title={hasPid ? 'This access line carries no pid.' : 'Access lines of this format carry no pid.'}>
        —
      </span>
    );
  }
  if (pid === -1) {
    return (
      <SentinelBadge
        kind="no-task"
        label="no task"
        explanation="pid -1: the kernel was built without per-pid tracking, or the access was not in task context."
      />
    );
  }
  // The task name comes from the objects that pid allocated (when it allocated any).
  if (command) {
    return (
      <span title={`pid ${pid}: ${shownName(command)} (the command of the objects it allocated)`}>
        {pid} <span className="muted">({shownName(command)})</span>
      </span>
    );
  }
  return <>{pid}</>;
}

/** `aggregateOnly`: the load summed access lines without keeping them, so only the object's counts can be shown. */
export function AccessTable({ rows, object, accessHasPid, aggregateOnly = false }: { rows: AccessRow[]; object: ObjectRow; accessHasPid: boolean; aggregateOnly?: boolean }) {
  const sort = useViewStore((s) => s.accessSort);
  const setSort = useViewStore((s) => s.setAccessSort);
  const accessSites = useViewStore((s) => s.filter.accessSites);
  const highlighted = new Set(accessSites);
  const anyHighlighted = accessSites.length > 0 && rows.some((r) => highlighted.has(r.site));
  const legendId = useId();
  const hasCaller = rows.some((r) => r.caller !== null);
  const shown = rows;
  const total = object.accessLines;
  const toggle = (key: AccessColumn) =>
    setSort(sort?.key === key ? { key, desc: !sort.desc } : { key, desc: false });

  if (aggregateOnly) {
    return (
      <section className="accesses" aria-label="Accesses">
        <h3>Accesses</h3>
        <p className="muted" data-testid="accesses-aggregate">
          {`${plural(object.accessLines, 'access line')}: ${plural(object.reads, 'read')}, ${plural(object.writes, 'write')}. `}
          This kmap was loaded aggregates only, so its access lines were summed as they were read, not kept.
        </p>
      </section>
    );
  }
  if (rows.length === 0) {
    return (
      <section className="accesses" aria-label="Accesses">
        <h3>Accesses</h3>
        <p className="muted">No access lines for this object.</p>
      </section>
    );
  }
  return (
    <section className="accesses" aria-label="Accesses">
      <h3>
        Accesses <span className="muted">({plural(object.accessLines, 'line')})</span>
      </h3>
      <div className="access-scroll">
        <table className="access-table" data-testid="access-table">
          <thead>
            <tr>
              {ACCESS_COLUMNS.map((c) => (
                <th
                  key={c}
                  scope="col"
                  className={NUMERIC[c] ? 'num' : ''}
                  aria-sort={sort?.key === c ? (sort.desc ? 'descending' : 'ascending') : 'none'}
                  data-col={c}
                >
                  <button type="button" className="sort-button" onClick={() => toggle(c)}>
                    <span>{LABELS[c]}</span>
                    <span className="sort-arrow" aria-hidden="true">
                      {sort?.key === c ? (sort.desc ? '▼' : '▲') : ''}
                    </span>
                  </button>
                </th>
              ))}
              {hasCaller && <th scope="col">caller</th>}
            </tr>
          </thead>
          <tbody>
            {shown.map((r, i) => (
              <tr
                key={i}
                data-testid="access-row"
                data-highlight={highlighted.has(r.site) ? 'true' : undefined}
                className={highlighted.has(r.site) ? 'highlight' : undefined}
                aria-describedby={highlighted.has(r.site) ? legendId : undefined}
              >
                <td data-col="ip">
                  <Ip hex={r.ip} fn={r.fn} />
                </td>
                <td data-col="pid" className="num">
                  <PidCell pid={r.pid} command={r.pidCommand} hasPid={accessHasPid} />
                </td>
                <td data-col="reads" className="num">
                  {formatCount(r.reads)}
                </td>
                <td data-col="writes" className="num">
                  {formatCount(r.writes)}
                </td>
                {hasCaller && <td data-col="caller">{r.caller ? <Hex value={r.caller} /> : ''}</td>}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr data-testid="access-total">
              <th scope="row" colSpan={2}>
                Total: {plural(total, 'access line')}
              </th>
              <td className="num">{formatCount(object.reads)}</td>
              <td className="num">{formatCount(object.writes)}</td>
              {hasCaller && <td />}
            </tr>
          </tfoot>
        </table>
      </div>
      {anyHighlighted && (
        <p className="legend muted" id={legendId} data-testid="access-legend">
          <span className="legend-swatch" aria-hidden="true" /> highlighted: lines at the filtered access sites
        </p>
      )}
      {total > shown.length && (
        <p className="muted" data-testid="access-window">
          Showing the first {formatCount(shown.length)} of {formatCount(total)}; sort to bring others to the top.
        </p>
      )}
    </section>
  );
}
