// Work done in steps: a generator that yields after each share of its work
// (the radix sort's passes, a store order's making and walking) and returns
// its result at the end. A caller with time to spare runs it a few steps a
// turn; one that needs the result now runs it to its end here.

/** Runs `steps` to its end and returns its result. */
export function runToEnd<T>(steps: Generator<void, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}
