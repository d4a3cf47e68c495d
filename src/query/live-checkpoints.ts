// Where a walk over the alloc and free events (liveSeries in live-series.ts)
// may start instead of at the first event: the walk's counts as it passed
// the start of each of its bins, kept by the caller per set of kept objects
// and grouping (the data worker: per filter, grouping and store version).
//
// Why: a zoomed live chart walks only its window's bins, but to know what is
// live at the window's start it must count every event before it: zoomed to
// the last tenth of the axis, nine tenths of the walk bring nothing to draw.
// The whole-axis chart (usually drawn before any zoom) passes every one of
// its bin starts anyway; keeping its counts there (about 2,700 bins x (2 + 2
// x series) doubles) lets a zoom start at the last bin start before its
// window. A walk over a wider span than the entries cover replaces them,
// keeping those up to where it started (so a zoom made first, near the axis's
// start, does not keep the whole-axis walk from recording).
//
// Invariant of entry k: after every event at an index <= at[k] and no other
// (events [0, pos[k]) of eventOrders' order), the kept objects' live objects
// and bytes were counts[k * stride], counts[k * stride + 1], and group g's
// at counts[k * stride + 2 + 2g] and + 1. Valid only for the kept objects,
// groups and event order they were taken with: whoever keeps an instance
// keys it by those (a new store version makes a new one).

export class LiveCheckpoints {
  /** Index of each entry, ascending; pos: the event position it stands before. */
  at = new Float64Array(0);
  pos = new Float64Array(0);
  counts = new Float64Array(0);
  length = 0;
  /** Groups per entry (counts' stride is 2 + 2 * numGroups); -1 until the first recording. */
  numGroups = -1;
  /** The index span of the walk that recorded them: a walk over a wider span records anew. */
  span = 0;

  get stride(): number {
    return 2 + 2 * this.numGroups;
  }

  /** The last entry at or below index x for a walk of numGroups groups; -1 when none. */
  lastAtOrBelow(x: number, numGroups: number): number {
    if (numGroups !== this.numGroups) return -1;
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** Whether a walk over `span` indices should record (it covers more than what is kept). */
  wants(span: number): boolean {
    return span > this.span;
  }

  /**
   * Starts a recording of up to `capacity` new entries, keeping entries
   * [0, keep] (the walk started at entry `keep`; -1: at the first event, and
   * nothing is kept). Entries are appended in index order after them.
   */
  begin(capacity: number, numGroups: number, span: number, keep = -1): void {
    const kept = keep >= 0 && numGroups === this.numGroups ? keep + 1 : 0;
    const stride = 2 + 2 * numGroups;
    const at = new Float64Array(kept + capacity);
    const pos = new Float64Array(kept + capacity);
    const counts = new Float64Array((kept + capacity) * stride);
    at.set(this.at.subarray(0, kept));
    pos.set(this.pos.subarray(0, kept));
    counts.set(this.counts.subarray(0, kept * stride));
    this.at = at;
    this.pos = pos;
    this.counts = counts;
    this.numGroups = numGroups;
    this.span = span;
    this.length = kept;
  }
}
