// Drop a file anywhere on the page: a full-page overlay while dragging. A
// file whose first lines read as a System.map or /proc/kallsyms is loaded as
// kernel symbols, anything else as a kmap (which the loader's preflight may
// still refuse). A kmap and its System.map may be dropped together, and so
// may the two files of Memorizer's split CSV pair (allocations and accesses),
// which open as one capture.

import { useEffect, useState } from 'react';
import { openKmapFiles } from '../loader.ts';
import { notify } from '../stores/notice-store.ts';
import { openSymbolsFile } from '../symbols-loader.ts';
import { fileLooksLikeSymbolMap } from '../symbols-sniff.ts';

function hasFiles(e: DragEvent): boolean {
  return !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
}

/**
 * Opens the dropped files: at most one symbol file, and one kmap or the two
 * files of the split pair (two files that are not symbols are taken for the
 * pair, which says so if they are not); the rest is named in a notice.
 */
async function openDropped(files: File[]): Promise<void> {
  const kinds = await Promise.all(files.map((f) => fileLooksLikeSymbolMap(f)));
  const symbols = files.find((_, i) => kinds[i]) ?? null;
  const data = files.filter((_, i) => !kinds[i]);
  const kmaps = data.length === 2 ? data : data.slice(0, 1);
  const ignored = files.filter((f) => f !== symbols && !kmaps.includes(f));
  if (ignored.length > 0) {
    notify(
      `${files.length} files were dropped; opened ${[...kmaps, symbols]
        .filter((f) => f !== null)
        .map((f) => JSON.stringify(f.name))
        .join(' and ')} (one kmap, or the allocations and accesses pair, and one symbol file at a time), not ${ignored.map((f) => JSON.stringify(f.name)).join(', ')}.`,
    );
  }
  // Both at once: they load in parallel, and the symbols apply to the new kmap.
  if (symbols) void openSymbolsFile(symbols);
  if (kmaps.length > 0) void openKmapFiles(kmaps);
}

export function DropOverlay() {
  const [active, setActive] = useState(false);
  useEffect(() => {
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth++;
      setActive(true);
    };
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setActive(false);
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setActive(false);
      const files = e.dataTransfer?.files;
      if (!files || files.length === 0) return;
      void openDropped(Array.from(files));
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);
  if (!active) return null;
  return (
    <div className="drop-overlay" aria-hidden="true">
      <div className="drop-box">
        <div>Drop a kmap to open it</div>
        <div className="drop-sub">…or the allocations and accesses CSV files together, or a System.map / kallsyms file to name its functions</div>
      </div>
    </div>
  );
}
