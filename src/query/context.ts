// What every query over one store needs besides the filter: the store, the
// symbols applied to it (or none), and the site keys derived from both,
// rebuilt only when the store has interned new IPs (while a file loads);
// the values derived from the whole store (memo()); and the scratch arrays
// its queries reuse (scratch.ts).

import type { KmapStore } from '../store/kmap-store.ts';
import type { IpSymbols } from '../symbols/ip-symbols.ts';
import { indexBytes } from './column-index.ts';
import { ScratchArrays } from './scratch.ts';
import { SiteKeys } from './site-keys.ts';

export class QueryContext {
  private siteKeys: SiteKeys | null = null;
  private siteKeysIps = -1;
  private memos = new Map<string, { stamp: string; value: unknown }>();
  /** Temporaries of this store's queries, kept between them (the rules are in scratch.ts). */
  readonly scratch = new ScratchArrays();

  constructor(
    readonly store: KmapStore,
    readonly symbols: IpSymbols | null = null,
  ) {}

  sites(): SiteKeys {
    if (!this.siteKeys || this.siteKeysIps !== this.store.ips.size) {
      this.siteKeys = new SiteKeys(this.store, this.symbols);
      this.siteKeysIps = this.store.ips.size;
    }
    return this.siteKeys;
  }

  /**
   * A value derived from the whole store (dense pid ids, pid -> task name),
   * computed once and again only after the store grew (while loading).
   */
  memo<T>(key: string, compute: () => T): T {
    const stamp = `${this.store.numObjects}:${this.store.numAccesses}`;
    const hit = this.memos.get(key);
    if (hit && hit.stamp === stamp) return hit.value as T;
    const value = compute();
    this.memos.set(key, { stamp, value });
    return value;
  }

  /**
   * Bytes this context keeps: its memoised values' typed arrays (a value, or
   * the arrays among its own properties, or what a value with a heldBytes()
   * of its own says), the name indexes and the scratch.
   */
  heldBytes(): number {
    let n = this.scratch.bytes() + indexBytes(this);
    const size = (v: unknown) => (ArrayBuffer.isView(v) ? v.byteLength : 0);
    for (const { value } of this.memos.values()) {
      n += size(value);
      if (value && typeof value === 'object' && 'heldBytes' in value && typeof value.heldBytes === 'function') n += (value.heldBytes as () => number)();
      else if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) for (const v of Object.values(value)) n += size(v);
    }
    return n;
  }

  /** `name+0xoff` of an IP id when symbols resolve it, else null. */
  ipLabel(ipId: number): string | null {
    if (!this.symbols) return null;
    this.symbols.update();
    return this.symbols.label(ipId);
  }
}
