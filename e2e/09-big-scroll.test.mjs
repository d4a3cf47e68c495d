// 9. A generated file of 200,000 objects: it loads, and scrolling to the
//    bottom of the table shows the last object.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { generateKmap } from './generate.mjs';
import { assertNoErrors, launch, openApp, shot, summary, waitLoaded } from './helpers.mjs';

const NUM_OBJECTS = 200_000;

let browser;
let dir;
let file;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kmap-e2e-'));
  file = join(dir, 'big.kmap');
  writeFileSync(file, generateKmap(NUM_OBJECTS));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('200,000 objects scroll to the last one', async () => {
  const { page, errors } = await openApp(browser);
  await page.getByLabel('Open kmap').setInputFiles(file);
  await waitLoaded(page, 120_000);
  const s = await summary(page);
  assert.equal(s.objects, '200,000');
  assert.equal(s.accesses, '50,000');
  assert.equal(s.badLines, '0');

  const scroller = page.getByTestId('objects-scroll');
  await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await page.waitForFunction(
    (last) => document.querySelector(`[data-testid="object-row"][data-idx="${last}"]`) !== null,
    NUM_OBJECTS - 1,
  );
  const bottom = await page.evaluate(() => {
    const scrollerEl = document.querySelector('[data-testid="objects-scroll"]');
    const box = scrollerEl.getBoundingClientRect();
    const rows = Array.from(document.querySelectorAll('[data-testid="object-row"]'))
      .map((r) => ({ r, rect: r.getBoundingClientRect() }))
      .filter(({ rect }) => rect.bottom > box.top && rect.top < box.bottom);
    rows.sort((a, b) => a.rect.top - b.rect.top);
    const last = rows[rows.length - 1];
    return {
      num: last.r.querySelector('[data-col="idx"]').textContent,
      bottomGap: box.bottom - last.rect.bottom,
      scrollbar: scrollerEl.offsetHeight - scrollerEl.clientHeight,
    };
  });
  assert.equal(bottom.num, String(NUM_OBJECTS - 1), 'the last visible row is the last object');
  assert.ok(bottom.bottomGap >= -1 && bottom.bottomGap <= bottom.scrollbar + 2, `fully visible: ${JSON.stringify(bottom)}`);
  await shot(page, '09-big-bottom');

  // The middle, too: the rows there are the objects there.
  await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
  await page.waitForFunction(() => {
    const idx = Array.from(document.querySelectorAll('[data-testid="object-row"]')).map((r) => Number(r.getAttribute('data-idx')));
    return idx.some((i) => Math.abs(i - 100_000) < 100);
  });

  // Sorted by size descending (a number column's first click), the bottom row is a smallest object.
  const sizeButton = page.getByRole('columnheader', { name: 'size' }).getByRole('button');
  await sizeButton.click();
  await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await page.waitForFunction(() => {
    const rows = Array.from(document.querySelectorAll('[data-testid="object-row"]'));
    const max = Math.max(...rows.map((r) => Number(r.getAttribute('data-pos'))));
    const last = rows.find((r) => Number(r.getAttribute('data-pos')) === max);
    return max === 199_999 && last?.querySelector('[data-col="size"]')?.textContent === '64';
  });
  assertNoErrors(errors);
});

test('past 400,000 rows the scroll range is compressed and still reaches both ends', async () => {
  const n = 500_000;
  const bigger = join(dir, 'bigger.kmap');
  writeFileSync(bigger, generateKmap(n));
  const { page, errors } = await openApp(browser);
  await page.getByLabel('Open kmap').setInputFiles(bigger);
  await waitLoaded(page, 180_000);
  assert.equal((await summary(page)).objects, '500,000');
  const scroller = page.getByTestId('objects-scroll');
  const height = await scroller.evaluate((el) => el.scrollHeight);
  assert.ok(height < n * 22, `content height ${height} px is capped`);
  await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await page.waitForFunction((last) => document.querySelector(`[data-testid="object-row"][data-idx="${last}"]`) !== null, n - 1);
  await scroller.evaluate((el) => (el.scrollTop = (el.scrollHeight - el.clientHeight) / 2));
  await page.waitForFunction(() => {
    const idx = Array.from(document.querySelectorAll('[data-testid="object-row"]')).map((r) => Number(r.getAttribute('data-idx')));
    return idx.some((i) => Math.abs(i - 250_000) < 100);
  });
  // Keyboard: End goes to the last row, Home back to the first.
  await page.getByRole('grid').focus();
  await page.getByRole('grid').press('End');
  await page.waitForFunction((last) => document.querySelector(`[data-testid="object-row"][data-idx="${last}"].cursor`) !== null, n - 1);
  await page.getByRole('grid').press('Home');
  await page.waitForFunction(() => document.querySelector('[data-testid="object-row"][data-idx="0"].cursor') !== null);
  assertNoErrors(errors);
});
