// The query section of `npm run bench`: on the store the benchmark's parser
// run left behind (the same synthetic kmap), how long the analysis queries
// take once a file is loaded: resolving every distinct IP against a symbol
// map, the filter behind every view, each Breakdown grouping, the Access-sites
// query and the filtered totals, without and with symbols; the lifetime
// histogram, live bins over the index axis and the access matrix. Medians of N runs
// in this process (Node's V8, the engine Chromium runs the worker on).
//
// The synthetic kmap's IPs lie in ffffffff81000000..ffffffff82800000, so the
// synthetic System.map covers that range with one text symbol every 0x180
// bytes (65,536 functions, about a real kernel's count), 1 in 20 names
// repeated (static functions in several files), and `_etext` at the end.

import { breakdown, filteredTotals } from '../src/query/breakdown.ts';
import { QueryContext } from '../src/query/context.ts';
import { filterObjects } from '../src/query/filter.ts';
import { lifetimeChart, liveChart } from '../src/query/lifetime-charts.ts';
import { lifetimeHistogram } from '../src/query/lifetimes.ts';
import { eventOrders } from '../src/query/event-orders.ts';
import { liveBins } from '../src/query/live-series.ts';
import { matrixRows, matrixView } from '../src/query/matrix.ts';
import { sortSelection } from '../src/query/object-query.ts';
import { accessSites } from '../src/query/sites.ts';
import { BREAKDOWN_KEYS, emptyFilter, type ObjectFilter } from '../src/query/types.ts';
import type { KmapStore } from '../src/store/kmap-store.ts';
import { IpInterner } from '../src/store/interners.ts';
import { IpSymbols } from '../src/symbols/ip-symbols.ts';
import { parseSymbolMap } from '../src/symbols/symbol-map.ts';

const TEXT_START = 0x81000000;
const TEXT_BYTES = 0x1800000;
const SPACING = 0x180;

export function syntheticSystemMap(): string {
  const lines: string[] = [];
  const n = TEXT_BYTES / SPACING;
  for (let i = 0; i < n; i++) {
    const lo = (TEXT_START + i * SPACING) >>> 0;
    const name = i % 20 === 7 ? `static_helper_${i % 400}` : `fn_${i.toString(36)}`;
    lines.push(`ffffffff${lo.toString(16).padStart(8, '0')} ${i % 3 === 0 ? 'T' : 't'} ${name}`);
  }
  lines.push(`ffffffff${((TEXT_START + TEXT_BYTES) >>> 0).toString(16)} T _etext`);
  return lines.join('\n') + '\n';
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time<T>(f: () => T): [number, T] {
  const t0 = performance.now();
  const v = f();
  return [performance.now() - t0, v];
}

interface Row {
  what: string;
  ms: number[];
  note: string;
}

export function measureQueries(store: KmapStore, runs: number, gc: () => void): string[] {
  const mapText = syntheticSystemMap();
  const rows: Row[] = [];
  const add = (what: string, note: string, f: () => unknown) => {
    const row: Row = { what, ms: [], note };
    for (let r = 0; r < runs; r++) {
      gc();
      row.ms.push(time(f)[0]);
    }
    rows.push(row);
    console.error(`  query ${what.padEnd(48)} ${median(row.ms).toFixed(1).padStart(8)} ms`);
  };

  // Symbols: parsing the map, then the first resolution of every distinct IP of the store.
  let table = parseSymbolMap(mapText);
  add('parse the System.map (65,536 text symbols)', `${(mapText.length / 1e6).toFixed(1)} MB of text`, () => (table = parseSymbolMap(mapText)));
  add(`resolve all ${store.ips.size.toLocaleString('en-US')} distinct IPs of the file`, 'first resolution, once per IP', () => new IpSymbols(table, store.ips));
  // The yardstick of the symbols target: an IP table of 100k entries.
  const big = new IpInterner();
  let seed = 1;
  for (let i = 0; big.size < 100_000; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    big.intern(0xffffffff, (TEXT_START + (seed % (TEXT_BYTES + 0x100000))) >>> 0);
  }
  add('resolve an IP table of 100,000 entries', 'random IPs, some past _etext', () => new IpSymbols(table, big));

  const plain = new QueryContext(store, null);
  const withSymbols = new QueryContext(store, new IpSymbols(table, store.ips));
  const all = emptyFilter();
  const slabNames = store.slabs.names();
  const busiest = slabNames.reduce((a, b, id) => ((store.objectsBySlab[id] ?? 0) > (store.objectsBySlab[slabNames.indexOf(a)] ?? 0) ? b : a), slabNames[0]);
  const filters: [string, ObjectFilter][] = [
    ['no filter', all],
    [`slab ${busiest} + live`, { ...emptyFilter(), slabs: [busiest], state: 'live' }],
    ['search "kworker" + no sentinels', { ...emptyFilter(), search: 'kworker', hideSentinels: true }],
  ];
  for (const [label, f] of filters) add(`filter: ${label}`, `${filterObjects(plain, f).indices.length.toLocaleString('en-US')} objects kept`, () => filterObjects(plain, f));

  const everything = filterObjects(plain, all).indices;
  // The objects table's sort: as the worker does, a copy of the filter's indices into a buffer kept between sorts.
  const sorted = new Uint32Array(everything.length);
  for (const key of ['size', 'slab', 'reads', 'address'] as const) {
    add(`sort all objects by ${key}, descending`, '', () => {
      sorted.set(everything);
      sortSelection(plain, sorted, { key, desc: true });
    });
  }
  add('filtered totals (summary strip), all objects', '', () => filteredTotals(plain, everything));
  for (const by of BREAKDOWN_KEYS) {
    add(`breakdown by ${by}, all objects`, `${breakdown(plain, everything, by).length.toLocaleString('en-US')} groups`, () => breakdown(plain, everything, by));
  }
  add('breakdown by site, with symbols', `${breakdown(withSymbols, everything, 'site').length.toLocaleString('en-US')} functions`, () => breakdown(withSymbols, everything, 'site'));
  add('access sites, all objects', `${accessSites(plain, everything, false).length.toLocaleString('en-US')} sites`, () => accessSites(plain, everything, false));
  add('access sites, with symbols', `${accessSites(withSymbols, everything, false).length.toLocaleString('en-US')} functions`, () => accessSites(withSymbols, everything, false));
  add('access sites, other tasks only', '', () => accessSites(plain, everything, true));
  const dentry = filterObjects(plain, { ...emptyFilter(), slabs: [busiest] }).indices;
  add(`access sites of slab ${busiest}`, `${dentry.length.toLocaleString('en-US')} objects`, () => accessSites(withSymbols, dentry, false));

  // Lifetimes and the matrix (the Lifetimes and Matrix tabs, kmap lifetimes/live/matrix).
  // The two sorted event orders are built once per store (memoised in the context): timed apart.
  const fresh = () => new QueryContext(store, null);
  add('sort allocs and frees by index (once per store)', '', () => eventOrders(fresh()));
  eventOrders(plain);
  const { axisStart, axisEnd } = eventOrders(plain);
  const span = axisEnd - axisStart;
  add('lifetime histogram by slab, all objects', `${lifetimeHistogram(plain, everything, 'slab').rows.length.toLocaleString('en-US')} rows`, () => lifetimeHistogram(plain, everything, 'slab'));
  add('lifetime chart (top 10 slabs + other)', '', () => lifetimeChart(plain, everything, 'slab', 10));
  add('live bins, whole axis, 2,000 bins', `axis of ${span.toLocaleString('en-US')} indices`, () => liveBins(plain, everything, 2000));
  add('live chart, whole axis, 2,600 bins, 11 series', '', () => liveChart(plain, everything, 'slab', 10, 2600, null));
  const zoom: [number, number] = [axisStart + Math.floor(span * 0.45), axisStart + Math.floor(span * 0.55)];
  add('live chart, zoomed to a tenth, 2,600 bins', '', () => liveChart(plain, everything, 'slab', 10, 2600, zoom));
  const windowed = { ...emptyFilter(), window: { start: zoom[0], end: zoom[1], meaning: 'liveAtEnd' as const } };
  add('filter: index window (live at its end)', `${filterObjects(plain, windowed).indices.length.toLocaleString('en-US')} objects kept`, () => filterObjects(plain, windowed));
  add('matrix view, sites x slabs (top 40 x 24)', '', () => matrixView(plain, everything, 'slab', false, 40, 24));
  add('matrix view with symbols', '', () => matrixView(withSymbols, everything, 'slab', false, 40, 24));
  add('matrix rows (kmap matrix --cols slab)', `${matrixRows(plain, everything, 'slab', false).length.toLocaleString('en-US')} pairs`, () => matrixRows(plain, everything, 'slab', false));

  const lines = [
    `Queries on the loaded store (the same file; ${store.numObjects.toLocaleString('en-US')} objects, ${store.numAccesses.toLocaleString('en-US')} access lines), ` +
      `median of ${runs} runs in this Node process, each after a forced GC. In the dashboard the worker runs the same functions once per filter ` +
      'and caches the result; these are the uncached times. Targets: a breakdown or sites query under 300 ms, the first resolution of all IPs under 200 ms, ' +
      'an IP table of 100k entries under 100 ms; live bins (whole axis or zoomed) under 300 ms, the lifetime histogram under 200 ms, the matrix under 500 ms.',
    '',
    '| query | ms median (min-max) | |',
    '|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(`| ${r.what} | **${median(r.ms).toFixed(1)}** (${Math.min(...r.ms).toFixed(1)}-${Math.max(...r.ms).toFixed(1)}) | ${r.note} |`);
  }
  lines.push('');
  return lines;
}
