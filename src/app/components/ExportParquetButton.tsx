// "Export Parquet": the whole loaded capture (filters do not apply) as the
// Parquet dataset `kmap export FILE --parquet DIR` writes, in one zip
// (`NAME-parquet.zip`) that unpacks into that folder layout. The button opens
// a dialog for the capture name (the partition folder `capture=NAME`;
// default captureNameOf(file name), checked against CAPTURE_NAME before
// anything is written); the worker writes the files block by block
// (workers/session-export.ts) and the page zips them as they come
// (../parquet-zip.ts), showing rows written per table. Cancel stops the
// worker after its current block; closing the dialog cancels too.
// Names from the kmap and the typed capture name are only ever text nodes.

import * as Comlink from 'comlink';
import { useEffect, useId, useRef, useState } from 'react';
import { captureNameOf, CAPTURE_NAME, CAPTURE_NAME_RULE } from '../../query/parquet-schema.ts';
import type { ParquetExportProgress } from '../../worker-api.ts';
import { formatCount } from '../format.ts';
import { kmapApi } from '../kmap-client.ts';
import { ParquetZip, parquetZipName } from '../parquet-zip.ts';
import { useDataStore } from '../stores/data-store.ts';
import { notify } from '../stores/notice-store.ts';
import { downloadBlob } from './DownloadCsvButton.tsx';

const NAME_RULE = `A capture name is ${CAPTURE_NAME_RULE}.`;

export function ExportParquetButton() {
  const phase = useDataStore((s) => s.phase);
  const sourceName = useDataStore((s) => s.source?.name ?? null);
  const aggregateOnly = useDataStore((s) => s.summary?.aggregateOnly ?? false);
  const [open, setOpen] = useState(false);
  const reason =
    phase === 'loading'
      ? 'A file is loading: export it as Parquet once it is loaded.'
      : phase === 'empty' || !sourceName
        ? 'Open a kmap first: there is nothing to export.'
        : aggregateOnly
          ? 'Loaded aggregates only: the access lines the accesses table holds were not kept. The command line exports any file: kmap export FILE --parquet DIR'
          : null;
  return (
    <>
      <button
        type="button"
        className="btn btn-small"
        disabled={reason !== null}
        title={reason ?? 'The whole capture (filters do not apply) as the Parquet tables objects, accesses and capmap, in one zip: what kmap export --parquet writes'}
        onClick={() => setOpen(true)}
      >
        Export Parquet
      </button>
      {open && sourceName && <ExportParquetDialog fileName={sourceName} onClose={() => setOpen(false)} />}
    </>
  );
}

type Status = { kind: 'idle' } | { kind: 'writing'; progress: ParquetExportProgress | null } | { kind: 'zipping' } | { kind: 'error'; text: string };

function ExportParquetDialog({ fileName, onClose }: { fileName: string; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const errorId = useId();
  const [name, setName] = useState(() => captureNameOf(fileName));
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const running = useRef(false);
  /** Set when the dialog closes or Cancel is pressed: a zip finished after that is not downloaded. */
  const dropped = useRef(false);
  const valid = CAPTURE_NAME.test(name);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  // A dialog closed (Escape, ×, unmount) while writing stops the export.
  useEffect(
    () => () => {
      dropped.current = true;
      if (running.current) void kmapApi().cancelExport();
    },
    [],
  );

  const start = async () => {
    if (running.current || !valid) return;
    running.current = true;
    dropped.current = false;
    const capture = name;
    const zip = new ParquetZip();
    setStatus({ kind: 'writing', progress: null });
    try {
      const result = await kmapApi().exportParquet(
        capture,
        Comlink.proxy((f) => zip.push(f.path, f.bytes)),
        Comlink.proxy((p) => setStatus({ kind: 'writing', progress: p })),
      );
      if (!result.ok) {
        zip.fail(result.error);
        if (result.cancelled) {
          setStatus({ kind: 'idle' });
        } else {
          setStatus({ kind: 'error', text: result.error });
          notify(`The Parquet export failed: ${result.error}`);
        }
        return;
      }
      setStatus({ kind: 'zipping' });
      zip.end();
      const blob = await zip.blob;
      if (dropped.current) {
        setStatus({ kind: 'idle' });
        return;
      }
      downloadBlob(blob, parquetZipName(capture));
      ref.current?.close();
    } catch (err) {
      zip.fail('failed');
      const text = `The Parquet files could not be written or zipped (${err instanceof Error ? err.message : String(err)}).`;
      setStatus({ kind: 'error', text });
      notify(text);
    } finally {
      running.current = false;
    }
  };

  const busy = status.kind === 'writing' || status.kind === 'zipping';
  const progress = status.kind === 'writing' ? status.progress : null;
  return (
    <dialog ref={ref} className="dialog dialog-narrow" aria-labelledby={titleId} onClose={onClose}>
      <header className="dialog-header">
        <h2 id={titleId}>Export Parquet</h2>
        <button type="button" className="btn btn-small btn-ghost" aria-label="Close" onClick={() => ref.current?.close()}>
          ×
        </button>
      </header>
      <p className="muted">
        The whole capture (filters do not apply) as three Parquet tables (objects, accesses, capmap), zipped as{' '}
        <span className="mono">{parquetZipName(valid ? name : 'NAME')}</span>; it unpacks into what{' '}
        <span className="mono">kmap export --parquet DIR</span> writes, for <span className="mono">kmap query DIR</span> or DuckDB.
      </p>
      <form
        className="dialog-body"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <label className="export-field">
          Capture name
          <input
            type="text"
            className={`text-input${valid ? '' : ' invalid'}`}
            value={name}
            autoFocus
            disabled={busy}
            spellCheck={false}
            aria-invalid={!valid}
            aria-describedby={valid ? undefined : errorId}
            onChange={(e) => setName(e.currentTarget.value)}
          />
        </label>
        {!valid && (
          <p id={errorId} className="field-error" role="alert">
            {name === '' ? 'The capture name is empty. ' : 'This capture name cannot be a folder name. '}
            {NAME_RULE}
          </p>
        )}
        <div className="export-status" aria-live="polite" data-testid="parquet-status">
          {status.kind === 'writing' &&
            (progress
              ? `Writing ${progress.table}: ${formatCount(progress.rowsDone)} of ${formatCount(progress.rows)} rows`
              : 'Writing objects…')}
          {status.kind === 'zipping' && 'Zipping…'}
        </div>
        {progress && progress.rows > 0 && <progress max={progress.rows} value={progress.rowsDone} aria-label={`Rows of ${progress.table} written`} />}
        {status.kind === 'error' && (
          <p className="field-error" role="alert">
            {status.text}
          </p>
        )}
        <div className="dialog-actions">
          <button type="submit" className="btn btn-primary btn-small" disabled={busy || !valid}>
            Download zip
          </button>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => {
              dropped.current = true;
              if (status.kind === 'writing') void kmapApi().cancelExport();
              else ref.current?.close();
            }}
          >
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
