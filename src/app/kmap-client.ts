// The one data worker and its comlink proxy. Created lazily; open() in the
// worker replaces (and frees) what it held. If the worker dies (an uncaught
// error, closing itself, or the browser killing it), the listeners hear
// about it and the next call starts a fresh one.

import * as Comlink from 'comlink';
import type { KmapWorkerApi } from '../worker-api.ts';
import { BusyTracker, NOT_BUSY_CALLS } from './busy.ts';
import { useBusyStore } from './stores/busy-store.ts';
import { allowSameOriginWorkerUrls } from '../trusted-worker-urls.ts';

let worker: Worker | null = null;
let api: Comlink.Remote<KmapWorkerApi> | null = null;
const crashListeners = new Set<(message: string) => void>();

export function kmapApi(): Comlink.Remote<KmapWorkerApi> {
  if (!api) {
    allowSameOriginWorkerUrls();
    const w = new Worker(new URL('../../workers/kmap-worker.ts', import.meta.url), {
      type: 'module',
      name: 'kmap-worker',
    });
    const died = (message: string) => {
      if (worker !== w) return;
      discardWorker();
      for (const listener of crashListeners) listener(message);
    };
    w.addEventListener('error', (e) => {
      e.preventDefault();
      died(e.message || 'it failed (out of memory?)');
    });
    worker = w;
    const remote = Comlink.wrap<KmapWorkerApi>(w);
    const parseWorkers = parseWorkersSetting();
    if (parseWorkers !== null) void remote.setParseWorkers(parseWorkers);
    const budgetMB = integerSetting('kmap.memoryBudgetMB', 1, 1 << 20);
    if (budgetMB !== null) void remote.setMemoryBudget(budgetMB * 1e6);
    api = tracked(remote);
    watchAlive(w, remote, died);
  }
  return api;
}

/** localStorage `kmap.parseWorkers` (an integer from 1 to 64), or null: how many ranges a big file is parsed in (worker-api.ts). */
function parseWorkersSetting(): number | null {
  return integerSetting('kmap.parseWorkers', 1, 64);
}

/** An integer from `min` to `max` in localStorage `key`, or null (absent, malformed, out of range, storage refused). */
function integerSetting(key: string, min: number, max: number): number | null {
  let text: string | null = null;
  try {
    text = localStorage.getItem(key);
  } catch {
    return null; // storage refused (a sandboxed or private context)
  }
  const n = text !== null && /^[0-9]{1,9}$/.test(text) ? Number(text) : NaN;
  return n >= min && n <= max ? n : null;
}

const busyTracker = new BusyTracker((busy) => useBusyStore.setState({ busy }));

/** The remote with every call that waits for an answer counted by the busy tracker. */
function tracked(remote: Comlink.Remote<KmapWorkerApi>): Comlink.Remote<KmapWorkerApi> {
  return new Proxy(remote, {
    get(target, prop, receiver) {
      const member: unknown = Reflect.get(target, prop, receiver);
      if (typeof prop !== 'string' || NOT_BUSY_CALLS.has(prop) || typeof member !== 'function') return member;
      return (...args: unknown[]) => busyTracker.track(Promise.resolve((member as (...a: unknown[]) => unknown)(...args)));
    },
  });
}

let workerCount = 0;

/**
 * A worker that ends without an error event (it closed itself, or the
 * browser killed it) is noticed through a Web Lock it holds for its life:
 * the page's request for the same lock is granted only once it is gone.
 */
function watchAlive(w: Worker, remote: Comlink.Remote<KmapWorkerApi>, died: (message: string) => void): void {
  const locks = (navigator as { locks?: LockManager }).locks;
  if (!locks) return;
  const name = `kmap-worker-alive-${Date.now()}-${++workerCount}-${Math.random().toString(36).slice(2)}`;
  void remote
    .holdAliveLock(name)
    .then((held) => {
      if (!held || worker !== w) return;
      void locks.request(name, () => died('it ended without a word (closed, or stopped by the browser)'));
    })
    .catch(() => {});
}

/** Terminates the worker (and everything it held); the next kmapApi() starts a new one. */
export function discardWorker(): void {
  api?.[Comlink.releaseProxy]();
  worker?.terminate();
  worker = null;
  api = null;
}

export function onWorkerCrash(listener: (message: string) => void): () => void {
  crashListeners.add(listener);
  return () => crashListeners.delete(listener);
}
