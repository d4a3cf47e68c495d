// 29. gzip kmaps, decompressed in the data worker by Chromium's own
//     DecompressionStream: a dropped .gz of the bundled sample, a
//     multi-member one (Chromium's decompressor stops at the end of a member:
//     the worker starts a new one there) and .gz links (src=, a .gz file, and
//     the plain file sent with Content-Encoding: gzip, which the browser
//     undoes; that server compresses even the answer to the load's Range
//     probe, which Chromium refuses, so the load asks again without Range)
//     show the plain sample's summary; the progress bar counts
//     compressed bytes; a damaged .gz says what is wrong and gives the kmap
//     shown before back; and a gzip file whose text would not fit is asked
//     about after its first megabyte of text, with its text's size estimated
//     from the compression ratio so far. (The page's budget is half the
//     device memory the browser reports, here up to 16 GiB: the file is 64 GB
//     of which the first 3 MB are gzip members of about 280 to one, the rest
//     sparse, as in e2e/22. workers/kmap-session.gzip.test.ts checks a real
//     bomb against a small budget.)

import assert from 'node:assert/strict';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { assertNoErrors, loadCount, openApp, ROOT, shot, summary, TIMEOUT, waitLoaded, withBrowserAndFolder } from './helpers.mjs';

const SAMPLE = readFileSync(join(ROOT, 'public', 'sample.kmap'));
const SAMPLE_GZ = gzipSync(SAMPLE);

/** Identical kmap lines, about 280 to one in gzip: 8,000 objects per member. */
const BOMB_LINE = 'ffffffff81400008,42,ffff888005000000,64,10,0,0000000000000000,KMALLOC,bash,kmalloc-64,\n  ffffffff81500004,1,2,42\n';
const BOMB_MEMBER = gzipSync(BOMB_LINE.repeat(8000), { level: 9 });
const BOMB_BYTES = 64e9;

let bomb;
const env = withBrowserAndFolder('kmap-e2e-gzip-', (dir) => {
  bomb = join(dir, 'bomb.kmap.gz');
  writeFileSync(bomb, Buffer.concat(new Array(1000).fill(BOMB_MEMBER)));
  truncateSync(bomb, BOMB_BYTES);
});

/** The summary of the bundled sample, loaded plain by its link. */
async function plainSample() {
  const { page, context } = await openApp(env.browser, '?v=2&src=sample.kmap');
  await waitLoaded(page, 60_000);
  const s = await summary(page);
  await context.close();
  return s;
}

/** Drops a file (its bytes) on the page, as a user drags it from the desktop. */
async function drop(page, name, bytes) {
  await page.evaluate(
    ([name, data]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(data)], name, { type: 'application/gzip' }));
      document.body.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    [name, [...bytes]],
  );
}

/** Waits until a load started after `before` loads has completed. */
async function loadedAfter(page, before) {
  await page.waitForFunction((n) => Number(document.querySelector('header.topbar')?.getAttribute('data-load-count')) > n, before, { timeout: TIMEOUT });
  await waitLoaded(page);
}

test('a dropped .gz of the sample, and a multi-member one, show the plain sample\'s summary', async () => {
  const plain = await plainSample();
  assert.equal(plain.objects, '671');
  const { page, errors } = await openApp(env.browser);
  let before = await loadCount(page);
  await drop(page, 'sample.kmap.gz', SAMPLE_GZ);
  await loadedAfter(page, before);
  assert.equal(await page.getByRole('alert').count(), 0);
  assert.deepEqual(await summary(page), plain);
  assert.match(await page.title(), /sample\.kmap\.gz/);
  await shot(page, '23-gzip-dropped');

  // Five members, cut inside lines (one of them one byte long).
  const cuts = [0, 1, 1000, 300_001, 500_000, SAMPLE.length];
  const multi = Buffer.concat(cuts.slice(1).map((end, i) => gzipSync(SAMPLE.subarray(cuts[i], end))));
  before = await loadCount(page);
  await page.getByLabel('Open kmap').setInputFiles({ name: 'cat.kmap.gz', mimeType: 'application/gzip', buffer: multi });
  await loadedAfter(page, before);
  assert.equal(await page.getByRole('alert').count(), 0);
  assert.deepEqual(await summary(page), plain);
  assertNoErrors(errors);
});

test('.gz links load the same: a .gz file of 3 members, and the plain file sent with Content-Encoding: gzip', async () => {
  const plain = await plainSample();
  for (const src of ['__e2e/gzip/sample.kmap.gz?members=3', '__e2e/gzip/sample.kmap?encoding=gzip']) {
    const { page, errors, context } = await openApp(env.browser, `?v=2&src=${encodeURIComponent(src)}`);
    await waitLoaded(page, 60_000);
    assert.equal(await page.getByRole('alert').count(), 0, src);
    assert.deepEqual(await summary(page), plain, src);
    assert.equal(new URL(page.url()).searchParams.get('src'), src);
    assertNoErrors(errors);
    await context.close();
  }
});

test('a damaged .gz says what is wrong and gives the kmap shown before back', async () => {
  const { page, errors } = await openApp(env.browser, '?v=2&src=sample.kmap');
  await waitLoaded(page, 60_000);
  const before = await summary(page);
  const cases = [
    ['truncated.kmap.gz', SAMPLE_GZ.subarray(0, 60_000), /Could not open "truncated\.kmap\.gz": The gzip data ends early \(truncated\?\) after \d+ kB of kmap text\. Nothing of it was loaded/],
    ['crc.kmap.gz', Buffer.from(SAMPLE_GZ.map((b, i) => (i === SAMPLE_GZ.length - 6 ? b ^ 1 : b))), /Could not open "crc\.kmap\.gz": The gzip data is damaged \(its CRC-32 check fails\) after about \d+ kB of kmap text\./],
    ['padded.kmap.gz', Buffer.concat([SAMPLE_GZ, Buffer.alloc(512)]), /Could not open "padded\.kmap\.gz": The gzip data is followed by bytes that are not gzip data \(garbage after the end\?\)\./],
  ];
  for (const [name, buffer, message] of cases) {
    await page.getByLabel('Open kmap').setInputFiles({ name, mimeType: 'application/gzip', buffer });
    const alert = page.getByRole('alert').filter({ hasText: name });
    await alert.waitFor();
    assert.match(await alert.innerText(), message);
    await waitLoaded(page);
    assert.deepEqual(await summary(page), before, `${name}: the sample is back`);
    if (name === 'truncated.kmap.gz') await shot(page, '23-gzip-truncated');
    await page.getByRole('button', { name: 'Dismiss error' }).click();
  }
  assertNoErrors(errors);
});

test('a gzip file too big for the tab is asked about after its first megabyte of text, in compressed bytes; Cancel gives the kmap before back', async () => {
  const { page, errors } = await openApp(env.browser, '?v=2&src=sample.kmap');
  await waitLoaded(page, 60_000);
  const before = await summary(page);
  await page.getByLabel('Open kmap').setInputFiles(bomb);
  const question = page.getByRole('alertdialog', { name: 'Too big for this tab' });
  await question.waitFor();
  const text = await question.innerText();
  assert.match(text, /"bomb\.kmap\.gz" is too big to load whole in this tab\.\s+Its 59\.6 GiB \(gzip-compressed: about 1\d\.\d TiB of text\) hold about [\d,]+ objects/);
  // 8,000 objects per member, at the ratio of the members read.
  const objects = Number(/hold about ([\d,]+) objects/.exec(text)[1].replace(/,/g, ''));
  const expected = (8000 * BOMB_BYTES) / BOMB_MEMBER.length;
  assert.ok(Math.abs(objects - expected) / expected < 0.1, `estimated ${objects} objects, expected about ${expected}`);
  // The progress bar counts compressed bytes: a sliver of the file is read.
  const progress = await page.getByTestId('progress-bytes').innerText();
  assert.match(progress, / of 64000 MB$/);
  assert.equal(await page.getByRole('progressbar').getAttribute('aria-valuenow'), '0', progress);
  await shot(page, '23-gzip-too-big');
  await question.getByRole('button', { name: 'Cancel' }).click();
  await waitLoaded(page);
  assert.deepEqual(await summary(page), before);
  assertNoErrors(errors);
});
