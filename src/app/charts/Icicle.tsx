// An icicle of the type -> cache -> alloc site hierarchy sized by bytes
// (d3.partition, see icicle-layout.ts): one column per level, left to right.
// Up to `svgMaxCells` cells it is SVG (every tile a button); beyond, one
// canvas with hit-testing for the tooltip and clicks (a second canvas draws
// the hover and focus outlines, so the tiles are drawn once per layout).
//
// Keyboard (both renderers): one tab stop; ArrowUp/ArrowDown move within a
// column, ArrowLeft to the parent, ArrowRight to the biggest child,
// Home/End to a column's ends, Enter or Space activates. Names are text
// nodes (SVG) or fillText (canvas): never markup.

import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { HierarchyCell } from '../../worker-api.ts';
import { formatCount } from '../format.ts';
import { hitTest, ICICLE_BACKGROUND, layoutIcicle, neighbour, type IcicleField, type IcicleLayout, type IcicleMove, type IcicleNode } from './icicle-layout.ts';
import { CHART_FONT, fitText } from './text-fit.ts';
import { useSize } from './use-size.ts';

export type { IcicleField, IcicleNode };

export interface IcicleProps {
  cells: readonly HierarchyCell[];
  /** The levels drawn, left to right (a format without types or caches leaves them out). */
  levels: readonly IcicleField[];
  /** How each level is called ("type", "slab cache", "alloc site"). */
  levelNames: Record<IcicleField, string>;
  /** Accessible name of the chart. */
  label: string;
  formatBytes: (n: number | bigint) => string;
  /** How a name is shown ('' as "(empty)", say). */
  displayName?: (field: IcicleField, name: string) => string;
  onActivate?: (node: IcicleNode) => void;
  /** SVG up to this many cells, canvas beyond. */
  svgMaxCells?: number;
  dimmed?: boolean;
}

const HEAD_H = 20;

/** Where a pointer is (pointer and mouse events alike). */
interface PointerLike {
  clientX: number;
  clientY: number;
}

const asGiven = (_field: IcicleField, name: string) => name;
const MIN_LABEL_H = 13;

interface Tip {
  node: IcicleNode;
  x: number;
  y: number;
}

export function Icicle({
  cells,
  levels,
  levelNames,
  label,
  formatBytes,
  displayName = asGiven,
  onActivate,
  svgMaxCells = 2000,
  dimmed = false,
}: IcicleProps) {
  const boxRef = useRef<HTMLDivElement>(null);
  const { width, height: boxHeight } = useSize(boxRef);
  const height = Math.max(120, boxHeight - HEAD_H);
  const renderer: 'svg' | 'canvas' = cells.length <= svgMaxCells ? 'svg' : 'canvas';

  const layout = useMemo(
    () => (width > 0 ? layoutIcicle(cells, levels, width, height) : null),
    [cells, levels, width, height],
  );

  const [hoverId, setHoverId] = useState<number | null>(null);
  const [focusId, setFocusId] = useState<number | null>(null);
  const [tip, setTip] = useState<Tip | null>(null);
  // Ids are indices into one layout: a new layout forgets them (keeping the focus by path when it can).
  const [seenLayout, setSeenLayout] = useState(layout);
  if (seenLayout !== layout) {
    const prev = seenLayout;
    setSeenLayout(layout);
    if (prev && layout && focusId !== null && prev.nodes[focusId]) {
      const key = prev.nodes[focusId].path.join('\u0000');
      const same = layout.nodes.find((n) => n.path.join('\u0000') === key);
      const next = same?.id ?? null;
      if (next !== focusId) setFocusId(next);
    } else if (focusId !== null) setFocusId(null);
    if (hoverId !== null) setHoverId(null);
    if (tip !== null) setTip(null);
  }

  const nodes = layout?.nodes ?? [];
  const hover = hoverId !== null ? (nodes[hoverId] ?? null) : null;
  const focused = focusId !== null ? (nodes[focusId] ?? null) : null;

  const describe = (n: IcicleNode) =>
    `${levelNames[n.field]} ${displayName(n.field, n.name)}: ${formatBytes(n.bytes)} in ${formatCount(n.objects)} ${n.objects === 1 ? 'object' : 'objects'}`;

  // ---- pointer ----------------------------------------------------------
  const pointAt = (e: PointerLike) => {
    const rect = boxRef.current!.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top - HEAD_H };
  };
  const onPointerMove = (e: PointerLike) => {
    if (!layout) return;
    const { x, y } = pointAt(e);
    const n = hitTest(layout, x, y);
    setHoverId(n?.id ?? null);
    setTip(n ? { node: n, x, y: y + HEAD_H } : null);
  };
  const onPointerLeave = () => {
    setHoverId(null);
    setTip(null);
  };
  const onCanvasClick = (e: PointerLike) => {
    if (!layout) return;
    const { x, y } = pointAt(e);
    const n = hitTest(layout, x, y);
    if (!n) return;
    setFocusId(n.id);
    onActivate?.(n);
  };

  // ---- keyboard ---------------------------------------------------------
  const tileRefs = useRef<(SVGGElement | null)[]>([]);
  const moveFocus = (n: IcicleNode | null, fromKeyboard: boolean) => {
    if (!n) return;
    setFocusId(n.id);
    if (renderer === 'svg') tileRefs.current[n.id]?.focus();
    if (fromKeyboard) setTip({ node: n, x: Math.min(n.x1 - 8, n.x0 + 24), y: HEAD_H + Math.min(n.y1, n.y0 + 18) });
  };
  const onKeyDown = (e: KeyboardEvent<Element>) => {
    if (!layout) return;
    const moves: Record<string, IcicleMove> = {
      ArrowDown: 'down',
      ArrowUp: 'up',
      ArrowLeft: 'parent',
      ArrowRight: 'child',
      Home: 'first',
      End: 'last',
    };
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      if (focused && !e.repeat) onActivate?.(focused);
      return;
    }
    if (e.key === 'Escape') {
      setTip(null);
      return;
    }
    const move = moves[e.key];
    if (!move) return;
    e.preventDefault();
    moveFocus(neighbour(layout, focused, move), true);
  };

  const headers = (
    <div className="icicle-head" style={{ height: HEAD_H }} aria-hidden="true">
      {levels.map((f) => (
        <div key={f} className="icicle-head-cell" style={{ width: layout?.colWidth ?? 0 }}>
          {levelNames[f]}
        </div>
      ))}
    </div>
  );

  return (
    <div className={`icicle${dimmed ? ' is-stale' : ''}`} ref={boxRef} data-renderer={renderer} onPointerLeave={onPointerLeave}>
      {headers}
      {layout && renderer === 'svg' && (
        <svg
          width={width}
          height={height}
          role="group"
          aria-label={label}
          className="icicle-svg"
          onPointerMove={onPointerMove}
          onKeyDown={onKeyDown}
        >
          <g aria-hidden="true" className="icicle-bands">
            {layout.bands.map((b, i) => (
              <rect
                key={i}
                x={b.x0 + 0.5}
                y={b.y0}
                width={Math.max(0, b.x1 - b.x0 - 1)}
                height={b.y1 - b.y0}
                fill={b.fill}
                stroke={b.y1 - b.y0 >= 3 ? ICICLE_BACKGROUND : 'none'}
                strokeWidth={1}
              />
            ))}
          </g>
          {layout.nodes.map((n) => {
            const w = n.x1 - n.x0;
            const h = n.y1 - n.y0;
            const tabbable = focusId === null ? n.id === layout.byDepth[0][0]?.id : n.id === focusId;
            const text = h >= MIN_LABEL_H ? fitText(displayName(n.field, n.name), w - 8) : '';
            return (
              <g
                key={n.id}
                ref={(el) => {
                  tileRefs.current[n.id] = el;
                }}
                role="button"
                tabIndex={tabbable ? 0 : -1}
                aria-label={describe(n)}
                data-testid="icicle-tile"
                data-field={n.field}
                data-key={n.name}
                className={`icicle-tile${n.id === hoverId ? ' hover' : ''}`}
                onClick={() => {
                  setFocusId(n.id);
                  onActivate?.(n);
                }}
                onFocus={() => setFocusId(n.id)}
              >
                <rect
                  x={n.x0 + 0.5}
                  y={n.y0}
                  width={Math.max(0, w - 1)}
                  height={h}
                  fill={n.fill}
                  // A tile tall enough to tell apart gets a separating edge.
                  stroke={h >= 3 ? ICICLE_BACKGROUND : 'none'}
                  strokeWidth={1}
                />
                {text && (
                  <text x={n.x0 + 5} y={n.y0 + Math.min(h / 2, 9)} dy="0.35em" fill={n.ink} className="icicle-label">
                    {text}
                  </text>
                )}
              </g>
            );
          })}
        </svg>
      )}
      {layout && renderer === 'canvas' && (
        <CanvasIcicle
          layout={layout}
          width={width}
          height={height}
          hover={hover}
          focused={focused}
          label={label}
          displayName={displayName}
          onPointerMove={onPointerMove}
          onClick={onCanvasClick}
          onKeyDown={onKeyDown}
          announce={focused ? describe(focused) : ''}
        />
      )}
      {tip && (
        <IcicleTooltip
          tip={tip}
          layout={layout}
          levelNames={levelNames}
          formatBytes={formatBytes}
          displayName={displayName}
          boxWidth={width}
          boxHeight={boxHeight}
        />
      )}
    </div>
  );
}

function IcicleTooltip({
  tip,
  layout,
  levelNames,
  formatBytes,
  displayName,
  boxWidth,
  boxHeight,
}: {
  tip: Tip;
  layout: IcicleLayout | null;
  levelNames: Record<IcicleField, string>;
  formatBytes: (n: number | bigint) => string;
  displayName: (field: IcicleField, name: string) => string;
  boxWidth: number;
  boxHeight: number;
}) {
  const n = tip.node;
  const share = layout && layout.totalBytes > 0 ? (100 * Number(n.bytes)) / layout.totalBytes : 0;
  const left = Math.max(4, Math.min(tip.x + 14, boxWidth - 300));
  // Below the pointer in the upper half, above it in the lower half.
  const place = tip.y < boxHeight / 2 ? { top: tip.y + 14 } : { bottom: boxHeight - tip.y + 10 };
  return (
    <div className="chart-tooltip" style={{ left, ...place }} aria-hidden="true">
      {n.path.map((name, d) => {
        const field = layout?.levels[d] ?? n.field;
        return (
          <div key={d} className={d === n.depth - 1 ? 'tip-strong' : 'tip-path'}>
            <span className="tip-kind">{levelNames[field]}: </span>
            <span className={field === 'site' ? 'mono' : undefined}>{displayName(field, name)}</span>
          </div>
        );
      })}
      <div className="tip-figures">
        {formatBytes(n.bytes)} ({formatCount(n.bytes)} bytes) in {formatCount(n.objects)} {n.objects === 1 ? 'object' : 'objects'} ·{' '}
        {share >= 0.1 || share === 0 ? share.toFixed(1) : '<0.1'}% of the bytes shown
      </div>
      <div className="tip-hint">Click to add the {levelNames[n.field]} to the filters</div>
    </div>
  );
}

function CanvasIcicle({
  layout,
  width,
  height,
  hover,
  focused,
  label,
  displayName,
  onPointerMove,
  onClick,
  onKeyDown,
  announce,
}: {
  layout: IcicleLayout;
  width: number;
  height: number;
  hover: IcicleNode | null;
  focused: IcicleNode | null;
  label: string;
  displayName: (field: IcicleField, name: string) => string;
  onPointerMove: (e: PointerLike) => void;
  onClick: (e: PointerLike) => void;
  onKeyDown: (e: KeyboardEvent<Element>) => void;
  announce: string;
}) {
  const baseRef = useRef<HTMLCanvasElement>(null);
  const overRef = useRef<HTMLCanvasElement>(null);
  const dpr = typeof window === 'undefined' ? 1 : Math.max(1, Math.min(3, window.devicePixelRatio || 1));

  // The tiles: once per layout.
  useEffect(() => {
    const c = baseRef.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.font = CHART_FONT;
    ctx.textBaseline = 'middle';
    const measure = (s: string) => ctx.measureText(s).width;
    // Edges snapped to whole pixels: neighbours share an edge, nothing is smeared.
    const px = (v: number) => Math.round(v);
    for (const b of layout.bands) {
      ctx.fillStyle = b.fill;
      const h = Math.max(1, px(b.y1) - px(b.y0));
      ctx.fillRect(px(b.x0) + 1, px(b.y0), px(b.x1) - px(b.x0) - 1, h);
      if (h >= 3) {
        ctx.fillStyle = ICICLE_BACKGROUND;
        ctx.fillRect(px(b.x0) + 1, px(b.y1) - 1, px(b.x1) - px(b.x0) - 1, 1);
      }
    }
    for (const n of layout.nodes) {
      const y0 = px(n.y0);
      const y1 = px(n.y1);
      if (y1 <= y0) continue;
      ctx.fillStyle = n.fill;
      ctx.fillRect(px(n.x0) + 1, y0, px(n.x1) - px(n.x0) - 1, y1 - y0);
      if (y1 - y0 >= 3) {
        ctx.fillStyle = ICICLE_BACKGROUND;
        ctx.fillRect(px(n.x0) + 1, y1 - 1, px(n.x1) - px(n.x0) - 1, 1);
      }
    }
    for (const n of layout.nodes) {
      const h = n.y1 - n.y0;
      if (h < MIN_LABEL_H) continue;
      const text = fitText(displayName(n.field, n.name), n.x1 - n.x0 - 8, measure);
      if (!text) continue;
      ctx.fillStyle = n.ink;
      ctx.fillText(text, n.x0 + 5, n.y0 + Math.min(h / 2, 9));
    }
  }, [layout, width, height, dpr, displayName]);

  // Hover and focus outlines: cheap, on their own canvas.
  useEffect(() => {
    const c = overRef.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const outline = (n: IcicleNode, colour: string, w: number) => {
      ctx.strokeStyle = colour;
      ctx.lineWidth = w;
      ctx.strokeRect(n.x0 + 1, n.y0 + 0.5, Math.max(1, n.x1 - n.x0 - 2), Math.max(1, n.y1 - n.y0 - 1));
    };
    if (hover) outline(hover, 'rgba(255,255,255,0.85)', 1);
    if (focused) outline(focused, '#4ea1ff', 2);
  }, [hover, focused, width, height, dpr]);

  return (
    <div
      className="icicle-canvas-wrap"
      role="group"
      aria-label={`${label} (arrow keys move between tiles, Enter adds one to the filters)`}
      tabIndex={0}
      onKeyDown={onKeyDown}
      style={{ width, height }}
    >
      <canvas
        ref={baseRef}
        data-testid="icicle-canvas"
        width={Math.round(width * dpr)}
        height={Math.round(height * dpr)}
        style={{ width, height }}
        aria-hidden="true"
      />
      <canvas
        ref={overRef}
        className="icicle-overlay"
        width={Math.round(width * dpr)}
        height={Math.round(height * dpr)}
        style={{ width, height }}
        aria-hidden="true"
        onPointerMove={onPointerMove}
        onClick={onClick}
      />
      <div className="visually-hidden" aria-live="polite">
        {announce}
      </div>
    </div>
  );
}
