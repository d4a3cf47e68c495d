// 20. A file with 300,000 distinct commands: the page never receives every
//     name (summaries carry the top names, the pickers the 500 most
//     frequent); the Command picker says how many more there are, asks the
//     worker for the names that contain the typed text, and filters by one
//     of them.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertNoErrors, openApp, rowCountText, waitLoaded, waitRowCount, withBrowserAndFolder } from './helpers.mjs';

const N = 300_000;

let file;
const env = withBrowserAndFolder('kmap-e2e-names-', (dir) => {
  file = join(dir, 'many-names.kmap');
  // Object i runs command `c<i>`; command `busy` has 1,000 objects (the most frequent).
  const lines = [];
  for (let i = 0; i < N; i++) {
    const cmd = i < 1000 ? 'busy' : `c${i}`;
    const addr = (0x1000 + i * 64).toString(16).padStart(12, '0');
    lines.push(`ffffffff81001010,${i},ffff8880${addr.slice(-8)},64,${2 * i + 1},0,0000000000000000,KMALLOC,${cmd},kmalloc-64,\n`);
  }
  writeFileSync(file, lines.join(''));
});

test('300,000 distinct commands: the picker lists the top 500, the worker finds the rest', async () => {
  const { page, errors } = await openApp(env.browser);
  await page.getByLabel('Open kmap').setInputFiles(file);
  await waitLoaded(page, 120_000);
  assert.equal(await rowCountText(page), `${N.toLocaleString('en-US')} objects`);
  const box = page.getByRole('combobox', { name: 'Command' });
  await box.click();
  const list = page.getByRole('listbox', { name: 'Commands' });
  await list.waitFor();
  assert.equal(await list.getByRole('option').count(), 500);
  assert.match(await list.getByRole('option').first().innerText(), /^busy \(1,000\)$/);
  const distinct = N - 1000 + 1;
  assert.match(await list.innerText(), new RegExp(`${(distinct - 500).toLocaleString('en-US')} more: type to narrow`));

  // A name far outside the top 500: found by the worker.
  await box.fill('c299999');
  await list.getByRole('option', { name: 'c299999 (1)' }).waitFor();
  assert.equal(await list.getByRole('option').count(), 1);
  await box.press('Enter');
  await waitRowCount(page, `1 of ${N.toLocaleString('en-US')} objects`);
  assert.equal(new URL(page.url()).searchParams.get('comm'), 'c299999');

  // Text that many names contain: the count of all matches, not of the top 500.
  await box.fill('c1');
  // c1000..c1999, c10000..c19999, c100000..c199999: 111,000 names, 500 of them listed.
  await list.getByText('110,500 more: type to narrow').waitFor();
  await box.fill('c1234');
  // c1234, c12340..c12349, c123400..c123499: 111 names, all listed.
  await page.waitForFunction(() => document.querySelectorAll('[role="listbox"][aria-label="Commands"] [role="option"]').length === 111);
  assert.doesNotMatch(await list.innerText(), /more: type to narrow/);
  assertNoErrors(errors);
});
