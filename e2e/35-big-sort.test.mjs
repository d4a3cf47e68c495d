// 35. Past a million objects a sort shows its first rows at once and makes
//     the file's order by the column in the worker's turns (a window past
//     the first rows finishes it). The rows at the top, the middle and the
//     bottom are the sort's, and so are a filter's under the kept order.
//
// The generated file: object i has size 64 + (i % 7) * 32 and slab
// SLABS[i % 5], so sorted by size descending (ties in file order) the row at
// position p is the object r + 7 * o, where r runs from 6 down to 0 and o is
// p's offset among the objects of that size.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateKmap } from './generate.mjs';
import { assertNoErrors, openApp, shot, summary, visibleRows, waitLoaded, waitRowCount, withBrowserAndFolder } from './helpers.mjs';

const N = 1_100_000;

const env = withBrowserAndFolder('kmap-e2e-', (dir) => writeFileSync(join(dir, 'million.kmap'), generateKmap(N)));

/** Objects i < n with i % 7 === r. */
const countOf = (n, r) => Math.floor((n - 1 - r) / 7) + 1;

/** The object at position `pos` of objects [0, n) sorted by size descending: by walking the size groups (each every 7th object). */
function expectedIdx(pos, n = N) {
  let start = 0;
  for (let r = 6; r >= 0; r--) {
    const c = countOf(n, r);
    if (pos < start + c) return r + 7 * (pos - start);
    start += c;
  }
  throw new Error(`position ${pos} past ${n}`);
}

/** Waits until every rendered row is loaded and `check` holds for them (rows by position). */
async function waitRows(page, check, what) {
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="object-row-pending"]').length === 0 && document.querySelectorAll('[data-testid="object-row"]').length > 0, null, { timeout: 60_000 });
  let rows = await visibleRows(page);
  for (let tries = 0; !check(rows) && tries < 100; tries++) {
    await page.waitForTimeout(100);
    rows = await visibleRows(page);
  }
  assert.ok(check(rows), `${what}: ${JSON.stringify(rows.slice(0, 5).map((r) => [r.pos, r.idx, r.cells.size]))}`);
  return rows;
}

test('1.1 M objects: sorted by size, the top, middle and bottom rows are the sort\'s, and a filter\'s rows under the kept order', async () => {
  const { page, errors } = await openApp(env.browser);
  await page.getByLabel('Open kmap').setInputFiles(join(env.dir, 'million.kmap'));
  await waitLoaded(page, 180_000);
  assert.equal((await summary(page)).objects, '1,100,000');

  // Sorted by size descending (a number column's first click): the biggest first, ties in file order.
  await page.getByRole('columnheader', { name: 'size' }).getByRole('button').click();
  assert.equal(await page.getByRole('columnheader', { name: 'size' }).getAttribute('aria-sort'), 'descending');
  const top = await waitRows(page, (rows) => rows.length > 0 && rows.every((r) => r.idx === expectedIdx(r.pos)), 'the top rows');
  assert.equal(top[0].pos, 0);
  assert.equal(top[0].cells.size, '256');
  await shot(page, '35-big-sort-top');

  // The middle and the bottom: windows past the first rows.
  const scroller = page.getByTestId('objects-scroll');
  await scroller.evaluate((el) => (el.scrollTop = (el.scrollHeight - el.clientHeight) / 2));
  const middle = await waitRows(page, (rows) => rows.some((r) => Math.abs(r.pos - N / 2) < 20_000) && rows.every((r) => r.idx === expectedIdx(r.pos)), 'the middle rows');
  assert.ok(middle.every((r) => r.cells.size === String(64 + (r.idx % 7) * 32)), 'sizes as the file has them');
  await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
  const bottom = await waitRows(page, (rows) => rows.some((r) => r.pos === N - 1) && rows.every((r) => r.idx === expectedIdx(r.pos)), 'the bottom rows');
  assert.equal(bottom.at(-1).idx, 7 * (countOf(N, 0) - 1));
  assert.equal(bottom.at(-1).cells.size, '64');

  // A filter to one cache (a fifth of the objects) keeps the sort: its rows walk the kept order.
  await scroller.evaluate((el) => (el.scrollTop = 0));
  const combo = page.getByRole('combobox', { name: 'Slab cache' });
  await combo.click();
  await combo.fill('dentry');
  await combo.press('Enter');
  await combo.press('Escape');
  await waitRowCount(page, '220,000 of 1,100,000 objects');
  // dentry is i % 5 === 2; the biggest of those are i % 7 === 6: i = 27, 62, 97, ... (every 35th).
  const filtered = await waitRows(page, (rows) => rows.length > 0 && rows[0].pos === 0 && rows.every((r) => r.idx === 27 + 35 * r.pos), 'the filter\'s top rows');
  assert.ok(filtered.every((r) => r.cells.slab === 'dentry' && r.cells.size === '256'));
  await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
  // The filter's last row: the last dentry object of size 64 (i % 35 === 7).
  const lastDentry64 = 7 + 35 * Math.floor((N - 1 - 7) / 35);
  await waitRows(page, (rows) => rows.some((r) => r.pos === 219_999 && r.idx === lastDentry64), 'the filter\'s bottom row');
  assertNoErrors(errors);
});
