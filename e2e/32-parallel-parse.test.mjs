// 32. A big dropped file is parsed by several workers at once: the data
//     worker parses the first range (rows show while the file loads) and
//     parsing workers the others; the result is the file's, whole. A 20 MB
//     generated kmap with damaged lines near each quarter must show the
//     counts `kmap stats --workers 1` prints and its bad lines under their
//     line numbers in the whole file; the page must have started parsing
//     workers (Playwright sees them) and ended them once done. With the
//     page's knob (localStorage kmap.parseWorkers = 1) it parses in one piece,
//     its slices read by the data worker's reading worker.
//     Opened by URL (src=) from a server that answers Range requests, the
//     same file is parsed in ranges, each request a range; from one that does
//     not, in one piece; the counts are the same either way.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { kmapCli } from './analysis-helpers.mjs';
import { generateKmap } from './generate.mjs';
import { assertNoErrors, openApp, shot, summary, TIMEOUT, waitLoaded, withBrowserAndFolder } from './helpers.mjs';

const OBJECTS = 210_000; // about 20 MB: over the 16 MiB where parsing workers start

let bigFile;
/** Line numbers (1-based) of the damaged lines, in the whole file. */
const badLineNums = [];
const env = withBrowserAndFolder('kmap-e2e-parallel-', (dir) => {
  let text = generateKmap(OBJECTS);
  for (const frac of [0.25, 0.5, 0.75]) {
    const at = text.indexOf('\n', Math.floor(text.length * frac)) + 1;
    // An object line that is no object, and an access line that follows it.
    text = text.slice(0, at) + 'damaged,object,line\n  ffffffff81500000,1,2,100\n' + text.slice(at);
  }
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('damaged,object,line\n', i)) badLineNums.push(line, line + 1);
    if (text.charCodeAt(i) === 10) line++;
  }
  bigFile = join(dir, 'big.kmap');
  writeFileSync(bigFile, text);
});

const num = (text) => Number(String(text).replace(/[^0-9]/g, ''));

test('a 20 MB kmap parsed by several workers shows what one parse gives, bad lines numbered in the whole file', async () => {
  const { page, errors } = await openApp(env.browser);
  const workers = [];
  page.on('worker', (w) => workers.push({ worker: w, closed: new Promise((resolve) => w.on('close', resolve)) }));
  const want = JSON.parse(await kmapCli(['stats', bigFile, '--json', '--workers', '1']));
  await page.getByLabel('Open kmap').setInputFiles(bigFile);
  await waitLoaded(page, TIMEOUT * 2);
  const got = await summary(page);
  assert.equal(num(got.objects), want.objects);
  assert.equal(num(got.accesses), want.accesses);
  assert.equal(num(got.badLines), want.badLines);
  assert.equal(want.badLines, 6);

  await page.getByTestId('summary-bad-lines').click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  const rows = await dialog.locator('[data-testid="bad-line"]').evaluateAll((trs) => trs.map((tr) => tr.querySelector('td')?.textContent));
  assert.deepEqual(rows.map(Number), badLineNums);
  await shot(page, '32-parallel-bad-lines');
  await page.keyboard.press('Escape');

  // The parsing workers ran (the data worker is the first worker; the others are its parsing workers), and ended.
  const parsers = workers.filter((w) => /range-worker/.test(w.worker.url()));
  assert.ok(parsers.length >= 1, `parsing workers were started: ${workers.map((w) => w.worker.url()).join(', ')}`);
  await Promise.all(parsers.map((w) => w.closed));
  assertNoErrors(errors);
});

test('localStorage kmap.parseWorkers = 1 parses the same file in one piece (no parsing worker), to the same counts', async () => {
  const { page, errors } = await openApp(env.browser, '', {
    setup: (context) => context.addInitScript(() => localStorage.setItem('kmap.parseWorkers', '1')),
  });
  const workers = [];
  page.on('worker', (w) => workers.push(w.url()));
  const want = JSON.parse(await kmapCli(['stats', bigFile, '--json', '--workers', '1']));
  await page.getByLabel('Open kmap').setInputFiles(bigFile);
  await waitLoaded(page, TIMEOUT * 2);
  const got = await summary(page);
  assert.equal(num(got.objects), want.objects);
  assert.equal(num(got.badLines), want.badLines);
  assert.equal(workers.filter((u) => /range-worker/.test(u)).length, 0, `no parsing worker: ${workers.join(', ')}`);
  // The data worker read the file through its reading worker (workers/slice-reads.ts), under the page's CSP and Trusted Types.
  assert.ok(workers.some((u) => /slice-reader/.test(u)), `a reading worker was started: ${workers.join(', ')}`);
  assertNoErrors(errors);
});

test('the same file by URL (src=) from a server that answers Range requests is parsed in ranges too; without Range support in one piece', async () => {
  const want = JSON.parse(await kmapCli(['stats', bigFile, '--json', '--workers', '1']));
  const url = `/__e2e/tmp/${basename(env.dir)}/big.kmap`;
  for (const [query, ranged] of [[url, true], [`${url}?ranges=0`, false]]) {
    const { page, errors } = await openApp(env.browser);
    const workers = [];
    const rangeHeaders = [];
    page.on('worker', (w) => workers.push(w.url()));
    page.context().on('request', (r) => {
      if (r.url().includes('/__e2e/tmp/')) rangeHeaders.push(r.headers().range ?? 'whole');
    });
    await page.goto(`${page.url().split('?')[0]}?v=2&src=${encodeURIComponent(query)}`);
    await waitLoaded(page, TIMEOUT * 2);
    const got = await summary(page);
    assert.equal(num(got.objects), want.objects, query);
    assert.equal(num(got.accesses), want.accesses, query);
    assert.equal(num(got.badLines), want.badLines, query);
    const parsers = workers.filter((u) => /range-worker/.test(u));
    if (ranged) {
      assert.ok(parsers.length >= 1, `parsing workers were started: ${workers.join(', ')}`);
      assert.ok(rangeHeaders.length >= 3 && rangeHeaders.every((h) => h.startsWith('bytes=')), `every request asked for a range: ${rangeHeaders.join(', ')}`);
    } else {
      assert.equal(parsers.length, 0, `no parsing worker: ${workers.join(', ')}`);
    }
    assertNoErrors(errors);
    await page.context().close();
  }
});
