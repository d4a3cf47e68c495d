// Shared helpers of the browser tests (playwright-core + Debian's chromium).

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before } from 'node:test';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, '..');
export const FIXTURES = join(here, 'fixtures');
export const RESULTS = join(ROOT, 'test-results');
export const BASE_URL = process.env.KMAP_E2E_BASE_URL ?? 'http://127.0.0.1:4173';

/** Generous: the machine has 2 cores shared with a kernel build. */
export const TIMEOUT = 30_000;

export function fixture(name) {
  return join(FIXTURES, name);
}

/**
 * For a test file with files of its own: before its tests, launches the
 * browser, makes a temporary folder and calls `prepare(dir)` to write the
 * files into it; after them, closes the browser and removes the folder.
 * Returns an object whose `browser` and `dir` are set once before() ran.
 */
export function withBrowserAndFolder(prefix, prepare) {
  const env = { browser: null, dir: null };
  before(async () => {
    env.browser = await launch();
    env.dir = mkdtempSync(join(tmpdir(), prefix));
    await prepare(env.dir);
  });
  after(async () => {
    await env.browser?.close();
    if (env.dir) rmSync(env.dir, { recursive: true, force: true });
  });
  return env;
}

/** Launches Debian's chromium headless; `extraArgs`: more switches (e.g. --js-flags=--expose-gc). */
export async function launch(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.KMAP_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}

/**
 * Opens the app (with an optional query string) in a fresh context and
 * collects console errors and uncaught exceptions.
 */
export async function openApp(browser, query = '', { permissions = [], setup = null } = {}) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  if (permissions.length > 0) await context.grantPermissions(permissions, { origin: BASE_URL });
  // setup(context): before the page opens (e.g. context.route to delay a response).
  if (setup) await setup(context);
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(`${BASE_URL}/${query}`);
  await page.getByText('kmap explorer', { exact: true }).waitFor();
  return { page, context, errors };
}

/** Waits until no load is in progress and the summary is shown. */
export async function waitLoaded(page, timeout = TIMEOUT) {
  await page.waitForFunction(
    () =>
      !document.querySelector('[role="progressbar"]') &&
      document.querySelector('[data-testid="summary-objects"]') !== null &&
      document.querySelector('[data-testid="row-count"]') !== null,
    undefined,
    { timeout },
  );
}

/** Loads completed so far in the page (the top bar's data-load-count). */
export async function loadCount(page) {
  return Number(await page.locator('header.topbar').getAttribute('data-load-count'));
}

/**
 * Loads a file through the "Open kmap" input and waits until that load has
 * completed (not just until no load is running: with a file already loaded,
 * that is true before the new one starts).
 */
export async function openFixture(page, name) {
  const before = await loadCount(page);
  await page.getByLabel('Open kmap').setInputFiles(fixture(name));
  await page.waitForFunction(
    (n) => Number(document.querySelector('header.topbar')?.getAttribute('data-load-count')) > n,
    before,
    { timeout: TIMEOUT },
  );
  await waitLoaded(page);
}

export async function summary(page) {
  const text = async (id) => (await page.getByTestId(id).textContent())?.trim();
  return {
    format: (await page.getByTestId('summary-format').locator('.format-badge').textContent())?.trim(),
    objects: await text('summary-objects'),
    accesses: await text('summary-accesses'),
    live: await text('summary-live'),
    bytes: await page.getByTestId('summary-bytes').getAttribute('title'),
    reads: await text('summary-reads'),
    writes: await text('summary-writes'),
    badLines: await text('summary-bad-lines'),
  };
}

export async function rowCountText(page) {
  return (await page.getByTestId('row-count').textContent())?.trim();
}

/** Waits for the row count text to be exactly `expected`. */
export async function waitRowCount(page, expected) {
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid="row-count"]')?.textContent?.trim() === want,
    expected,
    { timeout: TIMEOUT },
  );
}

/** The rendered (loaded) rows, top to bottom: idx and each cell's text. */
export async function visibleRows(page) {
  return page.$$eval('[data-testid="object-row"]', (rows) =>
    rows
      .map((r) => ({
        idx: Number(r.getAttribute('data-idx')),
        pos: Number(r.getAttribute('data-pos')),
        selected: r.getAttribute('aria-selected') === 'true',
        cells: Object.fromEntries(
          Array.from(r.querySelectorAll('[data-col]')).map((c) => [c.getAttribute('data-col'), (c.innerText ?? '').trim()]),
        ),
      }))
      .sort((a, b) => a.pos - b.pos),
  );
}

/** Waits until the rendered rows' idx list equals `idxs` (in order). */
export async function waitRowIdxs(page, idxs) {
  await page.waitForFunction(
    (want) => {
      const rows = Array.from(document.querySelectorAll('[data-testid="object-row"]'))
        .map((r) => [Number(r.getAttribute('data-pos')), Number(r.getAttribute('data-idx'))])
        .sort((a, b) => a[0] - b[0])
        .map((p) => p[1]);
      return (
        document.querySelectorAll('[data-testid="object-row-pending"]').length === 0 &&
        JSON.stringify(rows) === JSON.stringify(want)
      );
    },
    idxs,
    { timeout: TIMEOUT },
  );
}

/** The access table of the detail panel: one entry per row. */
export async function accessRows(page) {
  return page.$$eval('[data-testid="access-row"]', (rows) =>
    rows.map((r) =>
      Object.fromEntries(Array.from(r.querySelectorAll('[data-col]')).map((c) => [c.getAttribute('data-col'), (c.innerText ?? '').trim()])),
    ),
  );
}

export async function shot(page, name) {
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: join(RESULTS, `${name}.png`) });
}

export function assertNoErrors(errors) {
  assert.deepEqual(errors, [], `console errors or uncaught exceptions:\n${errors.join('\n')}`);
}
