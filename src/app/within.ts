// A promise's value if it settles within a grace period, else nothing yet:
// what lets the page show what is ready (a query's rows) without waiting
// for a slower answer asked with it (the filter's totals, loader.ts).

/**
 * `{ value }` when `p` fulfils within `ms` (a rejection within `ms` is
 * thrown), else null: `p` goes on, and whoever awaits it later sees how it
 * ends.
 */
export async function within<T>(p: Promise<T>, ms: number): Promise<{ value: T } | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  try {
    return await Promise.race([p.then((value) => ({ value })), late]);
  } finally {
    clearTimeout(timer);
  }
}
