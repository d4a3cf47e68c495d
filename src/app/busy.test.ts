// The busy rule: shown only when some worker answer has been awaited for more
// than BUSY_AFTER_MS, hidden when none is awaited any more.

import { describe, expect, it } from 'vitest';
import { BUSY_AFTER_MS, BusyTracker } from './busy.ts';

/** A manual clock: run(ms) fires the timers due by then. */
function fakeTimers() {
  let now = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  let next = 1;
  return {
    timers: {
      set: (fn: () => void, ms: number) => {
        due.set(next, { at: now + ms, fn });
        return next++;
      },
      clear: (h: unknown) => void due.delete(h as number),
    },
    run(ms: number) {
      now += ms;
      for (const [h, t] of [...due]) if (t.at <= now) (due.delete(h), t.fn());
    },
  };
}

function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('BusyTracker', () => {
  it('says nothing for an answer that comes within the delay', async () => {
    const clock = fakeTimers();
    const shown: boolean[] = [];
    const busy = new BusyTracker((b) => shown.push(b), clock.timers);
    const a = deferred();
    void busy.track(a.promise);
    clock.run(BUSY_AFTER_MS - 1);
    a.resolve();
    await settle();
    clock.run(1000);
    expect(shown).toEqual([]);
  });

  it('shows after the delay while any answer is awaited, and hides once the last settles (failures too)', async () => {
    const clock = fakeTimers();
    const shown: boolean[] = [];
    const busy = new BusyTracker((b) => shown.push(b), clock.timers);
    const a = deferred();
    const b = deferred();
    void busy.track(a.promise);
    clock.run(50);
    busy.track(b.promise).catch(() => {});
    clock.run(BUSY_AFTER_MS - 50);
    expect(shown).toEqual([true]);
    a.resolve();
    await settle();
    expect(shown).toEqual([true]);
    b.reject(new Error('worker gone'));
    await settle();
    expect(shown).toEqual([true, false]);
    // A new wait starts a new delay.
    const c = deferred();
    void busy.track(c.promise);
    clock.run(BUSY_AFTER_MS);
    expect(shown).toEqual([true, false, true]);
  });
});
