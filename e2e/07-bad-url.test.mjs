// 7. Bad URL parameters are ignored with a visible notice; the app works;
//    names from the URL never become markup.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoErrors, launch, openApp, openFixture, shot, summary, waitRowCount } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test('bad and unknown parameters give notices, not a crash', async () => {
  const { page, errors } = await openApp(browser, '?v=1&sort=nope&obj=abc&zzz=1');
  const status = page.getByRole('status');
  await status.getByText(/"zzz"/).waitFor();
  const text = await status.innerText();
  assert.match(text, /sort/);
  assert.match(text, /obj/);
  assert.match(text, /unknown URL parameter "zzz"/);
  assert.equal(new URL(page.url()).search, '?v=2', 'the URL is rewritten to the valid view');
  await shot(page, '07-notices');
  await openFixture(page, 'basic-e.kmap');
  assert.equal((await summary(page)).objects, '11');
  assert.equal(await page.getByRole('columnheader', { name: '#' }).getAttribute('aria-sort'), 'ascending');
  assertNoErrors(errors);
});

test('markup in URL parameters stays text', async () => {
  const slab = '<img src=x onerror="window.__pwned=1">';
  const q = '<b id="injected">x</b>';
  const query = `?v=1&slab=${encodeURIComponent(slab)}&q=${encodeURIComponent(q)}`;
  const { page, errors } = await openApp(browser, query);
  await openFixture(page, 'basic-e.kmap');
  await waitRowCount(page, '0 of 11 objects');
  assert.equal(await page.getByRole('button', { name: `Remove ${slab}` }).count(), 1, 'the name is a chip, as text');
  assert.equal(await page.getByLabel('Search').inputValue(), q);
  assert.equal(await page.locator('img').count(), 0);
  assert.equal(await page.locator('#injected').count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  await page.getByRole('status').getByText(/has no slab cache/).waitFor();
  assertNoErrors(errors);
});

test('a link from a newer version is ignored with a notice', async () => {
  const { page, errors } = await openApp(browser, '?v=99&sort=size');
  await page.getByRole('status').getByText(/newer version/).waitFor();
  await openFixture(page, 'basic-e.kmap');
  assert.equal(await page.getByRole('columnheader', { name: 'size' }).getAttribute('aria-sort'), 'none');
  assertNoErrors(errors);
});

test('a src that cannot be fetched gives an alert and the empty state', async () => {
  const { page, errors } = await openApp(browser, '?v=1&src=missing.kmap');
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /404/);
  await page.getByRole('button', { name: 'Open the bundled sample' }).waitFor();
  // The failed fetch itself is logged by the browser as a resource error.
  assertNoErrors(errors.filter((e) => !/Failed to load resource.*404/.test(e)));
});
