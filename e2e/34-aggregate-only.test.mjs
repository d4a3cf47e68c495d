// 34. A file too big for the tab, read aggregates only: the question offers
//     it (focused) with what it would take; the load then keeps no access
//     line, and the page says so everywhere one would be shown: the summary
//     strip, the object's accesses, the Access-sites note and grid (no PIDs,
//     no listing), the Matrix hint; a filter the sums cannot apply is refused
//     with its reason, in place of the rows; Save as kmap and Export Parquet are off. The file is a
//     sparse file whose first 14 MB are a kmap of 45,000 objects with 8
//     access lines each, 3.5 times the tab's data budget in size (half the
//     device memory the browser reports: 30 GB for a budget of 8 GiB):
//     scaled from its head, whole it needs about 0.26 bytes of memory a byte
//     of file (with growth headroom, more than the budget), aggregates only
//     0.11. The test reads past the kmap and stops (the rest, zeros, would
//     take minutes). Then a 37 MB kmap under a budget lowered to 14 MB, read
//     aggregates only, in ranges: the parsing worker's sums are merged into
//     the data worker's, and the whole file is there.

import assert from 'node:assert/strict';
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { filterBar, selectTab } from './analysis-helpers.mjs';
import { generateLineHeavyKmap } from './generate.mjs';
import { assertNoErrors, openApp, shot, summary, waitLoaded, withBrowserAndFolder } from './helpers.mjs';

const OBJECTS = 45_000;
/** A 37 MB kmap (120,000 objects, 960,000 access lines): past the size parsed in ranges. */
const HEAVY_OBJECTS = 120_000;
let file;
let heavy;
const env = withBrowserAndFolder('kmap-e2e-aggregate-', (dir) => {
  file = join(dir, 'huge.kmap');
  writeFileSync(file, generateLineHeavyKmap(OBJECTS));
  heavy = join(dir, 'heavy.kmap');
  writeFileSync(heavy, generateLineHeavyKmap(HEAVY_OBJECTS));
});

test('"Load aggregates only" reads on without access lines, and every view says what that means', async () => {
  const { page, errors } = await openApp(env.browser);
  // The data worker's budget: half the device memory (workers/kmap-worker.ts).
  const budget = (Math.max(2, await page.evaluate(() => navigator.deviceMemory ?? 4)) / 2) * 2 ** 30;
  truncateSync(file, Math.round(3.5 * budget));
  await page.getByLabel('Open kmap').setInputFiles(file);
  const question = page.getByRole('alertdialog', { name: 'Too big for this tab' });
  await question.waitFor();
  assert.match(await question.getByTestId('too-big-aggregate').innerText(), /^Loaded aggregates only, the whole file would take about [\d.]+ (?:GiB|MiB): every object/);
  const aggregate = question.getByRole('button', { name: 'Load aggregates only' });
  assert.equal(await aggregate.evaluate((b) => b === document.activeElement), true, 'the way that reads the whole file is focused');
  await shot(page, '34-question');
  await aggregate.click();
  await question.waitFor({ state: 'detached' });
  // Past the kmap's 14 MB, into the zeros: then stop.
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid="progress-bytes"]')?.textContent ?? '0') > 20);
  await page.getByRole('button', { name: 'Stop and keep what is loaded' }).click();
  await waitLoaded(page);

  const s = await summary(page);
  assert.equal(s.objects, OBJECTS.toLocaleString('en-US'));
  assert.equal((await page.getByTestId('summary-accesses').textContent()).trim(), (8 * OBJECTS).toLocaleString('en-US'));
  assert.equal((await page.getByTestId('summary-aggregate').innerText()).trim(), 'access lines summed, not kept');

  // An object: its counts, not its lines.
  await page.locator('[data-testid="object-row"][data-idx="3"]').click();
  assert.match(await page.getByTestId('accesses-aggregate').innerText(), /^8 access lines: \d+ reads?, \d+ writes?\. This kmap was loaded aggregates only/);
  assert.equal(await page.getByTestId('access-table').count(), 0);

  // Access sites: the sums by site, no PIDs column, no listing.
  await selectTab(page, 'Access sites');
  const grid = page.getByRole('grid', { name: 'Access sites (arrow keys move)' });
  await grid.waitFor();
  await page.locator('[data-testid="site-row"]').first().waitFor();
  assert.equal((await page.getByTestId('sites-count').innerText()).trim(), '512 sites');
  assert.match(await page.getByTestId('sites-note').innerText(), /^Loaded aggregates only/);
  assert.equal(await grid.getByRole('columnheader', { name: 'PIDs' }).count(), 0);
  await page.locator('[data-testid="site-row"]').first().click();
  assert.equal(await page.getByRole('tab', { name: 'Access sites', exact: true }).getAttribute('aria-selected'), 'true', 'a click lists nothing');
  await shot(page, '34-sites');

  // A filter the sums cannot apply: the sites say why.
  const bar = filterBar(page);
  await bar.getByLabel('Minimum size').fill('64');
  await bar.getByLabel('Minimum size').press('Enter');
  const refused = page.getByTestId('sites-refused');
  await refused.waitFor();
  assert.match(await refused.innerText(), /^This kmap was loaded aggregates only: .* not by size\./);
  assert.equal(await page.locator('[data-testid="site-row"]').count(), 0, 'no rows of the filter before');
  await bar.getByRole('button', { name: 'Clear filters' }).click();
  await page.locator('[data-testid="site-row"]').first().waitFor();

  // The matrix: its cells, and the hint on what is not known.
  await selectTab(page, 'Matrix');
  await page.locator('[data-testid="matrix-row"]').first().waitFor();
  assert.match(await page.locator('.chart-hint').innerText(), /Loaded aggregates only/);

  // What needs the lines is off, with the command line named.
  assert.equal(await page.getByRole('button', { name: 'Save as kmap' }).isDisabled(), true);
  const exportButton = page.getByRole('button', { name: 'Export Parquet' });
  assert.equal(await exportButton.isDisabled(), true);
  assert.match(await exportButton.getAttribute('title'), /aggregates only.*kmap export FILE --parquet DIR/);
  assertNoErrors(errors);
});

test('read aggregates only in ranges: a parsing worker sums its range, and the whole file is there', async () => {
  // A budget of 14 MB (localStorage kmap.memoryBudgetMB): the file whole needs more (about 10 MB of data, with
  // growth headroom past 14), its sums about 5.4 MB, which the stitch of two ranges' sums fits (aggregateRangesFit).
  const { page, errors } = await openApp(env.browser, '', { setup: (context) => context.addInitScript(() => localStorage.setItem('kmap.memoryBudgetMB', '14')) });
  const workers = [];
  page.on('worker', (w) => workers.push(w.url()));
  await page.getByLabel('Open kmap').setInputFiles(heavy);
  const question = page.getByRole('alertdialog', { name: 'Too big for this tab' });
  await question.waitFor();
  await question.getByRole('button', { name: 'Load aggregates only' }).click();
  await waitLoaded(page);
  const s = await summary(page);
  assert.equal(s.objects, HEAVY_OBJECTS.toLocaleString('en-US'));
  assert.equal((await page.getByTestId('summary-accesses').textContent()).trim(), (8 * HEAVY_OBJECTS).toLocaleString('en-US'));
  assert.equal(await page.getByTestId('summary-partial').count(), 0, 'the whole file');
  assert.equal((await page.getByTestId('summary-aggregate').innerText()).trim(), 'access lines summed, not kept');
  assert.ok(workers.some((u) => /range-worker/.test(u)), `a parsing worker read a range: ${workers.join(', ')}`);
  // The sums of both ranges, merged: every access IP a site, each with its lines.
  await selectTab(page, 'Access sites');
  await page.locator('[data-testid="site-row"]').first().waitFor();
  assert.equal((await page.getByTestId('sites-count').innerText()).trim(), '512 sites');
  assertNoErrors(errors);
});
