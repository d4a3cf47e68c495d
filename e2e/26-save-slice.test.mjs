// 26. "Save as kmap" saves the objects the filters keep with their access
//     lines: byte for byte what `kmap slice` prints for the same filter; the
//     saved file opens in the page with the filtered figures of the source.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { cliStats, kmapCli, openSample, pickName, rowCountFor, SAMPLE, SYMBOLS } from './analysis-helpers.mjs';
import { assertNoErrors, launch, loadCount, summary, TIMEOUT, waitLoaded, waitRowCount } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

test('Save as kmap equals kmap slice and reopens with the same figures', async () => {
  const [full, kept] = await Promise.all([cliStats(), cliStats(['--slab', 'dentry', '--slab', 'filp', '--live'])]);
  const want = await kmapCli(['slice', SAMPLE, '--symbols', SYMBOLS, '--slab', 'dentry', '--slab', 'filp', '--live']);
  const { page, errors } = await openSample(browser);
  await pickName(page, 'Slab cache', 'dentry');
  await pickName(page, 'Slab cache', 'filp');
  await page.locator('section[aria-label="Filters"]').getByRole('radio', { name: 'Live', exact: true }).check();
  await waitRowCount(page, rowCountFor(kept.objects, full.objects));
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: TIMEOUT }), page.getByRole('button', { name: 'Save as kmap' }).click()]);
  assert.equal(download.suggestedFilename(), 'sample-slice.kmap');
  const path = await download.path();
  const bytes = await readFile(path);
  assert.ok(bytes.equals(Buffer.from(want, 'utf8')), `the saved kmap (${bytes.length} bytes) is what kmap slice prints (${want.length})`);

  await page.getByRole('button', { name: 'Clear filters' }).first().click();
  const before = await loadCount(page);
  await page.getByLabel('Open kmap').setInputFiles({ name: 'sample-slice.kmap', mimeType: 'text/plain', buffer: bytes });
  await page.waitForFunction((n) => Number(document.querySelector('header.topbar')?.getAttribute('data-load-count')) > n, before, { timeout: TIMEOUT });
  await waitLoaded(page);
  const s = await summary(page);
  assert.equal(s.objects, kept.objects.toLocaleString('en-US'));
  assert.equal(s.accesses, kept.accesses.toLocaleString('en-US'));
  assert.equal(s.live, kept.liveObjects.toLocaleString('en-US'));
  assertNoErrors(errors);
});
