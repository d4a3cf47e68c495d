// The "Open kmap" button: a label wrapping a visually hidden file input, so
// the input's accessible name is exactly "Open kmap". It takes one kmap, or
// the two files of Memorizer's split CSV pair chosen together.

import type { ChangeEvent } from 'react';
import { openKmapFiles } from '../loader.ts';

export const OPEN_KMAP_INPUT_ID = 'open-kmap-input';

export function OpenKmapButton() {
  const onChange = (e: ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(e.currentTarget.files ?? []);
    // Reset so that choosing the same file again still fires a change.
    e.currentTarget.value = '';
    if (files.length > 0) void openKmapFiles(files);
  };
  return (
    <label className="btn btn-primary file-button">
      <input id={OPEN_KMAP_INPUT_ID} type="file" multiple className="visually-hidden" onChange={onChange} />
      Open kmap
    </label>
  );
}

/** Opens the file chooser of the "Open kmap" input (for other buttons). */
export function chooseKmapFile(): void {
  document.getElementById(OPEN_KMAP_INPUT_ID)?.click();
}
