// "Minimum size" and "Maximum size" (bytes, inclusive). A bad bound or a
// minimum above the maximum shows an inline error and is not applied.

import { useEffect, useId, useRef, useState } from 'react';
import { useViewStore } from '../../stores/view-store.ts';
import { parseSizeRange } from './filter-text.ts';

const DEBOUNCE_MS = 300;
const asText = (n: number | null) => (n === null ? '' : String(n));

export function SizeFilter() {
  const minSize = useViewStore((s) => s.filter.minSize);
  const maxSize = useViewStore((s) => s.filter.maxSize);
  const setFilter = useViewStore((s) => s.setFilter);
  const [minText, setMinText] = useState(asText(minSize));
  const [maxText, setMaxText] = useState(asText(maxSize));
  // A number input reports text it cannot read as '' with validity.badInput.
  const [bad, setBad] = useState({ min: false, max: false });
  const timer = useRef<number | null>(null);
  const errorId = useId();
  const latest = useRef({ minText, maxText, bad });
  latest.current = { minText, maxText, bad };

  // Follow outside changes (a link, "Clear filters") unless the text already says the same.
  useEffect(() => {
    const p = parseSizeRange(latest.current.minText, latest.current.maxText);
    if (p.ok && p.value.minSize === minSize && p.value.maxSize === maxSize && !latest.current.bad.min && !latest.current.bad.max) return;
    setMinText(asText(minSize));
    setMaxText(asText(maxSize));
    setBad({ min: false, max: false });
  }, [minSize, maxSize]);

  useEffect(
    () => () => {
      if (timer.current !== null) window.clearTimeout(timer.current);
    },
    [],
  );

  const commit = () => {
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = null;
    const { minText: a, maxText: b, bad: bd } = latest.current;
    if (bd.min || bd.max) return;
    const p = parseSizeRange(a, b);
    if (!p.ok) return;
    const f = useViewStore.getState().filter;
    if (p.value.minSize !== f.minSize || p.value.maxSize !== f.maxSize) setFilter(p.value);
  };
  const schedule = () => {
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = window.setTimeout(commit, DEBOUNCE_MS);
  };

  const parsed = parseSizeRange(minText, maxText);
  const error = bad.min
    ? 'Minimum size: a size is a whole number of bytes.'
    : bad.max
      ? 'Maximum size: a size is a whole number of bytes.'
      : parsed.ok
        ? null
        : parsed.error;
  const minInvalid = bad.min || (!parsed.ok && !parsed.error.startsWith('Maximum'));
  const maxInvalid = bad.max || (!parsed.ok && !parsed.error.startsWith('Minimum'));

  const input = (which: 'min' | 'max') => (
    <input
      type="number"
      min={0}
      step={1}
      inputMode="numeric"
      className={`text-input size-input${(which === 'min' ? minInvalid : maxInvalid) ? ' invalid' : ''}`}
      aria-label={which === 'min' ? 'Minimum size' : 'Maximum size'}
      title={which === 'min' ? 'Smallest object size kept, in bytes (inclusive)' : 'Largest object size kept, in bytes (inclusive)'}
      placeholder={which}
      value={which === 'min' ? minText : maxText}
      aria-invalid={which === 'min' ? minInvalid : maxInvalid}
      aria-describedby={error ? errorId : undefined}
      onChange={(e) => {
        const el = e.currentTarget;
        const value = el.value;
        const isBad = el.validity.badInput;
        if (which === 'min') setMinText(value);
        else setMaxText(value);
        setBad((b) => ({ ...b, [which]: isBad }));
        latest.current = {
          minText: which === 'min' ? value : latest.current.minText,
          maxText: which === 'max' ? value : latest.current.maxText,
          bad: { ...latest.current.bad, [which]: isBad },
        };
        schedule();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
      }}
      onBlur={commit}
    />
  );

  return (
    <div className="filter-field size-filter">
      <span className="filter-label" role="group" aria-label="Size in bytes">
        <span aria-hidden="true">Size</span>
        {input('min')}
        <span aria-hidden="true" className="muted">
          –
        </span>
        {input('max')}
        <span aria-hidden="true" className="muted">
          B
        </span>
      </span>
      {error && (
        <div id={errorId} className="field-error" aria-live="polite">
          {error}
        </div>
      )}
    </div>
  );
}
