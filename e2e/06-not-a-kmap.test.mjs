// 6. A PNG, a JSON file, an empty file and plain text: a clear message in an
//    alert region within a second (1.5 s allowed from setInputFiles), no
//    crash, and the loaded view stays as it was. So does a file whose first
//    64 KiB pass the quick check but which the worker then finds is no kmap.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoErrors, launch, openApp, openFixture, rowCountText, shot, summary } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

const CASES = [
  { name: 'picture.png', mimeType: 'image/png', buffer: PNG, message: /PNG image/ },
  { name: 'data.json', mimeType: 'application/json', buffer: Buffer.from('{"objects": [1, 2, 3]}\n'), message: /JSON/ },
  { name: 'empty.kmap', mimeType: 'text/plain', buffer: Buffer.alloc(0), message: /empty/ },
  {
    name: 'notes.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('just some notes\nnothing to see here\n'),
    message: /Not a kmap/,
  },
];

test('files that are not kmaps get an alert at once and keep the view', async () => {
  const { page, errors } = await openApp(browser);
  await openFixture(page, 'basic-e.kmap');
  const before = await summary(page);
  for (const c of CASES) {
    const t0 = Date.now();
    await page.getByLabel('Open kmap').setInputFiles({ name: c.name, mimeType: c.mimeType, buffer: c.buffer });
    const alert = page.getByRole('alert').filter({ hasText: c.name });
    await alert.waitFor({ timeout: 1500 });
    const elapsed = Date.now() - t0;
    assert.ok(elapsed <= 1500, `${c.name}: alert after ${elapsed} ms`);
    assert.match(await alert.innerText(), c.message);
    if (c.name === 'picture.png') await shot(page, '06-alert-png');
    assert.deepEqual(await summary(page), before, `${c.name}: the loaded view is unchanged`);
    assert.equal(await rowCountText(page), '11 objects');
    await page.getByRole('button', { name: 'Dismiss error' }).click();
  }
  // Still works: a kmap after the failures loads.
  await openFixture(page, 'damaged-e.kmap');
  assert.equal((await summary(page)).objects, '3');
  assertNoErrors(errors);
});

test('a non-kmap as the first file leaves the empty state usable', async () => {
  const { page, errors } = await openApp(browser);
  const t0 = Date.now();
  await page.getByLabel('Open kmap').setInputFiles({ name: 'picture.png', mimeType: 'image/png', buffer: PNG });
  await page.getByRole('alert').waitFor({ timeout: 1500 });
  assert.ok(Date.now() - t0 <= 1500);
  assert.ok(await page.getByRole('button', { name: 'Open the bundled sample' }).isVisible());
  await openFixture(page, 'basic-e.kmap');
  assert.equal((await summary(page)).objects, '11');
  assert.equal(await page.getByRole('alert').count(), 0, 'a successful load clears the error');
  assertNoErrors(errors);
});

test('a file found not to be a kmap only after its first 64 KiB gives the previous view back', async () => {
  const { page, errors } = await openApp(browser);
  await openFixture(page, 'basic-e.kmap');
  const before = await summary(page);
  await page.locator('[data-testid="object-row"][data-idx="4"]').click();
  // A first line longer than the quick check's 64 KiB (the check then leaves
  // the judgement to the worker), then 2,500 lines of 8 comma-separated
  // words: detected as variant B at the 2,000th line, none of them valid,
  // so not a kmap.
  const line = 'not,a,kmap,at,all,just,eight,words-and-some-padding\n';
  const buffer = Buffer.from('x'.repeat(70 * 1024) + '\n' + line.repeat(2500));
  await page.getByLabel('Open kmap').setInputFiles({ name: 'words.csv', mimeType: 'text/csv', buffer });
  const alert = page.getByRole('alert').filter({ hasText: /Could not open "words.csv": Not a kmap: none of the first 2000 object lines/ });
  await alert.waitFor();
  await page.getByText('basic-e.kmap').first().waitFor();
  assert.deepEqual(await summary(page), before, 'the previous summary is back');
  assert.equal(await rowCountText(page), '11 objects');
  assert.equal(new URL(page.url()).searchParams.get('obj'), '4', 'the selection is back');
  await page.locator('[data-testid="object-row"]').first().waitFor();
  await shot(page, '06-previous-kept');
  assertNoErrors(errors);
});
