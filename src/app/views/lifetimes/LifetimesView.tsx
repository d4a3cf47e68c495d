// The Lifetimes tab: live objects (or bytes) over the capture's index axis
// and the lifetime histogram, both stacked by the top slab caches or types
// of the filtered objects ("Group by", `lby` in the URL).
//
// The live chart is the surface the index window is brushed on, so it
// shows the filtered objects with the window aside (the window is shaded);
// the histogram and every other tab apply the window. The window (start,
// end and what it keeps) is part of the shared filter and the URL; it can
// also be typed (WindowControls), and "Jump to peak" moves it onto the bin
// with the most live bytes. Zooming re-bins the chart over a narrower range
// (not in the URL). Indices are a serial counter or jiffies (the summary
// says which); never seconds.

import { useEffect, useRef, useState } from 'react';
import {
  filterKey,
  HISTOGRAM_BUCKETS,
  type LifetimeChart,
  type LifetimeGrouping,
  type LiveChart as LiveChartData,
  type WindowBands,
  type WindowMeaning,
} from '../../../worker-api.ts';
import { revealSelected } from '../../loader.ts';
import { LifetimeHistogram } from '../../charts/LifetimeHistogram.tsx';
import { BandsChart } from '../../charts/BandsChart.tsx';
import { LiveChart, type LiveMetric } from '../../charts/LiveChart.tsx';
import { RasterChart } from '../../charts/RasterChart.tsx';
import { seriesColor } from '../../charts/series-colors.ts';
import { useSize } from '../../charts/use-size.ts';
import { histogramSvg, liveChartSvg } from '../../charts/svg-export.ts';
import { DownloadCsvButton, csvFileName } from '../../components/DownloadCsvButton.tsx';
import { ExportChartButtons } from '../../components/ExportChartButtons.tsx';
import { displayName } from '../../components/grid/cells.tsx';
import { formatBytes, formatCount, plural } from '../../format.ts';
import { kmapApi } from '../../kmap-client.ts';
import { useDataStore } from '../../stores/data-store.ts';
import { useViewStore } from '../../stores/view-store.ts';
import { addGroupToFilter } from '../add-to-filter.ts';
import { useWorkerResult } from '../use-worker-result.ts';
import { WindowControls } from './WindowControls.tsx';

/** Series drawn: the top groups, then "other". */
const TOP_GROUPS = 10;
/** Bins per pixel of plot width (so that no peak falls between pixels). */
const BINS_PER_PX = 2;
const LIVE_HEIGHT = 240;
/** Bands (one per object) up to this many objects live in the window; a raster beyond. */
const MAX_BANDS = 15_000;
const BANDS_MAX_HEIGHT = 320;
const HIST_HEIGHT = 220;

const BY_LABEL: Record<LifetimeGrouping, string> = { slab: 'Slab cache', type: 'Type' };

let lastMetric: LiveMetric = 'bytes';

export function LifetimesView() {
  const filter = useViewStore((s) => s.filter);
  const lby = useViewStore((s) => s.lby);
  const setLby = useViewStore((s) => s.setLby);
  const setFilter = useViewStore((s) => s.setFilter);
  const summary = useDataStore((s) => s.summary);
  const phase = useDataStore((s) => s.phase);
  const sourceName = useDataStore((s) => s.source?.name ?? null);
  const partial = useDataStore((s) => s.partial !== null);
  const [metric, setMetricState] = useState<LiveMetric>(lastMetric);
  const setMetric = (m: LiveMetric) => {
    lastMetric = m;
    setMetricState(m);
  };
  const [range, setRange] = useState<[number, number] | null>(null);
  // A zoom belongs to the data it was made on.
  const source = useDataStore((s) => s.source);
  useEffect(() => setRange(null), [source]);
  // What a window brushed or typed next keeps: the current window's meaning, or the last chosen.
  const [meaning, setMeaning] = useState<WindowMeaning>(filter.window?.meaning ?? 'allocated');
  useEffect(() => {
    if (filter.window) setMeaning(filter.window.meaning);
  }, [filter.window?.meaning]);
  const boxRef = useRef<HTMLDivElement>(null);
  const { width } = useSize(boxRef);

  const hasSlab = summary?.hasSlab ?? true;
  const hasType = summary?.hasType ?? true;
  const available = (['slab', 'type'] as const).filter((k) => (k === 'slab' ? hasSlab : hasType));
  const effBy: LifetimeGrouping = available.includes(lby) ? lby : (available[0] ?? 'slab');
  const jiffies = summary?.indexKind === 'jiffies';
  const axisUnit = jiffies ? 'jiffies' : 'serial index';
  const lifetimeUnit = jiffies ? 'jiffies' : 'serial index steps';
  const hasIndices = summary?.hasIndices ?? true;

  const chartWidth = Math.max(0, width);
  const bins = Math.max(32, Math.min(8192, Math.round((chartWidth - 74) * BINS_PER_PX)));
  const surface = { ...filter, window: null };
  const liveKey = width > 0 && hasIndices ? `${effBy}\n${bins}\n${range?.join('-') ?? 'all'}\n${filterKey(surface)}` : null;
  // Both asked at once, once the chart's width is known (the worker answers one at a time): the
  // histogram (the shorter) first, then the live chart.
  const histKey = width > 0 && hasIndices ? `${effBy}\n${filterKey(filter)}` : null;
  const hist = useWorkerResult<LifetimeChart>('lifetime-chart', histKey, () => kmapApi().lifetimeChart(filter, effBy, TOP_GROUPS));
  const live = useWorkerResult<LiveChartData>('live-chart', liveKey, () => kmapApi().liveChart(surface, effBy, TOP_GROUPS, bins, range));

  const win = filter.window;
  // The bands are the objects the filter keeps, the window included (each of them is live in it).
  const bandsKey = win && width > 0 && hasIndices ? `${effBy}\n${filterKey(filter)}` : null;
  const bands = useWorkerResult<WindowBands>('window-bands', bandsKey, () => kmapApi().windowBands(filter, effBy, TOP_GROUPS, win!.start, win!.end, MAX_BANDS));
  const rasterKey = bands.value?.overLimit && win ? `${effBy}\n${bins}\n${filterKey(filter)}` : null;
  const raster = useWorkerResult<LiveChartData>('window-raster', rasterKey, () => kmapApi().liveChart(filter, effBy, TOP_GROUPS, bins, [win!.start, win!.end]));
  const selectBand = (idx: number) => {
    const v = useViewStore.getState();
    v.selectObject(idx);
    v.setTab('objects');
    void revealSelected();
  };

  const liveData = live.value;
  const histData = hist.value;
  // Each chart has its own series: the live chart's are the top groups of the filtered objects with
  // the window aside, the histogram's those of the objects the window keeps.
  const histNames = histData?.groups ?? [];
  const seriesName = (s: number) => (s < histNames.length ? displayName(histNames[s]) : 'other');
  const valueText = (v: number) => (metric === 'bytes' ? formatBytes(v) : formatCount(v));

  const jumpToPeak = () => {
    if (!liveData || liveData.peakBin < 0) return;
    const b = liveData.peakBin;
    setFilter({ window: { start: liveData.edges[b], end: liveData.edges[b + 1], meaning } });
  };

  if (!hasIndices) {
    return (
      <div className="agg-view lifetimes-view">
        <p className="view-note" data-testid="lifetimes-none">
          This kmap is format {summary?.format}, which records no alloc or free indices: it has no lifetimes and no index axis.
        </p>
      </div>
    );
  }

  return (
    <div className="agg-view lifetimes-view">
      <div className="view-toolbar">
        <label className="view-field">
          <span>Group by</span>
          <select className="view-select" value={effBy} onChange={(e) => setLby(e.currentTarget.value as LifetimeGrouping)}>
            {available.map((k) => (
              <option key={k} value={k}>
                {BY_LABEL[k]}
              </option>
            ))}
          </select>
        </label>
        <div className="seg-toggle" role="radiogroup" aria-label="Measure">
          {(['bytes', 'objects'] as const).map((m) => (
            <label key={m} className={`seg-option${metric === m ? ' checked' : ''}`}>
              <input type="radio" name="lifetimes-metric" value={m} checked={metric === m} onChange={() => setMetric(m)} />
              {m === 'bytes' ? 'Bytes' : 'Objects'}
            </label>
          ))}
        </div>
        <span className="view-status" role="status" data-testid="lifetimes-status">
          {histData && (
            <span data-testid="lifetimes-counts">
              {plural(histData.freed, 'freed object')} with a lifetime, {formatCount(histData.live)} never freed
              {histData.inconsistent > 0 ? `, ${formatCount(histData.inconsistent)} freed before allocated (left out)` : ''}
              {phase === 'loading' ? ' so far' : ''}
            </span>
          )}
          {(live.computing || hist.computing) && <span className="computing">Computing…</span>}
        </span>
        <span className="spacer" />
        <DownloadCsvButton
          fileName={csvFileName(`lifetimes-${effBy}`, sourceName, partial)}
          getCsv={() => kmapApi().lifetimesCsv(useViewStore.getState().filter, effBy)}
          disabled={phase === 'empty'}
          title={`The lifetime histogram as CSV: what kmap lifetimes --by ${effBy} prints`}
        />
      </div>
      <WindowControls
        meaning={meaning}
        onMeaning={setMeaning}
        peakAvailable={liveData !== null && liveData.peakBin >= 0}
        onJumpToPeak={jumpToPeak}
        zoomed={range !== null}
        onZoomToWindow={() => {
          const w = useViewStore.getState().filter.window;
          if (!w) return;
          const pad = Math.max(1, Math.round((w.end - w.start) * 0.1));
          setRange([Math.max(0, w.start - pad), w.end + pad]);
        }}
        onShowAll={() => setRange(null)}
        unit={axisUnit}
      />
      {(live.error || hist.error) && (
        <p className="view-error" role="alert">
          The lifetimes failed: {live.error ?? hist.error}
        </p>
      )}
      <section className="lifetimes-section" aria-label="Live over the index axis">
        <div className="chart-toolbar">
          <span className="chart-caption muted">
            Live {metric} over the {axisUnit} (each bin’s maximum; the filtered objects, the window aside)
            {liveData && range ? ` · zoomed to [${formatCount(liveData.start)}, ${formatCount(liveData.end)})` : ''}
          </span>
          <span className="spacer" />
          <ExportChartButtons
            what={`live-${metric}`}
            chart="live chart"
            sourceName={sourceName}
            partial={partial}
            getSvg={() =>
              liveData &&
              liveChartSvg(
                liveData,
                metric,
                [...liveData.groups, ...(liveData.otherGroup ? ['other'] : [])],
                `${sourceName ?? 'kmap'}: live ${metric} over the ${axisUnit} [${formatCount(liveData.start)}, ${formatCount(liveData.end)}), each bin's maximum`,
              )
            }
          />
          <DownloadCsvButton
            fileName={csvFileName(`live-${bins}-bins`, sourceName, partial)}
            getCsv={() => kmapApi().liveCsv(useViewStore.getState().filter, bins)}
            disabled={phase === 'empty'}
            title={`Live objects and bytes in ${bins} bins over the whole capture as CSV: what kmap live --bins ${bins} prints (the window applies)`}
          />
        </div>
        <div ref={boxRef} className="live-chart-box">
          {liveData && width > 0 ? (
            <LiveChart
              data={liveData}
              metric={metric}
              width={chartWidth}
              height={LIVE_HEIGHT}
              window={filter.window}
              onBrush={(start, end) => setFilter({ window: { start, end, meaning } })}
              formatValue={valueText}
              unit={axisUnit}
              label={`Live ${metric} over the ${axisUnit}, ${liveData.maxObjects.length} bins`}
              dimmed={live.stale}
            />
          ) : (
            <div className="chart-empty muted" style={{ height: LIVE_HEIGHT }}>
              {live.error ? 'Nothing to draw.' : 'Computing…'}
            </div>
          )}
        </div>
        {liveData && <Legend names={liveData.groups} other={liveData.otherGroup} by={effBy} />}
      </section>
      {win && (
        <section className="lifetimes-section" aria-label="Objects in the window">
          <div className="chart-toolbar">
            <span className="chart-caption muted" data-testid="bands-caption">
              {bands.value
                ? bands.value.overLimit
                  ? `The window keeps ${formatCount(bands.value.count)} objects: more than ${formatCount(MAX_BANDS)} to draw one by one, so each ${BY_LABEL[effBy].toLowerCase()}’s live objects per bin as a raster`
                  : `The ${formatCount(bands.value.count)} objects the window keeps that are live in it (freed after their alloc index, or never), one band each over [${formatCount(win.start)}, ${formatCount(win.end)})`
                : 'Computing…'}
            </span>
          </div>
          <div className="live-chart-box">
            {bands.value && !bands.value.overLimit && bands.value.count > 0 && width > 0 && (
              <BandsChart
                data={bands.value}
                start={win.start}
                end={win.end}
                width={chartWidth}
                maxHeight={BANDS_MAX_HEIGHT}
                seriesName={(s) => (s < bands.value!.groups.length ? displayName(bands.value!.groups[s]) : 'other')}
                onSelect={selectBand}
                label={`${bands.value.count} objects the window keeps, one band each`}
              />
            )}
            {bands.value?.overLimit && raster.value && width > 0 && (
              <RasterChart
                data={raster.value}
                width={chartWidth}
                seriesName={(s) => (s < raster.value!.groups.length ? displayName(raster.value!.groups[s]) : 'other')}
                label="Live objects in the window per series and bin"
              />
            )}
          </div>
        </section>
      )}
      <section className="lifetimes-section" aria-label="Lifetime histogram">
        <div className="chart-toolbar">
          <span className="chart-caption muted">
            Freed objects by lifetime ({metric}, power-of-two buckets{filter.window ? '; the window applies' : ''})
          </span>
          <span className="spacer" />
          <ExportChartButtons
            what={`lifetimes-${metric}`}
            chart="lifetime histogram"
            sourceName={sourceName}
            partial={partial}
            getSvg={() =>
              histData &&
              histogramSvg(
                histData,
                HISTOGRAM_BUCKETS,
                metric,
                [...histData.groups, ...(histData.otherGroup ? ['other'] : [])],
                `${sourceName ?? 'kmap'}: freed ${metric} by lifetime (${lifetimeUnit}), power-of-two buckets`,
              )
            }
          />
        </div>
        {histData && width > 0 ? (
          <LifetimeHistogram
            data={histData}
            buckets={HISTOGRAM_BUCKETS}
            metric={metric}
            width={chartWidth}
            height={HIST_HEIGHT}
            formatValue={valueText}
            seriesName={seriesName}
            unit={lifetimeUnit}
            label={`Lifetime histogram of the freed objects, ${metric}`}
            dimmed={hist.stale}
          />
        ) : (
          <div className="chart-empty muted" style={{ height: HIST_HEIGHT }}>
            {hist.error ? 'Nothing to draw.' : 'Computing…'}
          </div>
        )}
        {histData && histData.freed > 0 && <Legend names={histData.groups} other={histData.otherGroup} by={effBy} />}
      </section>
    </div>
  );
}

/** The series: a swatch and a name each; a click adds that cache or type to the filters. */
function Legend({ names, other, by }: { names: string[]; other: boolean; by: LifetimeGrouping }) {
  if (names.length === 0) return null;
  return (
    <ul className="chart-legend" aria-label="Series" data-testid="chart-legend">
      {names.map((n, s) => (
        <li key={n}>
          <button type="button" className="legend-item" title={`Add ${displayName(n)} to the filters`} onClick={() => addGroupToFilter(by, n)}>
            <span className="series-swatch" style={{ background: seriesColor(s, names.length) }} />
            {displayName(n)}
          </button>
        </li>
      ))}
      {other && (
        <li>
          <span className="legend-item static">
            <span className="series-swatch" style={{ background: seriesColor(names.length, names.length) }} />
            other
          </span>
        </li>
      )}
    </ul>
  );
}
