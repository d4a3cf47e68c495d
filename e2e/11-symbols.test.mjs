// 11. Kernel symbols: the bundled sample opens with its System.map, alloc
//     IPs read as functions (hex in the tooltip), the status says 100%;
//     "Remove symbols" brings the hex back; "Open symbols" loads a map from
//     a file; a map of another kernel gives the "does not belong" warning.
//     Expected values: the kmap CLI (stats/dump with --symbols).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  allocIpCell,
  cliDump,
  cliStats,
  fnOf,
  kmapCliFull,
  rowCountFor,
  search,
  SAMPLE,
  SYMBOLS,
  waitSymbols,
} from './analysis-helpers.mjs';
import { accessRows, assertNoErrors, fixture, launch, openApp, shot, TIMEOUT, waitLoaded, waitRowCount } from './helpers.mjs';

const OTHER_MAP = 'other-kernel.System.map';

let browser;
let dump;
let total;
/** An object whose alloc IP no other object shares, with a resolved function. */
let probe;
let probeStats;
let otherMap;
/** pid -> command, for the pids whose objects all have one command. */
const namedPids = new Map();
before(async () => {
  browser = await launch();
  dump = await cliDump();
  total = dump.length;
  const sharing = new Map();
  for (const o of dump) sharing.set(o.allocIp, (sharing.get(o.allocIp) ?? 0) + 1);
  // The command of each allocating pid, where it is one (exec renames some).
  const commands = new Map();
  for (const o of dump) commands.set(o.pid, new Set([...(commands.get(o.pid) ?? []), o.command]));
  for (const [pid, set] of commands) if (set.size === 1) namedPids.set(pid, [...set][0]);
  // alloc_unbound_pwq+0x325 (idx 5) in the sample: accessed by pid 8 (kworker/u2:0) and pid -1.
  probe = dump.find(
    (o) => o.allocFn !== null && sharing.get(o.allocIp) === 1 && o.accesses.some((a) => a.pid > 0 && namedPids.has(a.pid)),
  );
  assert.ok(probe, 'the sample has an object with a unique, resolved alloc IP, accessed by a named pid');
  [probeStats, otherMap] = await Promise.all([
    cliStats(['--search', `ip:${probe.allocIp}`]),
    kmapCliFull(['stats', SAMPLE, '--symbols', fixture(OTHER_MAP), '--json']),
  ]);
});
after(async () => browser?.close());

test('the sample with its System.map: functions for IPs, 100%, remove, open, a wrong map', async () => {
  const full = await cliStats();
  assert.equal(full.allocResolved, 1, 'the CLI resolves every alloc IP of the sample');
  assert.equal(probeStats.objects, 1);

  const { page, errors } = await openApp(browser);
  await page.getByRole('button', { name: 'Open the bundled sample' }).click();
  await waitLoaded(page, 60_000);
  const status = await waitSymbols(page);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('src'), 'sample.kmap');
  assert.equal(url.searchParams.get('symbols'), 'sample.System.map');
  assert.equal(url.searchParams.get('v'), '3');
  assert.match(status, /sample\.System\.map/);
  assert.match(status, /100%/, `status: ${status}`);

  // The object found by its alloc IP shows its function, the hex as the tooltip.
  await search(page, `ip:${probe.allocIp}`);
  await waitRowCount(page, rowCountFor(probeStats.objects, total));
  let cell = await allocIpCell(page, probe.idx);
  assert.ok(cell.text.startsWith(fnOf(probe.allocFn)), `allocIp cell "${cell.text}" starts with ${fnOf(probe.allocFn)}`);
  assert.equal(cell.text, probe.allocFn);
  assert.equal(cell.title, probe.allocIp);
  await shot(page, '11-symbols-fn');

  // Its detail: the access lines' IPs as functions, as the dump names them.
  await page.locator(`[data-testid="object-row"][data-idx="${probe.idx}"]`).click();
  await page.getByTestId('access-row').first().waitFor();
  const acc = await accessRows(page);
  assert.equal(acc.length, probe.accesses.length, 'one access row per access line');
  assert.deepEqual(acc.map((a) => a.ip).sort(), probe.accesses.map((a) => a.fn).sort());
  const sum = (rows, k) => rows.reduce((s, r) => s + Number(String(r[k]).replace(/,/g, '')), 0);
  assert.equal(sum(acc, 'reads'), sum(probe.accesses, 'reads'));
  assert.equal(sum(acc, 'writes'), sum(probe.accesses, 'writes'));
  // A pid shows the command of the objects it allocated: "8 (kworker/u2:0)".
  const named = probe.accesses.filter((a) => namedPids.has(a.pid));
  const namedTexts = named.map((a) => `${a.pid} (${namedPids.get(a.pid)})`).sort();
  const shown = acc.map((a) => a.pid).filter((t) => namedTexts.includes(t)).sort();
  assert.ok(named.length > 0);
  assert.deepEqual(shown, namedTexts, `pid cells: ${JSON.stringify(acc.map((a) => a.pid))}`);

  // Remove symbols: the hex is back, the status and the URL's symbols= go.
  await page.getByRole('button', { name: 'Remove symbols' }).click();
  await page.getByTestId('symbols-status').waitFor({ state: 'detached' });
  await page.waitForFunction(
    ([idx, hex]) =>
      document.querySelector(`[data-testid="object-row"][data-idx="${idx}"] [data-col="allocIp"]`)?.innerText.trim() === hex,
    [probe.idx, probe.allocIp],
  );
  cell = await allocIpCell(page, probe.idx);
  assert.equal(cell.text, probe.allocIp);
  await page.waitForFunction(() => !new URL(location.href).searchParams.has('symbols'));
  await page.waitForFunction(() => {
    const ips = Array.from(document.querySelectorAll('[data-testid="access-row"] [data-col="ip"]'));
    return ips.length > 0 && ips.every((c) => /^[0-9a-f]{16}$/.test(c.innerText.trim()));
  });
  assert.deepEqual((await accessRows(page)).map((a) => a.ip).sort(), probe.accesses.map((a) => a.ip).sort());

  // "Open symbols" with the file: names again.
  await page.getByLabel('Open symbols').setInputFiles(SYMBOLS);
  const again = await waitSymbols(page);
  assert.match(again, /100%/);
  await page.waitForFunction(
    ([idx, fn]) =>
      document.querySelector(`[data-testid="object-row"][data-idx="${idx}"] [data-col="allocIp"]`)?.innerText.trim() === fn,
    [probe.idx, probe.allocFn],
  );
  assert.equal((await allocIpCell(page, probe.idx)).title, probe.allocIp);

  // A System.map of another kernel: the warning the CLI prints too; nothing resolves.
  assert.match(otherMap.stderr, /does not belong to this capture/);
  assert.equal(JSON.parse(otherMap.stdout).allocResolved, 0);
  await page.getByLabel('Open symbols').setInputFiles(fixture(OTHER_MAP));
  const wrong = await waitSymbols(page, OTHER_MAP);
  assert.match(wrong, /\b0%/, `status of a wrong map: ${wrong}`);
  await page.getByText(/does not belong to this capture/).first().waitFor({ timeout: TIMEOUT });
  const warning = await page.getByText(/does not belong to this capture/).first().textContent();
  assert.match(warning, new RegExp(OTHER_MAP.replace(/\./g, '\\.')), 'the warning names the file');
  await page.waitForFunction(
    ([idx, hex]) =>
      document.querySelector(`[data-testid="object-row"][data-idx="${idx}"] [data-col="allocIp"]`)?.innerText.trim() === hex,
    [probe.idx, probe.allocIp],
  );
  await shot(page, '11-symbols-wrong-map');

  // The right map again: the warning goes.
  await page.getByLabel('Open symbols').setInputFiles(SYMBOLS);
  await waitSymbols(page);
  await page.getByText(/does not belong to this capture/).first().waitFor({ state: 'detached' });
  assertNoErrors(errors);
});

test('?symbols= loads the map by URL; the link keeps the function names', async () => {
  const { page, errors } = await openApp(browser, `?v=2&src=sample.kmap&symbols=sample.System.map&q=ip:${probe.allocIp}`);
  await waitLoaded(page, 60_000);
  assert.match(await waitSymbols(page), /100%/);
  await waitRowCount(page, rowCountFor(1, total));
  const cell = await allocIpCell(page, probe.idx);
  assert.equal(cell.text, probe.allocFn);
  assert.equal(cell.title, probe.allocIp);
  assertNoErrors(errors);
});

test('a link whose filter names a function restores its selection once the symbols arrive', async () => {
  // When the kmap loads before its System.map, the selection must be looked
  // for after the symbols apply, with no false "hidden by the filter" or
  // "has no allocation site" notice meanwhile.
  const target = [...dump].reverse().find((o) => o.allocFn && dump.filter((p) => p.allocFn && fnOf(p.allocFn) === fnOf(o.allocFn)).length >= 3);
  assert.ok(target, 'an object whose function allocated at least 3 objects');
  const fn = fnOf(target.allocFn);
  const kept = dump.filter((o) => o.allocFn && fnOf(o.allocFn) === fn).length;
  // The System.map answers 1.5 s late, so that the kmap is surely loaded first.
  const setup = (context) =>
    context.route('**/sample.System.map', async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue();
    });
  const { page, errors } = await openApp(browser, `?v=2&src=sample.kmap&symbols=sample.System.map&site=${encodeURIComponent(fn)}&obj=${target.idx}`, { setup });
  await waitLoaded(page, 60_000);
  await waitSymbols(page);
  await waitRowCount(page, rowCountFor(kept, total));
  await page.waitForFunction(
    (idx) => document.querySelector(`[data-testid="object-row"][data-idx="${idx}"]`)?.getAttribute('aria-selected') === 'true',
    target.idx,
    { timeout: TIMEOUT },
  );
  assert.match(await page.getByTestId('object-detail').locator('h2').innerText(), new RegExp(`#${target.idx}\\b`));
  const notices = await page.getByRole('status').allInnerTexts();
  assert.ok(!notices.some((t) => /hidden by the filter|has no allocation site/.test(t)), `false notices: ${JSON.stringify(notices)}`);
  assertNoErrors(errors);
});
