import { describe, expect, it } from 'vitest';
import { ALLOC_TYPE_NAMES } from './alloc-types.ts';
import { HOOKED_TYPES, MEMORIZER_HOOKS } from './memorizer-hooks.ts';

describe('the instrumentation tree', () => {
  it('lists every alloc type of the 6.x numbering under exactly one hook', () => {
    const listed = MEMORIZER_HOOKS.flatMap((f) => f.hooks.flatMap((h) => h.types));
    expect(new Set(listed).size).toBe(listed.length);
    expect([...HOOKED_TYPES].sort()).toEqual([...ALLOC_TYPE_NAMES].sort());
  });
});
