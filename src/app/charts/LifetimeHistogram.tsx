// The lifetime histogram: freed objects (or their bytes) per power-of-two
// lifetime bucket, stacked by series, from the shortest to the longest
// non-empty bucket. SVG: one <g role="img"> per bucket with its figures as
// the accessible name and tooltip; names from the file only as text nodes.

import { scaleBand, scaleLinear } from 'd3';
import type { LifetimeChart } from '../../worker-api.ts';
import { formatCount } from '../format.ts';
import { seriesColor } from './series-colors.ts';

export interface LifetimeHistogramProps {
  data: LifetimeChart;
  buckets: number;
  metric: 'objects' | 'bytes';
  width: number;
  height: number;
  formatValue: (v: number) => string;
  /** The name of series s (the groups, then "other"). */
  seriesName: (s: number) => string;
  /** What a lifetime counts: "serial index steps" or "jiffies". */
  unit: string;
  label: string;
  dimmed?: boolean;
}

const M = { left: 64, right: 10, top: 8, bottom: 34 };

/** "[0, 1)", "[1, 2)", "[1,024, 2,048)" */
export function bucketLabel(slot: number): string {
  if (slot === 0) return '[0, 1)';
  const lo = 2 ** (slot - 1);
  return `[${formatCount(lo)}, ${formatCount(lo * 2)})`;
}

/** Short axis text of a bucket's lower bound: 0, 1, 2, …, 512, 1K, 2K, …, 1M, …, 1G, … */
function shortBound(slot: number): string {
  if (slot === 0) return '0';
  const k = slot - 1;
  const units = ['', 'K', 'M', 'G', 'T', 'P', 'E'];
  return `${2 ** (k % 10)}${units[Math.floor(k / 10)]}`;
}

export function LifetimeHistogram({ data, buckets, metric, width, height, formatValue, seriesName, unit, label, dimmed = false }: LifetimeHistogramProps) {
  const numSeries = data.groups.length + (data.otherGroup ? 1 : 0);
  const values = metric === 'bytes' ? data.bytes : data.objects;
  let first = -1;
  let last = -1;
  const totals = new Float64Array(buckets);
  for (let b = 0; b < buckets; b++) {
    for (let s = 0; s < numSeries; s++) totals[b] += values[s * buckets + b];
    if (totals[b] > 0) {
      if (first < 0) first = b;
      last = b;
    }
  }
  if (first < 0) return <div className="chart-empty muted" data-testid="lifetime-histogram-empty">No freed objects: no lifetimes to draw.</div>;
  const slots = Array.from({ length: last - first + 1 }, (_, k) => first + k);
  const plotW = Math.max(10, width - M.left - M.right);
  const plotH = Math.max(10, height - M.top - M.bottom);
  const x = scaleBand<number>().domain(slots).range([0, plotW]).padding(0.12);
  const y = scaleLinear()
    .domain([0, Math.max(...slots.map((b) => totals[b]))])
    .range([plotH, 0])
    .nice();
  const labelEvery = Math.max(1, Math.ceil(slots.length / Math.max(1, Math.floor(plotW / 34))));
  return (
    <svg className={`lifetime-histogram${dimmed ? ' dimmed' : ''}`} width={width} height={height} role="group" aria-label={label}>
      <g transform={`translate(${M.left},${M.top})`}>
        {y.ticks(5).map((t) => (
          <g key={t} transform={`translate(0,${y(t)})`}>
            <line x2={plotW} className="grid-line" />
            <text x={-6} dy="0.32em" textAnchor="end" className="axis-text">
              {formatValue(t)}
            </text>
          </g>
        ))}
        {slots.map((b, k) => {
          let base = 0;
          const parts: string[] = [];
          for (let s = 0; s < numSeries; s++) {
            const v = values[s * buckets + b];
            if (v > 0) parts.push(`${seriesName(s)}: ${formatValue(v)}`);
          }
          const name = `Lifetime ${bucketLabel(b)} ${unit}: ${formatValue(totals[b])}${parts.length > 1 ? ` (${parts.join(', ')})` : ''}`;
          return (
            <g key={b} role="img" aria-label={name} data-testid="lifetime-bucket" data-bucket={b}>
              <title>{name}</title>
              {Array.from({ length: numSeries }, (_, s) => {
                const v = values[s * buckets + b];
                if (v <= 0) return null;
                const top = y(base + v);
                const h = y(base) - top;
                base += v;
                return <rect key={s} x={x(b)} y={top} width={x.bandwidth()} height={Math.max(0.5, h)} fill={seriesColor(s, data.groups.length)} />;
              })}
              {k % labelEvery === 0 && (
                <text x={(x(b) ?? 0) + x.bandwidth() / 2} y={plotH + 14} textAnchor="middle" className="axis-text">
                  {shortBound(b)}
                </text>
              )}
            </g>
          );
        })}
        <text x={plotW / 2} y={plotH + 30} textAnchor="middle" className="axis-text">
          lifetime (free − alloc, in {unit}): each bar from its lower bound to twice that
        </text>
      </g>
    </svg>
  );
}
