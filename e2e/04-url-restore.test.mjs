// 4. Sort by size descending through the header, then copy the URL, open it
//    in a fresh page, load the same file: filter, search, sort and selection
//    are back.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { generateKmap } from './generate.mjs';
import {
  assertNoErrors,
  BASE_URL,
  launch,
  openApp,
  openFixture,
  shot,
  waitLoaded,
  waitRowCount,
  waitRowIdxs,
} from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test('a copied URL restores the view on the same file', async () => {
  const { page, errors } = await openApp(browser, '', { permissions: ['clipboard-read', 'clipboard-write'] });
  await openFixture(page, 'basic-e.kmap');

  // A number column sorts biggest first on its first click.
  const sizeHeader = page.getByRole('columnheader', { name: 'size' });
  await sizeHeader.getByRole('button').click();
  assert.equal(await sizeHeader.getAttribute('aria-sort'), 'descending');
  await waitRowIdxs(page, [7, 10, 6, 3, 4, 5, 9, 0, 1, 2, 8]);

  const combo = page.getByRole('combobox', { name: 'Slab cache' });
  await combo.click();
  await page.getByRole('option', { name: 'dentry (3)' }).click();
  await page.getByRole('option', { name: 'filp (1)' }).click();
  await combo.press('Escape');
  await page.getByLabel('Search').fill('cat');
  await waitRowCount(page, '2 of 11 objects');
  await waitRowIdxs(page, [6, 4]);
  await page.locator('[data-testid="object-row"][data-idx="4"]').click();
  await page.getByTestId('object-detail').locator('.fields').waitFor();

  const url = page.url();
  await page.getByRole('button', { name: 'Copy link' }).click();
  await page.getByRole('status').getByText(/Link copied/).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), url, 'the copied link is the page URL');
  const params = new URL(url).searchParams;
  assert.equal(params.get('v'), '3');
  assert.equal(params.get('slab'), 'dentry,filp');
  assert.equal(params.get('q'), 'cat');
  assert.equal(params.get('sort'), '-size');
  assert.equal(params.get('obj'), '4');
  assert.ok(url.startsWith(BASE_URL));

  const fresh = await openApp(browser, url.slice(BASE_URL.length + 1));
  const p2 = fresh.page;
  assert.match(await p2.getByTestId('link-hint').innerText(), /dentry, filp.*cat.*size.*#4/s);
  await shot(p2, '04-link-before-file');
  await openFixture(p2, 'basic-e.kmap');
  await waitRowCount(p2, '2 of 11 objects');
  await waitRowIdxs(p2, [6, 4]);
  assert.ok(await p2.getByRole('button', { name: 'Remove dentry' }).isVisible());
  assert.ok(await p2.getByRole('button', { name: 'Remove filp' }).isVisible());
  assert.equal(await p2.getByLabel('Search').inputValue(), 'cat');
  assert.equal(await p2.getByRole('columnheader', { name: 'size' }).getAttribute('aria-sort'), 'descending');
  await p2.waitForFunction(
    () => document.querySelector('[data-testid="object-row"][data-idx="4"]')?.getAttribute('aria-selected') === 'true',
  );
  await p2.getByTestId('object-detail').locator('.fields').waitFor();
  assert.match(await p2.getByTestId('object-detail').locator('h2').innerText(), /#4/);
  assert.equal(p2.url(), url, 'the URL is unchanged by the restore');
  await shot(p2, '04-restored');
  assertNoErrors(errors);
  assertNoErrors(fresh.errors);
});

test('a selected object beyond the file gives a notice', async () => {
  const { page, errors } = await openApp(browser, '?v=1&obj=500');
  await openFixture(page, 'basic-e.kmap');
  await page.getByRole('status').getByText(/object #500.*11 objects/).waitFor();
  assert.equal(new URL(page.url()).searchParams.get('obj'), null);
  assertNoErrors(errors);
});

test('a link selecting an object far down scrolls it into view', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kmap-e2e-'));
  try {
    const file = join(dir, 'five-thousand.kmap');
    writeFileSync(file, generateKmap(5000));
    const { page, errors } = await openApp(browser, '?v=1&obj=4000&sort=-size');
    await page.getByLabel('Open kmap').setInputFiles(file);
    await waitLoaded(page);
    await page.waitForFunction(() => {
      const row = document.querySelector('[data-testid="object-row"][data-idx="4000"]');
      const box = document.querySelector('[data-testid="objects-scroll"]')?.getBoundingClientRect();
      if (!row || !box) return false;
      const r = row.getBoundingClientRect();
      return row.getAttribute('aria-selected') === 'true' && row.classList.contains('cursor') && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
    });
    assert.match(await page.getByTestId('object-detail').locator('h2').innerText(), /#4000/);
    await shot(page, '04-scrolled-to-selection');
    assertNoErrors(errors);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
