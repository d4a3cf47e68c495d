// The page enforces Trusted Types (csp.mjs: require-trusted-types-for
// 'script'), and so does every worker it starts (a worker's script is served
// with the same policy). The one sink the app feeds is the Worker constructor:
// the page starts the data worker, and the data worker its parsing workers
// (workers/parallel-load.ts) and its reading worker (workers/slice-reads.ts). Vite only recognises a worker in the literal
// form `new Worker(new URL('...', import.meta.url))`, so its URL cannot pass
// through a named policy. The default policy lets exactly that sink take a
// same-origin URL and refuses everything else (a refusal is a CSP
// violation). Created once per global; a module reloaded by HMR finds it in
// place.

/** The part of the Trusted Types API used here (TypeScript's DOM types lack it). */
interface TrustedTypesFactory {
  readonly defaultPolicy: unknown;
  createPolicy(
    name: 'default',
    rules: { createScriptURL: (input: string, type: string | null, sink: string) => string | undefined },
  ): unknown;
}

/** Installs the default policy in this global (the page or a worker); a no-op where Trusted Types are absent. */
export function allowSameOriginWorkerUrls(): void {
  const tt = (globalThis as { trustedTypes?: TrustedTypesFactory }).trustedTypes;
  if (!tt || tt.defaultPolicy) return;
  const here = (globalThis as unknown as { location: { href: string; origin: string } }).location;
  tt.createPolicy('default', {
    createScriptURL: (input, _type, sink) => (sink === 'Worker constructor' && new URL(input, here.href).origin === here.origin ? input : undefined),
  });
}
