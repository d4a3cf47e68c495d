// 16. The Content-Security-Policy (../csp.mjs) everywhere the app is served:
//     the test server (every response), the built index.html's <meta>,
//     `vite preview` and the `vite` dev server (a fresh nonce per request);
//     the app runs under it with no violation (bundled sample, a file from
//     the input, Breakdown with bars and icicle, Access sites, Download CSV);
//     and the negative controls: injected script, handlers, markup, eval and
//     framing are refused, and a page served without the policy is caught
//     by the same checks.
//
//     The policy the checks demand is written out here, not read from
//     csp.mjs, so that weakening csp.mjs fails this test.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createServer as createViteServer, preview as vitePreview } from 'vite';
import { selectTab } from './analysis-helpers.mjs';
import { assertNoErrors, BASE_URL, launch, openFixture, ROOT, summary, TIMEOUT, waitLoaded } from './helpers.mjs';

/** What every response must say, directive by directive (exactly these sources). */
const REQUIRED = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'", 'http:', 'https:'],
  'worker-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
  'require-trusted-types-for': ["'script'"],
  'trusted-types': ['default'],
};
/** Never anywhere in the policy. */
const FORBIDDEN = ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'", "'strict-dynamic'", '*'];
/** Where the dev server may add its nonce. */
const NONCE_DIRECTIVES = new Set(['script-src', 'style-src']);

/**
 * What is wrong with a policy (a header value, or a <meta>'s content with
 * `meta: true`, which cannot carry frame-ancestors); [] when nothing is.
 * `nonce`: the dev server's nonce, required in script-src and style-src.
 */
function cspProblems(policy, { meta = false, nonce = null } = {}) {
  if (typeof policy !== 'string' || policy.trim() === '') return ['no Content-Security-Policy'];
  const problems = [];
  const seen = new Map();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (!name) continue;
    const key = name.toLowerCase();
    if (seen.has(key)) problems.push(`${key} given twice (browsers ignore the second)`);
    else seen.set(key, sources);
  }
  for (const [name, sources] of seen) {
    for (const s of sources) if (FORBIDDEN.includes(s.toLowerCase())) problems.push(`${name} allows ${s}`);
    if (!(name in REQUIRED) || (meta && name === 'frame-ancestors')) problems.push(`unexpected directive ${name}`);
  }
  for (const [name, want] of Object.entries(REQUIRED)) {
    if (meta && name === 'frame-ancestors') continue;
    const got = seen.get(name);
    if (!got) {
      problems.push(`no ${name}`);
      continue;
    }
    const nonces = got.filter((s) => /^'nonce-/.test(s));
    const rest = got.filter((s) => !/^'nonce-/.test(s));
    if (JSON.stringify(rest) !== JSON.stringify(want)) problems.push(`${name} is "${got.join(' ')}", not "${want.join(' ')}"`);
    const wantNonces = nonce !== null && NONCE_DIRECTIVES.has(name) ? [`'nonce-${nonce}'`] : [];
    if (JSON.stringify(nonces) !== JSON.stringify(wantNonces)) {
      problems.push(`${name} has nonces ${nonces.join(' ') || '(none)'}, not ${wantNonces.join(' ') || '(none)'}`);
    }
  }
  return problems;
}

function assertStrict(policy, what, options) {
  assert.deepEqual(cspProblems(policy, options), [], `${what}: ${policy}`);
}

/** Records the page's securitypolicyviolation events (an init script: before any of the app's code). */
function recordViolations() {
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) =>
    window.__cspViolations.push(`${e.effectiveDirective}: ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`),
  );
}

const CSP_CONSOLE = /Content.Security.Policy|Trusted.?(Types?|Script|HTML)/i;

/**
 * A fresh context and page that record CSP violations of the page and of its
 * workers (a worker has its own global and its own policy, from the header of
 * its script; its listener is added as soon as Playwright sees it), console
 * messages about CSP or Trusted Types, and errors.
 */
async function openWatched(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript(recordViolations);
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const errors = [];
  const cspConsole = [];
  const messages = [];
  page.on('console', (m) => {
    messages.push(m.text());
    if (CSP_CONSOLE.test(m.text())) cspConsole.push(m.text());
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  const workers = [];
  page.on('worker', (w) => {
    workers.push(
      w
        .evaluate(() => {
          self.__cspViolations = [];
          self.addEventListener('securitypolicyviolation', (e) =>
            self.__cspViolations.push(`worker ${e.effectiveDirective}: ${e.blockedURI || '(inline)'} ${e.sample}`),
          );
        })
        .then(
          () => w,
          () => null,
        ),
    );
  });
  const response = await page.goto(url);
  const violations = async () => {
    const inPage = await page.evaluate(() => window.__cspViolations);
    const live = (await Promise.all(workers)).filter((w) => w !== null);
    const inWorkers = await Promise.all(live.map((w) => w.evaluate(() => self.__cspViolations).catch(() => [])));
    return [...inPage, ...inWorkers.flat()];
  };
  const firstWorker = async () => {
    const live = (await Promise.all(workers)).filter((w) => w !== null);
    assert.ok(live.length > 0, 'the data worker is running');
    return live[0];
  };
  return { context, page, response, errors, cspConsole, messages, violations, firstWorker };
}

/** Runs `steps`; a failure also lists the CSP violations seen so far (a blocked load shows as a timeout). */
async function withViolations(w, steps) {
  try {
    await steps();
  } catch (e) {
    const seen = await w.violations().catch(() => []);
    if (seen.length > 0) e.message += `\nCSP violations so far:\n${seen.join('\n')}`;
    throw e;
  }
}

/** Clicks "Download CSV" and returns the saved text. */
async function downloadCsv(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  return readFile(await download.path(), 'utf8');
}

/** The body's background from styles.css (#0f1216): the stylesheet applied. */
async function assertStyled(page) {
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(15, 18, 22)', 'styles.css applies');
}

/**
 * Tries, from the page's own code (a timer: code that page.evaluate runs
 * directly may eval under DevTools' allowance), what an injection would:
 * an inline <script>, an inline handler, markup with a handler, eval,
 * Function and a string timer. Each that runs bumps window.__pwned.
 * Resolves { pwned, outcome } with what each attempt did.
 */
function probeInjection(page) {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        setTimeout(() => {
          window.__pwned = 0;
          const code = 'window.__pwned += 1';
          const outcome = {};
          const attempt = (name, f) => {
            try {
              f();
              outcome[name] = 'no exception';
            } catch (e) {
              outcome[name] = e.name;
            }
          };
          attempt('inline script', () => {
            const s = document.createElement('script');
            s.textContent = code;
            document.head.append(s);
          });
          attempt('inline handler', () => {
            const d = document.createElement('div');
            d.setAttribute('onclick', code);
            document.body.append(d);
            d.click();
            d.remove();
          });
          attempt('markup', () => document.body.insertAdjacentHTML('beforeend', `<img alt="" src="data:," onerror="${code}">`));
          attempt('eval', () => eval(code));
          attempt('Function', () => new Function(code)());
          attempt('string timer', () => setTimeout(code, 0));
          setTimeout(() => resolve({ pwned: window.__pwned, outcome }), 300);
        }, 0);
      }),
  );
}
const PROBES = 6;

/** Serves the main document through the page without its CSP header and, with `stripMeta`, without the <meta>. */
async function serveWithoutHeader(context, { stripMeta }) {
  await context.route(
    (url) => url.origin === BASE_URL && (url.pathname === '/' || url.pathname === '/index.html'),
    async (route) => {
      const original = await route.fetch();
      const headers = { ...original.headers() };
      delete headers['content-security-policy'];
      let body = await original.text();
      if (stripMeta) body = body.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/i, '');
      await route.fulfill({ status: original.status(), headers, body });
    },
  );
}

/**
 * Runs `f` and puts process.env.NODE_ENV back as it was: Vite sets it for the
 * mode it starts in (production for preview), and the React plugin reads it
 * to decide whether to inject react-refresh.
 */
async function keepingNodeEnv(f) {
  const was = process.env.NODE_ENV;
  try {
    return await f();
  } finally {
    if (was === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = was;
  }
}

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test('the checks demand every directive and refuse a missing or weaker policy', async () => {
  const { contentSecurityPolicy } = await import('../csp.mjs');
  assertStrict(contentSecurityPolicy(), 'csp.mjs');
  assertStrict(contentSecurityPolicy({ meta: true }), 'csp.mjs for a <meta>', { meta: true });
  assertStrict(contentSecurityPolicy({ nonce: 'abc+/=' }), 'csp.mjs with a nonce', { nonce: 'abc+/=' });
  const good = contentSecurityPolicy();
  const bad = {
    'no header': null,
    'an empty header': '',
    'inline script': good.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"),
    eval: good.replace("script-src 'self'", "script-src 'self' 'unsafe-eval'"),
    'inline style': good.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
    'a script host': good.replace("script-src 'self'", "script-src 'self' https://cdn.example"),
    'no object-src': good.replace("object-src 'none'; ", ''),
    'no frame-ancestors': good.replace("frame-ancestors 'none'; ", ''),
    'no Trusted Types': good.replace("require-trusted-types-for 'script'; ", ''),
    'connect-src *': good.replace("connect-src 'self' http: https:", 'connect-src *'),
    'a second, looser script-src': `${good}; script-src *`,
    'a nonce where none is due': contentSecurityPolicy({ nonce: 'abc' }),
  };
  for (const [what, policy] of Object.entries(bad)) assert.notDeepEqual(cspProblems(policy), [], `refused: ${what}`);
  assert.notDeepEqual(cspProblems(good, { nonce: 'abc' }), [], 'refused: no nonce where the dev server must give one');
  assert.notDeepEqual(cspProblems(good, { meta: true }), [], 'refused: frame-ancestors in a <meta>');
});

test('the test server sends the policy on every response', async () => {
  const html = await (await fetch(`${BASE_URL}/`)).text();
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
  assert.ok(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css')), `assets in index.html: ${assets}`);
  const entry = await (await fetch(`${BASE_URL}${assets.find((a) => a.endsWith('.js'))}`)).text();
  const worker = entry.match(/\/assets\/kmap-worker-[\w-]+\.js/)?.[0];
  assert.ok(worker, 'the worker script is named in the entry chunk');
  const requests = [
    ['/', 'GET', 200],
    ['/index.html', 'GET', 200],
    ...assets.map((a) => [a, 'GET', 200]),
    [worker, 'GET', 200],
    ['/sample.kmap', 'HEAD', 200],
    ['/__e2e/slow.kmap?objects=10&chunks=1&ms=0', 'GET', 200],
    ['/no-such-file', 'GET', 404],
    ['/%zz', 'GET', 400],
    ['/', 'POST', 405],
  ];
  for (const [path, method, status] of requests) {
    const res = await fetch(`${BASE_URL}${path}`, { method });
    await res.arrayBuffer();
    assert.equal(res.status, status, `${method} ${path}`);
    assertStrict(res.headers.get('content-security-policy'), `${method} ${path}`);
  }
});

test('the built index.html carries the policy as a <meta> before any script or style', async () => {
  const html = await (await fetch(`${BASE_URL}/`)).text();
  const metas = [...html.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)"\s*\/?>/gi)];
  assert.equal(metas.length, 1, 'one CSP <meta>');
  const content = metas[0][1].replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  assertStrict(content, 'the <meta>', { meta: true });
  const at = metas[0].index;
  for (const tag of ['<script', '<link rel="stylesheet"', '<style']) {
    const i = html.indexOf(tag);
    assert.ok(i === -1 || i > at, `the <meta> comes before ${tag}`);
  }
});

test('the app runs under the policy with no violation: sample, file input, Breakdown, Access sites, Download CSV', async () => {
  const w = await openWatched(browser, `${BASE_URL}/`);
  const { page } = w;
  assertStrict(w.response.headers()['content-security-policy'], 'the main document');
  await withViolations(w, async () => {
    await page.getByText('kmap explorer', { exact: true }).waitFor();
    await assertStyled(page);

    await page.getByRole('button', { name: 'Open the bundled sample' }).click();
    await waitLoaded(page, 60_000);
    assert.ok(Number((await summary(page)).objects.replace(/,/g, '')) > 0, 'the sample loaded');

    await selectTab(page, 'Breakdown');
    await page.getByTestId('breakdown-row').first().waitFor();
    await page.getByTestId('breakdown-bar').first().waitFor();
    await page.getByRole('radio', { name: 'Icicle' }).check();
    await page.locator('[data-testid="icicle-tile"], [data-testid="icicle-canvas"]').first().waitFor();
    assert.match(await downloadCsv(page), /^key,objects,live,bytes,liveBytes,accessLines,reads,writes\n./);

    await selectTab(page, 'Access sites');
    await page.getByTestId('site-row').first().waitFor();
    assert.match(await downloadCsv(page), /^site,reads,writes,accessLines,objects,pids\n./);

    await openFixture(page, 'basic-e.kmap');
    assert.equal((await summary(page)).objects, '11');
    await page.getByTestId('site-row').first().waitFor();
    await selectTab(page, 'Breakdown');
    await page.getByTestId('breakdown-row').first().waitFor();
  });

  assert.deepEqual(await w.violations(), [], 'CSP violations');
  assert.deepEqual(w.cspConsole, [], 'console messages about CSP');
  assertNoErrors(w.errors);
  await w.context.close();
});

test('injected script, handlers, markup and eval do not run, in the page or the worker; nor does framing', async () => {
  const w = await openWatched(browser, `${BASE_URL}/?v=2&src=sample.kmap`);
  await waitLoaded(w.page, 60_000);
  const { pwned, outcome } = await probeInjection(w.page);
  assert.equal(pwned, 0, `nothing injected ran: ${JSON.stringify(outcome)}`);
  assert.equal(outcome.eval, 'EvalError');
  assert.equal(outcome.Function, 'EvalError');
  const inPage = await w.page.evaluate(() => window.__cspViolations);
  assert.ok(inPage.length >= PROBES, `each attempt was reported:\n${inPage.join('\n')}`);

  // The worker runs under the policy of its own script's response.
  const worker = await w.firstWorker();
  const inWorker = await worker.evaluate(
    () =>
      new Promise((resolve) =>
        setTimeout(() => {
          try {
            eval('1');
            resolve('eval ran');
          } catch (e) {
            resolve(e.name);
          }
        }, 0),
      ),
  );
  assert.equal(inWorker, 'EvalError', 'eval in the worker');
  assert.ok((await worker.evaluate(() => self.__cspViolations)).length > 0, 'the worker reported it');
  await w.context.close();

  // frame-ancestors 'none': the app refuses to be framed.
  const framing = await browser.newContext();
  const outer = await framing.newPage();
  await outer.setContent(`<iframe src="${BASE_URL}/" width="600" height="400"></iframe>`);
  await outer.waitForFunction(() => document.querySelector('iframe').contentWindow !== null);
  const frame = outer.frames()[1];
  await frame.waitForLoadState('load');
  assert.match(frame.url(), /^chrome-error:/, 'the framed app was blocked');
  await framing.close();
});

test('negative control: a page served without the policy is caught, and the probes do run there', async () => {
  // No header and no <meta>: everything the probes try runs, and the header check refuses the response.
  const bare = await openWatched(browser, 'about:blank');
  await serveWithoutHeader(bare.context, { stripMeta: true });
  const response = await bare.page.goto(`${BASE_URL}/`);
  await bare.page.getByText('kmap explorer', { exact: true }).waitFor();
  assert.notDeepEqual(cspProblems(response.headers()['content-security-policy']), [], 'a header-less page is refused');
  const probed = await probeInjection(bare.page);
  assert.equal(probed.pwned, PROBES, `every probe ran without a policy: ${JSON.stringify(probed.outcome)}`);
  await bare.page.setContent(`<iframe src="${BASE_URL}/" width="600" height="400"></iframe>`);
  await bare.page.frames()[1].getByText('kmap explorer', { exact: true }).waitFor();
  await bare.context.close();

  // No header but the <meta> (a static host): the probes are still refused; the header check still fails.
  const metaOnly = await openWatched(browser, 'about:blank');
  await serveWithoutHeader(metaOnly.context, { stripMeta: false });
  const r2 = await metaOnly.page.goto(`${BASE_URL}/`);
  await metaOnly.page.getByText('kmap explorer', { exact: true }).waitFor();
  assert.deepEqual(cspProblems(r2.headers()['content-security-policy']), ['no Content-Security-Policy']);
  const metaProbed = await probeInjection(metaOnly.page);
  assert.equal(metaProbed.pwned, 0, `the <meta> alone refuses the probes: ${JSON.stringify(metaProbed.outcome)}`);
  await metaOnly.context.close();
});

test('the vite dev server: a fresh nonce per request on its inline tags, and the app runs with no violation', () => keepingNodeEnv(async () => {
  // A dependency cache of its own, so that this does not race a developer's
  // `npm start` over node_modules/.vite (kept between runs: faster, and the
  // optimizer may still write to it just after close()).
  const cacheDir = join(ROOT, 'node_modules', '.vite-e2e-csp');
  const server = await createViteServer({
    root: ROOT,
    configFile: join(ROOT, 'vite.config.ts'),
    cacheDir,
    logLevel: 'error',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 0, strictPort: true, watch: null },
  });
  try {
    await server.listen();
    const base = `http://127.0.0.1:${server.httpServer.address().port}`;
    const nonces = [];
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${base}/`);
      const html = await res.text();
      const header = res.headers.get('content-security-policy');
      const nonce = header?.match(/'nonce-([^']+)'/)?.[1];
      assert.ok(nonce, `a nonce in ${header}`);
      assertStrict(header, 'the dev server', { nonce });
      const tags = [...html.matchAll(/<(script|style)\b[^>]*>/gi)].map((m) => m[0]);
      const inline = [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)];
      assert.ok(inline.length > 0 && inline.some((m) => m[1].includes('injectIntoGlobalHook')), 'the react-refresh preamble is inline');
      for (const tag of tags) assert.ok(tag.includes(` nonce="${nonce}"`), `the request's nonce on ${tag}`);
      assert.ok(html.includes(`<meta property="csp-nonce" nonce="${nonce}"`), 'the nonce for the Vite client');
      nonces.push(nonce);
    }
    assert.notEqual(nonces[0], nonces[1], 'each request has its own nonce');

    const w = await openWatched(browser, `${base}/`);
    const { page } = w;
    assertStrict(w.response.headers()['content-security-policy'], 'the dev page', {
      nonce: w.response.headers()['content-security-policy'].match(/'nonce-([^']+)'/)?.[1] ?? null,
    });
    await withViolations(w, async () => {
      await page.getByText('kmap explorer', { exact: true }).waitFor({ timeout: 60_000 });
      // The HMR websocket is allowed by connect-src 'self'.
      for (let t = Date.now(); !w.messages.some((m) => m.includes('[vite] connected')); ) {
        assert.ok(Date.now() - t < TIMEOUT, `the HMR websocket connects; console: ${w.messages.join(' | ')}`);
        await page.waitForTimeout(100);
      }
      await assertStyled(page); // Vite's client put styles.css in a <style> with the nonce
      await page.getByRole('button', { name: 'Open the bundled sample' }).click();
      await waitLoaded(page, 60_000);
      await selectTab(page, 'Breakdown');
      await page.getByTestId('breakdown-row').first().waitFor();
    });
    assert.deepEqual(await w.violations(), [], 'CSP violations in dev');
    assert.deepEqual(w.cspConsole, [], 'console messages about CSP in dev');
    assertNoErrors(w.errors);
    await w.context.close();
  } finally {
    await server.close();
  }
}));

test('vite preview sends the policy', () => keepingNodeEnv(async () => {
  const server = await vitePreview({
    root: ROOT,
    configFile: join(ROOT, 'vite.config.ts'),
    logLevel: 'silent',
    preview: { host: '127.0.0.1', port: 0, strictPort: true, open: false },
  });
  try {
    const base = `http://127.0.0.1:${server.httpServer.address().port}`;
    const html = await (await fetch(`${base}/`)).text();
    const script = html.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
    assert.ok(script, 'the entry script');
    for (const path of ['/', script, '/sample.kmap']) {
      const res = await fetch(`${base}${path}`);
      await res.arrayBuffer();
      assert.equal(res.status, 200, path);
      assertStrict(res.headers.get('content-security-policy'), `vite preview ${path}`);
    }
  } finally {
    await server.close();
  }
}));
