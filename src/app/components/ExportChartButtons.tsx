// "SVG" and "PNG": a chart saved as a file (charts/svg-export.ts builds the
// SVG from the chart's data; the PNG is that SVG drawn by the browser).

import { useState } from 'react';
import { rasterise } from '../charts/svg-export.ts';
import { notify } from '../stores/notice-store.ts';
import { csvFileName, downloadBlob } from './DownloadCsvButton.tsx';

export function ExportChartButtons({ what, chart, sourceName, partial, getSvg }: { what: string; chart: string; sourceName: string | null; partial: boolean; getSvg: () => string | null }) {
  const [busy, setBusy] = useState(false);
  const save = async (kind: 'svg' | 'png') => {
    const svg = getSvg();
    if (svg === null || busy) return;
    setBusy(true);
    try {
      const blob = kind === 'svg' ? new Blob([svg], { type: 'image/svg+xml' }) : await rasterise(svg);
      downloadBlob(blob, csvFileName(what, sourceName, partial, kind));
    } catch (err) {
      notify(`The ${chart} could not be saved as ${kind.toUpperCase()}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="export-buttons">
      {(['svg', 'png'] as const).map((kind) => (
        <button
          key={kind}
          type="button"
          className="btn btn-small"
          aria-busy={busy || undefined}
          aria-label={`Download the ${chart} as ${kind.toUpperCase()}`}
          title={`Save the ${chart} as ${kind.toUpperCase()}`}
          onClick={() => void save(kind)}
        >
          {kind.toUpperCase()}
        </button>
      ))}
    </span>
  );
}
