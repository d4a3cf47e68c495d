// 25. Back and Forward step through the view inside the app: a filter, a
//     tab and a selected object are each a history entry (a sort is not);
//     Back undoes them in turn and Forward redoes them, with the objects
//     table following; the loaded kmap stays.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { cliStats, openSample, pickName, rowCountFor, selectTab } from './analysis-helpers.mjs';
import { assertNoErrors, launch, openApp, waitLoaded, waitRowCount } from './helpers.mjs';

/** Changes closer together than this share one history entry (src/app/url-sync.ts). */
const COALESCE_MS = 700;

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

const param = (page, name) => new URL(page.url()).searchParams.get(name);

test('Back undoes a filter and a tab, Forward redoes them', async () => {
  const [full, dentry] = await Promise.all([cliStats(), cliStats(['--slab', 'dentry'])]);
  const { page, errors } = await openSample(browser);
  const entries = await page.evaluate(() => history.length);
  await pickName(page, 'Slab cache', 'dentry');
  await waitRowCount(page, rowCountFor(dentry.objects, full.objects));
  await page.waitForTimeout(COALESCE_MS + 100);
  await selectTab(page, 'Breakdown');
  await page.waitForTimeout(COALESCE_MS + 100);
  await selectTab(page, 'Objects');
  await page.waitForTimeout(COALESCE_MS + 100);
  // A sort replaces the entry: it is not a step of its own.
  await page.getByRole('columnheader', { name: 'size' }).click();
  await page.waitForFunction(() => new URL(location.href).searchParams.get('sort') !== null);
  assert.equal(await page.evaluate(() => history.length), entries + 3, 'slab, Breakdown and back to Objects: three entries');

  await page.goBack();
  await page.waitForFunction(() => new URL(location.href).searchParams.get('tab') === 'breakdown');
  assert.equal(await page.getByRole('tab', { name: 'Breakdown' }).getAttribute('aria-selected'), 'true');
  await page.goBack();
  await page.waitForFunction(() => new URL(location.href).searchParams.get('tab') === null);
  assert.equal(param(page, 'slab'), 'dentry');
  await waitRowCount(page, rowCountFor(dentry.objects, full.objects));
  await page.goBack();
  await page.waitForFunction(() => new URL(location.href).searchParams.get('slab') === null);
  await waitRowCount(page, rowCountFor(full.objects, full.objects));
  assert.equal(param(page, 'src'), 'sample.kmap', 'the data stays named');
  await page.goForward();
  await waitRowCount(page, rowCountFor(dentry.objects, full.objects));
  assert.ok(await page.getByRole('button', { name: 'Remove dentry' }).isVisible());
  assertNoErrors(errors);
});

test("the app's own changes make no entries: a link's selection past the file's end is dropped quietly", async () => {
  const { page, errors } = await openApp(browser, '?v=3&src=sample.kmap&obj=999999');
  await waitLoaded(page, 60_000);
  await page.getByText(/selects object #999,999, but this file has/).waitFor();
  assert.equal(param(page, 'obj'), null);
  assertNoErrors(errors);
  // The page made no entry of its own: Back leaves it (to the blank page it was opened from).
  await page.goBack();
  assert.equal(page.url(), 'about:blank');
});
