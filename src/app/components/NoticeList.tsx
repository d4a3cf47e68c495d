// Notices (ignored URL parameters, a cancelled load, ...) in a status region.

import { useNoticeStore } from '../stores/notice-store.ts';
import { useViewStore } from '../stores/view-store.ts';
import { revealHidden } from '../../query/shown-name.ts';

export function NoticeList() {
  const notices = useNoticeStore((s) => s.notices);
  const dismiss = useNoticeStore((s) => s.dismiss);
  return (
    <div className="notices" role="status" aria-live="polite">
      {notices.map((n) => (
        <div className="notice" key={n.id}>
          <span className="notice-text">{revealHidden(n.text)}</span>
          {n.action === 'clear-filters' && (
            <button type="button" className="btn btn-small" onClick={() => useViewStore.getState().clearFilter()}>
              Clear filters
            </button>
          )}
          <button type="button" className="btn btn-small btn-ghost" aria-label="Dismiss notice" onClick={() => dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
