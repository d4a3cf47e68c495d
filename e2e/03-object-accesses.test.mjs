// 3. Click a row: its access table shows the right IPs, PIDs, reads and
//    writes; sort by reads; the keyboard moves and opens rows.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { accessRows, assertNoErrors, launch, openApp, openFixture, shot } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

const detail = (page) => page.getByTestId('object-detail');

async function waitDetail(page, idx) {
  await page.waitForFunction(
    (i) => {
      const d = document.querySelector('[data-testid="object-detail"]');
      return d?.querySelector('h2')?.textContent?.includes(`#${i}`) && d.querySelector('.fields') !== null;
    },
    idx,
  );
}

test('a row opens its access table, sortable by reads', async () => {
  const { page, errors } = await openApp(browser);
  await openFixture(page, 'basic-e.kmap');
  await page.locator('[data-testid="object-row"][data-idx="4"]').click();
  await waitDetail(page, 4);
  assert.match(page.url(), /[?&]obj=4(&|$)/);
  assert.equal(await page.locator('[data-testid="object-row"][data-idx="4"]').getAttribute('aria-selected'), 'true');
  assert.deepEqual(await accessRows(page), [
    { ip: 'ffffffff81400100', pid: '731 (cat)', reads: '10', writes: '4' },
    { ip: 'ffffffff81400200', pid: 'no task', reads: '7', writes: '0' },
    { ip: 'ffffffff81400300', pid: '731 (cat)', reads: '1', writes: '1' },
  ]);
  const total = (await page.getByTestId('access-total').innerText()).replace(/\s+/g, ' ').trim();
  assert.equal(total, 'Total: 3 access lines 18 5');
  const fields = await detail(page).locator('.fields').innerText();
  assert.match(fields, /ffff888003a1c180/);
  assert.match(fields, /dentry/);
  assert.match(fields, /KMEM_CACHE/);

  const readsHeader = detail(page).locator('th[data-col="reads"]');
  await readsHeader.getByRole('button').click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="access-row"] [data-col="ip"]')?.textContent === 'ffffffff81400300',
  );
  assert.equal(await readsHeader.getAttribute('aria-sort'), 'ascending');
  assert.deepEqual(
    (await accessRows(page)).map((r) => r.reads),
    ['1', '7', '10'],
  );
  await readsHeader.getByRole('button').click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="access-row"] [data-col="ip"]')?.textContent === 'ffffffff81400100',
  );
  assert.equal(await readsHeader.getAttribute('aria-sort'), 'descending');
  assert.deepEqual(
    (await accessRows(page)).map((r) => r.ip),
    ['ffffffff81400100', 'ffffffff81400200', 'ffffffff81400300'],
  );
  await shot(page, '03-object-detail');
  assertNoErrors(errors);
});

test('arrow keys move the cursor row, Enter opens it', async () => {
  const { page, errors } = await openApp(browser);
  await openFixture(page, 'basic-e.kmap');
  await page.locator('[data-testid="object-row"][data-idx="0"]').click();
  await waitDetail(page, 0);
  const grid = page.getByRole('grid');
  await grid.press('ArrowDown');
  await grid.press('ArrowDown');
  assert.equal(await grid.getAttribute('aria-activedescendant'), 'objrow-2');
  await grid.press('Enter');
  await waitDetail(page, 2);
  assert.match(page.url(), /[?&]obj=2(&|$)/);
  assert.equal(await detail(page).locator('.accesses').innerText().then((t) => /No access lines/.test(t)), true);
  await grid.press('End');
  await grid.press('Enter');
  await waitDetail(page, 10);
  await grid.press('Escape');
  await page.waitForFunction(() => !document.querySelector('[data-testid="object-detail"]'));
  assertNoErrors(errors);
});
