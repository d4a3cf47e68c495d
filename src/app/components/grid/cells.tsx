// Cell contents shared by the aggregate grids: counts, byte sizes (exact
// count in the tooltip), names (the empty name shown as "(empty)"), site keys.

import { formatBytes, formatCount } from '../../format.ts';
import { EMPTY_NAME, shownName } from '../../../query/shown-name.ts';

export { EMPTY_NAME };

/** How a name from the file is shown (shown-name.ts: "(empty)", invisible characters made visible). */
export const displayName = shownName;

export function bytesTitle(n: number | bigint): string {
  return `${formatCount(n)} ${n === 1 ? 'byte' : 'bytes'}`;
}

export function Count({ n }: { n: number | bigint }) {
  return <>{formatCount(n)}</>;
}

export function Bytes({ n }: { n: number | bigint }) {
  return <>{formatBytes(n)}</>;
}

/** A name from the file (text only); '' as a muted "(empty)". */
export function NameText({ name, mono = false }: { name: string; mono?: boolean }) {
  if (name === '') return <span className="muted name-empty">{EMPTY_NAME}</span>;
  return <span className={mono ? 'mono' : undefined}>{shownName(name)}</span>;
}

/** A site key: a function name (highlighted like the objects table's), or a 16-digit hex IP. */
export function SiteText({ site }: { site: string }) {
  if (site === '') return <span className="muted name-empty">{EMPTY_NAME}</span>;
  const isHex = /^[0-9a-f]{16}$/.test(site);
  return <span className={isHex ? 'mono hex' : 'mono fn'}>{shownName(site)}</span>;
}
