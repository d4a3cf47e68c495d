// Search over command, slab and type (debounced into the view store).

import { useEffect, useRef, useState } from 'react';
import { useViewStore } from '../../stores/view-store.ts';

const DEBOUNCE_MS = 200;

export function SearchBox() {
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

  return (
    <input
      type="search"
      className="search"
      ref={inputRef}
      aria-label="Search"
      aria-keyshortcuts="/"
      title="Search command, slab and type (press / to focus)"
      placeholder="Search command, slab, type…"
      value={text}
      spellCheck={false}
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
  );
}
