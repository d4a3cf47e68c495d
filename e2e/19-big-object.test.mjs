// 19. One object with 1.5 million access lines (a catch-all object can have
//     that many): its detail opens with the first 1,000 lines of the order,
//     the object's own totals, and a note saying so; sorting by a column
//     brings the largest values of all 1.5 million lines to the top (sorted
//     in the worker, not by shipping every line to the page), with "Working…"
//     in the top bar while a sort takes a while.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { accessRows, assertNoErrors, openApp, TIMEOUT, waitLoaded, withBrowserAndFolder } from './helpers.mjs';

const LINES = 1_500_000;

let file;
let maxReads = 0;
let maxReadsIp = '';
let readsTotal = 0;
let writesTotal = 0;
const env = withBrowserAndFolder('kmap-e2e-bigobj-', (dir) => {
  file = join(dir, 'big-object.kmap');
  // Deterministic values: reads = (i * 7919) % 100003, writes = i % 5; one IP of 4096 per line.
  const parts = ['0000000000000000,0,ffff888000000000,4096,1,0,0000000000000000,UFO_MEMBLOCK,,no-slab,\n'];
  for (let i = 0; i < LINES; i++) {
    const reads = (i * 7919) % 100003;
    const writes = i % 5;
    const ip = `ffffffff81${(0x100000 + (i % 4096) * 16).toString(16).padStart(6, '0')}`;
    if (reads > maxReads) {
      maxReads = reads;
      maxReadsIp = ip;
    }
    readsTotal += reads;
    writesTotal += writes;
    parts.push(`  ${ip},${writes},${reads},${i % 3 === 0 ? -1 : 100 + (i % 50)}\n`);
  }
  parts.push('ffffffff81001010,100,ffff888000001000,64,10,0,0000000000000000,KMALLOC,cat,kmalloc-64,\n');
  writeFileSync(file, parts.join(''));
});

test('an object with 1.5 million access lines opens a window of them and sorts all of them', async () => {
  const { page, errors } = await openApp(env.browser);
  await page.getByLabel('Open kmap').setInputFiles(file);
  await waitLoaded(page, 120_000);
  const t0 = Date.now();
  await page.locator('[data-testid="object-row"][data-idx="0"]').click();
  await page.getByTestId('access-table').waitFor({ timeout: TIMEOUT });
  const opened = Date.now() - t0;
  assert.equal(await page.locator('[data-testid="access-row"]').count(), 1000);
  assert.equal(
    (await page.getByTestId('access-total').innerText()).replace(/\s+/g, ' ').trim(),
    `Total: ${LINES.toLocaleString('en-US')} access lines ${readsTotal.toLocaleString('en-US')} ${writesTotal.toLocaleString('en-US')}`,
  );
  assert.match(await page.getByTestId('access-window').innerText(), /Showing the first 1,000 of 1,500,000/);

  // "Working…" in the top bar: recorded whenever it shows, checked below against how long the sorts took.
  await page.evaluate(() => {
    const w = window;
    w.__busySeen = false;
    const busy = document.querySelector('[data-testid="busy"]');
    new MutationObserver(() => {
      if (busy.textContent.includes('Working')) w.__busySeen = true;
    }).observe(busy, { childList: true, subtree: true, characterData: true });
  });
  const t1 = Date.now();
  await page.getByTestId('access-table').getByRole('button', { name: 'reads' }).click(); // ascending
  await page.getByTestId('access-table').getByRole('button', { name: 'reads' }).click(); // descending
  await page.waitForFunction(
    (max) => document.querySelector('[data-testid="access-row"] [data-col="reads"]')?.textContent?.replace(/,/g, '') === String(max),
    maxReads,
    { timeout: TIMEOUT },
  );
  const sorted = Date.now() - t1;
  const first = (await accessRows(page))[0];
  assert.equal(first.ip, maxReadsIp);
  // Two sorts that took long enough must have shown "Working…" (it shows after 100 ms of waiting), and it is gone now.
  if (sorted > 1000) assert.equal(await page.evaluate(() => window.__busySeen), true, `two sorts took ${sorted} ms and "Working…" never showed`);
  await page.waitForFunction(() => !document.querySelector('[data-testid="busy"]').textContent.includes('Working'));
  // Not an assertion (timings belong to npm run bench): what this run took, for the log.
  console.log(`# opened in ${opened} ms, two sorts in ${sorted} ms; "Working…" ${(await page.evaluate(() => window.__busySeen)) ? "shown" : "not shown"}`);
  assertNoErrors(errors);
});
