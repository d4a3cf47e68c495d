// What a user waits for once a big file is loaded in the dashboard (the
// browser-load section): sorting the objects by size and scrolling half way
// down, the same sorted by address (64-bit keys), and filtering them to one
// slab cache (under the sort by address: before 2026-12-08 the filter came
// under the sort by size), each timed from the action to the
// rows on screen being the answer's (no row still pending). Timed in the page
// (arm): from the click's event (a capture listener on the document, before
// the app's own handlers) or, for the scroll, from setting scrollTop, to the
// first animation frame in which the page shows the answer, found by a loop on
// every frame that the page runs from before the action. Playwright's own
// figure, from Node before its click to its wait's return, is kept beside: it
// adds the click's checks (visible, stable, hit target) and the round trips.

import type { Page } from 'playwright-core';
import { CALLS_SETTLE_MS, type WorkerCall } from './worker-calls.ts';

/** The actions, in the order they are taken. */
export const ACTIONS = ['sort', 'scroll', 'addressSort', 'addressScroll', 'filter'] as const;
export type ActionName = (typeof ACTIONS)[number];

export interface InteractionTimes {
  /** In the page: the action's event to the frame that shows the answer. */
  ms: Record<ActionName, number>;
  /** The same, as Playwright saw them from Node. */
  harness: Record<ActionName, number>;
  /** The slab cache the filter kept (the most frequent one the picker lists first). */
  slab: string;
  /** The data worker's calls of 20 ms or more during each action (bench/worker-calls.ts). */
  calls: Record<ActionName, WorkerCall[]>;
}

/** Runs in the page: the objects grid has rows, all rendered (none pending). */
function rowsSettled(): boolean {
  return document.querySelectorAll('[data-testid="object-row-pending"]').length === 0 && document.querySelectorAll('[data-testid="object-row"]').length > 0;
}

type Action = { kind: 'sort'; column: string; prevTop: string } | { kind: 'scroll'; mid: number } | { kind: 'filter'; prevCount: string | null };

/**
 * Arms the page's timer for one action: it starts at the next click on the
 * document (capture phase, before the app's handlers; for the scroll, when
 * scrollPage sets scrollTop), and a loop on every animation frame from then on
 * marks the first frame in which the action's answer shows. The loop runs in
 * the page from before the action, so the mark does not wait for Playwright.
 */
async function arm(page: Page, action: Action): Promise<void> {
  await page.evaluate((a) => {
    const act: { start: number | null; end: number | null } = { start: null, end: null };
    (window as unknown as { __act: typeof act }).__act = act;
    const rows = () => Array.from(document.querySelectorAll('[data-testid="object-row"]'));
    // The objects of the first three rows (an object can top two sorts; three hardly).
    const topIdx = () =>
      [0, 1, 2].map((p) => rows().find((r) => r.getAttribute('data-pos') === String(p))?.getAttribute('data-idx') ?? '').join(',').replace(/^,*$/, '');
    const noPending = () => document.querySelectorAll('[data-testid="object-row-pending"]').length === 0;
    const done = (): boolean => {
      if (a.kind === 'sort') {
        // The sorted column's header, and new objects in the first rows (the sort shows the top of the table).
        const head = Array.from(document.querySelectorAll('[role="columnheader"]')).find((h) => h.textContent?.trim().startsWith(a.column));
        const top = topIdx();
        return (head?.getAttribute('aria-sort') ?? 'none') !== 'none' && noPending() && top !== '' && top !== a.prevTop;
      }
      if (a.kind === 'scroll') return noPending() && rows().some((r) => Math.abs(Number(r.getAttribute('data-pos')) - a.mid) < 1000);
      const text = document.querySelector('[data-testid="row-count"]')?.textContent ?? '';
      return text !== a.prevCount && / of /.test(text) && noPending();
    };
    const frame = () => {
      if (act.start !== null && done()) act.end = performance.now();
      else requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    if (a.kind !== 'scroll') document.addEventListener('click', () => (act.start ??= performance.now()), { capture: true, once: true });
  }, action);
}

/** Waits for the armed action's mark; its time in the page (ms). */
async function measured(page: Page, timeout: number): Promise<number> {
  await page.waitForFunction(() => (window as unknown as { __act: { end: number | null } }).__act.end !== null, undefined, { timeout, polling: 'raf' });
  const { start, end } = await page.evaluate(() => (window as unknown as { __act: { start: number | null; end: number | null } }).__act);
  return end! - start!;
}

/** The worker calls logged since `calls` was emptied, once their messages have crossed; empties it for the next action. */
async function takeCalls(page: Page, calls: WorkerCall[]): Promise<WorkerCall[]> {
  await page.waitForTimeout(CALLS_SETTLE_MS);
  return calls.splice(0);
}

/** The objects of the table's first three rows, as arm's done() reads them. */
async function topIdx(page: Page): Promise<string> {
  return page.evaluate(() => {
    const rows = Array.from(document.querySelectorAll('[data-testid="object-row"]'));
    return [0, 1, 2].map((p) => rows.find((r) => r.getAttribute('data-pos') === String(p))?.getAttribute('data-idx') ?? '').join(',').replace(/^,*$/, '');
  });
}

/** `calls`: recordWorkerCalls(page)'s array; each action's calls are taken from it. */
export async function timeInteractions(page: Page, calls: WorkerCall[], timeout = 600_000): Promise<InteractionTimes> {
  // tsx (esbuild, keepNames) wraps arm's named local functions in __name(), which the page lacks; a string is not rewritten.
  await page.evaluate('window.__name = window.__name || ((f) => f)');
  await page.waitForFunction(rowsSettled, undefined, { timeout, polling: 'raf' });
  calls.length = 0;
  const ms = {} as Record<ActionName, number>;
  const harness = {} as Record<ActionName, number>;
  const taken = {} as Record<ActionName, WorkerCall[]>;
  const timed = async (name: ActionName, act: () => Promise<void>) => {
    const t0 = performance.now();
    await act();
    ms[name] = await measured(page, timeout);
    harness[name] = performance.now() - t0;
    taken[name] = await takeCalls(page, calls);
  };

  // The grid's body (the element that scrolls, not its header), scrolled to `where` of its height.
  const scrollTo = (where: number) =>
    page.evaluate((w) => {
      const grid = document.querySelector('[role="grid"][aria-label^="Objects"]') as HTMLElement;
      const body = [grid, ...Array.from(grid.querySelectorAll<HTMLElement>('*'))].find((e) => e.scrollHeight > e.clientHeight + 100)!;
      const top = (body.scrollHeight - body.clientHeight) * w;
      const act = (window as unknown as { __act?: { start: number | null } }).__act;
      if (act) act.start = performance.now();
      body.scrollTop = top;
    }, where);

  // A column's first click (a number column's descending, the address's ascending), from the table's
  // top, so that the answer shows as new objects in its first rows.
  const sortBy = async (name: ActionName, column: string) => {
    await scrollTo(0);
    await page.waitForFunction(() => document.querySelector('[data-testid="object-row"][data-pos="0"]') !== null && document.querySelectorAll('[data-testid="object-row-pending"]').length === 0, undefined, { timeout, polling: 'raf' });
    calls.length = 0; // the scroll to the top asked for its rows
    await arm(page, { kind: 'sort', column, prevTop: await topIdx(page) });
    await timed(name, () => page.getByRole('columnheader', { name: column }).getByRole('button').click());
  };
  // Half way down the sorted rows (the grid's aria-rowcount says how many).
  const scrollHalf = async (name: ActionName) => {
    const mid = await page.evaluate(() => Math.floor((Number(document.querySelector('[role="grid"][aria-label^="Objects"]')?.getAttribute('aria-rowcount')) - 1) / 2));
    await arm(page, { kind: 'scroll', mid });
    await timed(name, () => scrollTo(0.5));
  };

  await sortBy('sort', 'size');
  await scrollHalf('scroll');
  await sortBy('addressSort', 'address');
  await scrollHalf('addressScroll');

  // Filter to the first slab cache the picker offers (the one with the most objects).
  const combo = page.getByRole('combobox', { name: 'Slab cache' });
  await combo.click();
  const option = page.getByRole('listbox').getByRole('option').first();
  await option.waitFor({ timeout });
  const slab = ((await option.textContent()) ?? '').trim().replace(/ \([\d,]+\)$/, '');
  await arm(page, { kind: 'filter', prevCount: await page.getByTestId('row-count').textContent() });
  calls.length = 0; // opening the picker asked for its names
  await timed('filter', () => option.click());
  await combo.press('Escape');
  return { ms, harness, slab, calls: taken };
}
