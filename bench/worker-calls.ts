// The data worker's calls of 20 ms or more, as it logs them to the console
// (workers/kmap-worker.ts: `kmap worker: NAME N ms`), collected from a page:
// the worker's own share of what a view or an action waited for.

import type { Page } from 'playwright-core';

const WORKER_CALL = /^kmap worker: (\w+) (\d+) ms$/;

/** A logged call: its name and ms. */
export type WorkerCall = [string, number];

/** An array that the page's logged calls are pushed to from now on (empty it to start a look). */
export function recordWorkerCalls(page: Page): WorkerCall[] {
  const calls: WorkerCall[] = [];
  page.on('console', (m) => {
    const x = WORKER_CALL.exec(m.text());
    if (x) calls.push([x[1], Number(x[2])]);
  });
  return calls;
}

/** The messages of calls that just ended cross to the page on their own: a wait for them before reading. */
export const CALLS_SETTLE_MS = 150;

/** `query 129 + totals 51`; a name logged several times (the warm-up's turns) as `warmTurn 12x (sum 480, max 45)`. */
export function callsText(calls: readonly WorkerCall[]): string {
  if (calls.length === 0) return 'none of 20 ms or more';
  const byName = new Map<string, number[]>();
  for (const [name, ms] of calls) byName.set(name, [...(byName.get(name) ?? []), ms]);
  return [...byName]
    .map(([name, ms]) => (ms.length === 1 ? `${name} ${ms[0]}` : `${name} ${ms.length}x (sum ${ms.reduce((a, b) => a + b, 0)}, max ${Math.max(...ms)})`))
    .join(' + ');
}
