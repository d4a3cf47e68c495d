// The "Open symbols" button: a label wrapping a visually hidden file input
// (accessible name exactly "Open symbols") for a System.map or kallsyms.

import type { ChangeEvent } from 'react';
import { openSymbolsFile } from '../symbols-loader.ts';

export const OPEN_SYMBOLS_INPUT_ID = 'open-symbols-input';

export function OpenSymbolsButton() {
  const onChange = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.currentTarget.files?.[0];
    // Reset so that choosing the same file again still fires a change.
    e.currentTarget.value = '';
    if (file) void openSymbolsFile(file);
  };
  return (
    <label
      className="btn file-button"
      title="Load the capture kernel's System.map or /proc/kallsyms to show function names instead of instruction addresses"
    >
      <input id={OPEN_SYMBOLS_INPUT_ID} type="file" className="visually-hidden" onChange={onChange} />
      Open symbols
    </label>
  );
}
