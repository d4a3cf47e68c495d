// The index window as controls: what it keeps (three meanings), its bounds
// typed as numbers (the keyboard's way to set what the brush sets), Clear,
// Jump to peak, and the live chart's zoom. The window is part of the shared
// filter (and the URL); the zoom is the chart's own.

import { useEffect, useId, useState, type FormEvent } from 'react';
import { WINDOW_MEANINGS, type WindowMeaning } from '../../../worker-api.ts';
import { parseWindow, WINDOW_MEANING_TEXT } from '../../components/filters/filter-text.ts';
import { useViewStore } from '../../stores/view-store.ts';

const MEANING_LABEL: Record<WindowMeaning, string> = {
  allocated: 'Allocated in the window',
  liveAtEnd: 'Live at the window’s end',
  survived: 'Allocated in it, not freed in it',
};

export interface WindowControlsProps {
  meaning: WindowMeaning;
  onMeaning: (m: WindowMeaning) => void;
  peakAvailable: boolean;
  onJumpToPeak: () => void;
  zoomed: boolean;
  onZoomToWindow: () => void;
  onShowAll: () => void;
  /** What the axis counts ("serial index", "jiffies"). */
  unit: string;
}

export function WindowControls({ meaning, onMeaning, peakAvailable, onJumpToPeak, zoomed, onZoomToWindow, onShowAll, unit }: WindowControlsProps) {
  const win = useViewStore((s) => s.filter.window);
  const setFilter = useViewStore((s) => s.setFilter);
  const [startText, setStartText] = useState(win ? String(win.start) : '');
  const [endText, setEndText] = useState(win ? String(win.end) : '');
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();

  // Follow the window when the brush, a link or "Clear filters" changes it.
  useEffect(() => {
    setStartText(win ? String(win.start) : '');
    setEndText(win ? String(win.end) : '');
    setError(null);
  }, [win?.start, win?.end]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const p = parseWindow(startText, endText);
    if (!p.ok) {
      setError(p.error);
      return;
    }
    setError(null);
    setFilter({ window: { ...p.value, meaning } });
  };

  return (
    <form className="window-controls" aria-label="Index window" onSubmit={onSubmit}>
      <label className="view-field">
        <span>Window keeps objects</span>
        <select
          className="view-select"
          value={meaning}
          onChange={(e) => {
            const m = e.currentTarget.value as WindowMeaning;
            onMeaning(m);
            if (win) setFilter({ window: { ...win, meaning: m } });
          }}
          title={`What the index window keeps: ${WINDOW_MEANINGS.map((m) => `${WINDOW_MEANING_TEXT[m]} it`).join('; ')}`}
        >
          {WINDOW_MEANINGS.map((m) => (
            <option key={m} value={m}>
              {MEANING_LABEL[m]}
            </option>
          ))}
        </select>
      </label>
      <label className="view-field">
        <span>from</span>
        <input
          className={`text-input window-input${error ? ' invalid' : ''}`}
          inputMode="numeric"
          aria-label="Window start"
          title={`First ${unit} in the window`}
          placeholder="start"
          value={startText}
          aria-invalid={error !== null}
          aria-describedby={error ? errorId : undefined}
          onChange={(e) => setStartText(e.currentTarget.value)}
        />
      </label>
      <label className="view-field">
        <span>to</span>
        <input
          className={`text-input window-input${error ? ' invalid' : ''}`}
          inputMode="numeric"
          aria-label="Window end"
          title={`The ${unit} after the window (not included)`}
          placeholder="end"
          value={endText}
          aria-invalid={error !== null}
          aria-describedby={error ? errorId : undefined}
          onChange={(e) => setEndText(e.currentTarget.value)}
        />
      </label>
      <button type="submit" className="btn">
        Set window
      </button>
      <button type="button" className="btn" disabled={!win} onClick={() => setFilter({ window: null })}>
        Clear window
      </button>
      <button type="button" className="btn" disabled={!peakAvailable} onClick={onJumpToPeak} title="Move the window onto the bin with the most live bytes">
        Jump to peak
      </button>
      <button type="button" className="btn" disabled={!win} onClick={onZoomToWindow} title="Draw the live chart over the window (re-binned)">
        Zoom to window
      </button>
      <button type="button" className="btn" disabled={!zoomed} onClick={onShowAll}>
        Show all
      </button>
      {error && (
        <span id={errorId} className="field-error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
