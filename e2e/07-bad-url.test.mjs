// 7. Bad URL parameters are ignored with a visible notice; the app works;
//    names from the URL never become markup; a src that cannot be loaded
//    (404, a web page instead of the file, no answer) is named with its URL
//    and status, stays in the address bar and can be retried.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { assertNoErrors, fixture, launch, openApp, openFixture, shot, summary, waitLoaded, waitRowCount } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test('bad and unknown parameters give notices, not a crash', async () => {
  const { page, errors } = await openApp(browser, '?v=1&sort=nope&obj=abc&zzz=1');
  const status = page.getByRole('status');
  await status.getByText(/"zzz"/).waitFor();
  const text = await status.innerText();
  assert.match(text, /sort/);
  assert.match(text, /obj/);
  assert.match(text, /unknown URL parameter "zzz"/);
  assert.equal(new URL(page.url()).search, '?v=3', 'the URL is rewritten to the valid view');
  await shot(page, '07-notices');
  await openFixture(page, 'basic-e.kmap');
  assert.equal((await summary(page)).objects, '11');
  assert.equal(await page.getByRole('columnheader', { name: '#' }).getAttribute('aria-sort'), 'ascending');
  assertNoErrors(errors);
});

test('markup in URL parameters stays text', async () => {
  const slab = '<img src=x onerror="window.__pwned=1">';
  const q = '<b id="injected">x</b>';
  const query = `?v=1&slab=${encodeURIComponent(slab)}&q=${encodeURIComponent(q)}`;
  const { page, errors } = await openApp(browser, query);
  await openFixture(page, 'basic-e.kmap');
  await waitRowCount(page, '0 of 11 objects');
  assert.equal(await page.getByRole('button', { name: `Remove ${slab}` }).count(), 1, 'the name is a chip, as text');
  assert.equal(await page.getByLabel('Search').inputValue(), q);
  assert.equal(await page.locator('img').count(), 0);
  assert.equal(await page.locator('#injected').count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  await page.getByRole('status').getByText(/has no slab cache/).waitFor();
  assertNoErrors(errors);
});

test('a link from a newer version is ignored with a notice', async () => {
  const { page, errors } = await openApp(browser, '?v=99&sort=size');
  await page.getByRole('status').getByText(/newer version/).waitFor();
  await openFixture(page, 'basic-e.kmap');
  assert.equal(await page.getByRole('columnheader', { name: 'size' }).getAttribute('aria-sort'), 'none');
  assertNoErrors(errors);
});

test('a src that cannot be fetched: the alert names the URL and status, src stays, Retry loads it', async () => {
  let serve = false;
  const setup = (context) =>
    context.route('**/missing.kmap', (route) =>
      serve
        ? route.fulfill({ status: 200, contentType: 'text/plain', body: readFileSync(fixture('basic-e.kmap')) })
        : route.fulfill({ status: 404, contentType: 'text/plain', body: 'no such file' }),
    );
  const { page, errors } = await openApp(browser, '?v=1&src=missing.kmap', { setup });
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /http:\/\/127\.0\.0\.1:\d+\/missing\.kmap answered HTTP 404/);
  await page.getByRole('button', { name: 'Open the bundled sample' }).waitFor();
  assert.equal(new URL(page.url()).searchParams.get('src'), 'missing.kmap', 'the link keeps its src');
  serve = true;
  await alert.getByRole('button', { name: 'Retry' }).click();
  await waitLoaded(page);
  assert.equal((await summary(page)).objects, '11');
  assert.equal(await page.getByRole('alert').count(), 0);
  assert.equal(new URL(page.url()).searchParams.get('src'), 'missing.kmap');
  // The failed fetch itself is logged by the browser as a resource error.
  assertNoErrors(errors.filter((e) => !/Failed to load resource.*404/.test(e)));
});

test('a src answered by a web page (a server fallback) or not at all says which, by URL', async () => {
  const setup = (context) =>
    Promise.all([
      context.route('**/page.kmap', (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: '<!doctype html><title>app</title>' })),
      context.route('**/gone.kmap', (route) => route.abort('connectionrefused')),
    ]);
  const html = await openApp(browser, '?v=2&src=page.kmap', { setup });
  await html.page.getByRole('alert').waitFor();
  assert.match(await html.page.getByRole('alert').innerText(), /\/page\.kmap answered HTTP 200 with a web page \(text\/html\), not a kmap/);
  assert.equal(new URL(html.page.url()).searchParams.get('src'), 'page.kmap');
  await html.context.close();

  const gone = await openApp(browser, '?v=2&src=gone.kmap', { setup });
  await gone.page.getByRole('alert').waitFor();
  assert.match(await gone.page.getByRole('alert').innerText(), /\/gone\.kmap could not be fetched: the server did not answer \(network error\)/);
  await gone.page.getByRole('alert').getByRole('button', { name: 'Retry' }).waitFor();
  await gone.context.close();

  // Another origin that does not answer: the message mentions CORS, the other way a cross-origin read fails.
  const other = await openApp(browser, `?v=2&src=${encodeURIComponent('http://127.0.0.1:9/x.kmap')}`);
  await other.page.getByRole('alert').waitFor();
  assert.match(await other.page.getByRole('alert').innerText(), /http:\/\/127\.0\.0\.1:9\/x\.kmap could not be fetched: .*CORS/);
  await other.context.close();
  for (const e of [...html.errors, ...gone.errors, ...other.errors]) assert.match(e, /Failed to load resource|net::ERR_|Failed to fetch/);
});
