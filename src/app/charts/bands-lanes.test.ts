import { describe, expect, it } from 'vitest';
import { packLanes } from './BandsChart.tsx';
import type { WindowBands } from '../../worker-api.ts';

function bands(spans: [number, number, number][]): WindowBands {
  return {
    count: spans.length,
    overLimit: false,
    groups: ['a', 'b'],
    otherGroup: false,
    idx: Uint32Array.from(spans, (_, k) => k),
    alloc: Float64Array.from(spans, (s) => s[1]),
    free: Float64Array.from(spans, (s) => s[2]),
    live: new Uint8Array(spans.length),
    series: Uint16Array.from(spans, (s) => s[0]),
  };
}

describe('packLanes', () => {
  it('puts bands of one series in as few lanes as overlap needs, never two overlapping in a lane', () => {
    // Series 0: [0,5) [1,3) [3,9) [5,6) -> two lanes; series 1: [2,4) [4,8) -> one lane.
    const data = bands([[0, 0, 5], [0, 1, 3], [0, 3, 9], [0, 5, 6], [1, 2, 4], [1, 4, 8]]);
    const l = packLanes(data);
    expect(l.numLanes).toBe(3);
    expect(l.seriesStart).toEqual([0, 2]);
    for (const lane of l.byLane) {
      for (let k = 1; k < lane.length; k++) expect(data.free[lane[k - 1]]).toBeLessThanOrEqual(data.alloc[lane[k]]);
    }
    expect([...l.lane]).toEqual([0, 1, 1, 0, 2, 2]);
  });
});
