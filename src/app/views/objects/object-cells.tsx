// How each objects-table column is labelled, sized and rendered.

import type { ReactNode } from 'react';
import { NO_SLAB, NO_SLAB_EXPLANATION } from '../../../format/sentinels.ts';
import type { ObjectColumn, ObjectRow } from '../../../worker-api.ts';
import { formatCount } from '../../format.ts';
import { SentinelBadge } from '../../components/SentinelBadge.tsx';

export interface ColumnInfo {
  label: string;
  /** Tooltip of the header. */
  title: string;
  width: number;
  numeric: boolean;
}

export const COLUMN_INFO: Record<ObjectColumn, ColumnInfo> = {
  idx: { label: '#', title: 'Object number in file order (0-based; obj= in the URL)', width: 70, numeric: true },
  allocIp: { label: 'alloc IP', title: 'Instruction that allocated the object', width: 134, numeric: false },
  pid: { label: 'PID', title: 'Task that allocated the object', width: 60, numeric: true },
  address: { label: 'address', title: 'Virtual address of the object', width: 134, numeric: false },
  size: { label: 'size', title: 'Size in bytes', width: 72, numeric: true },
  allocIndex: { label: 'alloc index', title: 'Allocation index (serial counter or jiffies)', width: 92, numeric: true },
  freeIndex: { label: 'free index', title: 'Free index (0: live)', width: 92, numeric: true },
  freeIp: { label: 'free IP', title: 'Instruction that freed the object', width: 134, numeric: false },
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

export function renderObjectCell(col: ObjectColumn, r: ObjectRow): ReactNode {
  switch (col) {
    case 'idx':
      return <span className="mono">{r.idx}</span>;
    case 'allocIp':
      return r.allocIpSentinel ? <SentinelBadge {...r.allocIpSentinel} /> : <Hex value={r.allocIp} />;
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
      return r.freeIpSentinel ? <SentinelBadge {...r.freeIpSentinel} /> : <Hex value={r.freeIp} />;
    case 'type':
      return <span title={r.newType ? `${r.type} (closed by ${r.newType})` : r.type}>{r.type}</span>;
    case 'command':
      return r.command === '' ? <span className="muted">(none)</span> : <span title={r.command}>{r.command}</span>;
    case 'slab':
      return r.slab === NO_SLAB ? (
        <SentinelBadge kind="no-slab" label="no-slab" explanation={NO_SLAB_EXPLANATION} />
      ) : (
        <span title={r.slab}>{r.slab}</span>
      );
    case 'accessLines':
      return formatCount(r.accessLines);
    case 'reads':
      return formatCount(r.reads);
    case 'writes':
      return formatCount(r.writes);
  }
}
