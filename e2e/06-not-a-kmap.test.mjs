// 6. A PNG, a JSON file, an empty file, plain text, UTF-16 text and gzips of
//    plain text and of a PNG:
//    a clear message in an alert region within a second (1.5 s allowed from
//    setInputFiles), no crash, and the loaded view stays as it was. So does a
//    file whose first 64 KiB pass the quick check but which the worker then
//    finds is no kmap. And the page never refuses what the parser loads: a
//    kmap after 70,000 blank lines, 3,000 access lines or 2,500 damaged
//    lines loads with the CLI's counts.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { fmt, kmapCli } from './analysis-helpers.mjs';
import { assertNoErrors, launch, loadCount, openApp, openFixture, rowCountText, shot, summary, TIMEOUT, waitLoaded } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

const CASES = [
  { name: 'picture.png', mimeType: 'image/png', buffer: PNG, message: /PNG image/ },
  { name: 'data.json', mimeType: 'application/json', buffer: Buffer.from('{"objects": [1, 2, 3]}\n'), message: /JSON/ },
  { name: 'empty.kmap', mimeType: 'text/plain', buffer: Buffer.alloc(0), message: /empty/ },
  {
    name: 'notes.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('just some notes\nnothing to see here\n'),
    message: /Not a kmap/,
  },
  {
    name: 'utf16.kmap',
    mimeType: 'text/plain',
    buffer: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('ffffffff812e4410,731,ffff888004c2a000,64,120551,120870,ffffffff812e4f02,KMALLOC,cat,kmalloc-64,\n', 'utf16le')]),
    message: /UTF-16 text; a kmap is UTF-8/,
  },
  // gzip is read by its content (e2e/23-gzip): a gzip of a non-kmap is still refused at once, in the file's words.
  {
    name: 'notes.kmap.gz',
    mimeType: 'application/gzip',
    buffer: gzipSync('just some notes\n'.repeat(1000)),
    message: /This file is gzip-compressed, and its content is not a kmap: none of its 1,000 lines is a kmap object line/,
  },
  {
    name: 'picture.png.gz',
    mimeType: 'application/gzip',
    buffer: gzipSync(Buffer.concat([PNG, Buffer.alloc(200_000, 7)])),
    message: /This file is gzip-compressed, and its content is a PNG image, not a kmap text file\./,
  },
];

test('files that are not kmaps get an alert at once and keep the view', async () => {
  const { page, errors } = await openApp(browser);
  await openFixture(page, 'basic-e.kmap');
  const before = await summary(page);
  for (const c of CASES) {
    const t0 = Date.now();
    await page.getByLabel('Open kmap').setInputFiles({ name: c.name, mimeType: c.mimeType, buffer: c.buffer });
    const alert = page.getByRole('alert').filter({ hasText: c.name });
    await alert.waitFor({ timeout: 1500 });
    const elapsed = Date.now() - t0;
    assert.ok(elapsed <= 1500, `${c.name}: alert after ${elapsed} ms`);
    assert.match(await alert.innerText(), c.message);
    if (c.name === 'picture.png') await shot(page, '06-alert-png');
    assert.deepEqual(await summary(page), before, `${c.name}: the loaded view is unchanged`);
    assert.equal(await rowCountText(page), '11 objects');
    await page.getByRole('button', { name: 'Dismiss error' }).click();
  }
  // Still works: a kmap after the failures loads.
  await openFixture(page, 'damaged-e.kmap');
  assert.equal((await summary(page)).objects, '3');
  assertNoErrors(errors);
});

test('a non-kmap as the first file leaves the empty state usable', async () => {
  const { page, errors } = await openApp(browser);
  const t0 = Date.now();
  await page.getByLabel('Open kmap').setInputFiles({ name: 'picture.png', mimeType: 'image/png', buffer: PNG });
  await page.getByRole('alert').waitFor({ timeout: 1500 });
  assert.ok(Date.now() - t0 <= 1500);
  assert.ok(await page.getByRole('button', { name: 'Open the bundled sample' }).isVisible());
  await openFixture(page, 'basic-e.kmap');
  assert.equal((await summary(page)).objects, '11');
  assert.equal(await page.getByRole('alert').count(), 0, 'a successful load clears the error');
  assertNoErrors(errors);
});

test('a file found not to be a kmap only after its first 64 KiB gives the previous view back', async () => {
  const { page, errors } = await openApp(browser);
  await openFixture(page, 'basic-e.kmap');
  const before = await summary(page);
  await page.locator('[data-testid="object-row"][data-idx="4"]').click();
  // A file bigger than the quick check's 64 KiB (the check then leaves the
  // judgement to the worker): a 70 KiB first line, then 2,500 lines of 8
  // comma-separated words, none of them a valid object line, so not a kmap.
  const line = 'not,a,kmap,at,all,just,eight,words-and-some-padding\n';
  const buffer = Buffer.from('x'.repeat(70 * 1024) + '\n' + line.repeat(2500));
  await page.getByLabel('Open kmap').setInputFiles({ name: 'words.csv', mimeType: 'text/csv', buffer });
  const alert = page.getByRole('alert').filter({ hasText: /Could not open "words.csv": Not a kmap: none of its 2,501 lines is a kmap object line \(line 1: longer than 65536 bytes\)/ });
  await alert.waitFor();
  await page.getByText('basic-e.kmap').first().waitFor();
  assert.deepEqual(await summary(page), before, 'the previous summary is back');
  assert.equal(await rowCountText(page), '11 objects');
  assert.equal(new URL(page.url()).searchParams.get('obj'), '4', 'the selection is back');
  await page.locator('[data-testid="object-row"]').first().waitFor();
  await shot(page, '06-previous-kept');
  assertNoErrors(errors);
});

test('a kmap after a long head of blank, access or damaged lines loads with the CLI\'s counts', async () => {
  const E_OBJ = 'ffffffff812e4410,731,ffff888004c2a000,64,120551,120870,ffffffff812e4f02,KMALLOC,cat,kmalloc-64,\n';
  const E_LIVE = 'ffffffff81700000,42,ffff888008000000,512,120590,0,0000000000000000,KMALLOC,ls,kmalloc-512,\n';
  const E_ACC = '  ffffffff81533a17,0,3,731\n';
  const KMAP = (E_OBJ + E_ACC + E_LIVE + E_ACC + E_ACC).repeat(100);
  const heads = [
    ['blank-70000.kmap', '\n'.repeat(70_000)],
    ['access-3000.kmap', E_ACC.repeat(3000)],
    ['damaged-2500.kmap', E_OBJ.replace('ffff888004c2a000', 'ffff888004c2a0zz').repeat(2500)],
  ];
  const dir = mkdtempSync(join(tmpdir(), 'kmap-e2e-heads-'));
  const { page, errors } = await openApp(browser);
  try {
    for (const [name, head] of heads) {
      const buffer = Buffer.from(head + KMAP);
      assert.ok(buffer.length > 64 * 1024, `${name}: bigger than the page's quick check`);
      const path = join(dir, name);
      writeFileSync(path, buffer);
      const cli = JSON.parse(await kmapCli(['stats', path, '--json']));
      const before = await loadCount(page);
      await page.getByLabel('Open kmap').setInputFiles({ name, mimeType: 'text/plain', buffer });
      await page.waitForFunction(
        (n) => Number(document.querySelector('header.topbar')?.getAttribute('data-load-count')) > n,
        before,
        { timeout: TIMEOUT },
      );
      await waitLoaded(page);
      assert.equal(await page.getByRole('alert').count(), 0, `${name}: no error`);
      const s = await summary(page);
      assert.deepEqual(
        { format: s.format, objects: s.objects, accesses: s.accesses, live: s.live, reads: s.reads, writes: s.writes, badLines: s.badLines },
        {
          format: cli.format,
          objects: fmt(cli.objects),
          accesses: fmt(cli.accesses),
          live: fmt(cli.liveObjects),
          reads: fmt(cli.reads),
          writes: fmt(cli.writes),
          badLines: fmt(cli.badLines),
        },
        `${name}: the page's summary is the CLI's`,
      );
      assert.equal(cli.objects, 200, `${name}: the CLI loads every object`);
      assert.equal(await rowCountText(page), '200 objects');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assertNoErrors(errors);
});
