// 23. The Lifetimes tab on the bundled sample: the index window typed for
//     each of its three meanings filters the objects table to the count that
//     `kmap stats --window ... --window-meaning ...` gives; a window brushed
//     with the mouse lands where dragged and does too; "Jump to peak" moves
//     the window onto the chart's bin with the most live bytes (computed here
//     from the dump); the histogram's buckets hold the CLI's counts; both
//     "Download CSV" buttons save what the CLI prints; a copied link brings
//     back the tab, the grouping and the window in a fresh page.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { cliDump, cliStats, fmt, kmapCli, openSample, rowCountFor, SAMPLE, selectTab, SYMBOLS } from './analysis-helpers.mjs';
import { assertNoErrors, BASE_URL, launch, openApp, shot, TIMEOUT, waitLoaded, waitRowCount } from './helpers.mjs';

const MEANINGS = ['allocated', 'liveAtEnd', 'survived'];
const MEANING_LABEL = { allocated: 'Allocated in the window', liveAtEnd: 'Live at the window’s end', survived: 'Allocated in it, not freed in it' };

let browser;
let full;
before(async () => {
  browser = await launch();
  full = await cliStats();
});
after(async () => browser?.close());

const windowFlags = (start, end, meaning) => ['--window', `${start}-${end}`, '--window-meaning', meaning];

async function setWindow(page, start, end, meaning) {
  await page.getByLabel('Window keeps objects').selectOption(meaning);
  await page.getByLabel('Window start').fill(String(start));
  await page.getByLabel('Window end').fill(String(end));
  await page.getByRole('button', { name: 'Set window' }).click();
}

/** The window as the page's inputs show it. */
async function windowInputs(page) {
  return {
    start: Number(await page.getByLabel('Window start').inputValue()),
    end: Number(await page.getByLabel('Window end').inputValue()),
  };
}

async function downloadText(page, button) {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: TIMEOUT }), button.click()]);
  return { text: await readFile(await download.path(), 'utf8'), name: download.suggestedFilename() };
}

test('a typed window keeps what the CLI keeps, for each meaning, in every tab', async () => {
  const { page, errors } = await openSample(browser, '&tab=lifetimes');
  await page.getByTestId('live-chart').waitFor();
  for (const meaning of MEANINGS) {
    const want = await cliStats(windowFlags(10000, 20000, meaning));
    assert.ok(want.objects > 0 && want.objects < full.objects, `${meaning}: the window keeps some objects (${want.objects})`);
    await setWindow(page, 10000, 20000, meaning);
    await waitRowCount(page, rowCountFor(want.objects, full.objects));
    const chip = await page.getByTestId('window-chip').innerText();
    assert.match(chip, /\[10,000, 20,000\)/);
    assert.equal(new URL(page.url()).searchParams.get('win'), '10000-20000');
    assert.equal(new URL(page.url()).searchParams.get('winm'), meaning === 'allocated' ? null : meaning);
  }
  // The three meanings differ on the sample (else the loop above proves little).
  const counts = await Promise.all(MEANINGS.map(async (m) => (await cliStats(windowFlags(10000, 20000, m))).objects));
  assert.ok(new Set(counts).size >= 2, `meanings give different counts: ${counts}`);
  // Other tabs apply it: the Objects tab lists the window's objects.
  await selectTab(page, 'Objects');
  await page.locator('[data-testid="object-row"]').first().waitFor();
  // Removing the chip brings back every object.
  await page.getByRole('button', { name: 'Remove the index window' }).click();
  await waitRowCount(page, rowCountFor(full.objects, full.objects));
  // A bad window is refused with a message, and the filter is unchanged.
  await selectTab(page, 'Lifetimes');
  await page.getByLabel('Window start').fill('500');
  await page.getByLabel('Window end').fill('20');
  await page.getByRole('button', { name: 'Set window' }).click();
  await page.getByRole('alert').filter({ hasText: /starts before it ends/ }).waitFor();
  await waitRowCount(page, rowCountFor(full.objects, full.objects));
  assertNoErrors(errors);
});

test('a brushed window lands where dragged and filters to the CLI count; Jump to peak finds the peak bin', async () => {
  const { page, errors } = await openSample(browser, '&tab=lifetimes');
  const canvas = page.getByTestId('live-chart');
  await canvas.waitFor();
  const box = await canvas.boundingBox();
  // Drag across the middle of the plot (the plot starts 64 px in).
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + 64 + (box.width - 74) * 0.3, y);
  await page.mouse.down();
  await page.mouse.move(box.x + 64 + (box.width - 74) * 0.45, y, { steps: 5 });
  await page.mouse.move(box.x + 64 + (box.width - 74) * 0.6, y, { steps: 5 });
  await page.mouse.up();
  await page.getByTestId('window-chip').waitFor();
  const brushed = await windowInputs(page);
  assert.ok(brushed.end > brushed.start, `brushed ${JSON.stringify(brushed)}`);
  const want = await cliStats(windowFlags(brushed.start, brushed.end, 'allocated'));
  await waitRowCount(page, rowCountFor(want.objects, full.objects));
  assert.equal(new URL(page.url()).searchParams.get('win'), `${brushed.start}-${brushed.end}`);
  await shot(page, '23-brushed');

  // Jump to peak: the bin with the most live bytes among the chart's bins
  // (the chart draws all filtered objects, the window aside), computed here
  // from the dump: live bytes at every index, the chart's even bins
  // (bin b starts at start + floor(b * span / n)), the first bin with the most.
  const label = await canvas.getAttribute('aria-label');
  const bins = Number(/([\d,]+) bins/.exec(label)[1].replace(/,/g, ''));
  const dump = await cliDump();
  const allocs = dump.map((o) => Number(o.allocIndex));
  const start = Math.min(...allocs);
  const end = Math.max(...allocs, ...dump.map((o) => Number(o.freeIndex))) + 1;
  const span = end - start;
  // Where the brush landed: 30% to 60% of the plot, within a pixel's worth.
  const tolerance = Math.ceil(span / (box.width - 74)) + 1;
  assert.ok(Math.abs(brushed.start - (start + 0.3 * span)) <= tolerance, `brush start ${brushed.start}`);
  assert.ok(Math.abs(brushed.end - (start + 0.6 * span)) <= tolerance, `brush end ${brushed.end}`);
  const delta = new Float64Array(span + 1);
  for (const o of dump) {
    const a = Number(o.allocIndex);
    const f = Number(o.freeIndex);
    if (f !== 0 && f <= a) continue;
    delta[a - start] += Number(o.size);
    if (f !== 0) delta[f - start] -= Number(o.size);
  }
  let liveBytes = 0;
  const edges = Array.from({ length: bins + 1 }, (_, b) => (b === bins ? end : start + Math.floor((b * span) / bins)));
  let peak = -1;
  let peakBytes = -1;
  let t = 0;
  for (let b = 0; b < bins; b++) {
    let max = 0;
    for (; start + t < edges[b + 1]; t++) {
      liveBytes += delta[t];
      if (liveBytes > max) max = liveBytes;
    }
    if (max > peakBytes) [peak, peakBytes] = [b, max];
  }
  const rows = edges.slice(0, -1).map((e, b) => [e, edges[b + 1]]);
  await page.getByRole('button', { name: 'Jump to peak' }).click();
  await page.waitForFunction(
    (want) => document.querySelector('[aria-label="Window start"]')?.value === want,
    String(rows[peak][0]),
  );
  assert.deepEqual(await windowInputs(page), { start: rows[peak][0], end: rows[peak][1] });
  assertNoErrors(errors);
});

test('the histogram holds the CLI counts; both downloads equal the CLI; a link brings it all back', async () => {
  const { page, errors } = await openSample(browser, '&tab=lifetimes&lby=type');
  await page.getByRole('radio', { name: 'Objects', exact: true }).check();
  const cliRows = (await kmapCli(['lifetimes', SAMPLE, '--symbols', SYMBOLS, '--by', 'type', '--json']).then(JSON.parse));
  const perBucket = new Map();
  for (const r of cliRows) perBucket.set(r.bucketLow, (perBucket.get(r.bucketLow) ?? 0) + r.objects);
  assert.ok(perBucket.size >= 5, 'the sample spreads over several buckets');
  for (const [low, objects] of perBucket) {
    const slot = low === 0 ? 0 : Math.log2(low) + 1;
    const bar = page.locator(`[data-testid="lifetime-bucket"][data-bucket="${slot}"]`);
    await bar.waitFor();
    const name = await bar.getAttribute('aria-label');
    assert.match(name, new RegExp(`: ${fmt(objects)}( \\(|$)`), `bucket from ${low}: ${name}`);
  }

  const hist = await downloadText(page, page.getByRole('button', { name: 'Download CSV' }).first());
  assert.match(hist.name, /lifetimes-type\.csv$/);
  assert.equal(hist.text, await kmapCli(['lifetimes', SAMPLE, '--symbols', SYMBOLS, '--by', 'type']));
  const live = await downloadText(page, page.getByRole('button', { name: 'Download CSV' }).nth(1));
  const bins = /live-(\d+)-bins\.csv$/.exec(live.name)?.[1];
  assert.ok(bins, live.name);
  assert.equal(live.text, await kmapCli(['live', SAMPLE, '--symbols', SYMBOLS, '--bins', bins]));

  await setWindow(page, 2000, 30000, 'survived');
  const want = await cliStats(windowFlags(2000, 30000, 'survived'));
  await waitRowCount(page, rowCountFor(want.objects, full.objects));
  const url = page.url();
  const fresh = await openApp(browser, url.slice(BASE_URL.length + 1));
  await waitLoaded(fresh.page, 60_000);
  await waitRowCount(fresh.page, rowCountFor(want.objects, full.objects));
  assert.equal(await fresh.page.getByRole('tab', { name: 'Lifetimes' }).getAttribute('aria-selected'), 'true');
  assert.equal(await fresh.page.getByLabel('Group by').inputValue(), 'type');
  assert.equal(await fresh.page.getByLabel('Window keeps objects').inputValue(), 'survived');
  assert.deepEqual(await windowInputs(fresh.page), { start: 2000, end: 30000 });
  assert.match(await fresh.page.getByTestId('window-chip').innerText(), /allocated and not freed in index window \[2,000, 30,000\)/);
  assertNoErrors(errors);
  assertNoErrors(fresh.errors);
});

test('the objects the window keeps are drawn one band each; a click selects one', async () => {
  const dump = await cliDump();
  const [start, end] = [10000, 20000];
  // Allocated in the window (the default meaning), with a lifetime (freed after their alloc, or never).
  const inWindow = dump.filter((o) => {
    const a = Number(o.allocIndex);
    const f = Number(o.freeIndex);
    return a >= start && a < end && (f === 0 || f > a);
  });
  assert.ok(inWindow.length > 10, `${inWindow.length} objects allocated in the window`);
  const { page, errors } = await openSample(browser, `&tab=lifetimes&win=${start}-${end}`);
  const caption = page.getByTestId('bands-caption');
  await page.waitForFunction(() => /one band each/.test(document.querySelector('[data-testid="bands-caption"]')?.textContent ?? ''));
  assert.match(await caption.innerText(), new RegExp(`The ${fmt(inWindow.length)} objects the window keeps that are live in it`));
  // Click in the middle of the first lane: a band of the first series covers it.
  const bands = page.getByTestId('bands-chart');
  const box = await bands.boundingBox();
  await page.mouse.move(box.x + 64 + (box.width - 74) / 2, box.y + 5);
  await page.getByTestId('bands-hover').filter({ hasText: /object #\d+/ }).waitFor();
  const named = Number(/object #(\d+)/.exec(await page.getByTestId('bands-hover').innerText())[1]);
  assert.ok(inWindow.some((o) => o.idx === named), `object #${named} is one the window keeps`);
  await page.mouse.click(box.x + 64 + (box.width - 74) / 2, box.y + 5);
  await page.waitForFunction((want) => new URL(location.href).searchParams.get('obj') === String(want), named);
  assert.equal(await page.getByRole('tab', { name: 'Objects' }).getAttribute('aria-selected'), 'true');
  assertNoErrors(errors);
});

test(`the window's meanings are named in the select`, async () => {
  const { page, errors } = await openSample(browser, '&tab=lifetimes');
  const options = await page.getByLabel('Window keeps objects').locator('option').allTextContents();
  assert.deepEqual(options, MEANINGS.map((m) => MEANING_LABEL[m]));
  assertNoErrors(errors);
});
