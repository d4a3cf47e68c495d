// 30. Memorizer's split CSV pair made from public/sample.kmap
//     (e2e/split-pair.mjs): dropped together, or chosen together with
//     "Open kmap", the two files open as one capture with the sample's
//     object and access counts (and the CLI's stats of the kmap and of the
//     pair), the summary
//     names both files; one file of the pair alone gets an alert naming the
//     file it needs.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { kmapCli } from './analysis-helpers.mjs';
import { kmapToPair } from './split-pair.mjs';
import { ROOT, assertNoErrors, loadCount, openApp, shot, summary, waitLoaded, withBrowserAndFolder } from './helpers.mjs';

const SAMPLE = join(ROOT, 'public', 'sample.kmap');
let allocations;
let accesses;
const env = withBrowserAndFolder('kmap-e2e-split-', (dir) => {
  const pair = kmapToPair(readFileSync(SAMPLE, 'utf8'));
  allocations = join(dir, 'sample.allocations.csv');
  accesses = join(dir, 'sample.accesses.csv');
  writeFileSync(allocations, pair.allocations);
  writeFileSync(accesses, pair.accesses);
});

/** The sample's figures as the CLI prints them for the kmap; the CLI prints the same for the pair. */
async function cliStats() {
  const kmap = await kmapCli(['stats', SAMPLE, '--json']);
  assert.equal(await kmapCli(['stats', accesses, allocations, '--json']), kmap);
  return JSON.parse(kmap);
}

const fmt = (n) => n.toLocaleString('en-US');

async function expectSample(page) {
  const s = await summary(page);
  const cli = await cliStats();
  assert.equal(s.format, 'E');
  assert.equal(s.objects, fmt(cli.objects));
  assert.equal(s.objects, '671');
  assert.equal(s.accesses, fmt(cli.accesses));
  assert.equal(s.accesses, '24,175');
  assert.equal(s.live, fmt(cli.liveObjects));
  assert.equal(s.reads, fmt(cli.reads));
  assert.equal(s.writes, fmt(cli.writes));
  assert.equal(s.badLines, '0');
  assert.equal((await page.getByTestId('summary-split-files').textContent())?.trim(), 'sample.allocations.csv + sample.accesses.csv');
  // The two catch-all objects share alloc index 0: their rows are counted as joined by a shared index.
  assert.match((await page.getByTestId('summary-split-ambiguous').textContent()) ?? '', /^2,758 rows$/);
  assert.match(await page.title(), /sample\.allocations\.csv \+ sample\.accesses\.csv/);
}

test('dropping the pair (accesses first) opens it as one capture with the sample\'s counts', async () => {
  const { page, errors } = await openApp(env.browser);
  const before = await loadCount(page);
  const files = [
    { name: 'sample.accesses.csv', text: readFileSync(accesses, 'utf8') },
    { name: 'sample.allocations.csv', text: readFileSync(allocations, 'utf8') },
  ];
  for (const type of ['dragenter', 'drop']) {
    await page.evaluate(
      ([type, files]) => {
        const dt = new DataTransfer();
        for (const f of files) dt.items.add(new File([f.text], f.name, { type: 'text/csv' }));
        document.body.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      [type, files],
    );
  }
  await page.waitForFunction((n) => Number(document.querySelector('header.topbar')?.getAttribute('data-load-count')) > n, before);
  await waitLoaded(page);
  await expectSample(page);
  await shot(page, '27-pair-dropped');
  assertNoErrors(errors);
});

test('"Open kmap" takes both files at once; one of them alone says which file it needs', async () => {
  const { page, errors } = await openApp(env.browser);
  const input = page.getByLabel('Open kmap');
  await input.setInputFiles(allocations);
  const alert = page.getByRole('alert').filter({ hasText: 'sample.allocations.csv' });
  await alert.waitFor({ timeout: 1500 });
  assert.match(await alert.innerText(), /"allocations" CSV file, not a kmap: it opens together with the "accesses" file/);
  const before = await loadCount(page);
  await input.setInputFiles([allocations, accesses]);
  await page.waitForFunction((n) => Number(document.querySelector('header.topbar')?.getAttribute('data-load-count')) > n, before);
  await waitLoaded(page);
  await expectSample(page);
  assert.equal(await page.getByRole('alert').count(), 0, 'the alert of the file alone is gone');
  assertNoErrors(errors);
});
