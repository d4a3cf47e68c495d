// Sites: the key under which an instruction address is grouped. With symbols
// and a resolving IP, the site is its function (all IPs inside one function,
// and same-name functions at several addresses, are one site); otherwise the
// IP itself. The key string is the function name (with ` [module]`), or the
// IP as 16 lower-case hex digits: the one spelling the CLI's CSV, the views
// and the filters share (docs/kmap-format.md, "Grouping keys").

import type { KmapStore } from '../store/kmap-store.ts';
import type { IpSymbols } from '../symbols/ip-symbols.ts';

/** A site key that is an IP: 16 lower-case hex digits. */
const HEX_KEY = /^[0-9a-f]{16}$/;

export class SiteKeys {
  /**
   * Dense site id of each IP id, in [0, numSites): only the sites that some
   * IP of the store has get an id (a System.map has ~65,000 functions, a
   * capture touches a few thousand), so per-site arrays and (site x pid)
   * bitmaps stay small. Ids are given in IP id order.
   */
  readonly siteOf: Int32Array;
  readonly numSites: number;
  /** Per site id: the function id (>= 0), or -(IP id + 1) for an unresolved IP. */
  private readonly source: Int32Array;

  constructor(
    private readonly store: KmapStore,
    private readonly symbols: IpSymbols | null,
  ) {
    symbols?.update();
    const numIps = store.ips.size;
    this.siteOf = new Int32Array(numIps);
    const source = new Int32Array(numIps);
    const fnByIp = symbols?.fnByIp();
    const idOfFn = new Int32Array(symbols?.numFunctions ?? 0).fill(-1);
    let next = 0;
    for (let id = 0; id < numIps; id++) {
      const fn = fnByIp ? fnByIp[id] : -1;
      if (fn < 0) {
        source[next] = -(id + 1);
        this.siteOf[id] = next++;
      } else {
        if (idOfFn[fn] < 0) {
          idOfFn[fn] = next;
          source[next++] = fn;
        }
        this.siteOf[id] = idOfFn[fn];
      }
    }
    this.numSites = next;
    this.source = source.subarray(0, next);
  }

  key(siteId: number): string {
    const src = this.source[siteId];
    return src >= 0 ? this.symbols!.fnName(src) : this.store.ips.hex(-src - 1);
  }

  /** Whether a site is a resolved function (not a bare IP). */
  isFunction(siteId: number): boolean {
    return this.source[siteId] >= 0;
  }

  /**
   * 0/1 by IP id: the IPs whose site key is one of `keys`, or whose own
   * 16-digit hex is (a site picked before symbols named its function keeps
   * its IP); keys that match no IP go to `missing`.
   */
  ipMask(keys: readonly string[], missing?: string[]): Uint8Array {
    const wanted = new Set(keys);
    const found = new Set<string>();
    const siteHit = new Uint8Array(this.numSites);
    for (let s = 0; s < this.numSites; s++) {
      const key = this.key(s);
      if (wanted.has(key)) {
        siteHit[s] = 1;
        found.add(key);
      }
    }
    const hexKeys = keys.some((k) => HEX_KEY.test(k));
    const mask = new Uint8Array(this.siteOf.length);
    for (let id = 0; id < mask.length; id++) {
      mask[id] = siteHit[this.siteOf[id]];
      if (hexKeys && this.source[this.siteOf[id]] >= 0) {
        const hex = this.store.ips.hex(id);
        if (wanted.has(hex)) {
          mask[id] = 1;
          found.add(hex);
        }
      }
    }
    if (missing) for (const k of wanted) if (!found.has(k)) missing.push(k);
    return mask;
  }
}
