// Copies the page's URL (which mirrors the view) to the clipboard.

import { useDataStore } from '../stores/data-store.ts';
import { notify } from '../stores/notice-store.ts';

export function CopyLinkButton() {
  const source = useDataStore((s) => s.source);
  if (!source) return null;
  const copy = async () => {
    const url = window.location.href;
    const what =
      source.kind === 'url'
        ? `it opens ${source.name} with this view.`
        : `it carries the view, not the file: whoever follows it opens ${source.name} too.`;
    try {
      await navigator.clipboard.writeText(url);
      notify(`Link copied; ${what}`);
    } catch {
      notify(`Could not use the clipboard; copy the link from the address bar (${what})`);
    }
  };
  return (
    <button type="button" className="btn" onClick={() => void copy()} title="Copy a link to this view">
      Copy link
    </button>
  );
}
