// What a user waits for once a big file is loaded in the dashboard (the
// browser-load section): sorting the objects by size, filtering them to one
// slab cache and scrolling half way down, each timed from the action to the
// rows on screen being the answer's (no row still pending). Timed from Node
// through Playwright, polling on each animation frame: a few milliseconds of
// that are the round trip, so small figures are upper bounds.

import type { Page } from 'playwright-core';

export interface InteractionTimes {
  sortMs: number;
  filterMs: number;
  scrollMs: number;
  /** The slab cache the filter kept (the most frequent one the picker lists first). */
  slab: string;
}

/** Runs in the page: the objects grid has rows, all rendered (none pending). */
function rowsSettled(): boolean {
  return document.querySelectorAll('[data-testid="object-row-pending"]').length === 0 && document.querySelectorAll('[data-testid="object-row"]').length > 0;
}

async function firstIdx(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const rows = Array.from(document.querySelectorAll('[data-testid="object-row"]')).sort((a, b) => Number(a.getAttribute('data-pos')) - Number(b.getAttribute('data-pos')));
    return rows[0]?.getAttribute('data-idx') ?? null;
  });
}

export async function timeInteractions(page: Page, timeout = 600_000): Promise<InteractionTimes> {
  const opts = { timeout, polling: 'raf' as const };
  await page.waitForFunction(rowsSettled, undefined, opts);

  // Sort by size, biggest first (a number column's first click).
  const before = await firstIdx(page);
  let t0 = performance.now();
  await page.getByRole('columnheader', { name: 'size' }).getByRole('button').click();
  await page.waitForFunction(
    (prev) => {
      const head = Array.from(document.querySelectorAll('[role="columnheader"]')).find((h) => h.textContent?.trim().startsWith('size'));
      const rows = Array.from(document.querySelectorAll('[data-testid="object-row"]')).sort((a, b) => Number(a.getAttribute('data-pos')) - Number(b.getAttribute('data-pos')));
      return (
        head?.getAttribute('aria-sort') === 'descending' &&
        document.querySelectorAll('[data-testid="object-row-pending"]').length === 0 &&
        rows.length > 0 &&
        rows[0].getAttribute('data-idx') !== prev
      );
    },
    before,
    opts,
  );
  const sortMs = performance.now() - t0;

  // Scroll half way down the sorted rows.
  t0 = performance.now();
  const target = await page.evaluate(() => {
    const grid = document.querySelector('[role="grid"][aria-label^="Objects"]') as HTMLElement;
    // The element that scrolls: the grid's body, not its header.
    const body = [grid, ...Array.from(grid.querySelectorAll<HTMLElement>('*'))].find((e) => e.scrollHeight > e.clientHeight + 100)!;
    body.scrollTop = (body.scrollHeight - body.clientHeight) / 2;
    return Math.floor((Number(grid.getAttribute('aria-rowcount')) - 1) / 2);
  });
  await page.waitForFunction(
    (mid) => {
      const pos = Array.from(document.querySelectorAll('[data-testid="object-row"]')).map((r) => Number(r.getAttribute('data-pos')));
      return document.querySelectorAll('[data-testid="object-row-pending"]').length === 0 && pos.some((p) => Math.abs(p - mid) < 1000);
    },
    target,
    opts,
  );
  const scrollMs = performance.now() - t0;

  // Filter to the first slab cache the picker offers (the one with the most objects).
  const combo = page.getByRole('combobox', { name: 'Slab cache' });
  await combo.click();
  const option = page.getByRole('listbox').getByRole('option').first();
  await option.waitFor({ timeout });
  const slab = ((await option.textContent()) ?? '').trim().replace(/ \([\d,]+\)$/, '');
  const countBefore = await page.getByTestId('row-count').textContent();
  t0 = performance.now();
  await option.click();
  await page.waitForFunction(
    (prev) => {
      const text = document.querySelector('[data-testid="row-count"]')?.textContent ?? '';
      return text !== prev && / of /.test(text) && document.querySelectorAll('[data-testid="object-row-pending"]').length === 0;
    },
    countBefore,
    opts,
  );
  const filterMs = performance.now() - t0;
  await combo.press('Escape');
  return { sortMs, filterMs, scrollMs, slab };
}
