// 1. Open a fixture through the "Open kmap" input: the summary is exact and
//    sentinels show as explained badges, not raw hex.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  assertNoErrors,
  fixture,
  launch,
  openApp,
  openFixture,
  rowCountText,
  shot,
  summary,
  visibleRows,
  waitLoaded,
} from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test('the summary counts of a variant-E fixture are exact', async () => {
  const { page, errors } = await openApp(browser);
  await shot(page, '01-empty-state');
  await openFixture(page, 'basic-e.kmap');
  assert.deepEqual(await summary(page), {
    format: 'E',
    objects: '11',
    accesses: '8',
    live: '6',
    bytes: '5,760 bytes',
    reads: '48',
    writes: '10',
    badLines: '0',
  });
  assert.match(await page.getByTestId('summary-format').textContent(), /6\.x kmap/);
  assert.equal(await rowCountText(page), '11 objects');
  const rows = await visibleRows(page);
  assert.deepEqual(
    rows.map((r) => r.idx),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  );
  assert.equal(rows[0].cells.allocIp, 'ffffffff812e4410');
  assert.equal(rows[0].cells.address, 'ffff888004c2a000');
  assert.equal(rows[10].cells.command, 'my, cmd', 'a command with a comma');
  await shot(page, '01-loaded');
  assertNoErrors(errors);
});

test('sentinels are labelled badges with an explanation', async () => {
  const { page, errors } = await openApp(browser);
  await openFixture(page, 'basic-e.kmap');
  const badge = (idx, col) => page.locator(`[data-testid="object-row"][data-idx="${idx}"] [data-col="${col}"] .badge`);
  const expectBadge = async (idx, col, kind, labelRe, explanationRe) => {
    const b = badge(idx, col);
    assert.equal(await b.getAttribute('data-sentinel'), kind, `row ${idx} ${col}`);
    assert.match(await b.textContent(), labelRe);
    assert.match(await b.getAttribute('title'), explanationRe);
    const describedBy = await b.getAttribute('aria-describedby');
    const description = await page.evaluate((id) => document.getElementById(id)?.textContent, describedBy);
    assert.match(description ?? '', explanationRe, 'accessible description');
  };
  await expectBadge(3, 'allocIp', 'feedbeef', /new slab/, /feedbeef.*SLUB/);
  await expectBadge(8, 'allocIp', 'catch-all', /catch-all/, /catch-all/);
  await expectBadge(9, 'allocIp', 'ufo', /UFO/, /missed lookup/);
  await expectBadge(1, 'freeIp', 'live', /live/, /not freed/);
  await expectBadge(2, 'freeIp', 'deadbeef', /overlapped/, /deadbeef/);
  await expectBadge(7, 'freeIp', 'fedbeef', /nested/, /fedbeef/);
  await expectBadge(10, 'freeIp', 'unseen-free', /free unseen/, /did not see/);
  await expectBadge(7, 'slab', 'no-slab', /no-slab/, /not from a slab cache/);
  const cellTexts = (await visibleRows(page)).flatMap((r) => [r.cells.allocIp, r.cells.freeIp]);
  assert.ok(!cellTexts.some((t) => /beef|^0+$/.test(t)), `no raw sentinel hex in the table: ${cellTexts}`);
  assertNoErrors(errors);
});

test('an old variant-B file: no slab filter, (null) is live, jiffies indices', async () => {
  const { page, errors } = await openApp(browser);
  await openFixture(page, 'basic-b.kmap');
  const s = await summary(page);
  assert.deepEqual(
    { format: s.format, objects: s.objects, accesses: s.accesses, live: s.live, reads: s.reads, writes: s.writes, bad: s.badLines },
    { format: 'B', objects: '3', accesses: '2', live: '2', reads: '10', writes: '2', bad: '0' },
  );
  assert.equal(await page.getByTestId('summary-index-kind').innerText(), 'jiffies');
  assert.equal(await page.getByRole('combobox', { name: 'Slab cache' }).count(), 0, 'no slab cache filter in B');
  const rows = await visibleRows(page);
  assert.equal(rows[0].cells.freeIp, 'live');
  assert.equal(rows[0].cells.command, 'sshd');
  assert.equal(rows[1].cells.command, 'kworker/0:1');
  assert.equal(rows[2].cells.allocIp, 'new slab');
  await page.locator('[data-testid="object-row"][data-idx="0"]').click();
  await page.getByTestId('access-row').first().waitFor();
  assert.deepEqual(
    await page.$$eval('[data-testid="access-row"]', (trs) => trs.map((tr) => tr.innerText.split('\t').map((t) => t.trim()))),
    [
      ['ffffffff8133c0de', '412 (sshd)', '7', '2'],
      ['ffffffff8133c1f0', '0', '3', '0'],
    ],
  );
  assert.match(await page.getByTestId('object-detail').innerText(), /alloc index \(jiffies\)/);
  await shot(page, '01-variant-b');
  assertNoErrors(errors);
});

test('the empty state\'s open button opens the file chooser of the same input', async () => {
  const { page, errors } = await openApp(browser);
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.getByRole('button', { name: 'Open kmap…' }).click(),
  ]);
  await chooser.setFiles(fixture('basic-e.kmap'));
  await waitLoaded(page);
  assert.equal((await summary(page)).objects, '11');
  assertNoErrors(errors);
});

test('64-bit sizes and counts are shown exactly, and an object with pid -1 loads', async () => {
  const { page, errors } = await openApp(browser);
  const MAX = '18446744073709551615';
  const text = [
    `ffffffff812e4410,-1,ffff888004c2a000,${MAX},18446744073709551614,0,ffffffff812e4f02,KMALLOC,cat,kmalloc-64,`,
    `  ffffffff81533a17,${MAX},9007199254740993,-1`,
    'ffffffff812e4411,7,ffff888004c2b000,64,5,6,ffffffff812e4f02,KMALLOC,cat,kmalloc-64,',
    '  ffffffff81533a17,1,2,7',
    '',
  ].join('\n');
  await page.getByLabel('Open kmap').setInputFiles({ name: 'big.kmap', mimeType: 'text/plain', buffer: Buffer.from(text) });
  await waitLoaded(page);
  const s = await summary(page);
  assert.deepEqual([s.objects, s.accesses, s.badLines], ['2', '2', '0']);
  assert.equal(s.bytes, '18,446,744,073,709,551,679 bytes');
  assert.equal(s.reads, '9,007,199,254,740,995');
  assert.equal(s.writes, '18,446,744,073,709,551,616');
  const rows = await visibleRows(page);
  assert.equal(rows[0].cells.pid, '-1');
  assert.equal(rows[0].cells.size, '18,446,744,073,709,551,615');
  assert.equal(rows[0].cells.allocIndex, '18446744073709551614');
  assertNoErrors(errors);
});
