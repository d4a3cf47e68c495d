// The field-scoped search (query/search-syntax.ts), debounced into the view
// store; the worker's complaints about the text are shown under it.

import { useEffect, useId, useRef, useState } from 'react';
import { LIMITS } from '../../../view-state/url-codec.ts';
import { useDataStore } from '../../stores/data-store.ts';
import { useViewStore } from '../../stores/view-store.ts';

const DEBOUNCE_MS = 200;

const NO_ERRORS: string[] = [];

export const SEARCH_HELP = [
  'Search (press / to focus). Words match command, slab, type or allocating function (substring, any case).',
  'Fields: comm:NAME  slab:NAME  type:NAME  fn:FUNCTION (needs symbols)  with * as a wildcard, e.g. fn:d_alloc*',
  'ip:HEX (allocation IP)  addr:HEX (objects containing the address)  pid:N (allocating pid)',
  'Quote values with spaces: comm:"kworker/0:1". Terms of one field are ORed; fields and words are ANDed.',
].join('\n');

export function SearchBox() {
  const errors = useDataStore((s) => s.result?.searchErrors ?? NO_ERRORS);
  const errorId = useId();
  const search = useViewStore((s) => s.filter.search);
  const setFilter = useViewStore((s) => s.setFilter);
  const setSearch = (next: string) => setFilter({ search: next });
  const [text, setText] = useState(search);
  const timer = useRef<number | null>(null);

  // Follow outside changes (a link, a cleared view).
  useEffect(() => {
    setText((t) => (t.trim() === search.trim() ? t : search));
  }, [search]);

  useEffect(
    () => () => {
      if (timer.current !== null) window.clearTimeout(timer.current);
    },
    [],
  );

  // "/" focuses the search (unless typing somewhere already).
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable)) return;
      e.preventDefault();
      inputRef.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const commit = (value: string) => {
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = null;
    if (value !== useViewStore.getState().filter.search) setSearch(value);
  };

  // Errors belong to the applied text: hide them while a different text waits.
  const shownErrors = text.trim() === search.trim() ? errors : NO_ERRORS;
  return (
    <div className="filter-field search-field">
      <input
        type="search"
        className={`search${shownErrors.length > 0 ? ' invalid' : ''}`}
        ref={inputRef}
        aria-label="Search"
        maxLength={LIMITS.maxSearchLength}
        aria-keyshortcuts="/"
        aria-invalid={shownErrors.length > 0}
        aria-describedby={shownErrors.length > 0 ? errorId : undefined}
        title={SEARCH_HELP}
        placeholder="Search… comm: slab: type: fn: ip: addr: pid:"
        value={text}
        spellCheck={false}
        autoComplete="off"
        onChange={(e) => {
          const value = e.currentTarget.value;
          setText(value);
          if (timer.current !== null) window.clearTimeout(timer.current);
          timer.current = window.setTimeout(() => commit(value), DEBOUNCE_MS);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit(e.currentTarget.value);
        }}
      />
      {shownErrors.length > 0 && (
        <ul id={errorId} className="field-error search-errors" aria-live="polite">
          {shownErrors.map((err) => (
            <li key={err}>{err}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
