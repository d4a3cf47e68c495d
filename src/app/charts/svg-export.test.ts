import { describe, expect, it } from 'vitest';
import { barsSvg, histogramSvg, icicleSvg, liveChartSvg, matrixSvg, ticks, xmlText } from './svg-export.ts';
import { layoutIcicle } from './icicle-layout.ts';
import type { LifetimeChart, LiveChart, MatrixView } from '../../worker-api.ts';

const HOSTILE = `<script>alert(1)</script> & "x" 'y' \u0001`;

/** Every '<' starts a tag we wrote (no text from the data became markup), and tags balance. */
function wellFormed(svg: string): void {
  expect(svg.startsWith('<svg ')).toBe(true);
  expect(svg.endsWith('</svg>')).toBe(true);
  const tags = svg.match(/<\/?[a-z]+[^>]*>/g) ?? [];
  const stack: string[] = [];
  for (const t of tags) {
    const name = /^<\/?([a-z]+)/.exec(t)![1];
    expect(['svg', 'title', 'rect', 'text', 'line', 'g', 'path']).toContain(name);
    if (t.endsWith('/>')) continue;
    if (t.startsWith('</')) expect(stack.pop()).toBe(name);
    else stack.push(name);
  }
  expect(stack).toEqual([]);
  expect(svg).not.toContain('<script');
}

describe('chart SVG export', () => {
  it('escapes text as XML, and replaces what XML cannot hold', () => {
    expect(xmlText(HOSTILE)).toBe('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot; &apos;y&apos; \ufffd');
    expect(xmlText('kmalloc\ufffe64\uffff \ud800x \udc00 😀')).toBe('kmalloc\ufffd64\ufffd \ufffdx \ufffd 😀');
  });

  it('round ticks cover the maximum', () => {
    expect(ticks(95, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(ticks(0, 5)).toEqual([0]);
  });

  it('the live chart: one rect per non-empty series bin, names escaped', () => {
    const data: LiveChart = {
      groups: [HOSTILE, 'dentry'],
      otherGroup: true,
      start: 0,
      end: 30,
      edges: Float64Array.of(0, 10, 20, 30),
      maxObjects: Float64Array.of(3, 5, 1),
      maxBytes: Float64Array.of(30, 50, 10),
      seriesMaxObjects: Float64Array.of(1, 2, 0, 2, 3, 1, 0, 0, 0),
      seriesMaxBytes: Float64Array.of(10, 20, 0, 20, 30, 10, 0, 0, 0),
      peakBin: 1,
      bytesNear: false,
    };
    const svg = liveChartSvg(data, 'objects', [HOSTILE, 'dentry', 'other'], `Live objects of ${HOSTILE}`);
    wellFormed(svg);
    const seriesRects = [...svg.matchAll(/<g fill='[^']+' data-series='\d'>(.*?)<\/g>/g)].map((m) => (m[1].match(/<rect /g) ?? []).length);
    expect(seriesRects).toEqual([2, 3, 0]);
    expect(svg).toContain('&lt;script&gt;');
  });

  it('the histogram and the matrix are well formed with hostile names', () => {
    const buckets = 65;
    const hist: LifetimeChart = {
      groups: [HOSTILE],
      otherGroup: false,
      objects: new Float64Array(buckets),
      bytes: new Float64Array(buckets),
      live: 1,
      freed: 3,
      inconsistent: 0,
      axisStart: 0,
      axisEnd: 100,
    };
    hist.objects[3] = 2;
    hist.objects[5] = 1;
    const h = histogramSvg(hist, buckets, 'objects', [HOSTILE], 'Lifetimes');
    wellFormed(h);
    expect((h.match(/<rect [^>]*fill='(?!#fff)/g) ?? []).length).toBe(2 + 1); // two bars and the legend swatch
    const view: MatrixView = {
      rows: [HOSTILE],
      columns: ['dentry'],
      otherRow: false,
      otherColumn: false,
      numSites: 1,
      numColumns: 1,
      reads: Float64Array.of(5, 5, 5, 5),
      writes: Float64Array.of(1, 1, 1, 1),
      lines: Float64Array.of(2, 2, 2, 2),
      objects: Float64Array.of(1, 1, 1, 1),
    };
    const m = matrixSvg(view, { rows: [0], cols: [0] }, (c) => view.reads[c] + view.writes[c], () => '#abc', (r) => view.rows[r], (c) => view.columns[c], 'Matrix');
    wellFormed(m);
    expect(m).toContain('>6<');
  });

  it('the bars: one rect a group, longest for the biggest, names escaped', () => {
    const svg = barsSvg(
      [
        { label: HOSTILE, value: 100, text: '100 B' },
        { label: 'dentry', value: 50, text: '50 B' },
      ],
      'Top groups',
    );
    wellFormed(svg);
    const widths = [...svg.matchAll(/<rect x='240' y='\d+' width='([\d.]+)'/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(2);
    expect(widths[0]).toBeCloseTo(2 * widths[1], 5);
  });

  it('the icicle: a rect per node tall enough to see, names escaped', () => {
    const cells = [
      { type: 'KMALLOC', slab: HOSTILE, site: 'a', objects: 3, bytes: 300 },
      { type: 'KMALLOC', slab: 'dentry', site: 'b', objects: 1, bytes: 100 },
    ];
    const layout = layoutIcicle(cells, ['type', 'slab', 'site'], 600, 400);
    const svg = icicleSvg(layout, (node) => node.name, 'Bytes');
    wellFormed(svg);
    expect((svg.match(/<rect x=/g) ?? []).length).toBe(layout.bands.length + layout.nodes.filter((n) => n.y1 - n.y0 >= 0.3).length);
    expect(svg).toContain('&lt;script&gt;');
  });
});
