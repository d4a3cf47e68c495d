import { describe, expect, it } from 'vitest';
import { CURRENT_VERSION, decodeViewState, encodeViewState, parseRawParams } from './url-codec.ts';
import { emptyFilter, type ObjectFilter } from '../query/types.ts';
import { EMPTY_VIEW_STATE, emptyViewState, type ViewState } from './view-state.ts';

type StateInput = Partial<Omit<ViewState, 'filter'>> & Partial<ObjectFilter>;

/** A view state from view fields and filter fields given side by side. */
function state(p: StateInput): ViewState {
  const s = emptyViewState();
  const filter = emptyFilter();
  for (const [k, v] of Object.entries(p)) {
    if (k in filter) (filter as unknown as Record<string, unknown>)[k] = v;
    else (s as unknown as Record<string, unknown>)[k] = v;
  }
  return { ...s, filter };
}

describe('encodeViewState', () => {
  it('always writes the version first', () => {
    expect(encodeViewState(state({}))).toBe(`v=${CURRENT_VERSION}`);
  });

  it('writes every field', () => {
    const s = state({
      src: 'sample.kmap',
      slabs: ['kmalloc-64', 'dentry'],
      search: 'cat',
      sort: { key: 'size', desc: true },
      obj: 42,
    });
    expect(encodeViewState(s)).toBe('v=3&src=sample.kmap&slab=kmalloc-64,dentry&q=cat&sort=-size&obj=42');
  });

  it('percent-encodes names so that commas, ampersands and spaces survive', () => {
    const s = state({ slabs: ['a,b', 'c&d', 'e f'], search: 'x=1&y' });
    const enc = encodeViewState(s);
    expect(enc).toBe('v=3&slab=a%2Cb,c%26d,e%20f&q=x%3D1%26y');
    expect(decodeViewState(enc)).toEqual({ state: s, notices: [] });
  });
});

describe('decodeViewState', () => {
  it('gives the empty state and no notice for an empty query', () => {
    expect(decodeViewState('')).toEqual({ state: EMPTY_VIEW_STATE, notices: [] });
    expect(decodeViewState('?')).toEqual({ state: EMPTY_VIEW_STATE, notices: [] });
  });

  it('round-trips a full state', () => {
    const s = state({
      src: 'https://example.org/caps/ls.kmap',
      slabs: ['kmalloc-64', 'no-slab', ':0000192'],
      search: 'swapper/0',
      sort: { key: 'accessLines', desc: false },
      obj: 0,
    });
    expect(decodeViewState('?' + encodeViewState(s))).toEqual({ state: s, notices: [] });
  });

  it('round-trips the empty name in any list through empty=', () => {
    const s = state({ commands: ['', 'ls'], slabs: [''], accessSites: ['', 'a+0x1'] });
    const q = encodeViewState(s);
    expect(q).toContain('empty=slab,comm,asite');
    expect(decodeViewState('?' + q)).toEqual({ state: s, notices: [] });
  });

  it('reads empty= alone and reports an unknown list in it', () => {
    const r = decodeViewState('v=2&empty=comm,zzz,comm');
    expect(r.state.filter.commands).toEqual(['']);
    expect(r.state.filter.slabs).toEqual([]);
    expect(r.notices).toHaveLength(1);
    expect(r.notices[0]).toMatch(/"zzz" in "empty"/);
  });

  it('accepts repeated slab parameters and comma lists, dropping duplicates', () => {
    const r = decodeViewState('v=1&slab=a,b&slab=c&slab=a');
    expect(r.state.filter.slabs).toEqual(['a', 'b', 'c']);
    expect(r.notices).toEqual([]);
  });

  it('accepts + as a space (form encoding)', () => {
    expect(decodeViewState('v=1&q=hello+world').state.filter.search).toBe('hello world');
  });

  it('ignores bad and unknown parameters with a notice each', () => {
    const r = decodeViewState('?v=1&sort=nope&obj=abc&zzz=1');
    expect(r.state).toEqual(EMPTY_VIEW_STATE);
    expect(r.notices).toHaveLength(3);
    expect(r.notices.join('\n')).toMatch(/zzz/);
    expect(r.notices.join('\n')).toMatch(/sort/);
    expect(r.notices.join('\n')).toMatch(/obj/);
  });

  it('rejects negative, fractional and huge object numbers', () => {
    for (const v of ['-1', '1.5', '1e3', '99999999999', '']) {
      const r = decodeViewState(`v=1&obj=${v}`);
      expect(r.state.obj).toBeNull();
      expect(r.notices).toHaveLength(1);
    }
  });

  it('reads desc sorts and rejects unknown columns', () => {
    expect(decodeViewState('v=1&sort=-reads').state.sort).toEqual({ key: 'reads', desc: true });
    expect(decodeViewState('v=1&sort=--reads').state.sort).toBeNull();
    expect(decodeViewState('v=1&sort=__proto__').state.sort).toBeNull();
  });

  it('rejects src values that are not relative paths or http(s) URLs', () => {
    for (const bad of ['javascript:alert(1)', 'data:text/plain,x', '//evil.example/x', '../../etc/passwd', 'a\\b', '%2e%2e/%2e%2e/secret', 'x/%2E%2E/%2e%2e/../y']) {
      const r = decodeViewState('v=1&src=' + encodeURIComponent(bad));
      expect(r.state.src, bad).toBeNull();
      expect(r.notices, bad).toHaveLength(1);
    }
    expect(decodeViewState('v=1&src=caps/ls.kmap').state.src).toBe('caps/ls.kmap');
    expect(decodeViewState('v=1&src=%2Fdata%2Fls.kmap%3Fx%3D1').state.src).toBe('/data/ls.kmap?x=1');
    expect(decodeViewState('v=1&src=http%3A%2F%2F127.0.0.1%3A8000%2Fa.kmap').state.src).toBe('http://127.0.0.1:8000/a.kmap');
  });

  it('keeps markup in names as plain text (the UI renders text only)', () => {
    const r = decodeViewState('v=1&slab=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&q=%3Cb%3E');
    expect(r.state.filter.slabs).toEqual(['<img src=x onerror=alert(1)>']);
    expect(r.state.filter.search).toBe('<b>');
  });

  it('rejects malformed escapes and over-long values', () => {
    const r = decodeViewState('v=1&slab=ok,%E0%A4%A,' + 'y'.repeat(257) + '&q=' + 'x'.repeat(300));
    expect(r.state.filter.slabs).toEqual(['ok']);
    expect(r.state.filter.search).toBe('');
    expect(r.notices).toHaveLength(2);
    expect(r.notices[0]).toMatch(/2 bad slab cache names/);
  });

  it('round-trips any name a kmap can hold: spaces only, control characters, markup', () => {
    const names = [' ', '  x ', 'a\u001b[2Jb', 'tab\there', '<img src=x onerror=alert(1)>', '=1+2', 'a,b', '%41', '+'];
    const s = state({ commands: names, slabs: ['\u009b'], search: 'comm:"a b"\tx' });
    expect(decodeViewState('?' + encodeViewState(s))).toEqual({ state: s, notices: [] });
  });

  it('rejects a size range whose ends are swapped', () => {
    const r = decodeViewState('v=2&size=4096-64');
    expect(r.state.filter.minSize).toBeNull();
    expect(r.state.filter.maxSize).toBeNull();
    expect(r.notices[0]).toMatch(/smallest first/);
    expect(decodeViewState('v=2&size=64-64').state.filter).toMatchObject({ minSize: 64, maxSize: 64 });
  });

  it('ignores a view from a newer version, with a notice', () => {
    const r = decodeViewState(`v=${CURRENT_VERSION + 1}&sort=size`);
    expect(r.state).toEqual(EMPTY_VIEW_STATE);
    expect(r.notices[0]).toMatch(/newer version/);
  });

  it('ignores a bad version', () => {
    for (const v of ['0', 'x', '-1', '1.0']) {
      const r = decodeViewState(`v=${v}&sort=size`);
      expect(r.state, v).toEqual(EMPTY_VIEW_STATE);
      expect(r.notices, v).toHaveLength(1);
    }
  });

  it('reads a link without a version as the current one, with a notice', () => {
    const r = decodeViewState('sort=size');
    expect(r.state.sort).toEqual({ key: 'size', desc: false });
    expect(r.notices).toHaveLength(1);
  });

  it('uses the first of repeated single-valued parameters, with a notice', () => {
    const r = decodeViewState('v=1&q=a&q=b');
    expect(r.state.filter.search).toBe('a');
    expect(r.notices).toHaveLength(1);
  });

  it('never throws on garbage', () => {
    for (const g of ['%', '&&&', '=&=', 'v=1&%zz=1', 'v=1&slab=%', 'v=%', '?v=1&obj', 'v=1&sort']) {
      expect(() => decodeViewState(g)).not.toThrow();
    }
  });
});

describe('version 2', () => {
  it('writes and reads every filter field, the tab, the grouping and the symbols', () => {
    const s = state({
      src: 'sample.kmap',
      symbols: 'sample.System.map',
      tab: 'sites',
      by: 'site',
      slabs: ['dentry'],
      types: ['KMALLOC', 'KMEM_CACHE'],
      commands: ['ls', 'a,b'],
      pids: [1, -1],
      state: 'live',
      hideSentinels: true,
      minSize: 64,
      maxSize: null,
      allocSites: ['d_alloc'],
      accessSites: ['ffffffff8117c0e8', 'x [mod]'],
      otherTasks: true,
      search: 'fn:d_alloc* addr:ffff888000482100',
      sort: { key: 'reads', desc: true },
      obj: 3,
    });
    const enc = encodeViewState(s);
    expect(enc).toBe(
      'v=3&src=sample.kmap&symbols=sample.System.map&tab=sites&by=site&slab=dentry&type=KMALLOC,KMEM_CACHE&comm=ls,a%2Cb' +
        '&site=d_alloc&asite=ffffffff8117c0e8,x%20%5Bmod%5D&pid=1,-1&state=live&nosent=1&size=64-&other=1' +
        '&q=fn%3Ad_alloc*%20addr%3Affff888000482100&sort=-reads&obj=3',
    );
    expect(decodeViewState(enc)).toEqual({ state: s, notices: [] });
  });

  it('leaves defaults out', () => {
    expect(encodeViewState(state({ tab: 'objects', by: 'slab', state: 'all' }))).toBe('v=3');
  });

  it('reads a version-1 link through the upgrader with the same meaning', () => {
    const r = decodeViewState('v=1&src=sample.kmap&slab=dentry&q=cat&sort=-size&obj=4');
    expect(r.notices).toEqual([]);
    expect(r.state).toEqual(state({ src: 'sample.kmap', slabs: ['dentry'], search: 'cat', sort: { key: 'size', desc: true }, obj: 4 }));
  });

  it('drops bad values of the new parameters with a notice each', () => {
    const r = decodeViewState('v=2&tab=nope&by=nope&pid=1,x&state=dead&nosent=yes&size=a-b&other=2&symbols=javascript:x');
    expect(r.state).toEqual(state({ pids: [1] }));
    expect(r.notices).toHaveLength(8);
  });

  it('reads one-sided size ranges', () => {
    expect(decodeViewState('v=2&size=-128').state.filter).toMatchObject({ minSize: null, maxSize: 128 });
    expect(decodeViewState('v=2&size=64-').state.filter).toMatchObject({ minSize: 64, maxSize: null });
    expect(decodeViewState('v=2&size=-').notices).toHaveLength(1);
  });
});

describe('version 3', () => {
  it('writes and reads the Lifetimes and Matrix settings and the index window', () => {
    const s = state({
      tab: 'matrix',
      lby: 'type',
      matrix: { cols: 'type', color: 'writes', order: 'cluster' },
      window: { start: 100, end: 2000, meaning: 'liveAtEnd' },
      slabs: ['dentry'],
    });
    const enc = encodeViewState(s);
    expect(enc).toBe('v=3&tab=matrix&lby=type&mcols=type&mcolor=writes&morder=cluster&win=100-2000&winm=liveAtEnd&slab=dentry');
    expect(decodeViewState(enc)).toEqual({ state: s, notices: [] });
  });

  it('writes and reads the Quality grouping and the quality flag', () => {
    const s = state({ tab: 'quality', qby: 'type', flag: 'readOnly', types: ['KMALLOC'] });
    const enc = encodeViewState(s);
    expect(enc).toBe('v=3&tab=quality&qby=type&flag=readOnly&type=KMALLOC');
    expect(decodeViewState(enc)).toEqual({ state: s, notices: [] });
    const bad = decodeViewState('v=3&flag=leaky&qby=pid');
    expect(bad.notices).toHaveLength(2);
    expect(bad.state.filter.flag).toBeNull();
  });

  it('writes and reads the file a view was made on, with its fingerprint', () => {
    const s = state({ file: { name: 'run 1,a.kmap', fp: '1552123-0123456789abcdef' }, slabs: ['dentry'] });
    const enc = encodeViewState(s);
    expect(enc).toBe('v=3&file=run%201%2Ca.kmap&fp=1552123-0123456789abcdef&slab=dentry');
    expect(decodeViewState(enc)).toEqual({ state: s, notices: [] });
    for (const bad of ['file=a.kmap', 'fp=12-0123456789abcdef', 'file=a.kmap&fp=12-xyz', 'file=a%0a.kmap&fp=12-0123456789abcdef']) {
      const r = decodeViewState(`v=3&${bad}`);
      expect(r.state.file, bad).toBeNull();
      expect(r.notices, bad).toHaveLength(1);
    }
  });

  it('leaves the default window meaning out', () => {
    const s = state({ tab: 'lifetimes', window: { start: 0, end: 5, meaning: 'allocated' } });
    expect(encodeViewState(s)).toBe('v=3&tab=lifetimes&win=0-5');
    expect(decodeViewState('v=3&tab=lifetimes&win=0-5').state).toEqual(s);
  });

  it('reads a version-2 link through the upgrader with the same meaning', () => {
    const v2 = 'v=2&src=sample.kmap&tab=sites&by=site&slab=dentry&pid=1,-1&state=live&size=64-&other=1&q=cat&sort=-reads&obj=3';
    const r = decodeViewState(v2);
    expect(r.notices).toEqual([]);
    expect(r.state).toEqual(
      state({ src: 'sample.kmap', tab: 'sites', by: 'site', slabs: ['dentry'], pids: [1, -1], state: 'live', minSize: 64, otherTasks: true, search: 'cat', sort: { key: 'reads', desc: true }, obj: 3 }),
    );
    // and it encodes as the same view at the current version
    expect(encodeViewState(r.state)).toBe(v2.replace('v=2', 'v=3'));
  });

  it('drops bad windows and settings with a notice each, keeping the rest', () => {
    for (const bad of ['win=5-5', 'win=9-2', 'win=a-b', 'win=-5', 'win=1-99999999999999999', 'win=1-2&winm=never', 'winm=survived', 'lby=pid', 'mcols=command', 'mcolor=red', 'morder=random']) {
      const r = decodeViewState(`v=3&slab=dentry&${bad}`);
      expect(r.notices, bad).toHaveLength(1);
      expect(r.state.filter.slabs, bad).toEqual(['dentry']);
      if (bad !== 'win=1-2&winm=never') expect(r.state.filter.window, bad).toBeNull();
    }
    // A bad meaning keeps the window with the default meaning.
    expect(decodeViewState('v=3&win=1-2&winm=never').state.filter.window).toEqual({ start: 1, end: 2, meaning: 'allocated' });
  });
});

describe('parseRawParams', () => {
  it('keeps values raw and groups repeats', () => {
    const p = parseRawParams('?a=1&b=%2C&a=2&c');
    expect(p.get('a')).toEqual(['1', '2']);
    expect(p.get('b')).toEqual(['%2C']);
    expect(p.get('c')).toEqual(['']);
  });
});
