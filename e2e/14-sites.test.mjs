// 14. The Access-sites tab on the bundled sample with its System.map,
//     filtered to the dentry cache: the sites are the CLI's (`kmap sites
//     --slab dentry --json`), busiest first, with their reads, writes, lines,
//     objects, pids and caches; a click on a site filters the objects to
//     those it accessed and opens the Objects tab, where an object's access
//     lines at that site are highlighted. Cross-checked by hand from the dump.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  chipNames,
  cliDump,
  cliSites,
  cliStats,
  filterBar,
  fmt,
  fnOf,
  gridRows,
  openSample,
  pickName,
  rowCountFor,
  selectTab,
  waitGridRow,
} from './analysis-helpers.mjs';
import { accessRows, assertNoErrors, launch, shot, TIMEOUT, waitRowCount } from './helpers.mjs';

let browser;
let full;
let dump;
let sites;
let sitesOther;
let searchDentry;
before(async () => {
  browser = await launch();
  [full, dump, sites, sitesOther, searchDentry] = await Promise.all([
    cliStats(),
    cliDump(),
    cliSites(['--slab', 'dentry']),
    cliSites(['--slab', 'dentry', '--other-tasks']),
    cliStats(['--search', 'slab:dentry']),
  ]);
});
after(async () => browser?.close());

/** Compares a rendered site row with the CLI's row of the same site. */
function assertSite(row, cli, what) {
  assert.ok(cli, `${what}: the CLI has site ${row?.key}`);
  assert.equal(row.cells.site, cli.site, `${what}: site text`);
  assert.equal(row.cells.reads, fmt(cli.reads), `${what} ${cli.site}: reads`);
  assert.equal(row.cells.writes, fmt(cli.writes), `${what} ${cli.site}: writes`);
  assert.equal(row.cells.accessLines, fmt(cli.accessLines), `${what} ${cli.site}: access lines`);
  assert.equal(row.cells.objects, fmt(cli.objects), `${what} ${cli.site}: objects`);
  assert.equal(row.cells.pids, fmt(cli.pids), `${what} ${cli.site}: pids`);
}

test('slab:dentry: the CLI\'s sites; a site click lists its objects, its lines highlighted', async () => {
  const dentryObjs = dump.filter((o) => o.slab === 'dentry');
  assert.equal(searchDentry.objects, dentryObjs.length, 'q=slab:dentry keeps the dentry objects');
  const top = sites[0];
  // By hand from the dump: the top site's reads, writes and objects among dentry objects.
  const at = (o) => o.accesses.filter((a) => fnOf(a.fn) === top.site);
  const hand = {
    reads: dentryObjs.reduce((s, o) => s + at(o).reduce((t, a) => t + a.reads, 0), 0),
    writes: dentryObjs.reduce((s, o) => s + at(o).reduce((t, a) => t + a.writes, 0), 0),
    objects: dentryObjs.filter((o) => at(o).length > 0).length,
  };
  assert.deepEqual(hand, { reads: top.reads, writes: top.writes, objects: top.objects }, 'CLI and dump agree on the top site');

  const { page, errors } = await openSample(browser, '&q=slab:dentry&tab=sites');
  assert.equal(await page.getByRole('tab', { name: 'Access sites', exact: true }).getAttribute('aria-selected'), 'true');
  await waitRowCount(page, rowCountFor(searchDentry.objects, full.objects));
  const first = await waitGridRow(page, 'site-row', top.site);
  const rows = await gridRows(page, 'site-row');
  assert.equal(rows[0].key, top.site, 'the busiest site first');
  assertSite(first, top, 'dentry');
  assert.ok(rows.length >= 8, `rendered rows: ${rows.length}`);
  assert.deepEqual(
    rows.map((r) => r.key),
    sites.slice(0, rows.length).map((s) => s.site),
  );
  for (const r of rows) {
    const cli = sites.find((s) => s.site === r.key);
    assertSite(r, cli, 'dentry');
    // Only dentry objects are kept: one cache, with all the site's lines.
    assert.equal(r.cells.caches, `dentry ${fmt(cli.accessLines)}`, `${r.key}: caches`);
  }
  await shot(page, '14-sites-dentry');

  // A click on the top site: the Objects tab, the objects it accessed.
  await page.locator(`[data-testid="site-row"][data-key="${top.site}"]`).click();
  await page.waitForFunction(
    () => document.querySelector('[role="tab"][aria-selected="true"]')?.textContent.trim() === 'Objects',
  );
  await waitRowCount(page, rowCountFor(top.objects, full.objects));
  assert.deepEqual(await chipNames(page), [`Remove access site ${top.site}`]);
  const params = new URL(page.url()).searchParams;
  assert.deepEqual(params.getAll('asite').flatMap((v) => v.split(',')), [top.site]);
  assert.equal(params.get('q'), 'slab:dentry');

  // The first listed object: its lines at the site are highlighted, the others not.
  const firstRow = page.locator('[data-testid="object-row"][data-pos="0"]');
  await firstRow.waitFor();
  const idx = Number(await firstRow.getAttribute('data-idx'));
  const obj = dump[idx];
  assert.equal(obj.slab, 'dentry');
  const expectedHighlighted = at(obj).length;
  assert.ok(expectedHighlighted > 0, `object ${idx} has lines at ${top.site}`);
  await firstRow.click();
  await page.getByTestId('access-row').first().waitFor();
  const acc = await accessRows(page);
  assert.equal(acc.length, obj.accesses.length);
  const flags = await page.$$eval('[data-testid="access-row"]', (rs) =>
    rs.map((r) => ({ hl: r.getAttribute('data-highlight') === 'true', ip: r.querySelector('[data-col="ip"]').innerText.trim() })),
  );
  const highlighted = flags.filter((f) => f.hl);
  assert.equal(highlighted.length, expectedHighlighted, JSON.stringify(flags));
  assert.ok(highlighted.every((f) => fnOf(f.ip) === top.site), 'highlighted lines are at the site');
  assert.ok(flags.filter((f) => !f.hl).every((f) => fnOf(f.ip) !== top.site), 'other lines are not highlighted');
  await shot(page, '14-sites-highlight');
  assertNoErrors(errors);
});

test('a slab chip, then the tab; "Accessed by other tasks" gives the CLI\'s --other-tasks sites', async () => {
  const { page, errors } = await openSample(browser);
  await pickName(page, 'Slab cache', 'dentry');
  await waitRowCount(page, rowCountFor(full.bySlab.dentry, full.objects));
  await selectTab(page, 'Access sites');
  assert.equal(new URL(page.url()).searchParams.get('tab'), 'sites');
  assertSite(await waitGridRow(page, 'site-row', sites[0].site), sites[0], 'dentry chip');
  assert.equal((await gridRows(page, 'site-row'))[0].key, sites[0].site);

  await filterBar(page).getByLabel('Accessed by other tasks').check();
  assert.notEqual(sitesOther[0].site, sites[0].site, 'the order changes with --other-tasks');
  await page.waitForFunction(
    (want) => {
      const grid = document.querySelector('[data-testid="site-row"]')?.closest('[role="grid"]');
      return grid?.getAttribute('aria-busy') !== 'true' && document.querySelector('[data-testid="site-row"]')?.getAttribute('data-key') === want;
    },
    sitesOther[0].site,
    { timeout: TIMEOUT },
  );
  const rows = await gridRows(page, 'site-row');
  assert.deepEqual(
    rows.map((r) => r.key),
    sitesOther.slice(0, rows.length).map((s) => s.site),
  );
  for (const r of rows) assertSite(r, sitesOther.find((s) => s.site === r.key), 'dentry, other tasks');
  await shot(page, '14-sites-other-tasks');
  assertNoErrors(errors);
});
