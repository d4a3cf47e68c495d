// Helpers of the analysis tests (11-symbols .. 15-csv-cli): the expected
// values come from the kmap CLI (src/cli/kmap.ts, run with tsx from the repo
// root) on public/sample.kmap with public/sample.System.map, never from the
// page; and a few page helpers (the bundled sample with its symbols, the
// filter bar, the tabs, the filtered summary).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { openApp, ROOT, TIMEOUT, waitLoaded } from './helpers.mjs';

export const SAMPLE = 'public/sample.kmap';
export const SYMBOLS = 'public/sample.System.map';
/** The app serves public/ at its base: the sample with its System.map, by URL. */
export const SAMPLE_QUERY = '?v=3&src=sample.kmap&symbols=sample.System.map';

const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = join(ROOT, 'src', 'cli', 'kmap.ts');

/** Runs `kmap ARGS` (cwd: the repo root); resolves its stdout, rejects on a non-zero exit. */
export function kmapCli(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) resolve(stdout);
      else reject(new Error(`kmap ${args.join(' ')} exited ${code}:\n${stderr}`));
    });
  });
}

/** As kmapCli, also giving stderr (for the CLI's warnings). */
export function kmapCliFull(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
  });
}

const onSample = (command, flags) => [command, SAMPLE, '--symbols', SYMBOLS, ...flags];

/** `kmap stats --json` of the sample with its symbols and FLAGS. */
export async function cliStats(flags = []) {
  return JSON.parse(await kmapCli([...onSample('stats', flags), '--json']));
}

/** `kmap breakdown --by BY --json`. */
export async function cliBreakdown(by, flags = []) {
  return JSON.parse(await kmapCli([...onSample('breakdown', flags), '--by', by, '--json']));
}

/** `kmap sites --json`. */
export async function cliSites(flags = []) {
  return JSON.parse(await kmapCli([...onSample('sites', flags), '--json']));
}

/** The CSV text `kmap breakdown --by BY` prints. */
export function cliBreakdownCsv(by, flags = []) {
  return kmapCli([...onSample('breakdown', flags), '--by', by]);
}

/** The CSV text `kmap sites` prints. */
export function cliSitesCsv(flags = []) {
  return kmapCli(onSample('sites', flags));
}

let dumpCache = null;
/** `kmap dump --symbols`: every object of the sample with its accesses and function names. */
export function cliDump() {
  dumpCache ??= kmapCli(['dump', SAMPLE, '--symbols', SYMBOLS]).then((text) =>
    text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l)),
  );
  return dumpCache;
}

/** A count as the UI writes it ("1,234"): an independent formatter, en-US grouping. */
export function fmt(n) {
  return n.toLocaleString('en-US');
}

/** The row-count text for `kept` of `total` objects. */
export function rowCountFor(kept, total) {
  return kept === total ? `${fmt(total)} objects` : `${fmt(kept)} of ${fmt(total)} objects`;
}

/** The function of a "name+0xoff" label. */
export function fnOf(label) {
  return label === null ? null : label.replace(/\+0x[0-9a-f]+$/, '');
}

/** Waits until the symbols status names `name` and shows a percentage; returns its text. */
export async function waitSymbols(page, name = 'sample.System.map', timeout = TIMEOUT) {
  await page.waitForFunction(
    (want) => {
      const t = document.querySelector('[data-testid="symbols-status"]')?.textContent ?? '';
      return t.includes(want) && /\d%/.test(t) && !/loading/i.test(t);
    },
    name,
    { timeout },
  );
  return (await page.getByTestId('symbols-status').textContent()).trim();
}

/** Opens the bundled sample with its System.map by URL (plus EXTRA query parameters) and waits for both. */
export async function openSample(browser, extra = '') {
  const app = await openApp(browser, SAMPLE_QUERY + extra);
  await waitLoaded(app.page, 60_000);
  await waitSymbols(app.page);
  return app;
}

export function filterBar(page) {
  return page.locator('section[aria-label="Filters"]');
}

/**
 * Toggles NAME in the combobox LABEL ("Slab cache", "Type", "Command") with
 * the keyboard: type it, move to its option, Enter; checks the option's
 * count text when `count` is given.
 */
export async function pickName(page, label, name, count = null) {
  const combo = page.getByRole('combobox', { name: label, exact: true });
  await combo.click();
  await combo.fill(name);
  const options = page.getByRole('listbox').getByRole('option');
  await options.first().waitFor();
  const texts = (await options.allTextContents()).map((t) => t.replace(/^✓/, '').trim());
  const i = texts.findIndex((t) => t.startsWith(`${name} (`));
  assert.ok(i >= 0, `${label}: no option for ${name} among ${JSON.stringify(texts)}`);
  if (count !== null) assert.equal(texts[i], `${name} (${fmt(count)})`, `${label} option text`);
  for (let k = 0; k < i; k++) await combo.press('ArrowDown');
  await combo.press('Enter');
  await combo.press('Escape');
  await combo.press('Escape');
}

/** Sets the search box and commits it (Enter). */
export async function search(page, text) {
  const box = page.getByLabel('Search', { exact: true });
  await box.fill(text);
  await box.press('Enter');
}

export async function selectTab(page, name) {
  await page.getByRole('tab', { name, exact: true }).click();
  await page.waitForFunction(
    (n) => Array.from(document.querySelectorAll('[role="tab"]')).some((t) => t.textContent.trim() === n && t.getAttribute('aria-selected') === 'true'),
    name,
  );
}

/** The filtered figures of the summary strip (null where absent). */
export async function filteredSummary(page) {
  return page.evaluate(() => {
    const el = (id) => document.querySelector(`[data-testid="summary-filtered-${id}"]`);
    const text = (id) => el(id)?.textContent.trim() ?? null;
    return {
      objects: text('objects'),
      accesses: text('accesses'),
      live: text('live'),
      bytesTitle: el('bytes')?.getAttribute('title') ?? null,
      reads: text('reads'),
      writes: text('writes'),
    };
  });
}

/** Waits until the summary's filtered objects read `objects` (formatted) and returns the filtered figures. */
export async function waitFilteredSummary(page, objects) {
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid="summary-filtered-objects"]')?.textContent.trim() === want,
    fmt(objects),
    { timeout: TIMEOUT },
  );
  return filteredSummary(page);
}

/** What the summary should show for a `stats --json` of filtered objects. */
export function summaryOf(s) {
  return {
    objects: fmt(s.objects),
    accesses: fmt(s.accesses),
    live: fmt(s.liveObjects),
    bytesTitle: `${fmt(s.bytes)} ${s.bytes === 1 ? 'byte' : 'bytes'}`,
    reads: fmt(s.reads),
    writes: fmt(s.writes),
  };
}

/** Rows of an aggregate grid (breakdown-row / site-row) currently rendered: key, cell texts and titles. */
export async function gridRows(page, testId) {
  return page.$$eval(`[data-testid="${testId}"]`, (rows) =>
    rows
      .map((r) => ({
        key: r.getAttribute('data-key'),
        index: Number(r.getAttribute('aria-rowindex')),
        cells: Object.fromEntries(Array.from(r.querySelectorAll('[data-col]')).map((c) => [c.getAttribute('data-col'), c.innerText.trim()])),
        titles: Object.fromEntries(
          Array.from(r.querySelectorAll('[data-col]')).map((c) => [c.getAttribute('data-col'), c.getAttribute('title')]),
        ),
      }))
      .sort((a, b) => a.index - b.index),
  );
}

/** Waits for a rendered grid row with data-key KEY (not dimmed as stale) and returns it. */
export async function waitGridRow(page, testId, key) {
  await page.waitForFunction(
    ([id, k]) => {
      const grid = document.querySelector(`[data-testid="${id}"]`)?.closest('[role="grid"]');
      if (!grid || grid.getAttribute('aria-busy') === 'true') return false;
      return Array.from(document.querySelectorAll(`[data-testid="${id}"]`)).some((r) => r.getAttribute('data-key') === k);
    },
    [testId, key],
    { timeout: TIMEOUT },
  );
  return (await gridRows(page, testId)).find((r) => r.key === key);
}

/** The text and the tooltip (hex) of an object row's allocIp cell. */
export async function allocIpCell(page, idx) {
  const cell = page.locator(`[data-testid="object-row"][data-idx="${idx}"] [data-col="allocIp"]`);
  await cell.waitFor();
  return cell.evaluate((c) => ({
    text: c.innerText.trim(),
    title: c.getAttribute('title') ?? c.querySelector('[title]')?.getAttribute('title') ?? null,
  }));
}

/** The checked state of the filter bar's checkboxes and state radios. */
export async function toggleStates(page) {
  const bar = filterBar(page);
  return {
    hideSentinels: await bar.getByLabel('Hide sentinel objects').isChecked(),
    otherTasks: await bar.getByLabel('Accessed by other tasks').isChecked(),
    state: (
      await Promise.all(
        ['All', 'Live', 'Freed'].map(async (n) => ((await bar.getByRole('radio', { name: n, exact: true }).isChecked()) ? n : null)),
      )
    ).find((n) => n !== null),
  };
}

/** The accessible names of the chips' remove buttons in the filter bar, sorted. */
export async function chipNames(page) {
  const names = await filterBar(page)
    .getByRole('button', { name: /^Remove / })
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent.trim()));
  return names.sort();
}
