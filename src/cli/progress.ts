// The progress line the CLI draws while it reads a file: on stderr, only
// when stderr is a terminal (a pipe, a file or CI's log gets nothing), redrawn
// at most five times a second on one line, cut to the terminal's width (in
// columns: wide characters count two) so it never wraps, with every control
// character of the file name escaped, and erased before anything else is
// printed.

import { printable } from './readable.ts';

const REDRAW_MS = 200;
/** Files smaller than this read too fast for a line to help. */
const MIN_BYTES = 32 * 1024 * 1024;

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressFigures {
  bytesRead: number;
  totalBytes: number;
  objects: number;
  accessLines: number;
  seconds: number;
}

const count = (n: number) => n.toLocaleString('en-US');
const mb = (n: number) => {
  const x = n / 1e6;
  return `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)} MB`;
};

/** What a progress line says it is doing, and what it adds after the bytes (`kmap export` in slices: the table being written). */
export interface ProgressWords {
  readonly verb?: string;
  readonly tail?: string;
}

/** "kmap: reading big.kmap: 41%, 412 MB of 1000 MB, 180 MB/s, 1,234,567 objects, 6,543,210 access lines" (what matters most first: a narrow terminal cuts the end). */
export function progressText(file: string, p: ProgressFigures, words: ProgressWords = {}): string {
  const pct = p.totalBytes > 0 ? Math.min(100, Math.floor((p.bytesRead / p.totalBytes) * 100)) : 0;
  const rate = p.seconds > 0 ? `, ${mb(p.bytesRead / p.seconds)}/s` : '';
  return (
    `kmap: ${words.verb ?? 'reading'} ${printable(file)}: ${pct}%, ${mb(p.bytesRead)} of ${mb(p.totalBytes)}${rate}, ` +
    `${words.tail ? `${words.tail}, ` : ''}${count(p.objects)} objects, ${count(p.accessLines)} access lines`
  );
}

/** Columns a code point takes on a terminal: 2 for East Asian wide and emoji ranges, else 1 (an approximation of wcwidth). */
function columnsOf(cp: number): number {
  const wide =
    (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0x20000 && cp <= 0x3fffd);
  return wide ? 2 : 1;
}

/** `text` cut to at most `width` terminal columns (by whole code points), ending in … when cut. */
export function cutToWidth(text: string, width: number): string {
  let used = 0;
  let out = '';
  for (const ch of text) {
    const w = columnsOf(ch.codePointAt(0)!);
    if (used + w > width - 1) {
      // Room for the ellipsis only if the rest does not fit.
      let restWidth = 0;
      for (const rest of text.slice(out.length)) restWidth += columnsOf(rest.codePointAt(0)!);
      return used + restWidth <= width ? text : out + '…';
    }
    used += w;
    out += ch;
  }
  return out;
}

/** Draws progressText() on `stream` when it is a terminal and the file is big enough to wait for; else does nothing. */
export class ProgressLine {
  private lastDraw = -Infinity;
  private drawn = false;
  private readonly t0: number;

  constructor(
    private readonly stream: ProgressStream,
    private readonly file: string,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.t0 = now();
  }

  update(p: Omit<ProgressFigures, 'seconds'>, words: ProgressWords = {}): void {
    if (!this.stream.isTTY || p.totalBytes < MIN_BYTES) return;
    const t = this.now();
    if (t - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = t;
    const width = Math.max(20, (this.stream.columns || 80) - 1); // a pty may report 0 columns
    const text = progressText(this.file, { ...p, seconds: (t - this.t0) / 1000 }, words);
    this.stream.write(`\r${cutToWidth(text, width)}\x1b[K`);
    this.drawn = true;
  }

  /** Erases the line (call before printing anything else). */
  done(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
