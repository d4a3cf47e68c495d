// The browser section of `npm run bench -- --browser`: the built dashboard
// (dist/, `npx vite build` first) in Debian's Chromium, the benchmark file
// opened through the file input, then how long each analysis view takes to
// show its answer after its tab is clicked: from the click until the view's
// figures are on screen and nothing says "Computing…". What a user waits
// for, whole: the worker's query, the answer's trip to the page, drawing.
//
// The worker caches an answer per filter, so each round uses a filter not
// asked before (all objects, live only, freed only): every time is a first
// look. Rounds are the runs; medians and ranges are reported.

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

const FILTERS = ['All', 'Live', 'Freed'] as const;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function showTab(page: Page, tab: Tab): Promise<number> {
  const t0 = performance.now();
  await page.getByRole('tab', { name: tab, exact: true }).click();
  await page.waitForFunction(viewReady, tab, { timeout: 600_000, polling: 20 });
  return performance.now() - t0;
}

export async function measureBrowserViews(root: string, file: string, describeFile: string): Promise<string[]> {
  const serverModule = '../e2e/server.mjs';
  const { startServer } = (await import(serverModule)) as { startServer: StartServer };
  const server = await startServer(`${root}/dist`);
  const browser = await chromium.launch({ executablePath: process.env.KMAP_CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(600_000);
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
    const times = new Map<Tab, number[]>(TABS.map((t) => [t, []]));
    for (const f of FILTERS) {
      // A new filter (state all / live / freed) so that no answer is cached; back to the Objects tab first.
      await page.getByRole('tab', { name: 'Objects', exact: true }).click();
      await page.locator('section[aria-label="Filters"]').getByRole('radio', { name: f, exact: true }).check();
      await page.waitForFunction(() => !/loading/.test(document.querySelector('[data-testid="row-count"]')?.textContent ?? 'loading'), undefined, { timeout: 600_000 });
      for (const tab of TABS) {
        const ms = await showTab(page, tab);
        times.get(tab)!.push(ms);
        console.error(`  browser: ${tab.padEnd(13)} (${f.toLowerCase()} objects) ${ms.toFixed(0).padStart(7)} ms`);
      }
    }
    const lines = [
      `In Chromium (${browser.version()}), the built dashboard with ${describeFile} opened through the file input: loaded in ${(loadMs / 1000).toFixed(1)} s. ` +
        'Then, per view, the time from clicking its tab to its figures on screen with nothing computing (the worker query, the answer crossing to the page, drawing), ' +
        `median (min-max) of ${FILTERS.length} first looks (filters: all, live only, freed only objects):`,
      '',
      '| view | ms median (min-max) |',
      '|---|---|',
      ...TABS.map((tab) => {
        const xs = times.get(tab)!;
        return `| ${tab} | **${median(xs).toFixed(0)}** (${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}) |`;
      }),
      '',
    ];
    return lines;
  } finally {
    await browser.close();
    await server.close();
  }
}
