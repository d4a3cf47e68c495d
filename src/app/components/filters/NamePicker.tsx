// A multi-select combobox over the names of one field (ARIA 1.2 combobox
// with a multi-selectable listbox): type-ahead narrowing, options "name
// (count)" with checkmarks, removable chips and a clear button. Used for the
// slab cache, type and command filters. Names come from the file: they are
// rendered as React text only.

import { useEffect, useId, useMemo, useState, type KeyboardEvent } from 'react';
import type { NameList, NameOption } from '../../../worker-api.ts';
import { formatCount } from '../../format.ts';
import { shownName } from '../../../query/shown-name.ts';

const MAX_SHOWN = 500;

export interface NamePickerProps {
  /** The combobox's accessible name (and placeholder): "Slab cache". */
  label: string;
  /** Accessible name of the option list: "Slab caches". */
  listLabel: string;
  /** Accessible name of the chip list: "Selected slab caches". */
  chipsLabel: string;
  /** Accessible name of a chip's remove button. */
  removeLabel: (name: string) => string;
  /** Accessible name of the clear button: "Clear slab cache filter". */
  clearLabel: string;
  /** What the list says when the file has no names yet, and when none matches the text. */
  noneYet: string;
  noneMatch: string;
  /** The field's most frequent names (all of them when `total` is not more). */
  options: readonly NameOption[];
  /** How many names the field has in all. */
  total: number;
  /**
   * Asks for the names that contain the typed text, when the field has more
   * than `options` holds (a file can have millions of commands).
   */
  search?: (text: string) => Promise<NameList>;
  selected: readonly string[];
  onChange: (next: string[]) => void;
  /**
   * Whether names may contain spaces (commands): then Space types a space
   * once something is typed, and toggles the active option only in an empty
   * box. Otherwise Space always toggles (slab caches and types have none).
   */
  namesHaveSpaces?: boolean;
  /** How a name is shown (default: shownName, the one rule for names from a file). */
  display?: (name: string) => string;
  className?: string;
}


export function NamePicker({
  label,
  listLabel,
  chipsLabel,
  removeLabel,
  clearLabel,
  noneYet,
  noneMatch,
  options,
  total,
  search,
  selected: selectedList,
  onChange,
  namesHaveSpaces = false,
  display = shownName,
  className = '',
}: NamePickerProps) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const listId = useId();
  const optionId = (i: number) => `${listId}-opt-${i}`;

  // More names than were sent: the worker narrows by the typed text.
  const partialList = total > options.length && search !== undefined;
  const [remote, setRemote] = useState<{ text: string; list: NameList } | null>(null);
  useEffect(() => {
    const needle = text.trim();
    if (!partialList || needle === '') return;
    let live = true;
    const timer = setTimeout(() => {
      search(needle).then(
        (list) => live && setRemote({ text: needle, list }),
        () => {},
      );
    }, 120);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [text, partialList, search, options]);
  // Another file's names: forget the answers about the last one.
  useEffect(() => setRemote(null), [options]);

  const local = useMemo(() => {
    const needle = text.trim().toLowerCase();
    return needle ? options.filter((o) => display(o.name).toLowerCase().includes(needle)) : options;
  }, [options, text, display]);
  const needle = text.trim();
  const fromWorker = partialList && needle !== '' && remote?.text === needle ? remote.list : null;
  const filtered = fromWorker ? fromWorker.options : local;
  // How many names match in all (the file's count when nothing is typed).
  const matching = fromWorker ? fromWorker.total : partialList && needle === '' ? total : filtered.length;
  const shown = filtered.length > MAX_SHOWN ? filtered.slice(0, MAX_SHOWN) : filtered;
  const selected = useMemo(() => new Set(selectedList), [selectedList]);
  const activeIdx = Math.min(active, Math.max(0, shown.length - 1));

  useEffect(() => {
    if (open && shown.length > 0) document.getElementById(optionId(activeIdx))?.scrollIntoView({ block: 'nearest' });
  }, [open, activeIdx]);

  const toggle = (name: string) => {
    onChange(selected.has(name) ? selectedList.filter((s) => s !== name) : [...selectedList, name]);
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
      case 'Home':
      case 'End':
        if (open && text === '' && shown.length > 0) {
          e.preventDefault();
          setActive(e.key === 'Home' ? 0 : shown.length - 1);
        }
        return;
      case 'Enter':
        e.preventDefault();
        if (!open) setOpen(true);
        else if (shown[activeIdx]) toggle(shown[activeIdx].name);
        return;
      case ' ':
        if (open && shown[activeIdx] && (!namesHaveSpaces || text === '')) {
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
        if (text === '' && selectedList.length > 0) onChange(selectedList.slice(0, -1));
        return;
      case 'Tab':
        setOpen(false);
        return;
    }
  };

  return (
    <div className={`name-picker ${className}`.trim()}>
      <div className={`combo${open ? ' open' : ''}`}>
        {selectedList.length > 0 && (
          <ul className="chips" aria-label={chipsLabel}>
            {selectedList.map((name) => (
              <li key={name} className="chip">
                <span className="chip-text mono" title={display(name)}>
                  {display(name)}
                </span>
                <button
                  type="button"
                  className="chip-remove"
                  aria-label={removeLabel(name)}
                  title={removeLabel(name)}
                  onClick={() => onChange(selectedList.filter((s) => s !== name))}
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
          aria-label={label}
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={open && shown.length > 0 ? optionId(activeIdx) : undefined}
          className="combo-input"
          placeholder={selectedList.length ? 'add…' : `${label}…`}
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
          onBlur={() => {
            // Typed text only narrows the list: leaving the box drops it, so it never looks like a filter.
            setOpen(false);
            setText('');
          }}
          onKeyDown={onKeyDown}
        />
        {selectedList.length > 0 && (
          <button type="button" className="combo-clear" aria-label={clearLabel} title={clearLabel} onClick={() => onChange([])}>
            ×
          </button>
        )}
        <ul
          id={listId}
          role="listbox"
          aria-label={listLabel}
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
              <span className="option-text">{`${display(o.name)} (${formatCount(o.objects)})`}</span>
            </li>
          ))}
          {shown.length === 0 && (
            <li className="option-empty" role="presentation">
              {options.length === 0 ? noneYet : noneMatch}
            </li>
          )}
          {matching > shown.length && (
            <li className="option-empty" role="presentation">
              {formatCount(matching - shown.length)} more: type to narrow
            </li>
          )}
        </ul>
      </div>
    </div>
  );
}
