// One aggregate from the worker for a view (a breakdown, the access sites,
// the hierarchy), kept in step with the request and the data:
// - a new request (filter, grouping) runs at once; the answer of an older
//   request is dropped, and the old value stays (marked stale) until the new
//   one arrives;
// - the data changing (a refresh while loading, symbols) runs it again, but
//   while a file loads at most about once a second (less often when one run
//   takes long, so that the parse keeps most of the worker);
// - at most one call is in flight: requests made meanwhile are coalesced
//   into one run of the latest when it returns;
// - the last value of each slot outlives the component, so that coming back
//   to a tab shows what it showed (dimmed until refreshed).

import { useEffect, useRef, useState } from 'react';
import { useDataStore, type LoadedSource } from '../stores/data-store.ts';

const LOADING_INTERVAL_MS = 1000;

export interface WorkerResult<T> {
  /** The latest answer for this data set (possibly for an older request), or null. */
  value: T | null;
  /** The request `value` answers. */
  valueKey: string | null;
  /** True while `value` answers another request than the current one. */
  stale: boolean;
  /** A call is in flight or waiting for its turn. */
  computing: boolean;
  /** The last call's failure, or null. */
  error: string | null;
  /** How long the call behind `value` took, in ms. */
  ms: number | null;
}

interface Held {
  key: string;
  version: number;
  source: LoadedSource | null;
  value: unknown;
  ms: number;
}

const lastBySlot = new Map<string, Held>();

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Runs `run` for request `key` (null: nothing to run, e.g. the chart that
 * needs it is hidden) and returns its latest answer. `slot` names what is
 * computed, for the value kept across mounts.
 */
export function useWorkerResult<T>(slot: string, key: string | null, run: () => Promise<T>): WorkerResult<T> {
  const dataVersion = useDataStore((s) => s.dataVersion);
  const phase = useDataStore((s) => s.phase);
  const source = useDataStore((s) => s.source);

  const [held, setHeld] = useState<Held | null>(() => lastBySlot.get(slot) ?? null);
  const [inFlight, setInFlight] = useState(false);
  const [waiting, setWaiting] = useState(false);
  const [error, setError] = useState<{ key: string; version: number; source: LoadedSource | null; message: string } | null>(null);

  // The latest wishes, read when a call starts (effects and callbacks see these, not stale closures).
  const want = useRef({ key, version: dataVersion, source, phase, run });
  want.current = { key, version: dataVersion, source, phase, run };
  const heldRef = useRef(held);
  heldRef.current = held;
  const busy = useRef(false);
  const again = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastStart = useRef(-Infinity);
  const lastMs = useRef(0);
  const mounted = useRef(true);
  const startRef = useRef<() => void>(() => {});

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = null;
    };
  }, []);

  /** Whether the held value answers exactly what is wanted now. */
  const upToDate = (h: Held | null) => {
    const w = want.current;
    return h !== null && h.key === w.key && h.version === w.version && h.source === w.source;
  };

  /** Schedules the next call: at once for a new request, throttled while loading when only the data grew. */
  const schedule = () => {
    const w = want.current;
    if (w.key === null || w.phase === 'empty' || upToDate(heldRef.current)) {
      setWaiting(false);
      return;
    }
    if (busy.current) {
      again.current = true;
      setWaiting(true);
      return;
    }
    const h = heldRef.current;
    const sameRequest = h !== null && h.key === w.key && h.source === w.source;
    let delay = 0;
    if (sameRequest && w.phase === 'loading') {
      const interval = Math.max(LOADING_INTERVAL_MS, lastMs.current * 3);
      delay = Math.max(0, lastStart.current + interval - performance.now());
    }
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = null;
    if (delay > 0) {
      setWaiting(true);
      timer.current = setTimeout(() => {
        timer.current = null;
        startRef.current();
      }, delay);
    } else {
      startRef.current();
    }
  };

  startRef.current = () => {
    const w = want.current;
    if (!mounted.current || w.key === null || w.phase === 'empty') return;
    busy.current = true;
    again.current = false;
    setInFlight(true);
    setWaiting(false);
    const t0 = performance.now();
    lastStart.current = t0;
    const { key: k, version, source: src } = w;
    w.run().then(
      (value) => {
        const ms = performance.now() - t0;
        lastMs.current = ms;
        busy.current = false;
        if (!mounted.current) return;
        setInFlight(false);
        const now = want.current;
        // An answer to an older request is dropped; one for the same request
        // over older data is still the best there is until the next arrives.
        if (k === now.key && src === now.source) {
          const next: Held = { key: k, version, source: src, value, ms };
          lastBySlot.set(slot, next);
          heldRef.current = next;
          setHeld(next);
          setError(null);
        }
        schedule();
      },
      (err: unknown) => {
        busy.current = false;
        if (!mounted.current) return;
        setInFlight(false);
        const now = want.current;
        if (k === now.key && src === now.source) setError({ key: k, version, source: src, message: describe(err) });
        // A failure is not retried for the same request and data (it would fail again).
        if (again.current && !(k === now.key && version === now.version && src === now.source)) schedule();
        else setWaiting(false);
      },
    );
  };

  useEffect(() => {
    schedule();
    // schedule reads the latest wishes from refs.
  }, [key, dataVersion, source, phase]);

  // A value from another data set (a new file) is never shown.
  const shown = held !== null && held.source === source && key !== null ? held : null;
  const failed = error !== null && error.key === key && error.source === source;
  const failedNow = failed && error.version === dataVersion;
  return {
    value: shown ? (shown.value as T) : null,
    valueKey: shown?.key ?? null,
    stale: shown !== null && shown.key !== key,
    computing: key !== null && phase !== 'empty' && (inFlight || waiting || (!upToDate(held) && !failedNow)),
    error: failed ? error.message : null,
    ms: shown?.ms ?? null,
  };
}
