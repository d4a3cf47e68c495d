// 24. The Matrix tab on the bundled sample with its System.map: the cell of
//     a known function x cache (unmap_page_range x vm_area_struct) shows the
//     reads, writes, access lines and objects `kmap matrix` gives for that
//     pair, and clicking it filters the objects to exactly those it counted;
//     the keyboard moves between cells and Enter does the same; "Download
//     CSV" saves what `kmap matrix` prints; the settings (columns, colour,
//     order) go into the link and come back in a fresh page.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { cliStats, fmt, kmapCli, openSample, rowCountFor, SAMPLE, SYMBOLS } from './analysis-helpers.mjs';
import { assertNoErrors, BASE_URL, launch, openApp, shot, TIMEOUT, waitLoaded, waitRowCount } from './helpers.mjs';

const SITE = 'unmap_page_range';
const CACHE = 'vm_area_struct';

let browser;
let full;
let matrix;
before(async () => {
  browser = await launch();
  full = await cliStats();
  matrix = JSON.parse(await kmapCli(['matrix', SAMPLE, '--symbols', SYMBOLS, '--cols', 'slab', '--json']));
});
after(async () => browser?.close());

const cellOf = (page, site, column) => page.locator(`.matrix-cell button[data-site="${site}"][data-column="${column}"]`);

test('a known cell shows the CLI figures and filters to its objects', async () => {
  const want = matrix.find((r) => r.site === SITE && r.column === CACHE);
  assert.ok(want, `the CLI lists ${SITE} x ${CACHE}`);
  assert.ok(want.objects > 1 && want.reads > 0 && want.accessLines > want.objects, JSON.stringify(want));
  const { page, errors } = await openSample(browser, '&tab=matrix');
  const cell = cellOf(page, SITE, CACHE);
  await cell.waitFor();
  const label = await cell.getAttribute('aria-label');
  assert.ok(
    label.startsWith(`${SITE} × ${CACHE}: ${fmt(want.reads)} reads, ${fmt(want.writes)} writes, ${fmt(want.accessLines)} access lines, ${fmt(want.objects)} objects`),
    label,
  );
  await shot(page, '24-matrix');
  await cell.click();
  await waitRowCount(page, rowCountFor(want.objects, full.objects));
  assert.equal(await page.getByRole('tab', { name: 'Objects' }).getAttribute('aria-selected'), 'true');
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('asite'), SITE);
  assert.equal(url.searchParams.get('slab'), CACHE);
  assertNoErrors(errors);
});

test('the keyboard moves between cells; Enter filters to the focused pair', async () => {
  const { page, errors } = await openSample(browser, '&tab=matrix');
  const first = page.locator('.matrix-cell button[tabindex="0"]');
  await first.focus();
  // The first row is the busiest site, the first column its busiest cache.
  const site = await first.getAttribute('data-site');
  assert.equal(site, matrix[0].site, 'the top row is the site with the most reads + writes');
  await page.keyboard.press('ArrowDown');
  const below = await page.evaluate(() => document.activeElement?.getAttribute('data-pos'));
  assert.equal(below, '1:0');
  const pair = await page.evaluate(() => [document.activeElement.getAttribute('data-site'), document.activeElement.getAttribute('data-column')]);
  const want = matrix.find((r) => r.site === pair[0] && r.column === pair[1]);
  assert.ok(want, `the CLI lists ${pair}`);
  await page.keyboard.press('Enter');
  await waitRowCount(page, rowCountFor(want.objects, full.objects));
  assertNoErrors(errors);
});

test('Download CSV equals kmap matrix; settings travel in the link', async () => {
  const { page, errors } = await openSample(browser, '&tab=matrix');
  await cellOf(page, SITE, CACHE).waitFor();
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: TIMEOUT }), page.getByRole('button', { name: 'Download CSV' }).click()]);
  assert.match(download.suggestedFilename(), /matrix-slab\.csv$/);
  const text = await readFile(await download.path(), 'utf8');
  assert.equal(text, await kmapCli(['matrix', SAMPLE, '--symbols', SYMBOLS, '--cols', 'slab']));

  await page.getByLabel('Columns').selectOption('type');
  await page.getByRole('radio', { name: 'Writes', exact: true }).check();
  await page.getByRole('radio', { name: 'Clustered', exact: true }).check();
  const types = JSON.parse(await kmapCli(['matrix', SAMPLE, '--symbols', SYMBOLS, '--cols', 'type', '--json']));
  const top = types[0];
  await cellOf(page, top.site, top.column).waitFor();
  const params = new URL(page.url()).searchParams;
  assert.equal(params.get('mcols'), 'type');
  assert.equal(params.get('mcolor'), 'writes');
  assert.equal(params.get('morder'), 'cluster');
  // The types matrix's download is `kmap matrix --cols type`.
  const [d2] = await Promise.all([page.waitForEvent('download', { timeout: TIMEOUT }), page.getByRole('button', { name: 'Download CSV' }).click()]);
  assert.equal(await readFile(await d2.path(), 'utf8'), await kmapCli(['matrix', SAMPLE, '--symbols', SYMBOLS, '--cols', 'type']));

  const fresh = await openApp(browser, page.url().slice(BASE_URL.length + 1));
  await waitLoaded(fresh.page, 60_000);
  await cellOf(fresh.page, top.site, top.column).waitFor();
  assert.equal(await fresh.page.getByLabel('Columns').inputValue(), 'type');
  assert.ok(await fresh.page.getByRole('radio', { name: 'Writes', exact: true }).isChecked());
  assert.ok(await fresh.page.getByRole('radio', { name: 'Clustered', exact: true }).isChecked());
  assertNoErrors(errors);
  assertNoErrors(fresh.errors);
});

test('the matrix, the Lifetimes charts and the Breakdown bars and icicle download as SVG and PNG', async () => {
  const { page, errors } = await openSample(browser, '&tab=matrix');
  await cellOf(page, SITE, CACHE).waitFor();
  const save = async (name) => {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: TIMEOUT }), page.getByRole('button', { name }).click()]);
    return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
  };
  const svg = await save('Download the matrix as SVG');
  assert.match(svg.name, /matrix-slab\.svg$/);
  const text = svg.bytes.toString('utf8');
  assert.ok(text.startsWith('<svg ') && text.endsWith('</svg>'), text.slice(0, 80));
  assert.ok(text.includes(`>${SITE}<`) && text.includes(`>${CACHE}<`), 'the known site and cache are labelled');
  const cells = (text.match(/<rect x=/g) ?? []).length;
  assert.ok(cells > 20, `${cells} cells`);
  const png = await save('Download the matrix as PNG');
  assert.match(png.name, /matrix-slab\.png$/);
  assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
  assert.ok(png.bytes.length > 5000, `${png.bytes.length} bytes`);

  await page.getByRole('tab', { name: 'Lifetimes' }).click();
  await page.getByTestId('live-chart').waitFor();
  const live = await save('Download the live chart as SVG');
  const liveText = live.bytes.toString('utf8');
  assert.ok(liveText.startsWith('<svg ') && (liveText.match(/<rect /g) ?? []).length > 100, 'the live chart has its bins');
  const hist = await save('Download the lifetime histogram as PNG');
  assert.deepEqual([...hist.bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);

  await page.getByRole('tab', { name: 'Breakdown' }).click();
  await page.locator('[data-testid="breakdown-bar"]').first().waitFor();
  const bars = await save('Download the bar chart as SVG');
  assert.match(bars.name, /breakdown-slab-bars\.svg$/);
  const barsText = bars.bytes.toString('utf8');
  const shown = await page.locator('[data-testid="breakdown-bar"]').count();
  assert.equal((barsText.match(/<rect x='240'/g) ?? []).length, shown, 'one bar per bar on the page');
  await page.getByRole('radio', { name: 'Icicle', exact: true }).check();
  const icicle = await save('Download the icicle as SVG');
  assert.match(icicle.name, /breakdown-icicle\.svg$/);
  const icicleText = icicle.bytes.toString('utf8');
  assert.ok(icicleText.includes('>dentry<') || icicleText.includes('>dentry…<') || /<text[^>]*>KMEM_CACHE/.test(icicleText), 'names in the icicle');
  assert.ok((icicleText.match(/<rect x=/g) ?? []).length > 10, 'the icicle has its tiles');
  assertNoErrors(errors);
});
