// A small page cache over the worker's current selection: the table asks for
// the rows of its visible window; missing pages are fetched with one
// rows(start, count) call each, at most `maxPages` are kept (least recently
// used out). A new selection (query) gets a new cache generation, and pages
// that arrive for an older generation are dropped; the first page may come
// with the query's own answer (seed). Pure TypeScript.

export type FetchRows<R> = (start: number, count: number) => Promise<R[]>;

/** Rows per page (the query asks for the first page with its answer: loader.ts). */
export const ROW_PAGE_SIZE = 128;

export class RowCache<R> {
  private pages = new Map<number, R[]>();
  /** Pages of the previous selection, shown until fresh ones arrive (see reset). */
  private stale = new Map<number, R[]>();
  private inFlight = new Map<number, Promise<void>>();
  private generation = 0;

  constructor(
    private fetchRows: FetchRows<R>,
    readonly pageSize = ROW_PAGE_SIZE,
    readonly maxPages = 48,
  ) {}

  /**
   * Forgets every page (the selection changed). With `keepStale` (the same
   * query over more data, while a file loads) the old pages stay readable
   * until fresh ones replace them, so the table does not flicker.
   */
  reset(keepStale = false): void {
    this.generation++;
    this.stale = keepStale ? new Map([...this.stale, ...this.pages]) : new Map();
    this.pages = new Map();
    this.inFlight.clear();
  }

  /**
   * Page `p` of the current generation, already in hand (the query's answer
   * carries the first page): no fetch for it. A short page (fewer rows than
   * pageSize) is only right as the selection's last one.
   */
  seed(p: number, rows: R[]): void {
    this.inFlight.delete(p);
    this.pages.set(p, rows);
    this.stale.delete(p);
  }

  /** The row at position `pos`, or undefined when its page is not loaded. */
  get(pos: number): R | undefined {
    const p = Math.floor(pos / this.pageSize);
    const page = this.pages.get(p) ?? this.stale.get(p);
    return page?.[pos % this.pageSize];
  }

  /**
   * Makes sure rows [start, end) (clamped to [0, total)) are loaded. Resolves
   * true when at least one page it had to wait for is now loaded for the
   * current generation, whether this call or an earlier one fetched it (an
   * earlier caller may have stopped listening, e.g. after a scroll).
   */
  async ensure(start: number, end: number, total: number): Promise<boolean> {
    const from = Math.max(0, start);
    const to = Math.min(total, end);
    if (to <= from) return false;
    const firstPage = Math.floor(from / this.pageSize);
    const lastPage = Math.floor((to - 1) / this.pageSize);
    const waits: Promise<void>[] = [];
    const waitedPages: number[] = [];
    const generation = this.generation;
    for (let p = firstPage; p <= lastPage; p++) {
      const page = this.pages.get(p);
      if (page) {
        if (this.stale.has(p)) this.stale.delete(p);
        // Touch: move to the most recently used end.
        this.pages.delete(p);
        this.pages.set(p, page);
        continue;
      }
      let pending = this.inFlight.get(p);
      if (!pending) {
        pending = this.fetchRows(p * this.pageSize, this.pageSize).then(
          (rows) => {
            if (generation !== this.generation) return;
            this.inFlight.delete(p);
            this.pages.set(p, rows);
            this.stale.delete(p);
            this.evict(firstPage, lastPage);
          },
          () => {
            if (generation === this.generation) this.inFlight.delete(p);
          },
        );
        this.inFlight.set(p, pending);
      }
      waits.push(pending);
      waitedPages.push(p);
    }
    await Promise.all(waits);
    return generation === this.generation && waitedPages.some((p) => this.pages.has(p));
  }

  get numPages(): number {
    return this.pages.size;
  }

  /** Whether `pos` is served from a fresh page (not a stale one). */
  isFresh(pos: number): boolean {
    return this.pages.has(Math.floor(pos / this.pageSize));
  }

  private evict(keepFrom: number, keepTo: number): void {
    if (this.stale.size > this.maxPages) this.stale.clear();
    if (this.pages.size <= this.maxPages) return;
    for (const p of this.pages.keys()) {
      if (this.pages.size <= this.maxPages) break;
      if (p >= keepFrom && p <= keepTo) continue;
      this.pages.delete(p);
    }
  }
}
