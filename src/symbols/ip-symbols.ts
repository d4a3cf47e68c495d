// A symbol table applied to one store's interned IPs: each distinct IP is
// resolved once (a binary search), and the result is kept by IP id, so that
// labelling a row or grouping millions of access lines by function is an
// array look-up. The store's IP table grows while a file loads; update()
// resolves only the ids added since the last call.

import type { IpInterner } from '../store/interners.ts';
import { entryLabel, entryOffset, lookupEntry, type SymbolTable } from './symbol-map.ts';

export class IpSymbols {
  /** Entry of each IP id, -1 when it does not resolve. */
  private entries = new Int32Array(0);
  private resolvedCount = 0;

  constructor(
    readonly table: SymbolTable,
    private readonly ips: IpInterner,
  ) {
    this.update();
  }

  /** Resolves the IPs interned since the last call; cheap when there are none. */
  update(): void {
    const n = this.ips.size;
    if (n === this.resolvedCount) return;
    if (this.entries.length < n) {
      const grown = new Int32Array(Math.max(n, this.entries.length * 2));
      grown.set(this.entries.subarray(0, this.resolvedCount));
      this.entries = grown;
    }
    const hi = this.ips.hi.data;
    const lo = this.ips.lo.data;
    for (let id = this.resolvedCount; id < n; id++) {
      // Sentinels (0, UFO type codes, feedbeef) are markers, never code addresses.
      const sentinel = hi[id] === 0 && (lo[id] <= 0xff || lo[id] === 0xfeedbeef);
      this.entries[id] = sentinel ? -1 : lookupEntry(this.table, hi[id], lo[id]);
    }
    this.resolvedCount = n;
  }

  /** Function id of an IP id, or -1 when it does not resolve. */
  fnOf(ipId: number): number {
    const e = ipId < this.resolvedCount ? this.entries[ipId] : -1;
    return e < 0 ? -1 : this.table.fnOf[e];
  }

  /** Function ids by IP id (-1: unresolved) for the ids resolved so far; do not keep past update(). */
  fnByIp(): Int32Array {
    const out = new Int32Array(this.resolvedCount);
    for (let id = 0; id < this.resolvedCount; id++) {
      const e = this.entries[id];
      out[id] = e < 0 ? -1 : this.table.fnOf[e];
    }
    return out;
  }

  /** `name+0xoff` (with ` [module]`) of an IP id, or null. */
  label(ipId: number): string | null {
    const e = ipId < this.resolvedCount ? this.entries[ipId] : -1;
    if (e < 0) return null;
    return entryLabel(this.table, e, entryOffset(this.table, e, this.ips.hi.data[ipId], this.ips.lo.data[ipId]));
  }

  /** The grouping key of a function id: its name (with ` [module]`). */
  fnName(fnId: number): string {
    return this.table.fnNames[fnId];
  }

  get numFunctions(): number {
    return this.table.fnNames.length;
  }
}
