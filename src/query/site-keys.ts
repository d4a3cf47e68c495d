// Sites: the key under which an instruction address is grouped. With symbols
// and a resolving IP, the site is its function (all IPs inside one function,
// and same-name functions at several addresses, are one site); otherwise the
// IP itself. The key string is the function name (with ` [module]`), or the
// IP as 16 lower-case hex digits: the one spelling the CLI's CSV, the views
// and the filters share (docs/kmap-format.md, "Grouping keys").

import type { KmapStore } from '../store/kmap-store.ts';
import type { IpSymbols } from '../symbols/ip-symbols.ts';

export class SiteKeys {
  /** Site id of each IP id: a function id, or numFunctions + IP id when unresolved. */
  readonly siteOf: Int32Array;
  readonly numFunctions: number;
  readonly numSites: number;

  constructor(
    private readonly store: KmapStore,
    private readonly symbols: IpSymbols | null,
  ) {
    symbols?.update();
    const numIps = store.ips.size;
    this.numFunctions = symbols?.numFunctions ?? 0;
    this.numSites = this.numFunctions + numIps;
    this.siteOf = new Int32Array(numIps);
    const fnByIp = symbols?.fnByIp();
    for (let id = 0; id < numIps; id++) {
      const fn = fnByIp ? fnByIp[id] : -1;
      this.siteOf[id] = fn >= 0 ? fn : this.numFunctions + id;
    }
  }

  key(siteId: number): string {
    return siteId < this.numFunctions ? this.symbols!.fnName(siteId) : this.store.ips.hex(siteId - this.numFunctions);
  }

  /** Whether a site is a resolved function (not a bare IP). */
  isFunction(siteId: number): boolean {
    return siteId < this.numFunctions;
  }

  /** 0/1 by IP id: the IPs whose site key is one of `keys`. */
  ipMask(keys: readonly string[]): Uint8Array {
    const wanted = new Set(keys);
    const siteHit = new Uint8Array(this.numFunctions);
    for (let fn = 0; fn < this.numFunctions; fn++) if (wanted.has(this.symbols!.fnName(fn))) siteHit[fn] = 1;
    const mask = new Uint8Array(this.siteOf.length);
    for (let id = 0; id < mask.length; id++) {
      const s = this.siteOf[id];
      mask[id] = s < this.numFunctions ? siteHit[s] : wanted.has(this.store.ips.hex(id)) ? 1 : 0;
    }
    return mask;
  }
}
