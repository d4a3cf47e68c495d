// The data worker: one KmapSession (kmap-session.ts) behind comlink. Bulk
// data never leaves this thread; only windows of rows, aggregates and
// summaries do (the contract: src/worker-api.ts).

import * as Comlink from 'comlink';
import { KmapSession } from './kmap-session.ts';
import { workerRanges } from './parallel-load.ts';

/**
 * The memory the loaded data may take: half the device memory the browser
 * reports (navigator.deviceMemory: GB, rounded, at most 8), at least 1 GiB.
 * A tab that runs out of memory dies with the browser's crash page; a load
 * that would pass this stops first and keeps what it read.
 */
function memoryBudget(): number {
  const gb = (navigator as { deviceMemory?: number }).deviceMemory ?? 4;
  return Math.max(1, gb / 2) * 2 ** 30;
}

/**
 * Calls that take this long or more are written to the console at debug
 * level (DevTools shows them under "Verbose") as `kmap worker: NAME N ms`:
 * the worker's own share of a wait, which `npm run bench -- --browser`
 * reads beside the time a view takes to show. An async call is timed to
 * its end (a load, an export). So are the turns of the warm-up after a
 * load, as `warmTurn`, and of a sort that makes the store's order in turns,
 * as `sortTurn`: a call that came during one waited for it first.
 */
const LOGGED_CALL_MS = 20;

function logCall(name: string, ms: number): void {
  if (ms >= LOGGED_CALL_MS) console.debug(`kmap worker: ${name} ${ms.toFixed(0)} ms`);
}

/** The session, with the files of a Parquet export moved to the page instead of copied, and its long warm-up turns logged. */
class WorkerSession extends KmapSession {
  protected override transferable<T>(value: T, buffers: Transferable[]): T {
    return Comlink.transfer(value, buffers);
  }

  protected override turnTook(name: 'warmTurn' | 'sortTurn', ms: number): void {
    logCall(name, ms);
  }
}

/** `session` with each of its methods timed (calls inside the session are not: they go to the object itself). */
function timed<T extends object>(session: T): T {
  return new Proxy(session, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || typeof key !== 'string') return value;
      return (...args: unknown[]) => {
        const t0 = performance.now();
        const log = () => logCall(key, performance.now() - t0);
        const out: unknown = value.apply(target, args);
        if (out instanceof Promise) out.then(log, log);
        else log();
        return out;
      };
    },
  });
}

/** Ranges of a big dropped file parsed at once: one per core the browser reports, at least 2 (parallel-load.ts). */
const parallel = { workers: Math.max(2, navigator.hardwareConcurrency || 2), runner: workerRanges };

Comlink.expose(timed(new WorkerSession(memoryBudget(), undefined, parallel)));
