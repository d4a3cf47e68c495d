// Reading what is typed into the filter bar's text fields. Pure: each
// returns the value to apply, or a sentence saying why the text is not one
// (shown next to the field; the filter keeps its previous value).

import type { IndexWindow, WindowMeaning } from '../../../worker-api.ts';

/** Largest pid a kmap line can carry (a signed 32-bit task id). */
const MAX_PID = 2 ** 31 - 1;
/** Largest size bound accepted (bytes): well past any object, and exact in a double. */
export const MAX_SIZE_BOUND = Number.MAX_SAFE_INTEGER;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * A comma-separated list of pids ("42, 731, -1"); spaces are ignored, an
 * empty text is no pid filter. -1 is the pid of accesses without a task.
 */
export function parsePidList(text: string): Parsed<number[]> {
  const pieces = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const out: number[] = [];
  for (const piece of pieces) {
    if (!/^-?[0-9]{1,10}$/.test(piece)) {
      return { ok: false, error: `"${piece.slice(0, 24)}" is not a pid: use whole numbers separated by commas (-1 for no task).` };
    }
    const n = Number(piece);
    if (n < -1 || n > MAX_PID) return { ok: false, error: `${piece} is not a pid (pids run from -1 to ${MAX_PID}).` };
    if (!out.includes(n)) out.push(n);
  }
  return { ok: true, value: out };
}

export function formatPidList(pids: readonly number[]): string {
  return pids.join(', ');
}

/** One size bound in bytes: a whole number >= 0, or '' for none. */
export function parseSizeBound(text: string): Parsed<number | null> {
  const t = text.trim();
  if (t === '') return { ok: true, value: null };
  if (!/^[0-9]+$/.test(t)) return { ok: false, error: 'A size is a whole number of bytes.' };
  const n = Number(t);
  if (n > MAX_SIZE_BOUND) return { ok: false, error: 'That size is too large.' };
  return { ok: true, value: n };
}

/** Both bounds; an error when either is bad or the minimum exceeds the maximum. */
export function parseSizeRange(minText: string, maxText: string): Parsed<{ minSize: number | null; maxSize: number | null }> {
  const min = parseSizeBound(minText);
  if (!min.ok) return { ok: false, error: `Minimum size: ${min.error}` };
  const max = parseSizeBound(maxText);
  if (!max.ok) return { ok: false, error: `Maximum size: ${max.error}` };
  if (min.value !== null && max.value !== null && min.value > max.value) {
    return { ok: false, error: 'The minimum size is larger than the maximum.' };
  }
  return { ok: true, value: { minSize: min.value, maxSize: max.value } };
}

/** A command as the pickers and chips show it (shown-name.ts; the empty command, outside a task, is "(empty)"). */
export { shownName as displayCommand } from '../../../query/shown-name.ts';

/** What each index-window meaning keeps, as the page says it (before the range). */
export const WINDOW_MEANING_TEXT: Readonly<Record<WindowMeaning, string>> = {
  allocated: 'allocated in',
  liveAtEnd: 'live at the end of',
  survived: 'allocated and not freed in',
};

/** "allocated in index window [100, 2,000)" */
export function windowText(w: IndexWindow): string {
  return `${WINDOW_MEANING_TEXT[w.meaning]} index window [${w.start.toLocaleString('en-US')}, ${w.end.toLocaleString('en-US')})`;
}

/**
 * An index window typed as two bounds: whole numbers, start below end, at
 * most 2^53 - 1 (indices compare as doubles).
 */
export function parseWindow(startText: string, endText: string): Parsed<{ start: number; end: number }> {
  const s = startText.trim().replace(/[,_\s]/g, '');
  const e = endText.trim().replace(/[,_\s]/g, '');
  if (!/^[0-9]{1,16}$/.test(s) || !/^[0-9]{1,16}$/.test(e)) return { ok: false, error: 'The window takes two whole numbers (index values).' };
  const start = Number(s);
  const end = Number(e);
  if (end > Number.MAX_SAFE_INTEGER) return { ok: false, error: 'Window bounds go up to 9,007,199,254,740,991.' };
  if (!(start < end)) return { ok: false, error: 'The window starts before it ends (the end is not included).' };
  return { ok: true, value: { start, end } };
}
