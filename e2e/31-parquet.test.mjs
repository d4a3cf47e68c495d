// 31. "Export Parquet": before a file is loaded the button is disabled and
//     says why; on the bundled sample (with its System.map) the dialog offers
//     the capture name `sample`, refuses one that cannot be a folder name,
//     and downloads `sample-parquet.zip`, whose entries are the files
//     `kmap export --parquet` writes. Unzipped, `kmap query` (DuckDB) over it
//     gives the same counts, sums and a grouping as over the CLI's export of
//     the same file, and `kmap stats`'s figures.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { unzipSync } from 'fflate';
import { cliStats, kmapCli, openSample, SAMPLE, SYMBOLS } from './analysis-helpers.mjs';
import { assertNoErrors, launch, openApp, TIMEOUT } from './helpers.mjs';

let browser;
let tmp;
before(async () => {
  browser = await launch();
  tmp = await mkdtemp(join(tmpdir(), 'kmap-e2e-parquet-'));
});
after(async () => {
  await browser?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const FILES = ['objects', 'accesses', 'capmap'].map((t) => `${t}/capture=sample/part-00000.parquet`);

/** Queries whose answers (CSV from `kmap query`) must be the same over both datasets. */
const QUERIES = [
  'SELECT count(*) AS n, sum(size) AS bytes, sum(reads) AS reads, sum(writes) AS writes, sum(access_lines) AS lines, count(*) FILTER (live) AS live FROM objects',
  'SELECT count(*) AS n, sum(reads) AS reads, sum(writes) AS writes, count(DISTINCT idx) AS objects, count(pid) AS pids FROM accesses',
  'SELECT count(*) AS n, sum(reads) AS reads, sum(writes) AS writes, sum(access_lines) AS lines, sum(objects) AS objects FROM capmap',
  'SELECT slab, count(*) AS lines, sum(reads) AS reads, sum(writes) AS writes, count(DISTINCT access_fn) AS fns FROM accesses GROUP BY slab ORDER BY slab NULLS FIRST',
  'SELECT alloc_fn, count(*) AS n, sum(size) AS bytes FROM objects GROUP BY alloc_fn ORDER BY n DESC, alloc_fn LIMIT 20',
  'SELECT DISTINCT capture FROM objects',
];

test('Export Parquet is disabled with its reason before a file is loaded', async () => {
  const { page, errors } = await openApp(browser);
  const button = page.getByRole('button', { name: 'Export Parquet' });
  assert.equal(await button.isDisabled(), true);
  assert.match((await button.getAttribute('title')) ?? '', /Open a kmap first/);
  assertNoErrors(errors);
});

test('Export Parquet downloads the zip of what kmap export --parquet writes', async () => {
  const cliDir = join(tmp, 'cli');
  const webDir = join(tmp, 'web');
  const [stats] = await Promise.all([cliStats(), kmapCli(['export', SAMPLE, '--symbols', SYMBOLS, '--parquet', cliDir])]);
  const { page, errors } = await openSample(browser);
  await page.getByRole('button', { name: 'Export Parquet' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export Parquet' });
  const field = dialog.getByLabel('Capture name');
  assert.equal(await field.inputValue(), 'sample');
  // A name that cannot be a partition folder: a message, and nothing to click.
  await field.fill('../<b>x</b>');
  await dialog.getByRole('alert').getByText('cannot be a folder name').waitFor();
  assert.equal(await dialog.getByRole('button', { name: 'Download zip' }).isDisabled(), true);
  assert.equal(await dialog.locator('b').count(), 0, 'the typed name stays text');
  await field.fill('sample');
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: TIMEOUT }),
    dialog.getByRole('button', { name: 'Download zip' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'sample-parquet.zip');
  const entries = unzipSync(new Uint8Array(await readFile(await download.path())));
  assert.deepEqual(Object.keys(entries).sort(), [...FILES].sort());
  for (const [name, bytes] of Object.entries(entries)) {
    assert.equal(Buffer.from(bytes.subarray(0, 4)).toString('latin1'), 'PAR1', name);
    await mkdir(dirname(join(webDir, name)), { recursive: true });
    await writeFile(join(webDir, name), bytes);
  }
  await dialog.waitFor({ state: 'hidden' });

  for (const sql of QUERIES) {
    const [web, cli] = await Promise.all([kmapCli(['query', webDir, sql]), kmapCli(['query', cliDir, sql])]);
    assert.equal(web, cli, sql);
    assert.ok(web.trim().split('\n').length >= 2, `${sql}: some rows`);
  }
  const [totals] = JSON.parse(await kmapCli(['query', webDir, QUERIES[0], '--json']));
  assert.deepEqual(
    { n: totals.n, bytes: totals.bytes, reads: totals.reads, writes: totals.writes, lines: totals.lines, live: totals.live },
    { n: stats.objects, bytes: stats.bytes, reads: stats.reads, writes: stats.writes, lines: stats.accesses, live: stats.liveObjects },
  );
  assertNoErrors(errors);
});
