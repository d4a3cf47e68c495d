// 22. A file too big for the tab is announced before it is read: after its
//     first megabytes the page says what the file holds, what it would take
//     in memory and how much of it fits, and asks. Cancel gives the kmap
//     shown before back; "Load the first N%" reads on (the load then stops
//     at the budget, partial). The file is a 64 GB sparse file whose first
//     10 MB are a kmap: its size is real to the browser, its disk use is not.
//     While the question waits the load is paused, so the progress bar's
//     fill, its aria value and the percentage shown are compared there.

import assert from 'node:assert/strict';
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateKmap } from './generate.mjs';
import { assertNoErrors, openApp, openFixture, shot, summary, waitLoaded, withBrowserAndFolder } from './helpers.mjs';

const SPARSE_BYTES = 64e9;

let file;
const env = withBrowserAndFolder('kmap-e2e-too-big-', (dir) => {
  file = join(dir, 'huge.kmap');
  writeFileSync(file, generateKmap(100_000));
  truncateSync(file, SPARSE_BYTES);
});

async function askedAbout(page) {
  await page.getByLabel('Open kmap').setInputFiles(file);
  const question = page.getByRole('alertdialog', { name: 'Too big for this tab' });
  await question.waitFor();
  return question;
}

test('the question says what the file needs and what fits; Cancel gives the kmap before back', async () => {
  const { page, errors } = await openApp(env.browser);
  await openFixture(page, 'basic-e.kmap');
  const first = await summary(page);
  const question = await askedAbout(page);
  const text = await question.innerText();
  assert.match(text, /"huge\.kmap" is too big to load whole in this tab\.\s+Its 59\.6 GiB hold about [\d,]+ objects and [\d,]+ access lines \(estimated from the part read so far\), which would take about [\d.]+ GiB of memory/);
  // The rows read so far are on screen while the question waits.
  await page.locator('[data-testid="object-row"]').first().waitFor();
  const fits = Number(/About the first (\d+(?:\.\d)?)% of the file fits/.exec(text)?.[1]);
  assert.ok(fits > 0 && fits < 100, `fits ${fits}%`);
  // The way on that keeps the user's choice is the focused one.
  const load = question.getByRole('button', { name: `Load the first ${fits}%` });
  assert.equal(await load.evaluate((b) => b === document.activeElement), true);

  // The load waits: the bar, its value and the figure beside it agree.
  const bar = page.getByRole('progressbar');
  const pct = Number(await bar.getAttribute('aria-valuenow'));
  const shown = await page.locator('.load-progress-text').innerText();
  assert.match(shown, new RegExp(`\\b${pct}%`));
  const [fill, track] = await Promise.all([bar.locator('.progress-fill').boundingBox(), bar.boundingBox()]);
  assert.ok(Math.abs(fill.width / track.width - pct / 100) < 0.01, `fill ${fill.width}/${track.width} vs ${pct}%`);
  await shot(page, '22-too-big');

  await question.getByRole('button', { name: 'Cancel' }).click();
  await waitLoaded(page);
  assert.deepEqual(await summary(page), first);
  await page.getByRole('status').getByText(/huge\.kmap.*cancelled.*basic-e\.kmap.*shown again/).waitFor();
  assertNoErrors(errors);
});

test('"Load the first N%" reads on; the load can be stopped and is marked partial', async () => {
  const { page, errors } = await openApp(env.browser);
  await openFixture(page, 'basic-e.kmap');
  const question = await askedAbout(page);
  await question.getByRole('button', { name: /^Load the first/ }).click();
  await question.waitFor({ state: 'detached' });
  // Reading on: past the first 8 MiB slice.
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid="progress-bytes"]')?.textContent ?? '0') > 20);
  await page.getByRole('button', { name: 'Stop and keep what is loaded' }).click();
  await waitLoaded(page);
  const s = await summary(page);
  assert.equal(s.objects, '100,000');
  assert.match(await page.getByTestId('summary-partial').innerText(), /^first 0%: [\d.]+ MB of 64000 MB$/);
  assertNoErrors(errors);
});
