// "Download CSV": asks for the CSV text (the worker writes exactly what the
// CLI prints for the same filter) and saves it through a Blob, an object URL
// and an <a download>. The file name comes from the caller; csvFileName()
// builds it from the kmap's name.

import { useState } from 'react';
import { notify } from '../stores/notice-store.ts';

/** A file name made safe to offer: only letters, digits, '.', '-' and '_'. */
function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '');
}

/** `<kmap base name>-<what>.csv`, or `<what>.csv` when the kmap's name is unknown. */
export function csvFileName(what: string, sourceName: string | null | undefined, partial = false, extension = 'csv'): string {
  // run.kmap -> run, run.kmap.gz -> run.
  const base = sourceName ? safeName(sourceName.replace(/\.gz$/i, '').replace(/\.[^.]*$/, '')) + (partial ? '-partial' : '') : '';
  const tail = safeName(what);
  return base ? `${base}-${tail}.${extension}` : `${tail}.${extension}`;
}

/** Saves `text` as a download called `fileName`. */
export function downloadText(text: string, fileName: string, type = 'text/csv;charset=utf-8'): void {
  downloadBlob(new Blob([text], { type }), fileName);
}

/** Saves `blob` as a download called `fileName`. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked once the browser has had time to start the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function DownloadCsvButton({
  getCsv,
  fileName,
  disabled = false,
  title,
}: {
  getCsv: () => Promise<string>;
  fileName: string;
  disabled?: boolean;
  title?: string;
}) {
  const [busy, setBusy] = useState(false);
  const onClick = async () => {
    if (busy) return;
    setBusy(true);
    try {
      downloadText(await getCsv(), fileName);
    } catch (err) {
      notify(`The CSV could not be written: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <button
      type="button"
      className="btn btn-small"
      onClick={() => void onClick()}
      disabled={disabled}
      aria-busy={busy || undefined}
      title={title ?? `Save what this view lists as ${fileName} (the same CSV the kmap CLI prints)`}
      data-file-name={fileName}
    >
      Download CSV
    </button>
  );
}
