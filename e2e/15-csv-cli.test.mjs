// 15. "Download CSV" in the Breakdown and Access-sites tabs saves, byte for
//     byte, what the kmap CLI prints for the same filters (`kmap breakdown
//     --by ...` and `kmap sites` on the sample with its System.map): filters
//     set with the filter bar, and filters from a link.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { cliBreakdownCsv, cliSitesCsv, cliStats, filterBar, openSample, pickName, rowCountFor, selectTab } from './analysis-helpers.mjs';
import { assertNoErrors, launch, TIMEOUT, waitRowCount } from './helpers.mjs';

const BAR_FLAGS = ['--slab', 'dentry', '--slab', 'filp', '--live'];
const LINK_QUERY = '&comm=ls,sh&nosent=1&state=freed&size=100-';
const LINK_FLAGS = ['--command', 'ls', '--command', 'sh', '--no-sentinels', '--freed', '--min-size', '100'];

let browser;
const want = {};
before(async () => {
  browser = await launch();
  [want.full, want.barStats, want.barSlab, want.barSites, want.linkStats, want.linkSite, want.linkSites] = await Promise.all([
    cliStats(),
    cliStats(BAR_FLAGS),
    cliBreakdownCsv('slab', BAR_FLAGS),
    cliSitesCsv(BAR_FLAGS),
    cliStats(LINK_FLAGS),
    cliBreakdownCsv('site', LINK_FLAGS),
    cliSitesCsv(LINK_FLAGS),
  ]);
});
after(async () => browser?.close());

/** Clicks the view's "Download CSV" and returns the saved file's bytes and suggested name. */
async function downloadCsv(page) {
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: TIMEOUT }),
    page.getByRole('button', { name: 'Download CSV' }).click(),
  ]);
  const path = await download.path();
  return { bytes: await readFile(path), name: download.suggestedFilename() };
}

/** Byte-for-byte equality, with a readable diff of the first differing line on failure. */
function assertSameCsv(got, wantText, what) {
  const want = Buffer.from(wantText, 'utf8');
  if (got.equals(want)) return;
  const g = got.toString('utf8').split('\n');
  const w = wantText.split('\n');
  const i = g.findIndex((line, k) => line !== w[k]);
  assert.fail(
    `${what}: the CSV differs from the CLI's (${got.length} vs ${want.length} bytes); first at line ${i + 1}:\n` +
      `  page: ${JSON.stringify(g[i])}\n  CLI:  ${JSON.stringify(w[i])}`,
  );
}

function assertRealCsv(text, header) {
  const lines = text.split('\n');
  assert.equal(lines[0], header);
  assert.ok(lines.length > 3, `the CLI's CSV has groups: ${JSON.stringify(text.slice(0, 200))}`);
}

test('breakdown by slab and access sites, filters from the filter bar', async () => {
  assertRealCsv(want.barSlab, 'key,objects,live,bytes,liveBytes,accessLines,reads,writes');
  assertRealCsv(want.barSites, 'site,reads,writes,accessLines,objects,pids');
  const { page, errors } = await openSample(browser, '&tab=breakdown&by=slab');
  await pickName(page, 'Slab cache', 'dentry');
  await pickName(page, 'Slab cache', 'filp');
  await filterBar(page).getByRole('radio', { name: 'Live', exact: true }).check();
  await waitRowCount(page, rowCountFor(want.barStats.objects, want.full.objects));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="breakdown-row"]').length === 2);

  const slab = await downloadCsv(page);
  assert.match(slab.name, /\.csv$/);
  assertSameCsv(slab.bytes, want.barSlab, 'breakdown --by slab --slab dentry --slab filp --live');

  await selectTab(page, 'Access sites');
  await page.locator('[data-testid="site-row"]').first().waitFor();
  const sites = await downloadCsv(page);
  assert.match(sites.name, /\.csv$/);
  assertSameCsv(sites.bytes, want.barSites, 'sites --slab dentry --slab filp --live');
  assertNoErrors(errors);
});

test('breakdown by site and access sites, filters from a link', async () => {
  assertRealCsv(want.linkSite, 'key,objects,live,bytes,liveBytes,accessLines,reads,writes');
  const { page, errors } = await openSample(browser, `${LINK_QUERY}&tab=breakdown&by=site`);
  await waitRowCount(page, rowCountFor(want.linkStats.objects, want.full.objects));
  assert.equal(await page.getByLabel('Group by').inputValue(), 'site');
  await page.locator('[data-testid="breakdown-row"]').first().waitFor();
  assertSameCsv((await downloadCsv(page)).bytes, want.linkSite, `breakdown --by site ${LINK_FLAGS.join(' ')}`);

  await selectTab(page, 'Access sites');
  await page.locator('[data-testid="site-row"]').first().waitFor();
  assertSameCsv((await downloadCsv(page)).bytes, want.linkSites, `sites ${LINK_FLAGS.join(' ')}`);
  assertNoErrors(errors);
});
