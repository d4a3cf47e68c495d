// Chips for the site filters that other views set (a click on a breakdown
// or access-site row): "alloc site: NAME" and "accessed by: NAME".

import { useViewStore } from '../../stores/view-store.ts';
import { shownName } from '../../../query/shown-name.ts';

export function SiteChips() {
  const allocSites = useViewStore((s) => s.filter.allocSites);
  const accessSites = useViewStore((s) => s.filter.accessSites);
  const setFilter = useViewStore((s) => s.setFilter);
  if (allocSites.length === 0 && accessSites.length === 0) return null;
  return (
    <ul className="site-chips" aria-label="Site filters">
      {allocSites.map((name) => (
        <li key={`a:${name}`} className="chip site-chip" title={`Objects allocated at ${shownName(name)}`}>
          <span className="chip-text">
            <span className="chip-kind">alloc site: </span>
            <span className="mono">{shownName(name)}</span>
          </span>
          <button
            type="button"
            className="chip-remove"
            aria-label={`Remove alloc site ${shownName(name)}`}
            title={`Remove alloc site ${shownName(name)}`}
            onClick={() => setFilter({ allocSites: allocSites.filter((s) => s !== name) })}
          >
            ×
          </button>
        </li>
      ))}
      {accessSites.map((name) => (
        <li key={`x:${name}`} className="chip site-chip access" title={`Objects with an access line at ${shownName(name)}`}>
          <span className="chip-text">
            <span className="chip-kind">accessed by: </span>
            <span className="mono">{shownName(name)}</span>
          </span>
          <button
            type="button"
            className="chip-remove"
            aria-label={`Remove access site ${shownName(name)}`}
            title={`Remove access site ${shownName(name)}`}
            onClick={() => setFilter({ accessSites: accessSites.filter((s) => s !== name) })}
          >
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
