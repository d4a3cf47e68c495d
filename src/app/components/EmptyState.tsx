// First run: what a kmap is, how to open one, and the bundled sample.

import { QUALITY_FLAG_TEXT, type ObjectFilter } from '../../worker-api.ts';
import { VIEW_TAB_LABELS } from '../../view-state/view-state.ts';
import { fingerprintSize } from '../../view-state/fingerprint.ts';
import { openUrl } from '../loader.ts';
import { useDataStore } from '../stores/data-store.ts';
import { useViewStore } from '../stores/view-store.ts';
import { openSymbolsUrl } from '../symbols-loader.ts';
import { displayCommand, windowText } from './filters/filter-text.ts';
import { chooseKmapFile } from './OpenKmapButton.tsx';
import { revealHidden, shownName } from '../../query/shown-name.ts';

/** The bundled sample (public/sample.kmap) and its kernel's System.map, relative to import.meta.env.BASE_URL (see resolveSrc). */
export const SAMPLE_SRC = 'sample.kmap';
export const SAMPLE_SYMBOLS_SRC = 'sample.System.map';


/** The parts of a view a link carries, as phrases (names as given: shown as text only). */
export function describeFilter(f: ObjectFilter): string[] {
  const parts: string[] = [];
  const list = (what: string, names: readonly string[]) => {
    if (names.length > 0) parts.push(`${what} ${names.join(', ')}`);
  };
  list(f.slabs.length === 1 ? 'slab cache' : 'slab caches', f.slabs.map(shownName));
  list(f.types.length === 1 ? 'type' : 'types', f.types.map(shownName));
  list(f.commands.length === 1 ? 'command' : 'commands', f.commands.map(displayCommand));
  list(f.pids.length === 1 ? 'allocating pid' : 'allocating pids', f.pids.map(String));
  if (f.state !== 'all') parts.push(`${f.state} objects only`);
  if (f.hideSentinels) parts.push('sentinel objects hidden');
  if (f.minSize !== null && f.maxSize !== null) parts.push(`size ${f.minSize}–${f.maxSize} bytes`);
  else if (f.minSize !== null) parts.push(`size at least ${f.minSize} bytes`);
  else if (f.maxSize !== null) parts.push(`size at most ${f.maxSize} bytes`);
  list(f.allocSites.length === 1 ? 'alloc site' : 'alloc sites', f.allocSites.map(shownName));
  list('accessed by', f.accessSites.map(shownName));
  if (f.otherTasks) parts.push('accessed by other tasks');
  if (f.window) parts.push(windowText(f.window));
  if (f.flag) parts.push(`only objects ${QUALITY_FLAG_TEXT[f.flag]}`);
  if (f.search) parts.push(`search “${revealHidden(f.search)}”`);
  return parts;
}

function LinkViewHint() {
  const filter = useViewStore((s) => s.filter);
  const sort = useViewStore((s) => s.sort);
  const obj = useViewStore((s) => s.obj);
  const tab = useViewStore((s) => s.tab);
  const by = useViewStore((s) => s.by);
  const symbols = useDataStore((s) => s.symbols);
  const expected = useDataStore((s) => s.expectedFile);
  const parts = describeFilter(filter);
  if (sort) parts.push(`sorted by ${sort.key}${sort.desc ? ' (descending)' : ''}`);
  if (obj !== null) parts.push(`object #${obj} selected`);
  if (tab !== 'objects') parts.push(`the ${VIEW_TAB_LABELS[tab]} view${tab === 'breakdown' ? ` by ${by}` : ''}`);
  if (parts.length === 0 && !expected) return null;
  const file = expected ? `${shownName(expected.name)} (${fingerprintSize(expected.fp).toLocaleString('en-US')} bytes)` : null;
  return (
    <p className="link-hint" data-testid="link-hint">
      This link carries a view{file ? ` of ${file}` : ''}
      {parts.length > 0 ? ` (${parts.join('; ')})` : ''}. Open {file ? 'that file' : 'the same kmap'} to see it
      {symbols ? `; its symbols, ${symbols.name}, are loaded already` : ''}.
    </p>
  );
}

/** Opens the bundled sample together with its System.map. */
export function openSample(): void {
  void openUrl(SAMPLE_SRC);
  void openSymbolsUrl(SAMPLE_SYMBOLS_SRC);
}

export function EmptyState() {
  return (
    <main className="empty-state">
      <div className="empty-card">
        <h1>Explore a Memorizer kmap</h1>
        <p>
          A <strong>kmap</strong> (or CAPMAP) is the text file that Memorizer, a Linux-kernel instrumentation, writes to{' '}
          <code>/sys/kernel/debug/memorizer/kmap</code>: one line per tracked kernel object (allocation site, task, address,
          size, lifetime, slab cache) and, under it, one line per instruction that read or wrote the object, with counts.
          Every format variant (A–E, 4.x to 6.x kernels) is recognised.
        </p>
        <p>
          The file is read in a background worker, in chunks: it never leaves your machine, and captures of several GB
          are fine.
        </p>
        <LinkViewHint />
        <div className="empty-actions">
          <button type="button" className="btn btn-primary" onClick={chooseKmapFile}>
            Open kmap…
          </button>
          <button type="button" className="btn" onClick={openSample}>
            Open the bundled sample
          </button>
        </div>
        <p className="muted">…or drop a kmap file anywhere on this page.</p>
        <p className="muted">
          With the capture kernel's <code>System.map</code> (or <code>/proc/kallsyms</code>), loaded with “Open symbols” or
          dropped on the page, instruction addresses are shown as functions (<code>copy_process+0x2a1</code>) and can be
          grouped and searched by function (<code>fn:</code>).
        </p>
      </div>
    </main>
  );
}
