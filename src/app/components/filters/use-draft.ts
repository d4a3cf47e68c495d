// A text field whose value reaches the view store only when it reads as a
// valid value: typed text stays local (with its error) until it parses, is
// applied after a short pause, on Enter or on leaving the field, and follows
// outside changes (a link, "Clear filters") unless it already means the same.

import { useCallback, useEffect, useRef, useState } from 'react';
import type { Parsed } from './filter-text.ts';

const DEBOUNCE_MS = 300;

export interface Draft {
  text: string;
  error: string | null;
  onChange(text: string): void;
  /** Applies the text now (Enter, blur). */
  commit(): void;
}

/**
 * `applied` is the store's value, `format` writes it as text, `parse` reads
 * text back, `same` compares two values, `apply` writes a valid value.
 */
export function useDraft<T>(
  applied: T,
  format: (v: T) => string,
  parse: (text: string) => Parsed<T>,
  same: (a: T, b: T) => boolean,
  apply: (v: T) => void,
): Draft {
  const [text, setText] = useState(() => format(applied));
  const timer = useRef<number | null>(null);
  const latest = useRef({ text, applied, parse, same, apply });
  latest.current = { text, applied, parse, same, apply };

  // Follow outside changes unless the text already says the same.
  useEffect(() => {
    setText((t) => {
      const p = latest.current.parse(t);
      return p.ok && latest.current.same(p.value, applied) ? t : format(applied);
    });
  }, [applied]);

  const commit = useCallback(() => {
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = null;
    const { text: t, applied: a, parse: read, same: eq, apply: write } = latest.current;
    const p = read(t);
    if (p.ok && !eq(p.value, a)) write(p.value);
  }, []);

  useEffect(
    () => () => {
      if (timer.current !== null) window.clearTimeout(timer.current);
    },
    [],
  );

  const onChange = (next: string) => {
    setText(next);
    latest.current.text = next;
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = window.setTimeout(commit, DEBOUNCE_MS);
  };

  const p = parse(text);
  return { text, error: p.ok ? null : p.error, onChange, commit };
}
