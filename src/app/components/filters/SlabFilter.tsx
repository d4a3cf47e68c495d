// The slab-cache filter: a multi-select combobox (ARIA 1.2 pattern) with
// type-ahead filtering, checkmarks, removable chips and a clear button.

import { useEffect, useId, useMemo, useState, type KeyboardEvent } from 'react';
import { formatCount } from '../../format.ts';
import { useDataStore } from '../../stores/data-store.ts';
import { useViewStore } from '../../stores/view-store.ts';

const MAX_SHOWN = 500;

export function SlabFilter() {
  const options = useDataStore((s) => s.nameOptions.slab);
  const hasSlab = useDataStore((s) => s.summary?.hasSlab ?? true);
  const format = useDataStore((s) => s.summary?.format ?? null);
  const slabs = useViewStore((s) => s.filter.slabs);
  const setFilter = useViewStore((s) => s.setFilter);
  const setSlabs = (next: string[]) => setFilter({ slabs: next });
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const listId = useId();
  const optionId = (i: number) => `${listId}-opt-${i}`;

  const filtered = useMemo(() => {
    const needle = text.trim().toLowerCase();
    return needle ? options.filter((o) => o.name.toLowerCase().includes(needle)) : options;
  }, [options, text]);
  const shown = filtered.length > MAX_SHOWN ? filtered.slice(0, MAX_SHOWN) : filtered;
  const selected = useMemo(() => new Set(slabs), [slabs]);
  const activeIdx = Math.min(active, Math.max(0, shown.length - 1));

  useEffect(() => {
    if (open && shown.length > 0) document.getElementById(optionId(activeIdx))?.scrollIntoView({ block: 'nearest' });
  }, [open, activeIdx]);

  const toggle = (name: string) => {
    setSlabs(selected.has(name) ? slabs.filter((s) => s !== name) : [...slabs, name]);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        if (!open) setOpen(true);
        else setActive(Math.min(shown.length - 1, activeIdx + 1));
        return;
      case 'ArrowUp':
        e.preventDefault();
        if (!open) setOpen(true);
        else setActive(Math.max(0, activeIdx - 1));
        return;
      case 'PageDown':
        if (open) {
          e.preventDefault();
          setActive(Math.min(shown.length - 1, activeIdx + 10));
        }
        return;
      case 'PageUp':
        if (open) {
          e.preventDefault();
          setActive(Math.max(0, activeIdx - 10));
        }
        return;
      case 'Enter':
        e.preventDefault();
        if (!open) setOpen(true);
        else if (shown[activeIdx]) toggle(shown[activeIdx].name);
        return;
      case ' ':
        // Slab cache names have no spaces: Space toggles the active option.
        if (open && shown[activeIdx]) {
          e.preventDefault();
          toggle(shown[activeIdx].name);
        }
        return;
      case 'Escape':
        if (open) {
          e.preventDefault();
          setOpen(false);
        } else if (text) {
          e.preventDefault();
          setText('');
        }
        return;
      case 'Backspace':
        if (text === '' && slabs.length > 0) setSlabs(slabs.slice(0, -1));
        return;
      case 'Tab':
        setOpen(false);
        return;
    }
  };

  const disabled = !hasSlab;
  return (
    <div className="slab-filter">
      <div className={`combo${open ? ' open' : ''}${disabled ? ' disabled' : ''}`}>
        {slabs.length > 0 && (
          <ul className="chips" aria-label="Selected slab caches">
            {slabs.map((name) => (
              <li key={name} className="chip">
                <span className="chip-text mono">{name}</span>
                <button
                  type="button"
                  className="chip-remove"
                  aria-label={`Remove ${name}`}
                  title={`Remove ${name}`}
                  onClick={() => setSlabs(slabs.filter((s) => s !== name))}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        <input
          type="text"
          role="combobox"
          aria-label="Slab cache"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={open && shown.length > 0 ? optionId(activeIdx) : undefined}
          className="combo-input"
          placeholder={disabled ? `no slab caches in format ${format ?? '?'}` : slabs.length ? 'add…' : 'Slab cache…'}
          disabled={disabled}
          value={text}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => {
            setText(e.currentTarget.value);
            setActive(0);
            setOpen(true);
          }}
          onFocus={() => setOpen(true)}
          onClick={() => setOpen(true)}
          onBlur={() => setOpen(false)}
          onKeyDown={onKeyDown}
        />
        {slabs.length > 0 && (
          <button
            type="button"
            className="combo-clear"
            aria-label="Clear slab cache filter"
            title="Clear slab cache filter"
            onClick={() => setSlabs([])}
          >
            ×
          </button>
        )}
        <ul
          id={listId}
          role="listbox"
          aria-label="Slab caches"
          aria-multiselectable="true"
          className="listbox"
          hidden={!open}
          onMouseDown={(e) => e.preventDefault()}
        >
          {shown.map((o, i) => (
            <li
              key={o.name}
              id={optionId(i)}
              role="option"
              aria-selected={selected.has(o.name)}
              className={`option${i === activeIdx ? ' active' : ''}`}
              onMouseMove={() => i !== activeIdx && setActive(i)}
              onClick={() => toggle(o.name)}
            >
              <span className="check" aria-hidden="true">
                {selected.has(o.name) ? '✓' : ''}
              </span>
              <span className="option-text">{`${o.name} (${formatCount(o.objects)})`}</span>
            </li>
          ))}
          {shown.length === 0 && (
            <li className="option-empty" role="presentation">
              {options.length === 0 ? 'No slab caches yet' : 'No slab cache matches'}
            </li>
          )}
          {filtered.length > shown.length && (
            <li className="option-empty" role="presentation">
              {formatCount(filtered.length - shown.length)} more: type to narrow
            </li>
          )}
        </ul>
      </div>
    </div>
  );
}
