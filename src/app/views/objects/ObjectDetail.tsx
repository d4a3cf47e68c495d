// The selected object: its fields (sentinels explained) and its accesses.

import { useEffect, useState, type ReactNode } from 'react';
import { NO_SLAB, NO_SLAB_EXPLANATION } from '../../../format/sentinels.ts';
import type { AccessRow, ObjectRow } from '../../../worker-api.ts';
import { formatBytes, formatCount } from '../../format.ts';
import { kmapApi } from '../../kmap-client.ts';
import { revealSelected } from '../../loader.ts';
import { useDataStore } from '../../stores/data-store.ts';
import { useViewStore } from '../../stores/view-store.ts';
import { AccessTable, MAX_ACCESS_ROWS } from './AccessTable.tsx';
import { Hex } from './object-cells.tsx';
import { notify } from '../../stores/notice-store.ts';
import { SentinelBadge } from '../../components/SentinelBadge.tsx';
import { shownName } from '../../../query/shown-name.ts';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="field">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

interface FieldsProps {
  o: ObjectRow;
  hasIndices: boolean;
  indexUnit: string;
  hasType: boolean;
  hasSlab: boolean;
}

/** Copies an IP's hex (what a function name stands for) to the clipboard. */
function CopyHexButton({ hex, what }: { hex: string; what: string }) {
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(hex);
      notify(`Copied the ${what} ${hex}.`);
    } catch {
      notify(`Could not use the clipboard; the ${what} is ${hex}.`);
    }
  };
  return (
    <button
      type="button"
      className="btn btn-small btn-ghost copy-hex"
      aria-label={`Copy ${what}`}
      title={`Copy ${what} ${hex}`}
      onClick={() => void copy()}
    >
      copy
    </button>
  );
}

/** An IP field: the function (when symbols name it) over its hex, a sentinel badge and its explanation. */
function IpField({ hex, fn, sentinel, what }: { hex: string; fn: string | null; sentinel: ObjectRow['allocIpSentinel']; what: string }) {
  return (
    <>
      {fn !== null && !sentinel && (
        <div className="mono fn" title={hex} data-hex={hex}>
          {shownName(fn)}
        </div>
      )}
      <Hex value={hex} /> {sentinel && <SentinelBadge {...sentinel} />}
      {!sentinel && <CopyHexButton hex={hex} what={what} />}
      {sentinel && <div className="explain">{sentinel.explanation}</div>}
    </>
  );
}

function ObjectFields({ o, hasIndices, indexUnit, hasType, hasSlab }: FieldsProps) {
  return (
    <dl className="fields">
      <Field label="alloc IP">
        <IpField hex={o.allocIp} fn={o.allocFn} sentinel={o.allocIpSentinel} what="alloc IP" />
      </Field>
      <Field label="PID">{o.pid}</Field>
      <Field label="command">{o.command === '' ? <span className="muted">(none)</span> : shownName(o.command)}</Field>
      <Field label="address">
        <Hex value={o.address} />
      </Field>
      <Field label="size">
        {formatCount(o.size)} bytes{o.size >= 1024 ? ` (${formatBytes(o.size)})` : ''}
      </Field>
      {hasIndices && (
        <>
          <Field label={`alloc index${indexUnit}`}>
            <span className="mono">{o.allocIndex}</span>
          </Field>
          <Field label={`free index${indexUnit}`}>
            <span className="mono">{o.freeIndex}</span>
            {o.live && <span className="muted"> (live)</span>}
          </Field>
        </>
      )}
      <Field label="free IP">
        <IpField hex={o.freeIp} fn={o.freeFn} sentinel={o.freeIpSentinel} what="free IP" />
      </Field>
      {hasType && <Field label="type">{shownName(o.type)}</Field>}
      {o.newType !== '' && (
        <Field label="closed by">
          {shownName(o.newType)} <span className="muted">(type of the allocation that closed this object)</span>
        </Field>
      )}
      {hasSlab && (
        <Field label="slab">
          {o.slab === NO_SLAB ? <SentinelBadge kind="no-slab" label="no-slab" explanation={NO_SLAB_EXPLANATION} /> : shownName(o.slab)}
        </Field>
      )}
    </dl>
  );
}

export function ObjectDetail({ idx }: { idx: number }) {
  const version = useDataStore((s) => s.selectionVersion);
  const phase = useDataStore((s) => s.phase);
  const summary = useDataStore((s) => s.summary);
  const accessSort = useViewStore((s) => s.accessSort);
  // Symbols loaded or removed: the same object, newly named.
  const dataVersion = useDataStore((s) => s.dataVersion);
  const [data, setData] = useState<{ idx: number; o: ObjectRow | null; accesses: AccessRow[] } | null>(null);

  useEffect(() => {
    let live = true;
    const api = kmapApi();
    Promise.all([api.object(idx), api.accesses(idx, accessSort, MAX_ACCESS_ROWS)]).then(
      ([o, accesses]) => {
        if (live) setData({ idx, o, accesses });
      },
      () => {
        if (live) setData({ idx, o: null, accesses: [] });
      },
    );
    return () => {
      live = false;
    };
    // While loading, re-read as the object's access lines arrive.
  }, [idx, accessSort, phase === 'loading' ? version : phase, dataVersion]);

  const close = () => useViewStore.getState().selectObject(null);
  const o = data?.idx === idx ? data.o : null;
  return (
    <aside className="detail" aria-label={`Object #${idx}`} data-testid="object-detail">
      <header className="detail-header">
        <h2>
          Object <span className="mono">#{idx}</span>
        </h2>
        <button type="button" className="btn btn-small" onClick={() => void revealSelected()} title="Scroll the table to this object">
          Show in table
        </button>
        <button type="button" className="btn btn-small btn-ghost" aria-label="Close object details" onClick={close}>
          ×
        </button>
      </header>
      {data?.idx !== idx ? (
        <p className="muted">Loading…</p>
      ) : !o ? (
        <p className="muted">{phase === 'loading' ? 'Not loaded yet.' : 'This file has no such object.'}</p>
      ) : (
        <>
          <ObjectFields
            o={o}
            hasIndices={summary?.hasIndices ?? true}
            indexUnit={summary?.indexKind === 'jiffies' ? ' (jiffies)' : ''}
            hasType={summary?.hasType ?? true}
            hasSlab={summary?.hasSlab ?? true}
          />
          <AccessTable rows={data.accesses} object={o} accessHasPid={summary?.accessHasPid ?? true} aggregateOnly={summary?.aggregateOnly ?? false} />
        </>
      )}
    </aside>
  );
}
