// First run: what a kmap is, how to open one, and the bundled sample.

import { openUrl } from '../loader.ts';
import { useViewStore } from '../stores/view-store.ts';
import { chooseKmapFile } from './OpenKmapButton.tsx';

/** The bundled sample (public/sample.kmap), relative to import.meta.env.BASE_URL (see resolveSrc). */
export const SAMPLE_SRC = 'sample.kmap';

function LinkViewHint() {
  const slabs = useViewStore((s) => s.filter.slabs);
  const search = useViewStore((s) => s.filter.search);
  const sort = useViewStore((s) => s.sort);
  const obj = useViewStore((s) => s.obj);
  const parts: string[] = [];
  if (slabs.length > 0) parts.push(`slab cache ${slabs.join(', ')}`);
  if (search) parts.push(`search “${search}”`);
  if (sort) parts.push(`sorted by ${sort.key}${sort.desc ? ' (descending)' : ''}`);
  if (obj !== null) parts.push(`object #${obj} selected`);
  if (parts.length === 0) return null;
  return (
    <p className="link-hint" data-testid="link-hint">
      This link carries a view ({parts.join('; ')}). Open the same kmap to see it.
    </p>
  );
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
          <button type="button" className="btn" onClick={() => void openUrl(SAMPLE_SRC)}>
            Open the bundled sample
          </button>
        </div>
        <p className="muted">…or drop a kmap file anywhere on this page.</p>
      </div>
    </main>
  );
}
