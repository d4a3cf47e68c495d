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

export function callsText(calls: readonly WorkerCall[]): string {
  return calls.length === 0 ? 'none of 20 ms or more' : calls.map(([name, ms]) => `${name} ${ms}`).join(' + ');
}
