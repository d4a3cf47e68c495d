// How each objects-table column is labelled, sized and rendered.

import type { ReactNode } from 'react';
import { NO_SLAB, NO_SLAB_EXPLANATION } from '../../../format/sentinels.ts';
import type { ObjectColumn, ObjectRow } from '../../../worker-api.ts';
import { formatCount } from '../../format.ts';
import { SentinelBadge } from '../../components/SentinelBadge.tsx';
import { shownName } from '../../../query/shown-name.ts';

export interface ColumnInfo {
  label: string;
  /** Tooltip of the header. */
  title: string;
  width: number;
  /** Width once symbols are loaded (the IP columns then show function names). */
  widthWithSymbols?: number;
  numeric: boolean;
}

/** Numeric columns sort descending on their first click (biggest first); idx keeps file order first. */
export function sortsDescFirst(col: ObjectColumn): boolean {
  return COLUMN_INFO[col].numeric && col !== 'idx';
}

export function columnWidth(col: ObjectColumn, withSymbols: boolean): number {
  const info = COLUMN_INFO[col];
  return withSymbols ? (info.widthWithSymbols ?? info.width) : info.width;
}

export const COLUMN_INFO: Record<ObjectColumn, ColumnInfo> = {
  idx: { label: '#', title: 'Object number in file order (0-based; obj= in the URL)', width: 70, numeric: true },
  allocIp: {
    label: 'alloc IP',
    title: 'Instruction that allocated the object (its function when symbols are loaded; the hex in the tooltip)',
    width: 134,
    widthWithSymbols: 250,
    numeric: false,
  },
  pid: { label: 'PID', title: 'Task that allocated the object', width: 60, numeric: true },
  address: { label: 'address', title: 'Virtual address of the object', width: 134, numeric: false },
  size: { label: 'size', title: 'Size in bytes', width: 72, numeric: true },
  allocIndex: { label: 'alloc index', title: 'Allocation index (serial counter or jiffies)', width: 92, numeric: true },
  freeIndex: { label: 'free index', title: 'Free index (0: live)', width: 92, numeric: true },
  freeIp: {
    label: 'free IP',
    title: 'Instruction that freed the object (its function when symbols are loaded; the hex in the tooltip)',
    width: 134,
    widthWithSymbols: 250,
    numeric: false,
  },
  type: { label: 'type', title: 'Allocation type', width: 136, numeric: false },
  command: { label: 'command', title: 'Task name (comm) at allocation', width: 124, numeric: false },
  slab: { label: 'slab', title: 'Slab cache', width: 128, numeric: false },
  accessLines: { label: 'access lines', title: 'Distinct (instruction, task) access lines', width: 96, numeric: true },
  reads: { label: 'reads', title: 'Reads over all access lines', width: 70, numeric: true },
  writes: { label: 'writes', title: 'Writes over all access lines', width: 70, numeric: true },
};

export function Hex({ value }: { value: string }) {
  return <span className="mono hex">{value}</span>;
}

/**
 * An instruction address: its function (`copy_process+0x2a1`) when symbols
 * name it, with the raw hex as the tooltip and as what a copy gives
 * (data-hex, see copy-hex.ts); the hex itself otherwise.
 */
export function Ip({ hex, fn }: { hex: string; fn: string | null }) {
  if (fn === null) return <Hex value={hex} />;
  return (
    <span className="mono fn" title={hex} data-hex={hex}>
      {shownName(fn)}
    </span>
  );
}

export function renderObjectCell(col: ObjectColumn, r: ObjectRow): ReactNode {
  switch (col) {
    case 'idx':
      return <span className="mono">{r.idx}</span>;
    case 'allocIp':
      return r.allocIpSentinel ? <SentinelBadge {...r.allocIpSentinel} /> : <Ip hex={r.allocIp} fn={r.allocFn} />;
    case 'pid':
      return r.pid;
    case 'address':
      return <Hex value={r.address} />;
    case 'size':
      return formatCount(r.size);
    case 'allocIndex':
      return <span className="mono">{r.allocIndex}</span>;
    case 'freeIndex':
      return <span className="mono">{r.freeIndex}</span>;
    case 'freeIp':
      return r.freeIpSentinel ? <SentinelBadge {...r.freeIpSentinel} /> : <Ip hex={r.freeIp} fn={r.freeFn} />;
    case 'type':
      return <span title={r.newType ? `${shownName(r.type)} (closed by ${shownName(r.newType)})` : shownName(r.type)}>{shownName(r.type)}</span>;
    case 'command':
      return r.command === '' ? <span className="muted">(none)</span> : <span title={shownName(r.command)}>{shownName(r.command)}</span>;
    case 'slab':
      return r.slab === NO_SLAB ? (
        <SentinelBadge kind="no-slab" label="no-slab" explanation={NO_SLAB_EXPLANATION} />
      ) : (
        <span title={shownName(r.slab)}>{shownName(r.slab)}</span>
      );
    case 'accessLines':
      return formatCount(r.accessLines);
    case 'reads':
      return formatCount(r.reads);
    case 'writes':
      return formatCount(r.writes);
  }
}
