// "Working…": the page says so when an answer from the data worker (a query,
// a breakdown, a sort, access sites) has been awaited for more than
// BUSY_AFTER_MS, and stops saying so when none is awaited. Loads and the
// Parquet export have their own progress, and the worker's control calls (cancel, stop) answer at
// once: neither counts.
//
// The tracker is pure (a clock and a setter are passed in) so that its rules
// are tested without a browser; kmap-client.ts wraps every worker call in it.

export const BUSY_AFTER_MS = 100;

/** Worker calls that are not "waiting for an answer": a load, and control calls. */
export const NOT_BUSY_CALLS: ReadonlySet<string> = new Set(['open', 'cancel', 'stop', 'close', 'holdAliveLock', 'exportParquet', 'cancelExport']);

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export class BusyTracker {
  private inFlight = 0;
  private timer: unknown = null;
  private shown = false;

  constructor(
    private readonly show: (busy: boolean) => void,
    private readonly timers: Timers = { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
  ) {}

  /** Counts `answer` as awaited until it settles; returns it unchanged. */
  track<T>(answer: Promise<T>): Promise<T> {
    if (this.inFlight++ === 0) {
      this.timer = this.timers.set(() => {
        this.timer = null;
        this.shown = true;
        this.show(true);
      }, BUSY_AFTER_MS);
    }
    const done = () => {
      if (--this.inFlight > 0) return;
      if (this.timer !== null) this.timers.clear(this.timer);
      this.timer = null;
      if (this.shown) {
        this.shown = false;
        this.show(false);
      }
    };
    answer.then(done, done);
    return answer;
  }
}
