import { describe, expect, it } from 'vitest';
import { clusteredOrder } from './matrix-order.ts';

/** How many horizontally or vertically adjacent cell pairs are both non-zero (more = blockier). */
function adjacency(grid: number[][], rows: number[], cols: number[]): number {
  let n = 0;
  for (let i = 0; i < rows.length; i++) {
    for (let j = 0; j < cols.length; j++) {
      const v = grid[rows[i]][cols[j]] > 0;
      if (v && j + 1 < cols.length && grid[rows[i]][cols[j + 1]] > 0) n++;
      if (v && i + 1 < rows.length && grid[rows[i + 1]][cols[j]] > 0) n++;
    }
  }
  return n;
}

describe('clusteredOrder', () => {
  it('returns permutations of the rows and columns', () => {
    const grid = [
      [1, 0, 3],
      [0, 2, 0],
    ];
    const { rows, cols } = clusteredOrder(2, 3, (r, c) => grid[r][c]);
    expect([...rows].sort()).toEqual([0, 1]);
    expect([...cols].sort()).toEqual([0, 1, 2]);
  });

  it('brings two interleaved blocks together', () => {
    // Rows 0, 2, 4 touch columns 0, 2, 4; rows 1, 3, 5 touch columns 1, 3, 5.
    const grid = Array.from({ length: 6 }, (_, r) => Array.from({ length: 6 }, (_, c) => ((r + c) % 2 === 0 ? 10 + r + c : 0)));
    const identity = [0, 1, 2, 3, 4, 5];
    const { rows, cols } = clusteredOrder(6, 6, (r, c) => grid[r][c]);
    expect(adjacency(grid, identity, identity)).toBe(0);
    // Two 3 x 3 blocks: 2 * (3 * 2 * 2) adjacent pairs.
    expect(adjacency(grid, rows, cols)).toBe(24);
  });

  it('is deterministic and keeps an all-zero grid in its order', () => {
    const zero = clusteredOrder(3, 2, () => 0);
    expect(zero).toEqual({ rows: [0, 1, 2], cols: [0, 1] });
    const f = (r: number, c: number) => (r * 7 + c * 3) % 5;
    expect(clusteredOrder(5, 4, f)).toEqual(clusteredOrder(5, 4, f));
  });
});
