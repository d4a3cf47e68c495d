// 13. The Breakdown tab on the bundled sample with its System.map: grouped
//     by slab cache, every shown row (order, objects, live, bytes, access
//     lines, reads, writes) is what `kmap breakdown --by slab --json` says;
//     a click on the dentry row adds the slab filter (chip, URL, row count);
//     grouped by allocation site the keys are function names, as the CLI's,
//     and a click adds an alloc-site filter.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  chipNames,
  cliBreakdown,
  cliStats,
  filterBar,
  fmt,
  gridRows,
  openSample,
  rowCountFor,
  selectTab,
  waitGridRow,
} from './analysis-helpers.mjs';
import { assertNoErrors, launch, shot, TIMEOUT, waitRowCount } from './helpers.mjs';

let browser;
let full;
let bySlab;
let bySite;
let bySiteDentry;
before(async () => {
  browser = await launch();
  [full, bySlab, bySite, bySiteDentry] = await Promise.all([
    cliStats(),
    cliBreakdown('slab'),
    cliBreakdown('site'),
    cliBreakdown('site', ['--slab', 'dentry']),
  ]);
});
after(async () => browser?.close());

const bytesTitle = (n) => `${fmt(n)} ${n === 1 ? 'byte' : 'bytes'}`;

/** Compares a rendered breakdown row with the CLI's row of the same key. */
function assertRow(row, cli, what) {
  assert.ok(cli, `${what}: the CLI has a group ${row?.key}`);
  assert.equal(row.cells.objects, fmt(cli.objects), `${what} ${cli.key}: objects`);
  assert.equal(row.cells.live, fmt(cli.live), `${what} ${cli.key}: live`);
  assert.equal(row.titles.bytes, bytesTitle(cli.bytes), `${what} ${cli.key}: bytes`);
  assert.equal(row.titles.liveBytes, bytesTitle(cli.liveBytes), `${what} ${cli.key}: live bytes`);
  assert.equal(row.cells.accessLines, fmt(cli.accessLines), `${what} ${cli.key}: access lines`);
  assert.equal(row.cells.reads, fmt(cli.reads), `${what} ${cli.key}: reads`);
  assert.equal(row.cells.writes, fmt(cli.writes), `${what} ${cli.key}: writes`);
}

test('by slab: the CLI\'s groups; a row click filters by that cache', async () => {
  const dentry = bySlab.find((r) => r.key === 'dentry');
  const task = bySlab.find((r) => r.key === 'task_struct');
  assert.ok(dentry && task);
  // Cross-check by hand: the groups add up to the file.
  assert.equal(bySlab.reduce((s, r) => s + r.objects, 0), full.objects);
  assert.equal(bySlab.reduce((s, r) => s + r.bytes, 0), full.bytes);
  assert.equal(dentry.objects, full.bySlab.dentry);

  const { page, errors } = await openSample(browser, '&tab=breakdown&by=slab');
  assert.equal(await page.getByRole('tab', { name: 'Breakdown', exact: true }).getAttribute('aria-selected'), 'true');
  assert.equal(await page.getByLabel('Group by').inputValue(), 'slab');
  const dentryRow = await waitGridRow(page, 'breakdown-row', 'dentry');
  assertRow(dentryRow, dentry, 'by slab');
  assert.equal(dentryRow.cells.key, 'dentry');
  assertRow(await waitGridRow(page, 'breakdown-row', 'task_struct'), task, 'by slab');

  // Every rendered row, in the CLI's order (bytes, biggest first).
  const rows = await gridRows(page, 'breakdown-row');
  assert.ok(rows.length >= 8, `rendered rows: ${rows.length}`);
  assert.deepEqual(
    rows.map((r) => r.key),
    bySlab.slice(0, rows.length).map((r) => r.key),
  );
  for (const r of rows) assertRow(r, bySlab.find((c) => c.key === r.key), 'by slab');
  await shot(page, '13-breakdown-slab');

  // A click on the dentry row: the slab filter, its chip, the URL; the table narrows.
  await page.locator('[data-testid="breakdown-row"][data-key="dentry"]').click();
  await waitRowCount(page, rowCountFor(dentry.objects, full.objects));
  assert.deepEqual(await chipNames(page), ['Remove dentry']);
  assert.equal(new URL(page.url()).searchParams.get('slab'), 'dentry');
  assert.equal(new URL(page.url()).searchParams.get('tab'), 'breakdown');
  // The breakdown itself narrows to that one group.
  await page.waitForFunction(() => {
    const rows = document.querySelectorAll('[data-testid="breakdown-row"]');
    return rows.length === 1 && rows[0].getAttribute('data-key') === 'dentry';
  });
  assertRow((await gridRows(page, 'breakdown-row'))[0], dentry, 'by slab, filtered');

  await selectTab(page, 'Objects');
  await waitRowCount(page, rowCountFor(dentry.objects, full.objects));
  await page.locator('[data-testid="object-row"]').first().waitFor();
  const slabs = await page.$$eval('[data-testid="object-row"] [data-col="slab"]', (c) => c.map((e) => e.innerText.trim()));
  assert.ok(slabs.length > 0 && slabs.every((s) => s === 'dentry'), JSON.stringify(slabs));
  // Objects is the default view: tab=objects or no tab= at all.
  assert.ok(['objects', null].includes(new URL(page.url()).searchParams.get('tab')), page.url());

  // Back in Breakdown, by site, with the dentry filter: the CLI's sites of dentry objects.
  await selectTab(page, 'Breakdown');
  await page.getByLabel('Group by').selectOption('site');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('by') === 'site');
  const firstDentrySite = await waitGridRow(page, 'breakdown-row', bySiteDentry[0].key);
  assertRow(firstDentrySite, bySiteDentry[0], 'by site, dentry');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="breakdown-row"]').length === n, bySiteDentry.length);
  assertNoErrors(errors);
});

test('by site: function names as the CLI\'s; a click adds an alloc-site filter', async () => {
  // With symbols every alloc site of the sample has a name, but for the sentinel alloc IPs (0, UFO codes, feedbeef).
  const sentinel = (k) => /^[0-9a-f]{16}$/.test(k) && (BigInt(`0x${k}`) <= 0xffn || k.endsWith('feedbeef'));
  assert.ok(bySite.every((r) => sentinel(r.key) || !/^[0-9a-f]{16}$/.test(r.key)), 'only sentinels stay hex');
  assert.equal(bySite.reduce((s, r) => s + r.objects, 0), full.objects);

  const { page, errors } = await openSample(browser, '&tab=breakdown&by=site');
  assert.equal(await page.getByLabel('Group by').inputValue(), 'site');
  await waitGridRow(page, 'breakdown-row', bySite[0].key);
  const rows = await gridRows(page, 'breakdown-row');
  assert.ok(rows.length >= 8);
  assert.deepEqual(
    rows.map((r) => r.key),
    bySite.slice(0, rows.length).map((r) => r.key),
  );
  for (const r of rows) {
    assert.equal(r.cells.key, r.key, 'the key cell shows the function name');
    if (!sentinel(r.key)) assert.match(r.cells.key, /^[A-Za-z_][\w.]*( \[\w+\])?$/, 'a function name, not hex');
    assertRow(r, bySite.find((c) => c.key === r.key), 'by site');
  }
  await shot(page, '13-breakdown-site');

  // The second-biggest site (a name unlike any slab or type): an alloc-site chip.
  const pick = bySite[1];
  await page.locator(`[data-testid="breakdown-row"][data-key="${pick.key}"]`).click();
  await filterBar(page).getByRole('button', { name: `Remove alloc site ${pick.key}` }).waitFor({ timeout: TIMEOUT });
  await waitRowCount(page, rowCountFor(pick.objects, full.objects));
  const siteParam = new URL(page.url()).searchParams.getAll('site').flatMap((v) => v.split(','));
  assert.deepEqual(siteParam, [pick.key]);
  await selectTab(page, 'Objects');
  await page.locator('[data-testid="object-row"]').first().waitFor();
  const fns = await page.$$eval('[data-testid="object-row"] [data-col="allocIp"]', (c) => c.map((e) => e.innerText.trim()));
  assert.ok(fns.length > 0 && fns.every((f) => f.startsWith(`${pick.key}+`)), JSON.stringify(fns.slice(0, 5)));
  assertNoErrors(errors);
});
