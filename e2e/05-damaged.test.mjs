// 5. A damaged file loads its good lines, counts its bad lines, and the
//    dialog lists them with line numbers and reasons.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoErrors, launch, openApp, openFixture, shot, summary, waitRowIdxs } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test('bad lines are counted and listed', async () => {
  const { page, errors } = await openApp(browser);
  await openFixture(page, 'damaged-e.kmap');
  const s = await summary(page);
  assert.equal(s.format, 'E');
  assert.equal(s.objects, '3');
  assert.equal(s.accesses, '2');
  assert.equal(s.badLines, '4');
  await waitRowIdxs(page, [0, 1, 2]);

  await page.getByTestId('summary-bad-lines').click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  assert.match(await dialog.getByRole('heading').innerText(), /Bad lines: 4/);
  const rows = await dialog.locator('[data-testid="bad-line"]').evaluateAll((trs) =>
    trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent)),
  );
  assert.deepEqual(
    rows.map((r) => r[0]),
    ['3', '5', '6', '7'],
  );
  assert.match(rows[0][1], /1 field/);
  assert.equal(rows[0][2], 'garbage line without commas');
  assert.match(rows[1][1], /reads/);
  assert.match(rows[2][1], /va .*hex/);
  assert.match(rows[2][2], /ZZZZ888003a1c180/);
  assert.match(rows[3][1], /follows a bad object line/);
  await shot(page, '05-bad-lines-dialog');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('dialog[open]'));
  // Both ways out return focus to the button that opened the dialog.
  const focusIsOnOpener = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'summary-bad-lines');
  assert.ok(await focusIsOnOpener(), 'focus is back on the bad-lines button after Escape');
  await page.getByTestId('summary-bad-lines').click();
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
  await page.waitForFunction(() => !document.querySelector('dialog[open]'));
  assert.ok(await focusIsOnOpener(), 'focus is back on the bad-lines button after the close button');
  assertNoErrors(errors);
});
