// The browser section of `npm run bench -- --browser`: the built dashboard
// (dist/, `npx vite build` first) in Debian's Chromium, the benchmark file
// opened through the file input, then how long each analysis view takes to
// show its answer after its tab is clicked: from the click until the view's
// figures are on screen and nothing says "Computing…". What a user waits
// for, whole: the worker's query, the answer's trip to the page, drawing.
// Beside it, the worker's own time for each call it answered meanwhile
// (the data worker logs every call of 20 ms or more at debug level:
// workers/kmap-worker.ts).
//
// The worker caches an answer per filter, so each round uses a filter not
// asked before: live only, freed only, then all objects. The first round
// also pays what is computed once per file (the allocs and frees in index
// order, per-object sums, site keys); the last is every object, as the
// speed targets state them, after that once-per-file work. Then a zoomed
// live chart (zoomLook). All of it on --runs pages, one after another, each
// loading the file afresh; the section gives medians (min-max) over them.

import { chromium, type Browser, type Page } from 'playwright-core';
import { median } from './process-run.ts';
import { callsText, CALLS_SETTLE_MS, recordWorkerCalls, type WorkerCall } from './worker-calls.ts';

/** e2e/server.mjs (plain JavaScript): serves dist/ with the app's CSP, as the browser tests do. */
type StartServer = (dir: string) => Promise<{ url: string; close(): Promise<void> }>;

/** The views timed, by tab name (the page's CSP forbids string predicates: the checks are in viewReady). */
const TABS = ['Breakdown', 'Access sites', 'Lifetimes', 'Matrix', 'Quality'] as const;
type Tab = (typeof TABS)[number];

/**
 * Runs in the page: the view of `tab` shows its content and nothing says
 * "Computing…". (No named inner functions: tsx would wrap them in a helper
 * the page does not have.)
 */
function viewReady(tab: Tab): boolean {
  const selectors: Record<Tab, [string, number][]> = {
    Breakdown: [['[data-testid="breakdown-row"]', 1]],
    'Access sites': [['[data-testid="site-row"]', 1]],
    Lifetimes: [['[data-testid="live-chart"]', 1]],
    Matrix: [['[data-testid="matrix-count"]', 1], ['.matrix-cell', 1]],
    Quality: [['[data-testid="quality-row"]', 2]],
  };
  for (const [sel, least] of selectors[tab]) if (document.querySelectorAll(sel).length < least) return false;
  // Live objects only: no lifetime to draw, which the histogram says.
  if (tab === 'Lifetimes' && document.querySelectorAll('[data-testid="lifetime-bucket"], [data-testid="lifetime-histogram-empty"]').length === 0) return false;
  return !document.querySelector('[role="tabpanel"] .computing');
}

const FILTERS = ['Live', 'Freed', 'All'] as const;

interface Look {
  ms: number;
  /** Lifetimes only: until this look's live chart is drawn (the histogram may still be computing). */
  firstMs?: number;
  /** The worker's calls logged during the look: name and ms. */
  calls: WorkerCall[];
}

async function showTab(page: Page, tab: Tab, calls: WorkerCall[]): Promise<Look> {
  calls.length = 0;
  const t0 = performance.now();
  await page.getByRole('tab', { name: tab, exact: true }).click();
  let firstMs: number | undefined;
  if (tab === 'Lifetimes') {
    // Drawn for this filter (a chart kept from the last look shows dimmed, data-stale, meanwhile).
    // Polled on a timer, as viewReady: a locator's wait polls on animation frames, which headless
    // Chromium may not produce while nothing on the page changes (seen: 500 ms late at times).
    await page.waitForFunction(() => document.querySelector('[data-testid="live-chart"]:not([data-stale])') !== null, undefined, { timeout: 600_000, polling: 20 });
    firstMs = performance.now() - t0;
  }
  await page.waitForFunction(viewReady, tab, { timeout: 600_000, polling: 20 });
  const ms = performance.now() - t0;
  // The worker's console messages cross to the page on their own; the view is done, so nothing else is asked.
  await page.waitForTimeout(CALLS_SETTLE_MS);
  return { ms, firstMs, calls: [...calls] };
}

/**
 * A zoomed live chart, as a user makes one on the Lifetimes tab: brush the
 * last tenth of the axis on the live chart (the window filters everything;
 * that settles first), then "Zoom to window", timed from that click until
 * the zoomed chart is drawn. The last tenth: a walk from the first event
 * would count every event before it to know what is live at its start; the
 * walk starts instead at the whole-axis chart's last bin start before it
 * (src/query/live-checkpoints.ts), so this times that path.
 */
async function zoomLook(page: Page, calls: WorkerCall[]): Promise<Look> {
  await page.getByRole('tab', { name: 'Lifetimes', exact: true }).click();
  await page.waitForFunction(viewReady, 'Lifetimes' as Tab, { timeout: 600_000, polling: 20 });
  const box = (await page.locator('[data-testid="live-chart"]').boundingBox())!;
  // The plot's margins: LiveChart's M (64 px left, 10 right); the brush clamps to the plot.
  const plotW = box.width - 64 - 10;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + 64 + plotW * 0.9, y);
  await page.mouse.down();
  await page.mouse.move(box.x + 64 + plotW * 0.95, y, { steps: 4 });
  await page.mouse.move(box.x + box.width, y, { steps: 4 });
  await page.mouse.up();
  const zoom = page.getByRole('button', { name: 'Zoom to window', exact: true });
  await zoom.waitFor();
  await page.waitForFunction(() => !(document.querySelector('button[title^="Draw the live chart over the window"]') as HTMLButtonElement | null)?.disabled, undefined, { timeout: 600_000, polling: 20 });
  // What the window itself asks (the bands, the histogram, the table) ends first.
  await page.waitForTimeout(300);
  await page.waitForFunction(viewReady, 'Lifetimes' as Tab, { timeout: 600_000, polling: 20 });
  await page.waitForTimeout(500);
  calls.length = 0;
  const t0 = performance.now();
  await zoom.click();
  await page.waitForFunction(
    () => /zoomed to/.test(document.querySelector('section[aria-label="Live over the index axis"]')?.textContent ?? '') && document.querySelector('[data-testid="live-chart"]:not([data-stale])') !== null && !document.querySelector('[role="tabpanel"] .computing'),
    undefined,
    { timeout: 600_000, polling: 20 },
  );
  const ms = performance.now() - t0;
  await page.waitForTimeout(CALLS_SETTLE_MS);
  return { ms, calls: [...calls] };
}

/** One page: the file loaded, each view looked at once per filter, then the zoomed window. */
interface PageRun {
  loadMs: number;
  looks: Map<Tab, Look[]>;
  zoomed: Look;
}

async function onePage(browser: Browser, url: string, file: string, run: number): Promise<PageRun> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  try {
    page.setDefaultTimeout(600_000);
    const calls = recordWorkerCalls(page);
    await page.goto(url);
    const t0 = performance.now();
    await page.getByLabel('Open kmap').setInputFiles(file);
    await page.waitForFunction(
      () => !document.querySelector('[role="progressbar"]') && document.querySelector('[data-testid="summary-objects"]') !== null && Number(document.querySelector('header.topbar')?.getAttribute('data-load-count')) > 0,
      undefined,
      { timeout: 1_800_000, polling: 200 },
    );
    const loadMs = performance.now() - t0;
    console.error(`  browser, page ${run}: loaded in ${(loadMs / 1000).toFixed(1)} s`);
    const looks = new Map<Tab, Look[]>(TABS.map((t) => [t, []]));
    for (const f of FILTERS) {
      // A new filter (state live / freed / all) so that no answer is cached; back to the Objects tab first.
      await page.getByRole('tab', { name: 'Objects', exact: true }).click();
      await page.locator('section[aria-label="Filters"]').getByRole('radio', { name: f, exact: true }).check();
      await page.waitForFunction(() => !/loading/.test(document.querySelector('[data-testid="row-count"]')?.textContent ?? 'loading'), undefined, { timeout: 600_000 });
      // Calls the filter itself started (the table's rows, totals) end before the first tab's look.
      await page.waitForTimeout(500);
      for (const tab of TABS) {
        const look = await showTab(page, tab, calls);
        looks.get(tab)!.push(look);
        const first = look.firstMs !== undefined ? ` (live chart first drawn at ${look.firstMs.toFixed(0)} ms)` : '';
        console.error(`  browser, page ${run}: ${tab.padEnd(13)} (${f.toLowerCase()} objects) ${look.ms.toFixed(0).padStart(7)} ms${first}; worker: ${callsText(look.calls)}`);
      }
    }
    const zoomed = await zoomLook(page, calls);
    console.error(`  browser, page ${run}: Lifetimes zoomed to the last tenth of the axis (all objects) ${zoomed.ms.toFixed(0).padStart(7)} ms; worker: ${callsText(zoomed.calls)}`);
    return { loadMs, looks, zoomed };
  } finally {
    await page.close();
  }
}

/** "median (min-max)" of whole ms, or the one figure. */
function spread(xs: number[], digits = 0, scale = 1): string {
  const f = (x: number) => (x / scale).toFixed(digits);
  return xs.length === 1 ? f(xs[0]) : `${f(median(xs))} (${f(Math.min(...xs))}-${f(Math.max(...xs))})`;
}

/**
 * The worker's calls of one look across pages: each call name's ms (summed
 * within a look), as spread() over the pages that logged it; a call under
 * 20 ms is not logged, so a page without it is left out and counted apart.
 */
function callsSpread(looks: Look[]): string {
  const names = [...new Set(looks.flatMap((l) => l.calls.map(([n]) => n)))];
  if (names.length === 0) return 'none of 20 ms or more';
  return names
    .map((n) => {
      const logged = looks.filter((l) => l.calls.some(([m]) => m === n)).map((l) => l.calls.filter(([m]) => m === n).reduce((s, [, ms]) => s + ms, 0));
      return `${n} ${spread(logged)}${logged.length < looks.length ? ` (in ${logged.length} of ${looks.length} pages; under 20 ms in the others)` : ''}`;
    })
    .join(' + ');
}

/**
 * `runs` pages, one after another in one browser, each loading the file
 * afresh (a new data worker): every figure is the median (min-max) over them.
 */
export async function measureBrowserViews(root: string, file: string, describeFile: string, runs: number): Promise<string[]> {
  const serverModule = '../e2e/server.mjs';
  const { startServer } = (await import(serverModule)) as { startServer: StartServer };
  const server = await startServer(`${root}/dist`);
  const browser = await chromium.launch({ executablePath: process.env.KMAP_CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const pages: PageRun[] = [];
    for (let run = 1; run <= runs; run++) pages.push(await onePage(browser, `${server.url}/`, file, run));
    const looksOf = (tab: Tab, k: number) => pages.map((p) => p.looks.get(tab)![k]);
    const each = runs === 1 ? 'one page' : `median (min-max) of ${runs} pages, each loading the file afresh`;
    return [
      `In Chromium (${browser.version()}), the built dashboard with ${describeFile} opened through the file input: loaded in ${spread(pages.map((p) => p.loadMs), 1, 1000)} s (${each}). ` +
        'Then, per view, the time from clicking its tab to its figures on screen with nothing computing (the worker query, the answer crossing to the page, drawing), ' +
        'one first look per filter, in this order: live objects only (this look also pays what is computed once per file), freed only, all objects. ' +
        "Last column: the data worker's own ms for each call it answered during the all-objects look, and for the turns of its warm-up after the load that ran meanwhile (warmTurn, summed; calls and turns under 20 ms are not logged).",
      '',
      '| view | live only, ms | freed only, ms | all objects, ms | the worker during the all-objects look, ms |',
      '|---|---|---|---|---|',
      ...TABS.map((tab) => {
        const [live, freed, all] = [0, 1, 2].map((k) => looksOf(tab, k));
        return `| ${tab} | ${spread(live.map((l) => l.ms))} | ${spread(freed.map((l) => l.ms))} | **${spread(all.map((l) => l.ms))}** | ${callsSpread(all)} |`;
      }),
      '',
      "Lifetimes: the live chart was first on screen (this filter's, not the last look's kept dimmed) after " +
        ['live only', 'freed only', 'all objects'].map((what, k) => `${spread(looksOf('Lifetimes', k).map((l) => l.firstMs!))} ms (${what})`).join(', ') + '.',
      '',
      `A zoomed window (all objects): the last tenth of the axis brushed on the live chart, then "Zoom to window": the zoomed live chart on screen ${spread(pages.map((p) => p.zoomed.ms))} ms after the click; the worker: ${callsSpread(pages.map((p) => p.zoomed))}. ` +
        "(The zoom's walk starts at the whole-axis chart's last bin start before the window, not at the first event.)",
      '',
    ];
  } finally {
    await browser.close();
    await server.close();
  }
}
