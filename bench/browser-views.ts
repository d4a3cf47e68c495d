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
// speed targets state them, after that once-per-file work.

import { chromium, type Page } from 'playwright-core';

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

/** `kmap worker: NAME N ms` (workers/kmap-worker.ts). */
const WORKER_CALL = /^kmap worker: (\w+) (\d+) ms$/;

interface Look {
  ms: number;
  /** Lifetimes only: until this look's live chart is drawn (the histogram may still be computing). */
  firstMs?: number;
  /** The worker's calls logged during the look: name and ms. */
  calls: [string, number][];
}

async function showTab(page: Page, tab: Tab, calls: [string, number][]): Promise<Look> {
  calls.length = 0;
  const t0 = performance.now();
  await page.getByRole('tab', { name: tab, exact: true }).click();
  let firstMs: number | undefined;
  if (tab === 'Lifetimes') {
    // Drawn for this filter (a chart kept from the last look shows dimmed, data-stale, meanwhile).
    await page.locator('[data-testid="live-chart"]:not([data-stale])').waitFor({ timeout: 600_000 });
    firstMs = performance.now() - t0;
  }
  await page.waitForFunction(viewReady, tab, { timeout: 600_000, polling: 20 });
  const ms = performance.now() - t0;
  // The worker's console messages cross to the page on their own; the view is done, so nothing else is asked.
  await page.waitForTimeout(150);
  return { ms, firstMs, calls: [...calls] };
}

function callsText(calls: [string, number][]): string {
  return calls.length === 0 ? 'none of 20 ms or more' : calls.map(([name, ms]) => `${name} ${ms}`).join(' + ');
}

export async function measureBrowserViews(root: string, file: string, describeFile: string): Promise<string[]> {
  const serverModule = '../e2e/server.mjs';
  const { startServer } = (await import(serverModule)) as { startServer: StartServer };
  const server = await startServer(`${root}/dist`);
  const browser = await chromium.launch({ executablePath: process.env.KMAP_CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(600_000);
    const calls: [string, number][] = [];
    page.on('console', (m) => {
      const x = WORKER_CALL.exec(m.text());
      if (x) calls.push([x[1], Number(x[2])]);
    });
    await page.goto(`${server.url}/`);
    const t0 = performance.now();
    await page.getByLabel('Open kmap').setInputFiles(file);
    await page.waitForFunction(
      () => !document.querySelector('[role="progressbar"]') && document.querySelector('[data-testid="summary-objects"]') !== null && Number(document.querySelector('header.topbar')?.getAttribute('data-load-count')) > 0,
      undefined,
      { timeout: 1_800_000, polling: 200 },
    );
    const loadMs = performance.now() - t0;
    console.error(`  browser: loaded in ${(loadMs / 1000).toFixed(1)} s`);
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
        console.error(`  browser: ${tab.padEnd(13)} (${f.toLowerCase()} objects) ${look.ms.toFixed(0).padStart(7)} ms${first}; worker: ${callsText(look.calls)}`);
      }
    }
    const lines = [
      `In Chromium (${browser.version()}), the built dashboard with ${describeFile} opened through the file input: loaded in ${(loadMs / 1000).toFixed(1)} s. ` +
        'Then, per view, the time from clicking its tab to its figures on screen with nothing computing (the worker query, the answer crossing to the page, drawing), ' +
        'one first look per filter, in this order: live objects only (this look also pays what is computed once per file), freed only, all objects. ' +
        'Last column: the data worker\'s own ms for each call it answered during the all-objects look (calls under 20 ms are not logged).',
      '',
      '| view | live only, ms | freed only, ms | all objects, ms | the worker during the all-objects look, ms |',
      '|---|---|---|---|---|',
      ...TABS.map((tab) => {
        const [live, freed, all] = looks.get(tab)!;
        return `| ${tab} | ${live.ms.toFixed(0)} | ${freed.ms.toFixed(0)} | **${all.ms.toFixed(0)}** | ${callsText(all.calls)} |`;
      }),
      '',
      `Lifetimes: the live chart was first on screen (this filter's, not the last look's kept dimmed) after ` +
        looks.get('Lifetimes')!.map((l, k) => `${l.firstMs!.toFixed(0)} ms (${['live only', 'freed only', 'all objects'][k]})`).join(', ') + '.',
      '',
    ];
    return lines;
  } finally {
    await browser.close();
    await server.close();
  }
}
