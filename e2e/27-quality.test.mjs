// 27. The Quality tab on the bundled sample: a number filters the objects to
//     as many objects as it says (the CLI agrees: `kmap stats --flag ...`);
//     a hook of the instrumentation tree filters to its types; "Download
//     CSV" saves what `kmap quality` prints; the flag travels in the link.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { cliStats, kmapCli, openSample, rowCountFor, SAMPLE, SYMBOLS } from './analysis-helpers.mjs';
import { assertNoErrors, launch, TIMEOUT, waitRowCount } from './helpers.mjs';

let browser;
let full;
let quality;
before(async () => {
  browser = await launch();
  full = await cliStats();
  quality = JSON.parse(await kmapCli(['quality', SAMPLE, '--symbols', SYMBOLS, '--json']));
});
after(async () => browser?.close());

const numberButton = (page, group, column) => page.locator(`[data-testid="quality-row"][data-group="${group}"] button[data-column="${column}"]`);

test('a number filters to that many objects, as the CLI counts them', async () => {
  const row = quality.find((r) => r.group === 'no-slab');
  assert.ok(row.readOnly > 10, JSON.stringify(row));
  const { page, errors } = await openSample(browser, '&tab=quality');
  const button = numberButton(page, 'no-slab', 'readOnly');
  await button.waitFor();
  assert.equal((await button.innerText()).replace(/,/g, ''), String(row.readOnly));
  await button.click();
  const want = await cliStats(['--slab', 'no-slab', '--flag', 'readOnly']);
  assert.equal(want.objects, row.readOnly);
  await waitRowCount(page, rowCountFor(want.objects, full.objects));
  assert.equal(await page.getByRole('tab', { name: 'Objects' }).getAttribute('aria-selected'), 'true');
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('flag'), 'readOnly');
  assert.equal(url.searchParams.get('slab'), 'no-slab');
  assert.match(await page.getByTestId('flag-chip').innerText(), /read but never written/);

  // The "All" row's catch-all lines: the catch-all objects, whose access lines they are.
  await page.getByRole('button', { name: 'Remove the quality flag' }).click();
  await page.getByRole('tab', { name: 'Quality' }).click();
  const all = quality.reduce((n, r) => n + r.catchAll, 0);
  const lines = quality.reduce((n, r) => n + r.catchAllLines, 0);
  await page.getByRole('button', { name: 'Remove no-slab' }).click();
  const total = numberButton(page, '', 'catchAllLines');
  await total.waitFor();
  assert.equal((await total.innerText()).replace(/,/g, ''), String(lines));
  await total.click();
  const catchAll = await cliStats(['--flag', 'catchAll']);
  assert.equal(catchAll.objects, all);
  assert.equal(catchAll.accesses, lines);
  await waitRowCount(page, rowCountFor(all, full.objects));
  assertNoErrors(errors);
});

test('a hook filters to its types; Download CSV equals kmap quality', async () => {
  const { page, errors } = await openSample(browser, '&tab=quality&qby=type');
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: TIMEOUT }), page.getByRole('button', { name: 'Download CSV' }).click()]);
  assert.match(download.suggestedFilename(), /quality-type\.csv$/);
  assert.equal(await readFile(await download.path(), 'utf8'), await kmapCli(['quality', SAMPLE, '--symbols', SYMBOLS, '--by', 'type']));

  await page.locator('[data-testid="hook"][data-hook="__folio_alloc"] button').click();
  const want = await cliStats(['--type', 'ALLOC_PAGES_FOLIO']);
  assert.ok(want.objects > 0);
  await waitRowCount(page, rowCountFor(want.objects, full.objects));
  assert.equal(new URL(page.url()).searchParams.get('type'), 'ALLOC_PAGES_FOLIO');
  assertNoErrors(errors);
});
