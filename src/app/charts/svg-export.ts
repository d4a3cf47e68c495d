// The charts as standalone SVG files (Lifetimes' live chart and histogram,
// the Matrix, the Breakdown's bars and icicle), built from the same data the page draws, for papers and
// slides; and a PNG of any of them, rasterised by the browser. Pure string
// building except rasterise(). Every text from a kmap (cache, type and
// function names) goes through xmlText, so no name becomes markup.
//
// Colours are fixed (a light background), not the page's theme: a figure
// pasted into a document should read on white.

import type { LifetimeChart, LiveChart, MatrixView } from '../../worker-api.ts';
import type { IcicleLayout, IcicleNode } from './icicle-layout.ts';
import { formatCompact } from '../format.ts';
import { seriesColor } from './series-colors.ts';

/**
 * Text as XML character data or attribute value: & < > " ' escaped; what
 * XML 1.0 does not allow at all (C0 controls but tab, LF and CR; U+FFFE,
 * U+FFFF; a lone surrogate) as U+FFFD.
 */
export function xmlText(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const FONT = "font-family='DejaVu Sans, Arial, sans-serif' font-size='11'";
const INK = '#222';
const GRID = '#ddd';

function svgOpen(width: number, height: number, title: string): string {
  return (
    `<svg xmlns='http://www.w3.org/2000/svg' width='${width}' height='${height}' viewBox='0 0 ${width} ${height}'>` +
    `<title>${xmlText(title)}</title><rect width='${width}' height='${height}' fill='#fff'/>`
  );
}

const n = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));

/** About `count` round tick values from 0 to the first at or above max (the axis's top). */
export function ticks(max: number, count: number): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [0];
  for (let k = 1; out[out.length - 1] < max; k++) out.push(k * step);
  return out;
}

/** A legend row: a swatch and a name per series. */
function legend(names: string[], numGroups: number, x: number, y: number, width: number): { svg: string; height: number } {
  let cx = x;
  let cy = y;
  const parts: string[] = [];
  for (let s = 0; s < names.length; s++) {
    const w = 16 + Math.min(160, names[s].length * 6.5) + 12;
    if (cx + w > x + width) {
      cx = x;
      cy += 16;
    }
    parts.push(`<rect x='${n(cx)}' y='${n(cy)}' width='10' height='10' fill='${seriesColor(s, numGroups)}'/>`);
    parts.push(`<text x='${n(cx + 14)}' y='${n(cy + 9)}' ${FONT} fill='${INK}'>${xmlText(names[s])}</text>`);
    cx += w;
  }
  return { svg: parts.join(''), height: cy - y + 16 };
}

/** The live chart: stacked series steps at each bin's maxima, the total's maximum as a line. */
export function liveChartSvg(data: LiveChart, metric: 'objects' | 'bytes', seriesNames: string[], title: string, width = 960, height = 320): string {
  const M = { left: 70, right: 12, top: 24, bottom: 30 };
  const bins = data.maxObjects.length;
  const numSeries = seriesNames.length;
  const series = metric === 'bytes' ? data.seriesMaxBytes : data.seriesMaxObjects;
  const total = metric === 'bytes' ? data.maxBytes : data.maxObjects;
  let max = 0;
  for (let b = 0; b < bins; b++) {
    let stack = 0;
    for (let s = 0; s < numSeries; s++) stack += series[s * bins + b] ?? 0;
    max = Math.max(max, stack, total[b]);
  }
  const leg = legend(seriesNames, data.groups.length, M.left, 0, width - M.left - M.right);
  const plotW = width - M.left - M.right;
  const plotH = height - M.top - M.bottom;
  const span = data.end - data.start || 1;
  const x = (v: number) => M.left + ((v - data.start) / span) * plotW;
  const yTicks = ticks(max, 5);
  const top = yTicks[yTicks.length - 1] || 1;
  const y = (v: number) => M.top + plotH - (v / top) * plotH;
  const out = [svgOpen(width, height + leg.height + 8, title)];
  out.push(`<text x='${M.left}' y='14' ${FONT} fill='${INK}'>${xmlText(title)}</text>`);
  for (const t of yTicks) {
    out.push(`<line x1='${M.left}' x2='${M.left + plotW}' y1='${n(y(t))}' y2='${n(y(t))}' stroke='${GRID}'/>`);
    out.push(`<text x='${M.left - 6}' y='${n(y(t) + 4)}' text-anchor='end' ${FONT} fill='${INK}'>${t.toLocaleString('en-US')}</text>`);
  }
  for (const t of ticks(span, 6).filter((t) => t <= span)) {
    out.push(`<text x='${n(x(data.start + t))}' y='${M.top + plotH + 16}' text-anchor='middle' ${FONT} fill='${INK}'>${(data.start + t).toLocaleString('en-US')}</text>`);
  }
  const base = new Float64Array(bins);
  for (let s = 0; s < numSeries; s++) {
    const rects: string[] = [];
    for (let b = 0; b < bins; b++) {
      const v = series[s * bins + b];
      if (!(v > 0)) continue;
      const x0 = x(data.edges[b]);
      const x1 = x(data.edges[b + 1]);
      rects.push(`<rect x='${n(x0)}' y='${n(y(base[b] + v))}' width='${n(Math.max(0.3, x1 - x0))}' height='${n(Math.max(0.3, y(base[b]) - y(base[b] + v)))}'/>`);
      base[b] += v;
    }
    out.push(`<g fill='${seriesColor(s, data.groups.length)}' data-series='${s}'>${rects.join('')}</g>`);
  }
  const path: string[] = [];
  for (let b = 0; b < bins; b++) path.push(`${b === 0 ? 'M' : 'L'}${n(x(data.edges[b]))},${n(y(total[b]))}H${n(x(data.edges[b + 1]))}`);
  out.push(`<path d='${path.join('')}' fill='none' stroke='${INK}' stroke-width='1'/>`);
  out.push(`<g transform='translate(0,${height + 4})'>${leg.svg}</g>`);
  out.push('</svg>');
  return out.join('');
}

/** The lifetime histogram: stacked bars per power-of-two bucket, from the first to the last non-empty one. */
export function histogramSvg(data: LifetimeChart, buckets: number, metric: 'objects' | 'bytes', seriesNames: string[], title: string, width = 960, height = 300): string {
  const M = { left: 70, right: 12, top: 24, bottom: 30 };
  const numSeries = seriesNames.length;
  const values = metric === 'bytes' ? data.bytes : data.objects;
  const totals = new Float64Array(buckets);
  let first = -1;
  let last = -1;
  for (let b = 0; b < buckets; b++) {
    for (let s = 0; s < numSeries; s++) totals[b] += values[s * buckets + b];
    if (totals[b] > 0) {
      if (first < 0) first = b;
      last = b;
    }
  }
  const leg = legend(seriesNames, data.groups.length, M.left, 0, width - M.left - M.right);
  const out = [svgOpen(width, height + leg.height + 8, title), `<text x='${M.left}' y='14' ${FONT} fill='${INK}'>${xmlText(title)}</text>`];
  if (first >= 0) {
    const plotW = width - M.left - M.right;
    const plotH = height - M.top - M.bottom;
    const count = last - first + 1;
    const bw = plotW / count;
    const yTicks = ticks(Math.max(...totals), 5);
    const top = yTicks[yTicks.length - 1] || 1;
    const y = (v: number) => M.top + plotH - (v / top) * plotH;
    for (const t of yTicks) {
      out.push(`<line x1='${M.left}' x2='${M.left + plotW}' y1='${n(y(t))}' y2='${n(y(t))}' stroke='${GRID}'/>`);
      out.push(`<text x='${M.left - 6}' y='${n(y(t) + 4)}' text-anchor='end' ${FONT} fill='${INK}'>${t.toLocaleString('en-US')}</text>`);
    }
    for (let b = first; b <= last; b++) {
      const x0 = M.left + (b - first) * bw + bw * 0.06;
      let base = 0;
      for (let s = 0; s < numSeries; s++) {
        const v = values[s * buckets + b];
        if (!(v > 0)) continue;
        out.push(`<rect x='${n(x0)}' y='${n(y(base + v))}' width='${n(bw * 0.88)}' height='${n(y(base) - y(base + v))}' fill='${seriesColor(s, data.groups.length)}'/>`);
        base += v;
      }
      const low = b === 0 ? '0' : (2 ** (b - 1)).toLocaleString('en-US');
      out.push(`<text x='${n(x0 + bw * 0.44)}' y='${M.top + plotH + 16}' text-anchor='middle' ${FONT} fill='${INK}'>${low}</text>`);
    }
  }
  out.push(`<g transform='translate(0,${height + 4})'>${leg.svg}</g></svg>`);
  return out.join('');
}

/** The matrix as drawn: rows and columns in the given order, cells shaded by `shade(value)`, values as text. */
export function matrixSvg(
  view: MatrixView,
  order: { rows: number[]; cols: number[] },
  value: (cell: number) => number,
  shade: (v: number) => string,
  rowName: (r: number) => string,
  colName: (c: number) => string,
  title: string,
): string {
  const C = view.columns.length + (view.otherColumn ? 1 : 0);
  const cell = 38;
  const rowHead = 220;
  const colHead = 130;
  const width = rowHead + order.cols.length * cell + 10;
  const height = colHead + order.rows.length * 18 + 30;
  const out = [svgOpen(width, height, title), `<text x='4' y='14' ${FONT} fill='${INK}'>${xmlText(title)}</text>`];
  order.cols.forEach((c, j) => {
    const cx = rowHead + j * cell + cell / 2;
    out.push(`<text transform='translate(${n(cx + 4)},${colHead - 4}) rotate(-90)' ${FONT} fill='${INK}'>${xmlText(colName(c).slice(0, 24))}</text>`);
  });
  order.rows.forEach((r, i) => {
    const y = colHead + i * 18;
    out.push(`<text x='${rowHead - 6}' y='${y + 13}' text-anchor='end' ${FONT} fill='${INK}'>${xmlText(rowName(r).slice(0, 34))}</text>`);
    order.cols.forEach((c, j) => {
      const v = value(r * C + c);
      if (!(view.lines[r * C + c] > 0)) return;
      out.push(`<rect x='${rowHead + j * cell}' y='${y}' width='${cell - 1}' height='17' fill='${shade(v)}'/>`);
      out.push(`<text x='${rowHead + j * cell + cell / 2}' y='${y + 12}' text-anchor='middle' font-size='9' font-family='DejaVu Sans, Arial, sans-serif' fill='${INK}'>${formatCompact(v)}</text>`);
    });
  });
  out.push('</svg>');
  return out.join('');
}

/** Horizontal bars, one per group, biggest first, with their labels and values (the Breakdown's bar chart). */
export function barsSvg(bars: readonly { label: string; value: number; text: string }[], title: string, width = 760): string {
  const ROW = 20;
  const labelW = 240;
  const valueW = 90;
  const top = 26;
  const height = top + bars.length * ROW + 10;
  const max = bars.reduce((m, b) => Math.max(m, b.value), 0) || 1;
  const barW = width - labelW - valueW - 20;
  const out = [svgOpen(width, height, title), `<text x='4' y='14' ${FONT} fill='${INK}'>${xmlText(title)}</text>`];
  bars.forEach((b, i) => {
    const y = top + i * ROW;
    out.push(`<text x='${labelW - 6}' y='${y + 14}' text-anchor='end' ${FONT} fill='${INK}'>${xmlText(b.label.slice(0, 40))}</text>`);
    out.push(`<rect x='${labelW}' y='${y + 3}' width='${n(Math.max(0.5, (b.value / max) * barW))}' height='${ROW - 6}' fill='${seriesColor(0, 1)}'/>`);
    out.push(`<text x='${labelW + barW + 8}' y='${y + 14}' ${FONT} fill='${INK}'>${xmlText(b.text)}</text>`);
  });
  out.push('</svg>');
  return out.join('');
}

/** The icicle as laid out (icicle-layout.ts): the bands, a rectangle per node, names where a row is tall enough. */
export function icicleSvg(layout: IcicleLayout, label: (node: IcicleNode) => string, title: string): string {
  const top = 22;
  const out = [svgOpen(layout.width, layout.height + top, title), `<text x='4' y='14' ${FONT} fill='${INK}'>${xmlText(title)}</text>`];
  out.push(`<g transform='translate(0,${top})'>`);
  for (const b of layout.bands) out.push(`<rect x='${n(b.x0)}' y='${n(b.y0)}' width='${n(b.x1 - b.x0)}' height='${n(b.y1 - b.y0)}' fill='${b.fill}'/>`);
  for (const node of layout.nodes) {
    const h = node.y1 - node.y0;
    if (h < 0.3) continue;
    out.push(`<rect x='${n(node.x0)}' y='${n(node.y0)}' width='${n(node.x1 - node.x0 - 1)}' height='${n(Math.max(0.3, h - 0.5))}' fill='${node.fill}'/>`);
    if (h >= 13) {
      const chars = Math.floor((node.x1 - node.x0 - 8) / 6.5);
      const text = label(node);
      out.push(`<text x='${n(node.x0 + 4)}' y='${n(node.y0 + 12)}' ${FONT} fill='${node.ink}'>${xmlText(text.length > chars ? text.slice(0, Math.max(0, chars - 1)) + '…' : text)}</text>`);
    }
  }
  out.push('</g></svg>');
  return out.join('');
}

/** A PNG of an SVG document, drawn by the browser at `scale` (data: images are what the page's CSP allows). */
export async function rasterise(svg: string, scale = 2): Promise<Blob> {
  const img = new Image();
  const bytes = new TextEncoder().encode(svg);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  img.src = `data:image/svg+xml;base64,${btoa(binary)}`;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(img.naturalWidth * scale);
  canvas.height = Math.ceil(img.naturalHeight * scale);
  const g = canvas.getContext('2d')!;
  g.scale(scale, scale);
  g.drawImage(img, 0, 0);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the browser made no PNG'))), 'image/png'));
}
