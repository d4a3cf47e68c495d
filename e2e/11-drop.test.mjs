// 11. Dropping a file anywhere on the page shows the drop overlay and opens
//     it; a second file replaces the first.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { assertNoErrors, fixture, launch, openApp, shot, summary, waitLoaded, waitRowCount } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

async function drag(page, type, name, text) {
  await page.evaluate(
    ([type, name, text]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type: 'text/plain' }));
      document.body.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    [type, name, text],
  );
}

test('drop a kmap on the page, then another one', async () => {
  const { page, errors } = await openApp(browser);
  const basic = readFileSync(fixture('basic-e.kmap'), 'utf8');
  await drag(page, 'dragenter', 'basic-e.kmap', basic);
  await page.getByText('Drop a kmap to open it').waitFor();
  await shot(page, '11-drop-overlay');
  await drag(page, 'drop', 'basic-e.kmap', basic);
  await waitLoaded(page);
  assert.equal(await page.getByText('Drop a kmap to open it').count(), 0);
  assert.equal((await summary(page)).objects, '11');

  const damaged = readFileSync(fixture('damaged-e.kmap'), 'utf8');
  await drag(page, 'dragenter', 'damaged-e.kmap', damaged);
  await drag(page, 'drop', 'damaged-e.kmap', damaged);
  await waitRowCount(page, '3 objects');
  await waitLoaded(page);
  const s = await summary(page);
  assert.equal(s.objects, '3');
  assert.equal(s.badLines, '4');
  assert.match(await page.title(), /damaged-e\.kmap/);
  assertNoErrors(errors);
});
