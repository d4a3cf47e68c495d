import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { contentSecurityPolicy } from './csp.mjs';

const CSP = 'Content-Security-Policy';

/**
 * Build: the policy as the first element of index.html's <head>, for static
 * hosts that send no header (a <meta> cannot carry frame-ancestors).
 */
function cspMeta(): Plugin {
  return {
    name: 'kmap:csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': CSP, content: contentSecurityPolicy({ meta: true }) }, injectTo: 'head-prepend' },
    ],
  };
}

/**
 * Dev server: the policy on every response, with a fresh nonce per request.
 * In dev the page has inline tags the build does not: the React plugin's
 * react-refresh preamble (an inline module script) and the <style> elements
 * Vite's client inserts for imported CSS. Each request's nonce goes on those
 * <script> tags and into <meta property="csp-nonce">, which Vite's client
 * copies onto its <style> elements. Not `html.cspNonce`, which is one value
 * for the server's whole life (a nonce known in advance protects nothing),
 * and not `server.headers`, which is one header for every response and would
 * overwrite this one. The request's nonce reaches the HTML transform through
 * AsyncLocalStorage.
 */
function cspDevServer(): Plugin {
  const requestNonce = new AsyncLocalStorage<string>();
  return {
    name: 'kmap:csp-dev-server',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use((_req, res, next) => {
        const nonce = randomBytes(18).toString('base64');
        res.setHeader(CSP, contentSecurityPolicy({ nonce }));
        requestNonce.run(nonce, next);
      });
    },
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        const nonce = requestNonce.getStore();
        if (nonce === undefined) throw new Error('kmap:csp-dev-server: index.html transformed outside a request');
        return {
          html: html.replace(/<(script|style)(?=[\s>])/gi, `<$1 nonce="${nonce}"`),
          tags: [{ tag: 'meta', attrs: { property: 'csp-nonce', nonce }, injectTo: 'head-prepend' }],
        };
      },
    },
  };
}

// The worker is an ES module so that it can import the shared format code.
export default defineConfig({
  plugins: [react(), cspMeta(), cspDevServer()],
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 1024 },
  preview: { headers: { [CSP]: contentSecurityPolicy() } },
});
