// A tiny static file server for dist/ (the built app), used by the browser
// tests: correct MIME types (.js/.mjs/.wasm included), Content-Length, HEAD,
// byte ranges and ETags as static hosts send them, and the app's Content-Security-Policy header (../csp.mjs) on every
// response, test routes and errors included, as a real host would send it.

import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { contentSecurityPolicy } from '../csp.mjs';
import { gzipSync } from 'node:zlib';
import { generateKmap } from './generate.mjs';

const CSP = contentSecurityPolicy();

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.kmap': 'text/plain; charset=utf-8',
};

/**
 * Test route: a generated kmap sent slowly, so that a test sees the progress
 * bar, the table filling while loading, and Cancel.
 * /__e2e/slow.kmap?objects=N&chunks=K&ms=M (with Content-Length).
 */
function serveSlow(req, res) {
  const q = new URL(req.url ?? '/', 'http://x').searchParams;
  const objects = Math.min(1_000_000, Number(q.get('objects') ?? 10_000));
  const chunks = Math.max(1, Math.min(1000, Number(q.get('chunks') ?? 20)));
  const ms = Math.max(0, Math.min(5000, Number(q.get('ms') ?? 100)));
  const body = Buffer.from(generateKmap(objects));
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length, 'Cache-Control': 'no-store' });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const size = Math.ceil(body.length / chunks);
  let offset = 0;
  const next = () => {
    if (res.destroyed) return;
    if (offset >= body.length) {
      res.end();
      return;
    }
    res.write(body.subarray(offset, offset + size));
    offset += size;
    setTimeout(next, ms);
  };
  res.on('close', () => (offset = body.length + 1));
  next();
}

/**
 * Test route: a file of dist/ gzip-compressed, with Content-Length.
 * /__e2e/gzip/NAME.gz?members=N: NAME as a .gz file (application/gzip) of N
 * gzip members (NAME cut into N pieces, inside lines; as `cat a.gz b.gz`
 * makes). /__e2e/gzip/NAME?encoding=gzip: NAME itself, compressed for the
 * transfer only (Content-Encoding: gzip; the browser decompresses it).
 */
function serveGzip(req, res, base, pathname) {
  const q = new URL(req.url ?? '/', 'http://x').searchParams;
  const encoded = q.get('encoding') === 'gzip';
  const name = pathname.slice('/__e2e/gzip/'.length);
  const file = normalize(join(base, encoded ? name : name.replace(/\.gz$/, '')));
  let text;
  try {
    if (!file.startsWith(base + sep) || (!encoded && !name.endsWith('.gz'))) throw new Error('not a test file');
    text = readFileSync(file);
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
    return;
  }
  const members = Math.max(1, Math.min(100, Number(q.get('members') ?? 1)));
  const cuts = Array.from({ length: members + 1 }, (_, i) => Math.round((text.length * i) / members));
  const body = Buffer.concat(cuts.slice(1).map((end, i) => gzipSync(text.subarray(cuts[i], end))));
  res.writeHead(200, {
    ...(encoded ? { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Encoding': 'gzip' } : { 'Content-Type': 'application/gzip' }),
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * A file, as a static host sends it: Content-Length, a validator
 * (an ETag from size and mtime) and, when `ranges`, one byte range per request
 * (`Range: bytes=FIRST-[LAST]` answered 206 with Content-Range; a range
 * past the end 416), as nginx and Apache do.
 */
function serveFile(req, res, file, st, ranges) {
  const headers = {
    'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Cache-Control': 'no-store',
    ETag: `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`,
    'Accept-Ranges': ranges ? 'bytes' : 'none',
  };
  const m = ranges ? /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '') : null;
  if (m) {
    const first = Number(m[1]);
    const last = Math.min(st.size - 1, m[2] === '' ? st.size - 1 : Number(m[2]));
    if (first >= st.size || last < first) {
      res.writeHead(416, { ...headers, 'Content-Range': `bytes */${st.size}` }).end();
      return;
    }
    res.writeHead(206, { ...headers, 'Content-Range': `bytes ${first}-${last}/${st.size}`, 'Content-Length': last - first + 1 });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file, { start: first, end: last }).pipe(res);
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': st.size });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}

/**
 * Test route: a file a test wrote into its temporary folder (os.tmpdir(),
 * a folder named kmap-e2e-*), served as dist/ is:
 * /__e2e/tmp/FOLDER/NAME[?ranges=0] (ranges=0: a server without Range
 * support, which answers every request with the whole file).
 */
function serveTmp(req, res, pathname) {
  const ranges = new URL(req.url ?? '/', 'http://x').searchParams.get('ranges') !== '0';
  const [folder, name, ...rest] = pathname.slice('/__e2e/tmp/'.length).split('/');
  const file = join(tmpdir(), folder ?? '', name ?? '');
  let st = null;
  try {
    if (folder?.startsWith('kmap-e2e-') && name && rest.length === 0 && !name.startsWith('.')) st = statSync(file);
  } catch {
    st = null;
  }
  if (!st || !st.isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
    return;
  }
  serveFile(req, res, file, st, ranges);
}

/** Serves `root` on 127.0.0.1 at a free port; resolves { url, close }. */
export function startServer(root) {
  const base = resolve(root);
  const server = createServer((req, res) => {
    res.setHeader('Content-Security-Policy', CSP);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (pathname === '/__e2e/slow.kmap') {
      serveSlow(req, res);
      return;
    }
    if (pathname.startsWith('/__e2e/gzip/')) {
      serveGzip(req, res, base, pathname);
      return;
    }
    if (pathname.startsWith('/__e2e/tmp/')) {
      serveTmp(req, res, pathname);
      return;
    }
    if (pathname.endsWith('/')) pathname += 'index.html';
    const file = normalize(join(base, pathname));
    if (file !== base && !file.startsWith(base + sep)) {
      res.writeHead(403).end();
      return;
    }
    let st;
    try {
      st = statSync(file);
    } catch {
      st = null;
    }
    if (!st || !st.isFile()) {
      const body = 'Not found\n';
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    serveFile(req, res, file, st, true);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolvePromise({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}
