// 21. Names from the file are text: commands, slab caches and types that
//     carry markup, script URLs, bidi overrides and zero-width characters
//     go through the objects table, the detail panel, the pickers and
//     chips, Breakdown (table, bars, icicle) and Access sites without any
//     of them running (window.__pwned stays unset), and the characters that
//     would disguise a name are shown as ⟨U+202E⟩ and the like.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { selectTab } from './analysis-helpers.mjs';
import { assertNoErrors, openApp, visibleRows, waitLoaded, withBrowserAndFolder } from './helpers.mjs';

const HOSTILE = [
  '<img src=x onerror="window.__pwned=1">',
  '"><svg onload=window.__pwned=2>',
  'javascript:window.__pwned=3',
  'evil\u202Egnp.exe',
  's\u200Bh',
  "'><script>window.__pwned=4</script>",
];

let file;
const env = withBrowserAndFolder('kmap-e2e-hostile-', (dir) => {
  file = join(dir, 'hostile.kmap');
  const lines = [];
  HOSTILE.forEach((name, i) => {
    // The same name as command, slab cache and type; no commas (a field separator).
    const addr = (0x1000 + i * 64).toString(16);
    lines.push(`ffffffff8100${(0x1010 + i).toString(16)},${100 + i},ffff888000${addr.padStart(6, '0')},64,${10 + i},0,0000000000000000,${name},${name},${name},`);
    lines.push(`  ffffffff81004010,1,2,${100 + i}`);
  });
  writeFileSync(file, lines.join('\n') + '\n');
});

test('hostile names are inert text everywhere and disguising characters are visible', async () => {
  const { page, errors } = await openApp(env.browser, '', { permissions: ['clipboard-read', 'clipboard-write'] });
  const pwned = () => page.evaluate(() => window.__pwned ?? null);
  await page.getByLabel('Open kmap').setInputFiles(file);
  await waitLoaded(page);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="object-row"]').length === n, HOSTILE.length);

  const commands = (await visibleRows(page)).map((r) => r.cells.command);
  assert.ok(commands.includes('<img src=x onerror="window.__pwned=1">'), 'markup shown as its text');
  assert.ok(commands.includes('evil⟨U+202E⟩gnp.exe'), `the bidi override is visible: ${JSON.stringify(commands)}`);
  assert.ok(commands.includes('s⟨U+200B⟩h'), 'the zero-width space is visible');
  assert.equal(await page.locator('img[src="x"], svg[onload], script:not([src])').count(), 0);

  // Detail panel: the bidi override shows there too.
  const bidiRow = page.locator('[data-testid="object-row"]').filter({ hasText: 'evil⟨U+202E⟩gnp.exe' });
  await bidiRow.click();
  const detail = await page.getByTestId('object-detail').innerText();
  assert.match(detail, /evil⟨U\+202E⟩gnp\.exe/);
  assert.ok(!detail.includes('\u202E'), 'no live override in the detail panel');

  // Slab and command pickers: options and chips, all names shown the same way.
  for (const [label, list] of [['Slab cache', 'Slab caches'], ['Command', 'Commands']]) {
    const box = page.getByRole('combobox', { name: label });
    await box.click();
    const options = await page.getByRole('listbox', { name: list }).getByRole('option').allInnerTexts();
    assert.equal(options.length, HOSTILE.length);
    assert.ok(options.some((o) => o.includes('evil⟨U+202E⟩gnp.exe')), `${label} options: ${JSON.stringify(options)}`);
    assert.ok(!options.some((o) => o.includes('\u202E') || o.includes('\u200B')), `${label} options hide nothing`);
    for (let i = 0; i < HOSTILE.length; i++) {
      await box.press('Enter');
      await box.press('ArrowDown');
    }
    await box.press('Escape');
    await box.blur();
  }
  const chips = await page.locator('.chips .chip').allInnerTexts();
  assert.equal(chips.length, 2 * HOSTILE.length);
  assert.ok(chips.some((c) => c.includes('s⟨U+200B⟩h')));
  assert.ok(!chips.some((c) => c.includes('\u202E') || c.includes('\u200B')));

  // Breakdown by command: table, bars and icicle; Access sites; Copy link.
  await selectTab(page, 'Breakdown');
  await page.getByLabel('Group by').selectOption('command');
  await page.getByRole('radio', { name: 'Icicle' }).check();
  await page.getByRole('radio', { name: 'Bars' }).check();
  const bars = await page.locator('.agg-chart').innerText();
  assert.ok(!bars.includes('\u202E'), 'no live override in the chart');
  await selectTab(page, 'Access sites');
  await page.getByRole('button', { name: 'Copy link' }).click();

  assert.equal(await pwned(), null, 'no injected handler ran');
  assert.equal(await page.locator('img[src="x"], svg[onload]').count(), 0);
  assertNoErrors(errors);
});
