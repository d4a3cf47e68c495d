// The icicle's geometry: the type -> cache -> alloc site cells nested into a
// tree, sized by bytes with d3.partition, laid out left to right (one column
// per level, the root not drawn), with colours, hit-testing and the
// neighbours that keyboard navigation moves between. Pure (no DOM).

import { hierarchy, interpolateRgb, lab, partition, schemeTableau10 } from 'd3';
import type { HierarchyCell } from '../../worker-api.ts';

export type IcicleField = 'type' | 'slab' | 'site';

export interface IcicleNode {
  /** Index in IcicleLayout.nodes. */
  id: number;
  /** 1 = the first level drawn. */
  depth: number;
  field: IcicleField;
  name: string;
  /** Names from the first level down to this one. */
  path: string[];
  /** Exact (a bigint above 2^53 - 1); the geometry uses its nearest double. */
  bytes: number | bigint;
  objects: number;
  /** Pixel rectangle. */
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  parent: number;
  children: number[];
  fill: string;
  /** Text colour readable on `fill`. */
  ink: string;
}

/**
 * The area a node's children cover in the next column, in their colour:
 * drawn under the children, so that a run of children too thin to see
 * (thousands of sites in one cache) still shows as a solid band.
 */
export interface IcicleBand {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  fill: string;
}

export interface IcicleLayout {
  nodes: IcicleNode[];
  bands: IcicleBand[];
  /** Nodes of each depth (index depth - 1), top to bottom. */
  byDepth: IcicleNode[][];
  levels: readonly IcicleField[];
  width: number;
  height: number;
  colWidth: number;
  totalBytes: number;
}

interface TreeNode {
  name: string;
  bytes: number | bigint;
  objects: number;
  children: Map<string, TreeNode> | null;
}

/** The page background (tile separators are drawn in it). */
export const ICICLE_BACKGROUND = '#0f1216';

/** a + b, exact: a number while the sum is at most 2^53 - 1, a bigint past it. */
function add(a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === 'number' && typeof b === 'number' && a + b <= Number.MAX_SAFE_INTEGER) return a + b;
  return BigInt(a) + BigInt(b);
}

/** The cells nested by `levels` (e.g. type, then slab, then site). */
function nest(cells: readonly HierarchyCell[], levels: readonly IcicleField[]): TreeNode {
  const root: TreeNode = { name: '', bytes: 0, objects: 0, children: new Map() };
  for (const c of cells) {
    let node = root;
    node.bytes = add(node.bytes, c.bytes);
    node.objects += c.objects;
    for (let d = 0; d < levels.length; d++) {
      const name = c[levels[d]];
      let child = node.children!.get(name);
      if (!child) {
        child = { name, bytes: 0, objects: 0, children: d + 1 < levels.length ? new Map() : null };
        node.children!.set(name, child);
      }
      child.bytes = add(child.bytes, c.bytes);
      child.objects += c.objects;
      node = child;
    }
  }
  return root;
}

export function layoutIcicle(
  cells: readonly HierarchyCell[],
  levels: readonly IcicleField[],
  width: number,
  height: number,
): IcicleLayout {
  const tree = nest(cells, levels);
  const root = hierarchy<TreeNode>(tree, (n) => (n.children ? [...n.children.values()] : null))
    // Leaves carry the bytes; parents sum them (zero-byte leaves get no height).
    .sum((n) => (n.children ? 0 : Number(n.bytes)))
    .sort((a, b) => (b.value ?? 0) - (a.value ?? 0) || (a.data.name < b.data.name ? -1 : a.data.name > b.data.name ? 1 : 0));
  // Breadth along y (pixels), depth along x (one unit per level, root included).
  partition<TreeNode>().size([height, levels.length + 1])(root);
  const colWidth = levels.length > 0 ? width / levels.length : width;

  const nodes: IcicleNode[] = [];
  const byDepth: IcicleNode[][] = levels.map(() => []);
  const idOf = new Map<object, number>();
  const topColour = new Map<string, string>();
  for (const n of root.descendants()) {
    if (n.depth === 0) continue;
    const p = n as typeof n & { x0: number; x1: number; y0: number; y1: number };
    const parentId = n.parent && n.parent.depth > 0 ? idOf.get(n.parent)! : -1;
    const path = parentId >= 0 ? [...nodes[parentId].path, n.data.name] : [n.data.name];
    let base = topColour.get(path[0]);
    if (!base) {
      base = schemeTableau10[topColour.size % schemeTableau10.length];
      topColour.set(path[0], base);
    }
    const fill = interpolateRgb(base, ICICLE_BACKGROUND)(0.18 + 0.17 * (n.depth - 1));
    const node: IcicleNode = {
      id: nodes.length,
      depth: n.depth,
      field: levels[n.depth - 1],
      name: n.data.name,
      path,
      bytes: n.data.bytes,
      objects: n.data.objects,
      x0: (n.depth - 1) * colWidth,
      x1: n.depth * colWidth,
      y0: p.x0,
      y1: p.x1,
      parent: parentId,
      children: [],
      fill,
      ink: lab(fill).l > 62 ? '#10151b' : '#eef2f6',
    };
    idOf.set(n, node.id);
    nodes.push(node);
    if (parentId >= 0) nodes[parentId].children.push(node.id);
    byDepth[n.depth - 1].push(node);
  }
  for (const list of byDepth) list.sort((a, b) => a.y0 - b.y0 || a.id - b.id);
  const bands: IcicleBand[] = [];
  for (const n of nodes) {
    if (n.children.length === 0) continue;
    bands.push({ x0: n.x1, x1: n.x1 + colWidth, y0: n.y0, y1: n.y1, fill: nodes[n.children[0]].fill });
  }
  return { nodes, bands, byDepth, levels, width, height, colWidth, totalBytes: root.value ?? 0 };
}

/** The node under pixel (x, y), or null. */
export function hitTest(layout: IcicleLayout, x: number, y: number): IcicleNode | null {
  if (x < 0 || y < 0 || x >= layout.width || y >= layout.height || layout.colWidth <= 0) return null;
  const depth = Math.floor(x / layout.colWidth) + 1;
  const list = layout.byDepth[depth - 1];
  if (!list || list.length === 0) return null;
  // The last node starting at or above y.
  let lo = 0;
  let hi = list.length - 1;
  if (list[0].y0 > y) return null;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (list[mid].y0 <= y) lo = mid;
    else hi = mid - 1;
  }
  const n = list[lo];
  return y < n.y1 ? n : null;
}

export type IcicleMove = 'up' | 'down' | 'parent' | 'child' | 'first' | 'last';

/** The node keyboard navigation moves to from `from` (null: the first top-level node). */
export function neighbour(layout: IcicleLayout, from: IcicleNode | null, move: IcicleMove): IcicleNode | null {
  if (layout.nodes.length === 0) return null;
  if (!from) return layout.byDepth[0]?.[0] ?? null;
  const list = layout.byDepth[from.depth - 1];
  const i = list.indexOf(from);
  switch (move) {
    case 'down':
      return list[Math.min(list.length - 1, i + 1)];
    case 'up':
      return list[Math.max(0, i - 1)];
    case 'first':
      return list[0];
    case 'last':
      return list[list.length - 1];
    case 'parent':
      return from.parent >= 0 ? layout.nodes[from.parent] : from;
    case 'child':
      return from.children.length > 0 ? layout.nodes[from.children[0]] : from;
  }
}
