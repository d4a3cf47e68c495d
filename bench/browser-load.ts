// The browser-load section of `npm run bench -- --browser-load`: the built
// dashboard (dist/, `npx vite build` first) in Debian's Chromium, the
// benchmark file chosen through the file input, timed from the choice to the
// first rows on screen and to fully loaded, with the file parsed in one piece
// (localStorage kmap.parseWorkers = 1) and in the default number of ranges
// (one per core the browser reports, at least 2: the data worker and its
// parsing workers). First rows are timed in the page (markFirstRows), from
// its change event to the frame that shows them. A fresh browser context per load, the two ways
// interleaved (the order flips each round); the page's memory is the
// resident memory of Chromium's renderer processes once loaded (the data
// worker and its parsing workers live there), read from /proc, beside the
// summary's Memory figure. A file too big for the tab makes the page ask
// before reading the rest: the benchmark answers "load what fits" and reports
// the question and the partial load. Once loaded, each load times sorting,
// scrolling and filtering (browser-interactions.ts). `--size 5GB` writes a
// section of its own. `--aggregate-budget MB` adds a third way: the tab's
// budget lowered to MB (localStorage kmap.memoryBudgetMB) so that the file
// does not fit whole, and the question answered "Load aggregates only" (the
// access lines summed as read, not kept); it too has a section of its own.

import { readdirSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ACTIONS, timeInteractions, type ActionName, type InteractionTimes } from './browser-interactions.ts';
import { callsText, recordWorkerCalls } from './worker-calls.ts';

/** How each timed action is named in the output. */
const ACTION_TEXT: Record<ActionName, string> = {
  sort: 'sort by size',
  scroll: 'scroll half way down',
  addressSort: 'sort by address',
  addressScroll: 'scroll half way down by address',
  filter: 'filter to the slab',
};

type StartServer = (dir: string) => Promise<{ url: string; close(): Promise<void> }>;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Resident MB of every Chromium renderer process (where the page and its workers run). */
function rendererRssMb(): number {
  let kb = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^[0-9]+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('chromium') || !cmd.includes('--type=renderer')) continue;
      const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch {
      // The process ended meanwhile.
    }
  }
  return kb / 1024;
}

interface FirstRowsMarks {
  /** performance.now() in the page at the file input's change event, and at the frame that first shows an object row. */
  chosen: number | null;
  rows: number | null;
}

/**
 * Runs in the page before its scripts (addInitScript): marks the moment the
 * page learns of the chosen file (the input's change event) and the first
 * animation frame after an object row enters the document (the frame that
 * paints it). Measured in the page because Playwright's waiting polls (every
 * 100-500 ms after the first few tries), which added up to half a second to
 * the figure this replaced.
 */
function markFirstRows(): void {
  const marks: FirstRowsMarks = { chosen: null, rows: null };
  (window as unknown as { __firstRows: FirstRowsMarks }).__firstRows = marks;
  document.addEventListener('change', (e) => {
    if (marks.chosen === null && (e.target as HTMLInputElement | null)?.type === 'file') marks.chosen = performance.now();
  }, true);
  const seen = new MutationObserver(() => {
    if (marks.chosen === null || !document.querySelector('[data-testid="object-row"]')) return;
    seen.disconnect();
    marks.rows = -1;
    requestAnimationFrame(() => (marks.rows = performance.now()));
  });
  seen.observe(document, { subtree: true, childList: true });
}

interface LoadRun {
  /** From the page's change event to the frame that first shows rows (markFirstRows). */
  firstRowsMs: number;
  /** The same as the harness sees it (setInputFiles to its wait returning). */
  seenMs: number;
  loadedMs: number;
  rssMb: number;
  /** The summary's object count, the Memory figure (MB) and its Partial mark, once loaded. */
  objects: string;
  memoryMb: number;
  partial: string | null;
  /** The "Too big for this tab" question's text, when the page asked it (answered: load what fits). */
  asked: string | null;
  interactions: InteractionTimes | null;
}

/**
 * Waits until the load ends; when the page asks how to read a file too big
 * for the tab, answers (the part that fits, or aggregates only) and says what
 * it asked.
 */
async function waitLoadEnd(page: Page, answer: 'part' | 'aggregate'): Promise<string | null> {
  const question = page.getByRole('alertdialog', { name: 'Too big for this tab' });
  const loaded = page.waitForFunction(
    () => !document.querySelector('[role="progressbar"]') && Number(document.querySelector('header.topbar')?.getAttribute('data-load-count')) > 0,
    undefined,
    { timeout: 1_800_000, polling: 50 },
  );
  const which = await Promise.race([loaded.then(() => 'loaded' as const), question.waitFor({ timeout: 1_800_000 }).then(() => 'asked' as const)]);
  if (which === 'loaded') return null;
  const text = (await question.locator('#too-big-text').innerText()).replace(/\s+/g, ' ').trim();
  await question.getByRole('button', { name: answer === 'part' ? /^Load the first/ : 'Load aggregates only' }).click();
  await loaded;
  return text;
}

/** How a load runs: its ranges (kmap.parseWorkers; null: the default), its budget (kmap.memoryBudgetMB; null: the tab's), and the answer to the question. */
interface Way {
  id: string;
  name: string;
  setting: string | null;
  budgetMB: number | null;
  answer: 'part' | 'aggregate';
}

async function loadOnce(browser: Browser, url: string, file: string, way: Way, interact: boolean): Promise<LoadRun> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    if (way.setting !== null) await context.addInitScript((n) => localStorage.setItem('kmap.parseWorkers', n), way.setting);
    if (way.budgetMB !== null) await context.addInitScript((mb) => localStorage.setItem('kmap.memoryBudgetMB', mb), String(way.budgetMB));
    await context.addInitScript(markFirstRows);
    const page = await context.newPage();
    page.setDefaultTimeout(1_800_000);
    const calls = recordWorkerCalls(page);
    await page.goto(`${url}/`);
    await page.getByText('kmap explorer', { exact: true }).waitFor();
    const t0 = performance.now();
    await page.getByLabel('Open kmap').setInputFiles(file);
    await page.locator('[data-testid="object-row"]').first().waitFor({ state: 'visible', timeout: 1_800_000 });
    const firstRowsMs = await page
      .waitForFunction(() => {
        const m = (window as unknown as { __firstRows: FirstRowsMarks }).__firstRows;
        return m.chosen !== null && m.rows !== null && m.rows > 0 ? m.rows - m.chosen : null;
      })
      .then((h) => h.jsonValue() as Promise<number>);
    // The harness's own view, for the log: it polls, so it sees the rows up to 0.5 s late.
    const seenMs = performance.now() - t0;
    const asked = await waitLoadEnd(page, way.answer);
    const loadedMs = performance.now() - t0;
    const rssMb = rendererRssMb();
    const objects = ((await page.getByTestId('summary-objects').textContent()) ?? '').trim();
    const memoryMb = Number(await page.getByTestId('summary-memory').getAttribute('data-bytes')) / 1e6;
    const partialMark = page.getByTestId('summary-partial');
    const partial = (await partialMark.count()) > 0 ? ((await partialMark.textContent()) ?? '').trim() : null;
    const interactions = interact ? await timeInteractions(page, calls) : null;
    return { firstRowsMs, seenMs, loadedMs, rssMb, objects, memoryMb, partial, asked, interactions };
  } finally {
    await context.close();
  }
}

export async function measureBrowserLoad(root: string, file: string, fileBytes: number, describeFile: string, runs: number, aggregateBudgetMB: number | null = null): Promise<string[]> {
  const serverModule = '../e2e/server.mjs';
  const { startServer } = (await import(serverModule)) as { startServer: StartServer };
  const server = await startServer(`${root}/dist`);
  const browser = await chromium.launch({ executablePath: process.env.KMAP_CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  const version = browser.version();
  const cores = await (await browser.newPage()).evaluate(() => navigator.hardwareConcurrency);
  const ways: Way[] = [
    { id: 'one', name: 'one piece (`kmap.parseWorkers` = 1)', setting: '1', budgetMB: null, answer: 'part' },
    { id: 'ranges', name: `ranges, the default (${Math.max(2, cores)}: the data worker and ${Math.max(2, cores) - 1} parsing worker${cores > 2 ? 's' : ''})`, setting: null, budgetMB: null, answer: 'part' },
    ...(aggregateBudgetMB !== null
      ? [{ id: 'aggregate', name: `aggregates only (\`kmap.memoryBudgetMB\` = ${aggregateBudgetMB}: too big whole, "Load aggregates only")`, setting: null, budgetMB: aggregateBudgetMB, answer: 'aggregate' as const }]
      : []),
  ];
  const results = new Map<string, LoadRun[]>(ways.map((w) => [w.id, []]));
  try {
    for (let round = 0; round < runs; round++) {
      for (const way of round % 2 === 0 ? ways : [...ways].reverse()) {
        const r = await loadOnce(browser, server.url, file, way, true);
        results.get(way.id)!.push(r);
        const i = r.interactions!;
        console.error(
          `  browser-load: round ${round + 1}/${runs} ${way.id.padEnd(6)} first rows ${r.firstRowsMs.toFixed(0).padStart(6)} ms (harness ${r.seenMs.toFixed(0)}), loaded ${(r.loadedMs / 1000).toFixed(2).padStart(6)} s, ` +
            `renderers ${r.rssMb.toFixed(0)} MB, data ${r.memoryMb.toFixed(0)} MB, ${r.objects} objects${r.partial ? `, partial: ${r.partial}` : ''}${r.asked ? ' (asked)' : ''}; ` +
            ACTIONS.map((k) => `${ACTION_TEXT[k]} ${i.ms[k].toFixed(0)} ms (harness ${i.harness[k].toFixed(0)})`).join(', ') +
            `; worker: ${ACTIONS.map((k) => `${k} ${callsText(i.calls[k])}`).join('; ')}`,
        );
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const mmm = (xs: number[], d: number) => `**${median(xs).toFixed(d)}** (${Math.min(...xs).toFixed(d)}-${Math.max(...xs).toFixed(d)})`;
  const oneLoaded = median(results.get('one')!.map((r) => r.loadedMs));
  const all = [...results.values()].flat();
  const notes = [...new Set(all.map((r) => (r.partial ? `Partial: ${r.partial}.` : '')).filter(Boolean))];
  const asked = [...new Set(all.map((r) => r.asked).filter((a): a is string => a !== null))];
  const interactionMs = (pick: (i: InteractionTimes) => number) => all.map((r) => pick(r.interactions!));
  return [
    `In Chromium (${version}; navigator.hardwareConcurrency ${cores}), the built dashboard with ${describeFile} chosen through the file input, ` +
      `a fresh context per load, the ${ways.length === 2 ? 'two' : ways.length} ways interleaved over ${runs} rounds; median (min-max). Renderer memory: resident MB of Chromium's renderer processes once loaded; ` +
      `data: the summary's Memory figure (the store's columns and name tables).`,
    '',
    '| parse | first rows ms | loaded s | MB/s | objects | data MB | renderer MB | vs one piece |',
    '|---|---|---|---|---|---|---|---|',
    ...ways.map((w) => {
      const rs = results.get(w.id)!;
      const loaded = median(rs.map((r) => r.loadedMs));
      return `| ${w.name} | ${mmm(rs.map((r) => r.firstRowsMs), 0)} | ${mmm(rs.map((r) => r.loadedMs / 1000), 2)} | ${(fileBytes / 1e6 / (loaded / 1000)).toFixed(0)} | ${rs[0].objects}${rs.some((r) => r.partial) ? ' (partial)' : ''} | ${median(rs.map((r) => r.memoryMb)).toFixed(0)} | ${median(rs.map((r) => r.rssMb)).toFixed(0)} | ${(oneLoaded / loaded).toFixed(2)}x |`;
    }),
    '',
    `First rows: from the file input's change event in the page to the animation frame that first shows object rows, measured in the page ` +
      `(the harness, which polls, saw them ${mmm(all.map((r) => r.seenMs), 0)} ms after its setInputFiles call).`,
    '',
    ...asked.map((a) => `The page asked before reading the rest: "${a}"`).flatMap((line) => [line, '']),
    ...(notes.length > 0 ? [notes.join(' '), ''] : []),
    `Once loaded, over all ${all.length} loads (in the page, from the action's event to the frame that shows the answer's rows; bench/browser-interactions.ts): ` +
      ACTIONS.map((k) => `${ACTION_TEXT[k]} ${mmm(interactionMs((i) => i.ms[k]), 0)} ms`).join(', ') +
      ` (target: each under 150 ms; the slab: ${all[0].interactions!.slab}). ` +
      `Playwright, from Node before its click to its wait's end, saw ${ACTIONS.map((k) => mmm(interactionMs((i) => i.harness[k]), 0)).join(', ')} ms. ` +
      `The data worker's calls of 20 ms or more (its own ms, logged by workers/kmap-worker.ts), by way (one, ranges or aggregate: the table's rows in order) and round: ` +
      ways
        .flatMap((w) => results.get(w.id)!.map((r, k) => `${w.id} ${k + 1}, ${ACTIONS.map((a) => `${ACTION_TEXT[a]}: ${callsText(r.interactions!.calls[a])}`).join('; ')}`))
        .join('. ') +
      '.',
  ];
}
