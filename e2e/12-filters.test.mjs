// 12. The filter bar on the bundled sample (with its System.map): every
//     control narrows the objects to the count `kmap stats --json` gives for
//     the same flags, and the summary's filtered figures are the CLI's; the
//     field search (comm:, fn:, addr:) agrees with the CLI and with a count
//     by hand from `kmap dump`; "Clear filters" restores, also from an empty
//     table; a copied link restores every control in a new context.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  chipNames,
  cliDump,
  cliStats,
  filterBar,
  fmt,
  fnOf,
  openSample,
  pickName,
  rowCountFor,
  search,
  summaryOf,
  toggleStates,
  waitFilteredSummary,
  waitSymbols,
} from './analysis-helpers.mjs';
import { assertNoErrors, launch, openApp, rowCountText, shot, TIMEOUT, visibleRows, waitLoaded, waitRowCount, waitRowIdxs } from './helpers.mjs';

let browser;
let full;
let dump;
/** An address inside an object (16 bytes in), and the objects containing it, by hand. */
let probeAddr;
let addrIdxs;
/** Expected `stats --json` per case name. */
const want = {};

const LINK_FLAGS = [
  '--slab', 'dentry', '--slab', 'filp',
  '--command', 'ls', '--command', 'sh',
  '--pid', '34', '--pid', '35',
  '--freed', '--no-sentinels', '--other-tasks',
  '--min-size', '100', '--max-size', '4096',
];

const CASES = {
  slab: ['--slab', 'dentry'],
  type: ['--type', 'KMALLOC'],
  command: ['--command', 'ls'],
  pid: ['--pid', '35'],
  live: ['--live'],
  freed: ['--freed'],
  nosent: ['--no-sentinels'],
  other: ['--other-tasks'],
  size: ['--min-size', '64', '--max-size', '512'],
  comm: ['--search', 'comm:ls'],
  fn: ['--search', 'fn:__d_alloc'],
  empty: ['--min-size', '99999999'],
  emptyCommand: ['--command', ''],
  link: LINK_FLAGS,
  linkSearch: [...LINK_FLAGS, '--search', 'fn:__d_alloc'],
};

before(async () => {
  browser = await launch();
  dump = await cliDump();
  // Object 5 of the sample (768 bytes at ffff88800015c000): any object of 64 bytes or more would do.
  const probe = dump.find((o) => o.size >= 64 && o.slab !== 'no-slab');
  probeAddr = (BigInt(`0x${probe.address}`) + 16n).toString(16).padStart(16, '0');
  const a = BigInt(`0x${probeAddr}`);
  addrIdxs = dump
    .filter((o) => BigInt(`0x${o.address}`) <= a && a < BigInt(`0x${o.address}`) + BigInt(o.size))
    .map((o) => o.idx);
  CASES.addr = ['--search', `addr:${probeAddr}`];
  const names = Object.keys(CASES);
  const results = [];
  // Four CLI runs at a time: the machine has two cores.
  for (let i = 0; i < names.length; i += 4) {
    results.push(...(await Promise.all(names.slice(i, i + 4).map((n) => cliStats(CASES[n])))));
  }
  names.forEach((n, i) => (want[n] = results[i]));
  full = await cliStats();
});
after(async () => browser?.close());

async function expectFiltered(page, name) {
  const s = want[name];
  await waitRowCount(page, rowCountFor(s.objects, full.objects));
  if (s.objects === full.objects) return;
  const f = await waitFilteredSummary(page, s.objects);
  assert.equal(f.objects, fmt(s.objects), `${name}: filtered objects`);
  assert.equal(f.bytesTitle, summaryOf(s).bytesTitle, `${name}: filtered bytes`);
}

async function expectUnfiltered(page) {
  await waitRowCount(page, rowCountFor(full.objects, full.objects));
  await page.getByTestId('summary-filtered-objects').waitFor({ state: 'detached' });
  assert.equal(await filterBar(page).getByRole('button', { name: 'Clear filters' }).count(), 0, 'no "Clear filters" without a filter');
}

const param = (page, k) => new URL(page.url()).searchParams.get(k);

test('each control gives the CLI count and filtered summary', async () => {
  const { page, errors } = await openSample(browser);
  const bar = filterBar(page);
  // File totals, no filtered figures.
  assert.equal((await page.getByTestId('summary-objects').textContent()).trim(), fmt(full.objects));
  await expectUnfiltered(page);

  // Slab cache, type, command: a chip each, the URL parameter, Clear filters.
  for (const [name, label, value, chip, key, counts] of [
    ['slab', 'Slab cache', 'dentry', 'Remove dentry', 'slab', full.bySlab],
    ['type', 'Type', 'KMALLOC', 'Remove type KMALLOC', 'type', full.byType],
    ['command', 'Command', 'ls', 'Remove command ls', 'comm', full.byCommand],
  ]) {
    await pickName(page, label, value, counts[value]);
    await expectFiltered(page, name);
    assert.deepEqual(await chipNames(page), [chip]);
    assert.equal(param(page, key), value);
    await bar.getByRole('button', { name: 'Clear filters' }).click();
    await expectUnfiltered(page);
    assert.deepEqual(await chipNames(page), []);
  }

  // Allocating pid.
  const pid = bar.getByLabel('Allocating pid');
  await pid.fill('35');
  await pid.press('Enter');
  await expectFiltered(page, 'pid');
  assert.equal(param(page, 'pid'), '35');
  await pid.fill('');
  await pid.press('Enter');
  await expectUnfiltered(page);

  // Objects state.
  const state = bar.getByRole('radiogroup', { name: 'Objects state' });
  await state.getByRole('radio', { name: 'Live', exact: true }).check();
  await expectFiltered(page, 'live');
  assert.equal(param(page, 'state'), 'live');
  await state.getByRole('radio', { name: 'Freed', exact: true }).check();
  await expectFiltered(page, 'freed');
  assert.equal(param(page, 'state'), 'freed');
  assert.equal(want.live.objects + want.freed.objects, full.objects, 'live + freed = all');
  await state.getByRole('radio', { name: 'All', exact: true }).check();
  await expectUnfiltered(page);

  // The two checkboxes.
  await bar.getByLabel('Hide sentinel objects').check();
  await expectFiltered(page, 'nosent');
  assert.equal(param(page, 'nosent'), '1');
  await bar.getByLabel('Hide sentinel objects').uncheck();
  await expectUnfiltered(page);
  await bar.getByLabel('Accessed by other tasks').check();
  await expectFiltered(page, 'other');
  assert.ok(param(page, 'other'), 'other= in the URL');
  await bar.getByLabel('Accessed by other tasks').uncheck();
  await expectUnfiltered(page);

  // Size range (inclusive bounds).
  await bar.getByLabel('Minimum size').fill('64');
  await bar.getByLabel('Maximum size').fill('512');
  await bar.getByLabel('Maximum size').press('Enter');
  await expectFiltered(page, 'size');
  assert.equal(param(page, 'size'), '64-512');
  const rows = await visibleRows(page);
  assert.ok(rows.length > 0 && rows.every((r) => Number(r.cells.size.replace(/,/g, '')) >= 64 && Number(r.cells.size.replace(/,/g, '')) <= 512));
  await shot(page, '12-size-filter');
  await bar.getByRole('button', { name: 'Clear filters' }).click();
  await expectUnfiltered(page);
  assert.equal(await bar.getByLabel('Minimum size').inputValue(), '');
  assert.equal(await bar.getByLabel('Maximum size').inputValue(), '');
  assertNoErrors(errors);
});

test('field search: comm:, fn:, addr: agree with the CLI and the dump', async () => {
  const { page, errors } = await openSample(browser);

  // comm:ls
  const byHandComm = dump.filter((o) => o.command === 'ls').length;
  assert.equal(want.comm.objects, byHandComm, 'CLI and dump agree on comm:ls');
  await search(page, 'comm:ls');
  await expectFiltered(page, 'comm');
  const commRows = await visibleRows(page);
  assert.ok(commRows.length > 0 && commRows.every((r) => r.cells.command === 'ls'));
  assert.equal(new URL(page.url()).searchParams.get('q'), 'comm:ls');

  // fn:__d_alloc (needs the symbols): the objects whose alloc IP is in __d_alloc.
  const byHandFn = dump.filter((o) => fnOf(o.allocFn) === '__d_alloc').map((o) => o.idx);
  assert.equal(want.fn.objects, byHandFn.length, 'CLI and dump agree on fn:__d_alloc');
  await search(page, 'fn:__d_alloc');
  await expectFiltered(page, 'fn');
  const fnRows = await visibleRows(page);
  assert.ok(fnRows.length > 0 && fnRows.every((r) => r.cells.allocIp.startsWith('__d_alloc+')), JSON.stringify(fnRows.map((r) => r.cells.allocIp)));
  assert.ok(fnRows.every((r) => byHandFn.includes(r.idx)));

  // addr:HEX inside an object: the objects containing it (file order).
  assert.equal(want.addr.objects, addrIdxs.length, 'CLI and dump agree on addr:');
  assert.ok(addrIdxs.length >= 1);
  await search(page, `addr:${probeAddr}`);
  await expectFiltered(page, 'addr');
  await waitRowIdxs(page, addrIdxs);
  await shot(page, '12-addr-search');

  // Clear filters: everything back, the search box empty.
  await filterBar(page).getByRole('button', { name: 'Clear filters' }).click();
  await expectUnfiltered(page);
  assert.equal(await page.getByLabel('Search', { exact: true }).inputValue(), '');
  assertNoErrors(errors);
});

test('a filter that keeps nothing offers "Clear filters" in the table', async () => {
  assert.equal(want.empty.objects, 0);
  const { page, errors } = await openSample(browser);
  const bar = filterBar(page);
  await bar.getByLabel('Minimum size').fill('99999999');
  await bar.getByLabel('Minimum size').press('Enter');
  await waitRowCount(page, rowCountFor(0, full.objects));
  const empty = page.getByTestId('objects-empty');
  await empty.waitFor();
  assert.equal(await page.locator('[data-testid="object-row"]').count(), 0);
  await shot(page, '12-empty');
  await empty.getByRole('button', { name: 'Clear filters' }).click();
  await expectUnfiltered(page);
  assertNoErrors(errors);
});

test('many filters at once: CLI figures; a copied link restores them in a new context', { timeout: 4 * TIMEOUT }, async () => {
  assert.ok(want.linkSearch.objects > 0 && want.linkSearch.objects < want.link.objects, 'the search narrows a non-empty set');
  const { page, errors } = await openSample(browser);
  const bar = filterBar(page);
  await pickName(page, 'Slab cache', 'dentry');
  await pickName(page, 'Slab cache', 'filp');
  await pickName(page, 'Command', 'ls');
  await pickName(page, 'Command', 'sh');
  await bar.getByLabel('Allocating pid').fill('34, 35');
  await bar.getByLabel('Allocating pid').press('Enter');
  await bar.getByRole('radio', { name: 'Freed', exact: true }).check();
  await bar.getByLabel('Hide sentinel objects').check();
  await bar.getByLabel('Accessed by other tasks').check();
  await bar.getByLabel('Minimum size').fill('100');
  await bar.getByLabel('Maximum size').fill('4096');
  await bar.getByLabel('Maximum size').press('Enter');
  await waitRowCount(page, rowCountFor(want.link.objects, full.objects));
  const f = await waitFilteredSummary(page, want.link.objects);
  assert.deepEqual(f, summaryOf(want.link), 'every filtered figure is the CLI\'s');

  await search(page, 'fn:__d_alloc');
  await waitRowCount(page, rowCountFor(want.linkSearch.objects, full.objects));
  assert.deepEqual(await waitFilteredSummary(page, want.linkSearch.objects), summaryOf(want.linkSearch));

  const chips = await chipNames(page);
  assert.deepEqual(chips, ['Remove command ls', 'Remove command sh', 'Remove dentry', 'Remove filp']);
  const toggles = await toggleStates(page);
  assert.deepEqual(toggles, { hideSentinels: true, otherTasks: true, state: 'Freed' });
  const params = new URL(page.url()).searchParams;
  assert.deepEqual(params.getAll('slab').flatMap((v) => v.split(',')).sort(), ['dentry', 'filp']);
  assert.deepEqual(params.getAll('comm').flatMap((v) => v.split(',')).sort(), ['ls', 'sh']);
  assert.deepEqual(params.getAll('pid').flatMap((v) => v.split(',')).sort(), ['34', '35']);
  assert.equal(params.get('state'), 'freed');
  assert.equal(params.get('nosent'), '1');
  assert.equal(params.get('size'), '100-4096');
  assert.equal(params.get('q'), 'fn:__d_alloc');
  assert.equal(params.get('symbols'), 'sample.System.map');
  const count = await rowCountText(page);
  await shot(page, '12-link-source');

  // The link in a new context (nothing shared with the first page).
  const link = page.url();
  const again = await openApp(browser, link.slice(link.indexOf('?')));
  assert.notEqual(again.context, page.context());
  await waitLoaded(again.page, 60_000);
  await waitSymbols(again.page);
  await waitRowCount(again.page, count);
  assert.equal(await rowCountText(again.page), rowCountFor(want.linkSearch.objects, full.objects));
  assert.deepEqual(await chipNames(again.page), chips);
  assert.deepEqual(await toggleStates(again.page), toggles);
  const bar2 = filterBar(again.page);
  assert.equal((await bar2.getByLabel('Allocating pid').inputValue()).replace(/\s/g, ''), '34,35');
  assert.equal(await bar2.getByLabel('Minimum size').inputValue(), '100');
  assert.equal(await bar2.getByLabel('Maximum size').inputValue(), '4096');
  assert.equal(await again.page.getByLabel('Search', { exact: true }).inputValue(), 'fn:__d_alloc');
  assert.deepEqual(await waitFilteredSummary(again.page, want.linkSearch.objects), summaryOf(want.linkSearch));
  await shot(again.page, '12-link-restored');
  await again.context.close();
  assertNoErrors(errors);
  assertNoErrors(again.errors);
});

test('the empty command ("(empty)") as a filter, and in a copied link', async () => {
  const byHand = dump.filter((o) => o.command === '').length;
  assert.equal(want.emptyCommand.objects, byHand, 'CLI and dump agree on --command ""');
  assert.ok(byHand > 0);
  const { page, errors } = await openSample(browser);
  await pickName(page, 'Command', '(empty)', full.byCommand['']);
  await expectFiltered(page, 'emptyCommand');
  assert.deepEqual(await chipNames(page), ['Remove command (empty)']);

  const link = page.url();
  const again = await openApp(browser, link.slice(link.indexOf('?')));
  await waitLoaded(again.page, 60_000);
  await waitSymbols(again.page);
  // The link must keep the filter: the same count and chip in the new context.
  await again.page
    .waitForFunction(
      (w) => document.querySelector('[data-testid="row-count"]')?.textContent.trim() === w,
      rowCountFor(want.emptyCommand.objects, full.objects),
      { timeout: 5000 },
    )
    .catch(() => {});
  assert.equal(
    await rowCountText(again.page),
    rowCountFor(want.emptyCommand.objects, full.objects),
    `the empty-command filter is lost by the link ${link}`,
  );
  assert.deepEqual(await chipNames(again.page), ['Remove command (empty)']);
  await again.context.close();
  assertNoErrors(errors);
  assertNoErrors(again.errors);
});
