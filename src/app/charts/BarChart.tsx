// Horizontal bars, one per group, biggest first (SVG; d3 for the scale).
// Every bar is a button: one tab stop for the chart (roving tabindex),
// ArrowUp/ArrowDown/Home/End move between bars, Enter or Space activates.
// Labels are SVG text nodes (names from the file are never markup).

import { scaleLinear } from 'd3';
import { useRef, useState, type KeyboardEvent } from 'react';
import { fitText } from './text-fit.ts';
import { useSize } from './use-size.ts';

export interface BarDatum {
  key: string;
  /** What the bar's label shows (the key, or a readable form of it). */
  label: string;
  /** The bar's length (the nearest double of a value above 2^53 - 1: see `exact`). */
  value: number;
  /** The exact value, when it is a bigint (above 2^53 - 1), for text. */
  exact?: number | bigint;
  /** The group's object count (for the accessible name and tooltip). */
  count: number;
}

export interface BarChartProps {
  data: readonly BarDatum[];
  /** Accessible name of the chart. */
  label: string;
  formatValue: (v: number) => string;
  /** Accessible name of one bar. */
  describe: (d: BarDatum) => string;
  /** Tooltip of one bar (defaults to its accessible name). */
  tooltip?: (d: BarDatum) => string;
  onActivate?: (d: BarDatum) => void;
  /** The data answer an older request: drawn dimmed. */
  dimmed?: boolean;
  barTestId?: string;
}

const ROW = 22;
const BAR = 16;
const PAD_X = 8;
const VALUE_W = 68;

export function BarChart({ data, label, formatValue, describe, tooltip, onActivate, dimmed = false, barTestId }: BarChartProps) {
  const boxRef = useRef<HTMLDivElement>(null);
  const { width } = useSize(boxRef);
  const [focusIdx, setFocusIdx] = useState(0);
  const barRefs = useRef<(SVGGElement | null)[]>([]);

  const labelW = Math.round(Math.min(240, Math.max(90, width * 0.36)));
  const barArea = Math.max(20, width - labelW - VALUE_W - PAD_X * 2);
  const max = data.reduce((m, d) => Math.max(m, d.value), 0);
  const x = scaleLinear()
    .domain([0, max > 0 ? max : 1])
    .range([0, barArea]);
  const height = data.length * ROW + 4;
  const tabIdx = Math.min(focusIdx, data.length - 1);

  const focusBar = (i: number) => {
    setFocusIdx(i);
    barRefs.current[i]?.focus();
  };
  const onKeyDown = (e: KeyboardEvent<SVGGElement>, i: number) => {
    let next = i;
    switch (e.key) {
      case 'ArrowDown':
        next = Math.min(data.length - 1, i + 1);
        break;
      case 'ArrowUp':
        next = Math.max(0, i - 1);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = data.length - 1;
        break;
      case 'Enter':
      case ' ':
        e.preventDefault();
        if (!e.repeat) onActivate?.(data[i]);
        return;
      default:
        return;
    }
    e.preventDefault();
    focusBar(next);
  };

  return (
    <div className={`bar-chart${dimmed ? ' is-stale' : ''}`} ref={boxRef}>
      {width > 0 && (
        <svg width={width} height={height} role="group" aria-label={label} className="bar-chart-svg">
          {data.map((d, i) => {
            const w = Math.max(1, x(d.value));
            const name = describe(d);
            return (
              <g
                key={d.key}
                ref={(el) => {
                  barRefs.current[i] = el;
                }}
                transform={`translate(0, ${i * ROW + 2})`}
                role="button"
                tabIndex={i === tabIdx ? 0 : -1}
                aria-label={name}
                data-testid={barTestId}
                data-key={d.key}
                className="bar"
                onClick={() => {
                  setFocusIdx(i);
                  onActivate?.(d);
                }}
                onKeyDown={(e) => onKeyDown(e, i)}
                onFocus={() => setFocusIdx(i)}
              >
                <title>{tooltip ? tooltip(d) : name}</title>
                <rect className="bar-hit" x={0} y={0} width={width} height={ROW - 2} rx={2} />
                <text className="bar-label" x={PAD_X + labelW - 6} y={(ROW - 2) / 2} dy="0.35em" textAnchor="end">
                  {fitText(d.label, labelW - 10)}
                </text>
                <rect className="bar-fill" x={PAD_X + labelW} y={(ROW - 2 - BAR) / 2} width={w} height={BAR} rx={1.5} />
                <text className="bar-value" x={PAD_X + labelW + w + 5} y={(ROW - 2) / 2} dy="0.35em">
                  {formatValue(d.value)}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </div>
  );
}
