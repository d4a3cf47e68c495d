// 28. A link made on a file opened from disk names it: the URL carries the
//     file's name and fingerprint (size and a hash of its first MiB); a fresh
//     page opened with the link says which file it expects, stays quiet when
//     that file is opened, and says so when another file is opened.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoErrors, BASE_URL, launch, openApp, openFixture } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

test('the link names its file; another file is announced', async () => {
  const first = await openApp(browser);
  await openFixture(first.page, 'basic-e.kmap');
  await first.page.waitForFunction(() => new URL(location.href).searchParams.get('fp') !== null);
  const url = new URL(first.page.url());
  assert.equal(url.searchParams.get('file'), 'basic-e.kmap');
  assert.match(url.searchParams.get('fp'), /^\d+-[0-9a-f]{16}$/);
  url.searchParams.set('q', 'cat');
  const link = url.pathname + url.search;

  // The same file: no notice, and the view applies.
  const same = await openApp(browser, link.slice(1));
  assert.match(await same.page.getByTestId('link-hint').innerText(), /a view of basic-e\.kmap \(\d[\d,]* bytes\).*search “cat”/s);
  await openFixture(same.page, 'basic-e.kmap');
  // The link's search applies: fewer than the file's 11 objects are listed.
  await same.page.waitForFunction(() => / of 11 objects$/.test(document.querySelector('[data-testid="row-count"]')?.textContent?.trim() ?? ''));
  assert.equal(await same.page.getByText(/is a different file/).count(), 0);

  // Another file: the notice names both, and the link now names the file opened.
  const other = await openApp(browser, link.slice(1));
  await openFixture(other.page, 'basic-b.kmap');
  await other.page.getByText(/made on basic-e\.kmap .* basic-b\.kmap .* is a different file/).waitFor();
  assert.equal(new URL(other.page.url()).searchParams.get('file'), 'basic-b.kmap');
  assert.ok(other.page.url().startsWith(BASE_URL));
  assertNoErrors(first.errors);
  assertNoErrors(same.errors);
  assertNoErrors(other.errors);
});
