// Orders of the Matrix view's rows and columns. Pure.
// - byTotal: the worker's order (reads + writes, most first), as given.
// - clustered: the barycentre heuristic for seriation: a row's position is
//   the weighted mean of its cells' column positions, a column's the mean
//   of its rows', each re-sorted a few rounds, so that sites which touch the
//   same caches end up next to each other and blocks show. Weights are
//   log(1 + value), so that one huge cell does not decide everything.
//   Deterministic: ties keep the previous order.

/** Positions after sorting `items` by key (stable). */
function sortBy(items: number[], key: (i: number) => number): number[] {
  return items
    .map((item, k) => ({ item, k, v: key(item) }))
    .sort((a, b) => a.v - b.v || a.k - b.k)
    .map((e) => e.item);
}

/**
 * A clustered order of an R x C grid (`value(r, c)` >= 0): the rows and
 * columns as permutations of 0..R-1 and 0..C-1, starting from the given order.
 */
export function clusteredOrder(numRows: number, numCols: number, value: (r: number, c: number) => number, rounds = 8): { rows: number[]; cols: number[] } {
  let rows = Array.from({ length: numRows }, (_, r) => r);
  let cols = Array.from({ length: numCols }, (_, c) => c);
  const w = (r: number, c: number) => Math.log1p(Math.max(0, value(r, c)));
  for (let round = 0; round < rounds; round++) {
    const colPos = new Float64Array(numCols);
    cols.forEach((c, k) => (colPos[c] = k));
    const rowKey = (r: number) => {
      let sum = 0;
      let weight = 0;
      for (let c = 0; c < numCols; c++) {
        sum += w(r, c) * colPos[c];
        weight += w(r, c);
      }
      return weight > 0 ? sum / weight : Number.POSITIVE_INFINITY;
    };
    rows = sortBy(rows, rowKey);
    const rowPos = new Float64Array(numRows);
    rows.forEach((r, k) => (rowPos[r] = k));
    const colKey = (c: number) => {
      let sum = 0;
      let weight = 0;
      for (let r = 0; r < numRows; r++) {
        sum += w(r, c) * rowPos[r];
        weight += w(r, c);
      }
      return weight > 0 ? sum / weight : Number.POSITIVE_INFINITY;
    };
    cols = sortBy(cols, colKey);
  }
  return { rows, cols };
}
