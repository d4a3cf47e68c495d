import { describe, expect, it } from 'vitest';
import type { HierarchyCell } from '../../worker-api.ts';
import { hitTest, layoutIcicle, neighbour } from './icicle-layout.ts';
import { fitText } from './text-fit.ts';

const cell = (type: string, slab: string, site: string, bytes: number, objects = 1): HierarchyCell => ({ type, slab, site, bytes, objects });

const CELLS = [
  cell('KMALLOC', 'kmalloc-64', 'a', 600, 6),
  cell('KMALLOC', 'kmalloc-64', 'b', 200, 2),
  cell('KMALLOC', 'kmalloc-128', 'a', 100, 1),
  cell('ALLOC_PAGES', 'no-slab', 'c', 100, 1),
];

describe('layoutIcicle', () => {
  const layout = layoutIcicle(CELLS, ['type', 'slab', 'site'], 300, 1000);

  it('nests the cells by level, sums bytes and objects, biggest first', () => {
    const tops = layout.byDepth[0].map((n) => [n.name, n.bytes, n.objects]);
    expect(tops).toEqual([
      ['KMALLOC', 900, 9],
      ['ALLOC_PAGES', 100, 1],
    ]);
    expect(layout.byDepth[1].map((n) => n.path.join('/'))).toEqual(['KMALLOC/kmalloc-64', 'KMALLOC/kmalloc-128', 'ALLOC_PAGES/no-slab']);
    expect(layout.byDepth[2].map((n) => `${n.path.join('/')}=${n.bytes}`)).toEqual([
      'KMALLOC/kmalloc-64/a=600',
      'KMALLOC/kmalloc-64/b=200',
      'KMALLOC/kmalloc-128/a=100',
      'ALLOC_PAGES/no-slab/c=100',
    ]);
    expect(layout.totalBytes).toBe(1000);
  });

  it('gives each level a column and each node a height by bytes', () => {
    const k = layout.byDepth[0][0];
    expect([k.x0, k.x1, k.y0, k.y1]).toEqual([0, 100, 0, 900]);
    const c = layout.byDepth[2][3];
    expect([c.x0, c.x1, c.field]).toEqual([200, 300, 'site']);
    expect(c.y0).toBeCloseTo(900);
    expect(c.y1).toBeCloseTo(1000);
    // One band per parent, under its children.
    expect(layout.bands).toHaveLength(layout.nodes.filter((n) => n.children.length > 0).length);
  });

  it('hit-tests pixels to nodes', () => {
    expect(hitTest(layout, 50, 10)?.name).toBe('KMALLOC');
    expect(hitTest(layout, 150, 700)?.path).toEqual(['KMALLOC', 'kmalloc-64']);
    expect(hitTest(layout, 250, 650)?.path).toEqual(['KMALLOC', 'kmalloc-64', 'b']);
    expect(hitTest(layout, 250, 950)?.name).toBe('c');
    expect(hitTest(layout, 301, 10)).toBeNull();
    expect(hitTest(layout, -1, 10)).toBeNull();
  });

  it('moves between neighbours for the keyboard', () => {
    const first = neighbour(layout, null, 'down')!;
    expect(first.name).toBe('KMALLOC');
    const child = neighbour(layout, first, 'child')!;
    expect(child.name).toBe('kmalloc-64');
    expect(neighbour(layout, child, 'down')!.name).toBe('kmalloc-128');
    expect(neighbour(layout, child, 'parent')).toBe(first);
    expect(neighbour(layout, first, 'up')).toBe(first);
    expect(neighbour(layout, first, 'last')!.name).toBe('ALLOC_PAGES');
  });

  it('leaves out levels the format lacks', () => {
    const l = layoutIcicle(CELLS, ['site'], 100, 100);
    expect(l.byDepth).toHaveLength(1);
    expect(l.byDepth[0].map((n) => [n.name, n.bytes])).toEqual([
      ['a', 700],
      ['b', 200],
      ['c', 100],
    ]);
  });
});

describe('fitText', () => {
  const measure = (s: string) => s.length * 10;
  it('keeps what fits and shortens the rest with an ellipsis', () => {
    expect(fitText('abc', 30, measure)).toBe('abc');
    expect(fitText('abcdef', 40, measure)).toBe('abc…');
    expect(fitText('abcdef', 15, measure)).toBe('');
  });
});
