// A density raster: one row per series, one column per bin, each cell's
// shade the series' most live objects in that bin on a log scale. What the
// Lifetimes view draws for a window with too many objects for bands.

import { useEffect, useRef } from 'react';
import type { LiveChart } from '../../worker-api.ts';
import { sizedContext } from './canvas.ts';
import { seriesColor } from './series-colors.ts';

export interface RasterChartProps {
  data: LiveChart;
  width: number;
  seriesName: (s: number) => string;
  label: string;
}

const ROW = 14;
const LEFT = 64;

export function RasterChart({ data, width, seriesName, label }: RasterChartProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const numSeries = data.groups.length + (data.otherGroup ? 1 : 0);
  const bins = data.maxObjects.length;
  const height = numSeries * ROW + 2;
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas || width <= 0) return;
    const g = sizedContext(canvas, width, height);
    if (!g) return;
    const plotW = Math.max(10, width - LEFT - 10);
    let max = 0;
    for (const v of data.seriesMaxObjects) max = Math.max(max, v);
    const css = getComputedStyle(canvas);
    g.font = '11px system-ui, sans-serif';
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (let s = 0; s < numSeries; s++) {
      g.fillStyle = css.getPropertyValue('--text-2').trim() || '#9aa6b2';
      g.globalAlpha = 1;
      g.fillText(seriesName(s).slice(0, 10), LEFT - 4, s * ROW + ROW / 2);
      g.fillStyle = seriesColor(s, data.groups.length);
      for (let b = 0; b < bins; b++) {
        const v = data.seriesMaxObjects[s * bins + b];
        if (v <= 0) continue;
        g.globalAlpha = 0.15 + 0.85 * (Math.log1p(v) / Math.log1p(max));
        const x0 = LEFT + (b * plotW) / bins;
        g.fillRect(x0, s * ROW + 1, Math.max(1, plotW / bins), ROW - 2);
      }
    }
    g.globalAlpha = 1;
  }, [data, width, height, numSeries, bins, seriesName]);
  return <canvas ref={ref} style={{ width, height, display: 'block' }} role="img" aria-label={label} data-testid="raster-chart" />;
}
