// 2. Filter by one slab cache through the combobox: the row count is right
//    and every row has that slab; then the search narrows further.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  assertNoErrors,
  launch,
  openApp,
  openFixture,
  shot,
  visibleRows,
  waitRowCount,
  waitRowIdxs,
} from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test('slab cache combobox filters, search narrows', async () => {
  const { page, errors } = await openApp(browser);
  await openFixture(page, 'basic-e.kmap');
  const combo = page.getByRole('combobox', { name: 'Slab cache' });
  await combo.click();
  assert.equal(await combo.getAttribute('aria-expanded'), 'true');
  const listbox = page.getByRole('listbox');
  const names = await listbox.getByRole('option').allTextContents();
  assert.deepEqual(names.map((n) => n.trim()).sort(), ['dentry (3)', 'filp (1)', 'kmalloc-64 (3)', 'no-slab (4)']);

  // Type-ahead narrows the options; Enter toggles the active one.
  await combo.fill('dent');
  assert.deepEqual((await listbox.getByRole('option').allTextContents()).map((n) => n.trim()), ['dentry (3)']);
  await shot(page, '02-combobox-open');
  await combo.press('Enter');
  assert.equal(await page.getByRole('option', { name: 'dentry (3)' }).getAttribute('aria-selected'), 'true');
  await combo.press('Escape');
  assert.equal(await combo.getAttribute('aria-expanded'), 'false');

  await waitRowCount(page, '3 of 11 objects');
  await waitRowIdxs(page, [3, 4, 5]);
  const rows = await visibleRows(page);
  assert.ok(rows.every((r) => r.cells.slab === 'dentry'), JSON.stringify(rows.map((r) => r.cells.slab)));
  assert.ok(await page.getByRole('button', { name: 'Remove dentry' }).isVisible(), 'a removable chip');
  assert.match(page.url(), /[?&]slab=dentry(&|$)/);

  await page.getByLabel('Search').fill('cat');
  await waitRowCount(page, '1 of 11 objects');
  await waitRowIdxs(page, [4]);
  assert.equal((await visibleRows(page))[0].cells.command, 'cat');
  assert.match(page.url(), /[?&]q=cat(&|$)/);
  await shot(page, '02-filtered');

  // Removing the chip keeps the search only: the three "cat" objects.
  await page.getByRole('button', { name: 'Remove dentry' }).click();
  await waitRowCount(page, '3 of 11 objects');
  await waitRowIdxs(page, [0, 4, 6]);

  // Multi-select with Space, then the clear button.
  await page.getByLabel('Search').fill('');
  await combo.click();
  await combo.fill('');
  await combo.press('ArrowDown');
  await combo.press(' ');
  await combo.press('ArrowDown');
  await combo.press(' ');
  await combo.press('Escape');
  assert.equal(await page.getByRole('button', { name: /^Remove / }).count(), 2, 'two chips');
  await page.waitForFunction(() => /of 11 objects/.test(document.querySelector('[data-testid="row-count"]')?.textContent ?? ''));
  await page.getByRole('button', { name: 'Clear slab cache filter' }).click();
  await waitRowCount(page, '11 objects');

  // "/" focuses the search box.
  await page.getByRole('grid').focus();
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Search');
  assertNoErrors(errors);
});
