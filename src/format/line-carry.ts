// The partial line carried from one chunk to the next, for the parser and for
// the detection pass alike, so that both split lines the same way at any
// chunk size: a line is the bytes up to a newline; a line longer than
// MAX_LINE_BYTES is reported once, as soon as it passes the limit, and its
// rest is skipped without being held (only its first bytes are kept, for the
// bad line's text).

const NEWLINE = 0x0a;

/** Longest line accepted; real kmap lines are under 300 bytes. */
export const MAX_LINE_BYTES = 64 * 1024;

export class LineCarry {
  /** The carried bytes: buf[0, len); grown by doubling. */
  buf = new Uint8Array(1024);
  len = 0;
  /** True while skipping the rest of an over-long line. */
  skipping = false;

  /** True when the next chunk starts inside a line. */
  get active(): boolean {
    return this.len > 0 || this.skipping;
  }

  /** Sets the carry to its first `keep` bytes followed by `part`. */
  private set(part: Uint8Array, keep: number): void {
    const need = keep + part.length;
    if (need > this.buf.length) {
      const next = new Uint8Array(Math.max(need, this.buf.length * 2));
      next.set(this.buf.subarray(0, keep));
      this.buf = next;
    }
    this.buf.set(part, keep);
    this.len = need;
  }

  /**
   * Adds `part`, bytes of a line whose newline has not come yet. Returns null,
   * or, when this makes the line longer than MAX_LINE_BYTES, its first bytes
   * (at most `headBytes`): the line is then over and its rest is skipped.
   */
  extend(part: Uint8Array, headBytes: number): Uint8Array | null {
    if (this.skipping) return null;
    if (this.len + part.length > MAX_LINE_BYTES) {
      const keep = Math.min(part.length, Math.max(0, headBytes - this.len));
      this.set(part.subarray(0, keep), this.len);
      const head = this.buf.subarray(0, this.len);
      this.len = 0;
      this.skipping = true;
      return head;
    }
    this.set(part, this.len);
    return null;
  }

  /**
   * Ends the carried line with `tail` (the bytes of a chunk before its first
   * newline). Returns null when the line was over-long and already reported
   * (extend() returned its head); else the line (a view valid until the
   * carry changes) and whether it is over-long, in which case the view holds
   * only its first bytes (at most `headBytes`).
   */
  end(tail: Uint8Array, headBytes: number): { line: Uint8Array; long: boolean } | null {
    if (this.skipping) {
      this.skipping = false;
      return null;
    }
    const carried = this.len;
    this.len = 0;
    const long = carried + tail.length > MAX_LINE_BYTES;
    this.set(long ? tail.subarray(0, Math.max(0, Math.min(tail.length, headBytes - carried))) : tail, long ? Math.min(carried, headBytes) : carried);
    const line = this.buf.subarray(0, this.len);
    this.len = 0;
    return { line, long };
  }

  /**
   * The first step of every line reader with a new chunk, `buf`: the line
   * carried from earlier chunks continues in it. When `buf` holds that
   * line's newline, the line goes to `line` (or, over-long, its first bytes,
   * at most `headBytes`, to `longLine`) and the position after the newline is
   * returned; without one, `buf` is carried on (an over-long line's head to
   * `longLine`, once) and -1 is returned. Nothing carried: 0.
   */
  resume(buf: Uint8Array, headBytes: number, line: (bytes: Uint8Array) => void, longLine: (head: Uint8Array) => void): number {
    if (!this.active) return 0;
    const nl = buf.indexOf(NEWLINE);
    if (nl < 0) {
      const head = this.extend(buf, headBytes);
      if (head) longLine(head);
      return -1;
    }
    const ended = this.end(buf.subarray(0, nl), headBytes);
    if (ended?.long) longLine(ended.line);
    else if (ended) line(ended.line);
    return nl + 1;
  }
}
