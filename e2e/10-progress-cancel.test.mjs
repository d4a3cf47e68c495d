// 10. While a (slowly served) kmap loads: the progress bar shows bytes,
//     percent and rate (the object count is the summary strip's), the table already has rows, and Cancel
//     stops the load.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoErrors, launch, openApp, shot, summary, waitLoaded } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

const slowSrc = (objects, chunks, ms) => `/__e2e/slow.kmap?objects=${objects}&chunks=${chunks}&ms=${ms}`;

test('the table fills while the file is loading', async () => {
  const src = slowSrc(60_000, 40, 150);
  const { page, errors } = await openApp(browser, `?v=1&src=${encodeURIComponent(src)}`);
  const bar = page.getByRole('progressbar');
  await bar.waitFor();
  // Rows while the progress bar is still there.
  await page.waitForFunction(
    () =>
      document.querySelector('[role="progressbar"]') !== null &&
      document.querySelectorAll('[data-testid="object-row"]').length > 5 &&
      /loading/.test(document.querySelector('[data-testid="row-count"]')?.textContent ?? ''),
  );
  const text = await page.getByRole('region', { name: 'Loading' }).innerText();
  assert.match(text, /Loading slow\.kmap/);
  assert.match(text, /MB of [\d.]+ MB/);
  assert.match(text, /\d+%/);
  assert.match(text, /MB\/s/);
  // One object count on screen: the summary strip's, not a second one in the progress line.
  assert.doesNotMatch(text, /objects/);
  const now = Number(await bar.getAttribute('aria-valuenow'));
  assert.ok(now >= 0 && now < 100, `aria-valuenow ${now}`);
  await shot(page, '10-loading');
  // A file that is not a kmap, chosen while loading, is refused and the load goes on.
  await page.getByLabel('Open kmap').setInputFiles({ name: 'oops.json', mimeType: 'application/json', buffer: Buffer.from('[1, 2]') });
  await page.getByRole('alert').filter({ hasText: 'oops.json' }).waitFor();
  assert.equal(await page.getByRole('progressbar').count(), 1, 'still loading');
  await waitLoaded(page, 60_000);
  assert.equal((await summary(page)).objects, '60,000');
  assert.equal((await summary(page)).accesses, '15,000');
  assert.equal(new URL(page.url()).searchParams.get('src'), src);
  assertNoErrors(errors);
});

test('Cancel stops a load', async () => {
  const src = slowSrc(60_000, 100, 200);
  const { page, errors } = await openApp(browser, `?v=1&src=${encodeURIComponent(src)}`);
  await page.getByRole('progressbar').waitFor();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('status').getByText(/cancelled/).waitFor();
  await page.getByRole('button', { name: 'Open the bundled sample' }).waitFor();
  assert.equal(await page.getByRole('progressbar').count(), 0);
  assert.equal(new URL(page.url()).searchParams.get('src'), null);
  assertNoErrors(errors);
});
