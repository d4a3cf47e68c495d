// 18. The data worker dies: killed by an uncaught error in the middle of a
//     load, or closing itself after one (no event reports that; a Web Lock
//     does). Either way the page says so in words naming the file, keeps the
//     view (the URL's filters and src), and Retry opens the file again with
//     the same view (and the symbol file the worker took with it).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { waitSymbols } from './analysis-helpers.mjs';
import { launch, openApp, summary, waitLoaded } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

/** The page's one worker (the data worker). */
async function dataWorker(page) {
  if (page.workers().length === 0) await page.waitForEvent('worker');
  return page.workers()[0];
}

/** Browser messages a dead worker leaves behind: its uncaught error. */
const expected = (e) => /boom/.test(e);

test('an uncaught error kills the worker mid-load: a message naming the file, the view kept, Retry loads it', async () => {
  const src = '/__e2e/slow.kmap?objects=20000&chunks=20&ms=120';
  const { page, errors } = await openApp(browser, `?v=2&src=${encodeURIComponent(src)}&state=live&tab=breakdown`);
  await page.getByRole('progressbar').waitFor();
  const worker = await dataWorker(page);
  await worker.evaluate(() => {
    setTimeout(() => {
      throw new Error('boom');
    });
  });
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /The data worker stopped while loading "slow\.kmap": .*boom.*the view is kept/s);
  assert.equal(await page.getByRole('progressbar').count(), 0, 'no load hangs on the dead worker');
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('src'), src, 'the link keeps its src');
  assert.equal(url.searchParams.get('state'), 'live');
  assert.equal(url.searchParams.get('tab'), 'breakdown');

  await alert.getByRole('button', { name: 'Retry' }).click();
  await waitLoaded(page, 60_000);
  assert.equal((await summary(page)).objects, '20,000');
  assert.equal(await page.getByRole('tab', { name: 'Breakdown' }).getAttribute('aria-selected'), 'true');
  assert.equal(new URL(page.url()).searchParams.get('state'), 'live');
  assert.deepEqual(errors.filter((e) => !expected(e)), []);
});

test('a worker that closes itself is noticed; Retry brings back the kmap and its symbols', async () => {
  const { page, errors } = await openApp(browser, '?v=2&src=sample.kmap&symbols=sample.System.map');
  await waitLoaded(page, 60_000);
  await waitSymbols(page);
  const worker = await dataWorker(page);
  await worker.evaluate(() => self.close()).catch(() => {});
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /The data worker stopped holding "sample\.kmap": it ended without a word/);
  assert.equal(new URL(page.url()).searchParams.get('src'), 'sample.kmap');

  await alert.getByRole('button', { name: 'Retry' }).click();
  await waitLoaded(page, 60_000);
  assert.equal((await summary(page)).objects, '671');
  assert.match(await waitSymbols(page), /100%/);
  assert.equal(new URL(page.url()).searchParams.get('symbols'), 'sample.System.map');
  assert.deepEqual(errors, []);
});
