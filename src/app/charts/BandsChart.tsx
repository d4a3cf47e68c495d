// One band per object over [start, end) of the index axis, from its alloc
// index to its free index (to the capture's end when never freed), grouped
// by series and packed into lanes (an object takes the first lane of its
// series free at its alloc index), on canvas. Hovering names the object,
// a click selects it (onSelect). Used when few enough objects are live in
// the window (the worker sends at most a limit of them).

import { scaleLinear } from 'd3';
import { useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import type { WindowBands } from '../../worker-api.ts';
import { formatCount } from '../format.ts';
import { sizedContext } from './canvas.ts';
import { seriesColor } from './series-colors.ts';

export interface BandsChartProps {
  data: WindowBands;
  start: number;
  end: number;
  width: number;
  /** The most height the chart takes (lanes shrink to fit, to one pixel). */
  maxHeight: number;
  seriesName: (s: number) => string;
  onSelect: (idx: number) => void;
  label: string;
}

const M = { left: 64, right: 10, top: 4, bottom: 20 };

interface Layout {
  /** Lane of each band. */
  lane: Int32Array;
  numLanes: number;
  /** First lane of each series, and where the last ends. */
  seriesStart: number[];
  /** Bands of each lane, in alloc order (for hit tests). */
  byLane: number[][];
}

/** Greedy interval packing per series (bands come sorted by series, then alloc). */
export function packLanes(data: WindowBands): Layout {
  const n = data.idx.length;
  const lane = new Int32Array(n);
  const seriesStart: number[] = [];
  const byLane: number[][] = [];
  let base = 0;
  let k = 0;
  while (k < n) {
    const s = data.series[k];
    seriesStart[s] = base;
    // A min-heap of [lane end, lane] for this series.
    const heap: [number, number][] = [];
    let lanes = 0;
    const push = (e: [number, number]) => {
      heap.push(e);
      for (let i = heap.length - 1; i > 0; ) {
        const p = (i - 1) >> 1;
        if (heap[p][0] <= heap[i][0]) break;
        [heap[p], heap[i]] = [heap[i], heap[p]];
        i = p;
      }
    };
    const pop = () => {
      const top = heap[0];
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        for (let i = 0; ; ) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < heap.length && heap[l][0] < heap[m][0]) m = l;
          if (r < heap.length && heap[r][0] < heap[m][0]) m = r;
          if (m === i) break;
          [heap[m], heap[i]] = [heap[i], heap[m]];
          i = m;
        }
      }
      return top;
    };
    for (; k < n && data.series[k] === s; k++) {
      let l: number;
      if (heap.length > 0 && heap[0][0] <= data.alloc[k]) l = pop()[1];
      else l = lanes++;
      lane[k] = base + l;
      (byLane[base + l] ??= []).push(k);
      push([data.free[k], l]);
    }
    base += lanes;
  }
  return { lane, numLanes: base, seriesStart, byLane };
}

export function BandsChart({ data, start, end, width, maxHeight, seriesName, onSelect, label }: BandsChartProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<number | null>(null);
  const layout = useMemo(() => packLanes(data), [data]);
  // A band number means nothing in new data.
  useEffect(() => setHover(null), [data]);
  const plotW = Math.max(10, width - M.left - M.right);
  const laneH = Math.max(1, Math.min(8, Math.floor((maxHeight - M.top - M.bottom) / Math.max(1, layout.numLanes))));
  const plotH = Math.min(maxHeight - M.top - M.bottom, Math.max(laneH, layout.numLanes * laneH));
  const height = plotH + M.top + M.bottom;
  const laneY = (l: number) => M.top + Math.floor((l * plotH) / Math.max(1, layout.numLanes));
  const x = scaleLinear().domain([start, end]).range([0, plotW]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || width <= 0) return;
    const g = sizedContext(canvas, width, height);
    if (!g) return;
    const css = getComputedStyle(canvas);
    g.font = '11px system-ui, sans-serif';
    g.fillStyle = css.getPropertyValue('--text-2').trim() || '#9aa6b2';
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (const t of x.ticks(Math.max(2, Math.floor(plotW / 110)))) g.fillText(formatCount(t), M.left + x(t), M.top + plotH + 5);
    const h = Math.max(1, Math.floor(plotH / Math.max(1, layout.numLanes)) - (laneH > 2 ? 1 : 0));
    for (let k = 0; k < data.idx.length; k++) {
      const x0 = M.left + Math.max(0, x(data.alloc[k]));
      const x1 = M.left + Math.min(plotW, x(data.free[k]));
      g.fillStyle = seriesColor(data.series[k], data.groups.length);
      g.fillRect(x0, laneY(layout.lane[k]), Math.max(1, x1 - x0), h);
    }
    if (hover !== null) {
      g.strokeStyle = css.getPropertyValue('--text').trim() || '#fff';
      const x0 = M.left + Math.max(0, x(data.alloc[hover]));
      const x1 = M.left + Math.min(plotW, x(data.free[hover]));
      g.strokeRect(x0 - 0.5, laneY(layout.lane[hover]) - 0.5, Math.max(1, x1 - x0) + 1, h + 1);
    }
    // Series names at the left edge, at their first lane.
    g.textAlign = 'right';
    g.textBaseline = 'top';
    g.fillStyle = css.getPropertyValue('--text-2').trim() || '#9aa6b2';
    let lastY = Number.NEGATIVE_INFINITY;
    layout.seriesStart.forEach((l, s) => {
      if (l === undefined || laneY(l) - lastY < 12) return; // no label over the one above
      lastY = laneY(l);
      g.fillText(seriesName(s).slice(0, 10), M.left - 4, lastY);
    });
  }, [data, layout, width, height, plotW, plotH, laneH, hover, x, seriesName]);

  const bandAt = (e: MouseEvent<HTMLCanvasElement>): number | null => {
    const rect = e.currentTarget.getBoundingClientRect();
    const px = e.clientX - rect.left - M.left;
    const py = e.clientY - rect.top - M.top;
    if (px < 0 || px > plotW || py < 0 || py > plotH) return null;
    const lane = Math.min(layout.numLanes - 1, Math.floor((py * layout.numLanes) / plotH));
    const t = x.invert(px);
    // The band of that lane covering t (lanes hold non-overlapping bands in alloc order).
    const list = layout.byLane[lane] ?? [];
    let lo = 0;
    let hi = list.length - 1;
    let found: number | null = null;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const k = list[mid];
      if (data.alloc[k] <= t) {
        if (t < data.free[k]) found = k;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };

  const hoverText =
    hover !== null
      ? `object #${data.idx[hover]} (${seriesName(data.series[hover])}): allocated at ${formatCount(data.alloc[hover])}, ` +
        (data.live[hover] ? 'never freed' : `freed at ${formatCount(data.free[hover])} (lifetime ${formatCount(data.free[hover] - data.alloc[hover])})`) +
        ' — click to select it'
      : null;

  return (
    <div className="bands-chart">
      <canvas
        ref={canvasRef}
        style={{ width, height, display: 'block', cursor: hover !== null ? 'pointer' : 'default' }}
        role="img"
        aria-label={label}
        data-testid="bands-chart"
        onPointerMove={(e) => setHover(bandAt(e))}
        onPointerLeave={() => setHover(null)}
        onClick={(e) => {
          const k = bandAt(e);
          if (k !== null) onSelect(data.idx[k]);
        }}
      />
      <p className="live-chart-hover muted" data-testid="bands-hover">
        {hoverText ?? `${formatCount(data.idx.length)} objects live in the window, one band each from alloc to free; hover to name one, click to select it.`}
      </p>
    </div>
  );
}
