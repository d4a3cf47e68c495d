// Fitting labels into chart tiles and bars: text measured with a canvas
// context (the fonts the charts use), shortened with an ellipsis.

export const CHART_FONT = '11px system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif';

let ctx: CanvasRenderingContext2D | null | undefined;

function measureContext(): CanvasRenderingContext2D | null {
  if (ctx === undefined) {
    ctx = typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
  }
  return ctx;
}

/** Width of `text` in px in `font` (an estimate when there is no canvas). */
export function textWidth(text: string, font = CHART_FONT): number {
  const c = measureContext();
  if (!c) return text.length * 6.2;
  c.font = font;
  return c.measureText(text).width;
}

/**
 * `text` shortened (with "…") to fit `maxWidth` px, or '' when not even a
 * few characters fit. `measure` measures a string (a canvas context's, or
 * textWidth).
 */
export function fitText(text: string, maxWidth: number, measure: (s: string) => number = (s) => textWidth(s)): string {
  if (maxWidth <= 0 || text === '') return '';
  if (measure(text) <= maxWidth) return text;
  if (measure('x…') > maxWidth) return '';
  // Binary search on the kept prefix.
  let lo = 1;
  let hi = text.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (measure(text.slice(0, mid) + '…') <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return text.slice(0, lo) + '…';
}
