// "Save as kmap": the objects the filters keep, with their access lines, as
// a kmap file (variant E; the same bytes `kmap slice` prints for the same
// filter), to share a part of a big capture. Built in the worker.

import { useState } from 'react';
import { kmapApi } from '../kmap-client.ts';
import { useDataStore } from '../stores/data-store.ts';
import { notify } from '../stores/notice-store.ts';
import { useViewStore } from '../stores/view-store.ts';
import { csvFileName, downloadBlob } from './DownloadCsvButton.tsx';

export function SaveSliceButton() {
  const phase = useDataStore((s) => s.phase);
  const sourceName = useDataStore((s) => s.source?.name ?? null);
  const partial = useDataStore((s) => s.partial !== null);
  const kept = useDataStore((s) => s.result?.total ?? 0);
  // A slice lists access lines, which an aggregate-only load did not keep.
  const aggregateOnly = useDataStore((s) => s.summary?.aggregateOnly ?? false);
  const [busy, setBusy] = useState(false);
  const fileName = csvFileName('slice', sourceName, partial, 'kmap');
  const onClick = async () => {
    if (busy) return;
    setBusy(true);
    try {
      downloadBlob(await kmapApi().kmapSlice(useViewStore.getState().filter), fileName);
    } catch (err) {
      notify(`The kmap could not be written: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <button
      type="button"
      className="btn btn-small"
      onClick={() => void onClick()}
      disabled={phase !== 'ready' || kept === 0 || aggregateOnly}
      aria-busy={busy || undefined}
      title={
        aggregateOnly
          ? 'Loaded aggregates only: the access lines a kmap lists were not kept. The command line writes one: kmap slice FILE [FILTERS] > part.kmap'
          : `Save the ${kept.toLocaleString('en-US')} objects the filters keep, with their access lines, as ${fileName} (a kmap; what kmap slice prints)`
      }
    >
      Save as kmap
    </button>
  );
}
