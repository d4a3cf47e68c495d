// within(): the value of a promise that settles in time, null for one that
// does not (which goes on and can still be awaited), and a rejection in time
// thrown.

import { describe, expect, it } from 'vitest';
import { within } from './within.ts';

const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('within', () => {
  it('gives the value of a promise that settles in time', async () => {
    expect(await within(Promise.resolve(7), 30)).toEqual({ value: 7 });
    expect(await within(after(5, 'soon'), 200)).toEqual({ value: 'soon' });
  });

  it('gives null for one that does not, which still settles for whoever awaits it', async () => {
    const slow = after(120, 'late');
    let settled = false;
    void slow.then(() => (settled = true));
    expect(await within(slow, 20)).toBeNull();
    expect(settled).toBe(false);
    expect(await slow).toBe('late');
  });

  it('throws a rejection that comes in time', async () => {
    await expect(within(Promise.reject(new Error('no totals')), 30)).rejects.toThrow('no totals');
  });
});
