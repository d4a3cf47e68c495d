// Live objects (or bytes) over the index axis, drawn on canvas: one step per
// bin at the bin's maximum, stacked by series (each series at its own
// maximum, so a stack's top can pass the total's, which is drawn as a line),
// the index window shaded. Dragging across the chart brushes a new window
// (onBrush); the pointer's bin is described under the chart. Bins come from
// the worker at about two per pixel, so no peak falls between pixels.
//
// Canvas text only (axis labels are numbers); series names appear in the
// legend as React text, never as markup.

import { scaleLinear } from 'd3';
import { useEffect, useRef, useState, type PointerEvent } from 'react';
import type { LiveChart as LiveChartData } from '../../worker-api.ts';
import { formatBytes, formatCount } from '../format.ts';
import { sizedContext } from './canvas.ts';
import { seriesColor } from './series-colors.ts';

export type LiveMetric = 'objects' | 'bytes';

export interface LiveChartProps {
  data: LiveChartData;
  metric: LiveMetric;
  width: number;
  height: number;
  /** The index window to shade, or null. */
  window: { start: number; end: number } | null;
  /** A window brushed with the pointer: [start, end), whole indices, end > start. */
  onBrush: (start: number, end: number) => void;
  /** Text of a value on the y axis and in the hover line. */
  formatValue: (v: number) => string;
  /** What the axis counts ("serial index", "jiffies"). */
  unit: string;
  label: string;
  dimmed?: boolean;
}

const M = { left: 64, right: 10, top: 8, bottom: 24 };
const BRUSH_MIN_PX = 3;

/** The bin holding index x (edges ascending), or -1. */
export function binAt(edges: Float64Array, x: number): number {
  let lo = 0;
  let hi = edges.length - 2;
  if (hi < 0 || x < edges[0] || x >= edges[edges.length - 1]) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (edges[mid] <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function LiveChart({ data, metric, width, height, window: win, onBrush, formatValue, unit, label, dimmed = false }: LiveChartProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<number | null>(null);
  const [drag, setDrag] = useState<{ x0: number; x1: number } | null>(null);

  const plotW = Math.max(10, width - M.left - M.right);
  const plotH = Math.max(10, height - M.top - M.bottom);
  const bins = data.maxObjects.length;
  const numSeries = data.groups.length + (data.otherGroup ? 1 : 0);
  const total = metric === 'bytes' ? data.maxBytes : data.maxObjects;
  const series = metric === 'bytes' ? data.seriesMaxBytes : data.seriesMaxObjects;
  let yMax = 0;
  for (let b = 0; b < bins; b++) {
    let stack = 0;
    for (let s = 0; s < numSeries; s++) stack += series[s * bins + b];
    yMax = Math.max(yMax, stack, total[b]);
  }
  const x = scaleLinear().domain([data.start, data.end]).range([0, plotW]);
  const y = scaleLinear()
    .domain([0, yMax > 0 ? yMax : 1])
    .range([plotH, 0])
    .nice();

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || width <= 0) return;
    const g = sizedContext(canvas, width, height);
    if (!g) return;
    const css = getComputedStyle(canvas);
    const text = css.getPropertyValue('--text-2').trim() || '#9aa6b2';
    const grid = css.getPropertyValue('--border').trim() || '#28313c';
    g.font = '11px system-ui, sans-serif';
    // Grid and y axis.
    g.strokeStyle = grid;
    g.fillStyle = text;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (const t of y.ticks(5)) {
      const py = M.top + y(t);
      g.beginPath();
      g.moveTo(M.left, py + 0.5);
      g.lineTo(M.left + plotW, py + 0.5);
      g.stroke();
      g.fillText(formatValue(t), M.left - 6, py);
    }
    // X axis.
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (const t of x.ticks(Math.max(2, Math.floor(plotW / 110)))) {
      g.fillText(formatCount(t), M.left + x(t), M.top + plotH + 6);
    }
    // The window, behind the data.
    if (win) {
      const a = Math.max(0, x(win.start));
      const b = Math.min(plotW, x(win.end));
      if (b > a) {
        g.fillStyle = 'rgba(78, 161, 255, 0.16)';
        g.fillRect(M.left + a, M.top, Math.max(1, b - a), plotH);
      }
    }
    // Stacked series: a rectangle per bin per series.
    g.globalAlpha = dimmed ? 0.45 : 0.9;
    const base = new Float64Array(bins);
    for (let s = 0; s < numSeries; s++) {
      g.fillStyle = seriesColor(s, data.groups.length);
      for (let b = 0; b < bins; b++) {
        const v = series[s * bins + b];
        if (v <= 0) continue;
        const x0 = M.left + x(data.edges[b]);
        const x1 = M.left + x(data.edges[b + 1]);
        const top = M.top + y(base[b] + v);
        const bottom = M.top + y(base[b]);
        g.fillRect(x0, top, Math.max(0.5, x1 - x0), Math.max(0.5, bottom - top));
        base[b] += v;
      }
    }
    // The total's maximum as a line.
    g.globalAlpha = dimmed ? 0.5 : 1;
    g.strokeStyle = css.getPropertyValue('--text').trim() || '#d7dde4';
    g.lineWidth = 1.25;
    g.beginPath();
    for (let b = 0; b < bins; b++) {
      const x0 = M.left + x(data.edges[b]);
      const x1 = M.left + x(data.edges[b + 1]);
      const py = M.top + y(total[b]);
      if (b === 0) g.moveTo(x0, py);
      else g.lineTo(x0, py);
      g.lineTo(x1, py);
    }
    g.stroke();
    g.globalAlpha = 1;
  }, [data, metric, width, height, win, dimmed, plotW, plotH, bins, numSeries, series, total, x, y, formatValue]);

  const indexAt = (clientX: number) => {
    const rect = canvasRef.current!.getBoundingClientRect();
    const px = Math.min(plotW, Math.max(0, clientX - rect.left - M.left));
    return { px, index: x.invert(px) };
  };
  const onPointerDown = (e: PointerEvent<HTMLCanvasElement>) => {
    if (e.button !== 0) return;
    const { px } = indexAt(e.clientX);
    e.currentTarget.setPointerCapture(e.pointerId);
    setDrag({ x0: px, x1: px });
  };
  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    const { px, index } = indexAt(e.clientX);
    if (drag) setDrag({ ...drag, x1: px });
    const b = binAt(data.edges, index);
    setHover(b >= 0 ? b : null);
  };
  const onPointerUp = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!drag) return;
    const { px } = indexAt(e.clientX);
    setDrag(null);
    if (Math.abs(px - drag.x0) < BRUSH_MIN_PX) return;
    const lo = Math.min(px, drag.x0);
    const hi = Math.max(px, drag.x0);
    const start = Math.max(data.start, Math.floor(x.invert(lo)));
    const end = Math.min(data.end, Math.max(start + 1, Math.ceil(x.invert(hi))));
    if (end > start) onBrush(start, end);
  };

  const hoverText =
    hover !== null && hover < bins
      ? `${unit} [${formatCount(data.edges[hover])}, ${formatCount(data.edges[hover + 1])}): at most ` +
        `${formatCount(data.maxObjects[hover])} objects and ${formatBytes(data.maxBytes[hover])} live`
      : null;

  return (
    <div className="live-chart">
      <div className="live-chart-plot" style={{ width, height }}>
        <canvas
          ref={canvasRef}
          style={{ width, height }}
          role="img"
          aria-label={label}
          data-testid="live-chart"
          data-stale={dimmed ? 'true' : undefined}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerLeave={() => setHover(null)}
        />
        {drag && Math.abs(drag.x1 - drag.x0) >= 1 && (
          <div
            className="brush-band"
            style={{ left: M.left + Math.min(drag.x0, drag.x1), width: Math.abs(drag.x1 - drag.x0), top: M.top, height: plotH }}
          />
        )}
      </div>
      <p className="live-chart-hover muted" data-testid="live-hover">
        {hoverText ?? 'Drag across the chart to set the index window; hover for a bin’s figures.'}
      </p>
    </div>
  );
}
