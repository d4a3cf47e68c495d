// The CLI's progress line: only on a terminal, only for a file worth waiting
// for, at most five redraws a second, cut to the terminal's width, erased at
// the end, and a file name with control characters drawn inert.

import { describe, expect, it } from 'vitest';
import { ProgressLine, cutToWidth, progressText } from './progress.ts';

const BIG = 100e6;
function fakeStream(isTTY: boolean, columns?: number) {
  const out: string[] = [];
  return { stream: { isTTY, columns, write: (t: string) => out.push(t) }, out };
}
const at = (bytesRead: number) => ({ bytesRead, totalBytes: BIG, objects: bytesRead / 250, accessLines: bytesRead / 50 });

describe('ProgressLine', () => {
  it('draws nothing when stderr is not a terminal, or the file is small', () => {
    for (const [tty, total] of [[false, BIG], [true, 1e6]] as const) {
      const { stream, out } = fakeStream(tty);
      const line = new ProgressLine(stream, 'a.kmap');
      line.update({ ...at(5e5), totalBytes: total });
      line.done();
      expect(out).toEqual([]);
    }
  });

  it("says what it is doing and, for an export in slices, what it writes, before the counts a narrow terminal cuts", () => {
    const text = progressText('a.kmap', { ...at(50e6), seconds: 2 }, { verb: 'exporting', tail: 'writing accesses (1,000 rows)' });
    expect(text).toBe('kmap: exporting a.kmap: 50%, 50.0 MB of 100 MB, 25.0 MB/s, writing accesses (1,000 rows), 200,000 objects, 1,000,000 access lines');
    expect(cutToWidth(text, 100)).toContain('writing accesses');
  });

  it('redraws one line at most every 200 ms and erases it at the end', () => {
    let now = 0;
    const { stream, out } = fakeStream(true, 200);
    const line = new ProgressLine(stream, 'a.kmap', () => now);
    now = 1000;
    line.update(at(25e6));
    now = 1100;
    line.update(at(30e6)); // too soon
    now = 1250;
    line.update(at(50e6));
    line.done();
    expect(out).toEqual([
      '\rkmap: reading a.kmap: 25%, 25.0 MB of 100 MB, 25.0 MB/s, 100,000 objects, 500,000 access lines\x1b[K',
      '\rkmap: reading a.kmap: 50%, 50.0 MB of 100 MB, 40.0 MB/s, 200,000 objects, 1,000,000 access lines\x1b[K',
      '\r\x1b[K',
    ]);
  });

  it('never wraps: cut to the width (80 columns when the terminal reports none)', () => {
    for (const columns of [40, 0]) {
      const { stream, out } = fakeStream(true, columns);
      new ProgressLine(stream, 'a/very/long/path/to/a/capture/of/the/kernel.kmap', () => 1).update(at(1e6));
      const text = out[0].replace(/^\r/, '').replace(/\x1b\[K$/, '');
      expect(text.length).toBe((columns || 80) - 1);
      expect(text.endsWith('…')).toBe(true);
    }
  });

  it('draws a file name with control characters (newlines and tabs too) as escapes', () => {
    expect(progressText('evil\x1b]0;owned\x07.kmap', { ...at(1e6), seconds: 0 })).toContain('evil\\x1b]0;owned\\x07.kmap');
    expect(progressText('a\nb\tc.kmap', { ...at(1e6), seconds: 0 })).toContain('a\\x0ab\\x09c.kmap');
  });

  it('counts wide characters as two columns and never splits a surrogate pair', () => {
    expect(cutToWidth('abc', 3)).toBe('abc');
    expect(cutToWidth('abcd', 3)).toBe('ab…');
    expect(cutToWidth('日本語のファイル', 7)).toBe('日本語…'); // 6 columns + the ellipsis
    expect(cutToWidth('😀😀😀😀', 6)).toBe('😀😀…');
  });
});
