// 8. The bundled sample loads from the empty state (by URL, ?src=) and the
//    table fills; a link with src= loads it by itself.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoErrors, launch, openApp, shot, summary, TIMEOUT, waitLoaded } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test('the bundled sample opens from the empty state', async () => {
  const { page, errors } = await openApp(browser);
  await page.getByRole('button', { name: 'Open the bundled sample' }).click();
  await waitLoaded(page, 60_000);
  const s = await summary(page);
  const objects = Number(s.objects.replace(/,/g, ''));
  assert.ok(objects > 0, `objects: ${s.objects}`);
  assert.equal(s.badLines, '0', 'the sample has no bad lines');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="object-row"]').length > 10, undefined, {
    timeout: TIMEOUT,
  });
  assert.equal(new URL(page.url()).searchParams.get('src'), 'sample.kmap');
  await shot(page, '08-sample');

  // Open an object with accesses for a fuller picture (a number column sorts biggest first).
  await page.getByRole('columnheader', { name: 'access lines' }).getByRole('button').click();
  await page.locator('[data-testid="object-row"][data-pos="0"]').click();
  await page.getByTestId('object-detail').locator('.fields').waitFor();
  await page.getByTestId('access-row').first().waitFor();
  await shot(page, '08-sample-detail');

  const link = page.url();
  const again = await openApp(browser, link.slice(link.indexOf('?')));
  await waitLoaded(again.page, 60_000);
  assert.equal((await summary(again.page)).objects, s.objects);
  await again.page.getByTestId('object-detail').locator('.fields').waitFor();
  assertNoErrors(errors);
  assertNoErrors(again.errors);
});
