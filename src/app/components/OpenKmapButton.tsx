// The "Open kmap" button: a label wrapping a visually hidden file input, so
// the input's accessible name is exactly "Open kmap".

import type { ChangeEvent } from 'react';
import { openFile } from '../loader.ts';

export const OPEN_KMAP_INPUT_ID = 'open-kmap-input';

export function OpenKmapButton() {
  const onChange = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.currentTarget.files?.[0];
    // Reset so that choosing the same file again still fires a change.
    e.currentTarget.value = '';
    if (file) void openFile(file);
  };
  return (
    <label className="btn btn-primary file-button">
      <input id={OPEN_KMAP_INPUT_ID} type="file" className="visually-hidden" onChange={onChange} />
      Open kmap
    </label>
  );
}

/** Opens the file chooser of the "Open kmap" input (for other buttons). */
export function chooseKmapFile(): void {
  document.getElementById(OPEN_KMAP_INPUT_ID)?.click();
}
