// 17. A load never loses what the user had: Cancel of a replacement load,
//     after it has already shown rows of the new file, gives the first kmap
//     back with its filter and selection; "Stop and keep what is loaded"
//     keeps the part read, marked partial in the summary, the top bar and
//     the title; filters that keep nothing of a newly opened file are
//     announced with a "Clear filters" that works. The replacement is a
//     generated 1.5-million-object file (150 MB), so that its load lasts
//     long enough to be stopped by a click.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateKmap } from './generate.mjs';
import { assertNoErrors, openApp, openFixture, rowCountText, shot, summary, TIMEOUT, visibleRows, waitLoaded, waitRowCount, withBrowserAndFolder } from './helpers.mjs';

const BIG_OBJECTS = 1_500_000;

let bigFile;
const env = withBrowserAndFolder('kmap-e2e-keep-', (dir) => {
  bigFile = join(dir, 'big.kmap');
  writeFileSync(bigFile, generateKmap(BIG_OBJECTS));
});

/** Chooses the big file and waits until its rows are on screen while it still loads. */
async function startBigLoad(page) {
  await page.getByLabel('Open kmap').setInputFiles(bigFile);
  // As soon as the new file's first rows show (its first slice: about 2,000 objects): the whole
  // file loads in a few seconds on a quiet machine, and a later Cancel may come after its end.
  await page.waitForFunction(
    () => {
      const objects = Number(document.querySelector('[data-testid="summary-objects"]')?.textContent?.replace(/,/g, '') ?? '0');
      return document.querySelector('[role="progressbar"]') !== null && objects > 1_000;
    },
    undefined,
    { timeout: TIMEOUT, polling: 20 },
  );
}

test('Cancel after the new file showed rows gives the first kmap back with its filter and selection', async () => {
  const { page, errors } = await openApp(env.browser);
  await openFixture(page, 'basic-e.kmap');
  const first = await summary(page);
  await page.getByLabel('Search').fill('kmalloc');
  await page.getByLabel('Search').press('Enter');
  // The filtered count ("3 of 11 objects"), not the count from before the search applied.
  await page.waitForFunction(() => / of /.test(document.querySelector('[data-testid="row-count"]')?.textContent ?? ''));
  const kept = await rowCountText(page);
  await page.locator('[data-testid="object-row"]').first().click();
  const selected = await page.locator('[data-testid="object-row"][aria-selected="true"]').getAttribute('data-idx');
  assert.ok(selected !== null);

  await startBigLoad(page);
  assert.notEqual((await summary(page)).objects, first.objects, 'the new file is on screen while it loads');
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await waitLoaded(page);
  assert.deepEqual(await summary(page), first);
  await waitRowCount(page, kept);
  await page.waitForFunction((idx) => document.querySelector(`[data-testid="object-row"][data-idx="${idx}"]`)?.getAttribute('aria-selected') === 'true', selected);
  assert.equal(await page.getByLabel('Search').inputValue(), 'kmalloc');
  await page.getByRole('status').getByText(/big\.kmap.*cancelled.*basic-e\.kmap.*shown again/).waitFor();
  assert.match(await page.title(), /^basic-e\.kmap/);
  await shot(page, '17-cancel-gives-back');
  assertNoErrors(errors);
});

test('a load that replaces a load still running, then cancelled, gives back what was shown before both', async () => {
  const { page, errors } = await openApp(env.browser);
  await openFixture(page, 'basic-e.kmap');
  const first = await summary(page);
  await startBigLoad(page);
  await startBigLoad(page);
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await waitLoaded(page);
  assert.deepEqual(await summary(page), first);
  await page.getByRole('status').getByText(/cancelled.*basic-e\.kmap.*shown again/).waitFor();
  assertNoErrors(errors);
});

test('"Stop and keep what is loaded" keeps the objects read so far, marked partial', async () => {
  const { page, errors } = await openApp(env.browser);
  await openFixture(page, 'basic-e.kmap');
  await startBigLoad(page);
  await page.getByRole('button', { name: 'Stop and keep what is loaded' }).click();
  await waitLoaded(page);
  const s = await summary(page);
  const objects = Number(s.objects.replace(/,/g, ''));
  assert.ok(objects > 1_000 && objects < BIG_OBJECTS, `kept ${objects} of ${BIG_OBJECTS}`);
  // The generator's exact counts: object i has one access line when
  // i % 4 == 0; complete lines only. The stop may fall between the last
  // object's line and its access line: the object is kept without it. So the
  // objects before the last have exactly their lines, and the last one (read
  // off its row, the grid's last) has its line or, only if it has one in the
  // file, none.
  const accesses = Number(s.accesses.replace(/,/g, ''));
  await waitRowCount(page, `${s.objects} objects`);
  const grid = page.getByRole('grid');
  await grid.focus();
  await grid.press('End');
  await page.waitForFunction((last) => document.querySelector(`[data-testid="object-row"][data-idx="${last}"].cursor`) !== null, objects - 1);
  const lastRow = (await visibleRows(page)).find((r) => r.idx === objects - 1);
  const lastLines = Number(lastRow.cells.accessLines);
  assert.ok(lastLines === 0 || ((objects - 1) % 4 === 0 && lastLines === 1), `the last object kept (${objects - 1}) shows ${lastLines} access lines`);
  assert.equal(accesses, Math.ceil((objects - 1) / 4) + lastLines, `${accesses} access lines for ${objects} objects`);
  assert.equal(s.badLines, '0', 'a line cut by the stop is left out, not counted bad');
  assert.match(await page.getByTestId('summary-partial').innerText(), /^first \d+%: [\d.]+ MB of [\d.]+ MB$/);
  assert.match(await page.locator('header.topbar .source').innerText(), /big\.kmap · partial/);
  assert.match(await page.title(), /^big\.kmap \(partial\)/);
  await shot(page, '17-stop-and-keep');

  // A later complete load clears the mark.
  await openFixture(page, 'basic-e.kmap');
  assert.equal(await page.getByTestId('summary-partial').count(), 0);
  assertNoErrors(errors);
});

test('filters that keep nothing of a newly opened file are announced, with a working "Clear filters"', async () => {
  const { page, errors } = await openApp(env.browser, '?v=2&src=sample.kmap&slab=task_struct&q=kthreadd');
  await waitLoaded(page, 60_000);
  const sampleKept = await rowCountText(page);
  assert.match(sampleKept, /^\d+ of 671 objects$/);
  await openFixture(page, 'basic-e.kmap');
  // basic-e.kmap has no task_struct cache: the notice names it and offers the clear.
  const notice = page.getByRole('status').locator('.notice').filter({ hasText: 'task_struct' });
  await notice.waitFor();
  assert.match(await notice.innerText(), /This file has no slab cache "task_struct"/);
  await notice.getByRole('button', { name: 'Clear filters' }).click();
  await waitRowCount(page, '11 objects');
  await notice.waitFor({ state: 'detached' });
  assert.equal(new URL(page.url()).searchParams.get('slab'), null);
  assert.equal(new URL(page.url()).searchParams.get('q'), null);

  // A filter whose names exist but that keeps nothing: the general notice.
  await page.getByLabel('Search').fill('comm:nobody-here');
  await page.getByLabel('Search').press('Enter');
  await openFixture(page, 'basic-e.kmap');
  const none = page.getByRole('status').locator('.notice').filter({ hasText: 'The filters keep none of the 11 objects' });
  await none.waitFor();
  await none.getByRole('button', { name: 'Clear filters' }).click();
  await waitRowCount(page, '11 objects');
  assertNoErrors(errors);
});
