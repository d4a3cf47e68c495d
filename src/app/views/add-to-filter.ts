// A group (a breakdown row, bar or icicle tile; a Lifetimes legend entry) added to the shared
// filters: the filter bar then shows it as a chip and every view narrows.
// A value the filter has already is left alone.

import type { BreakdownKey } from '../../worker-api.ts';
import { useViewStore } from '../stores/view-store.ts';

function withValue<T>(list: readonly T[], value: T): T[] | null {
  return list.includes(value) ? null : [...list, value];
}

/** Adds group `key` of grouping `by` to the filters; false when it was there already (or is not a value). */
export function addGroupToFilter(by: BreakdownKey, key: string): boolean {
  const { filter, setFilter } = useViewStore.getState();
  switch (by) {
    case 'type': {
      const types = withValue(filter.types, key);
      if (types) setFilter({ types });
      return types !== null;
    }
    case 'slab': {
      const slabs = withValue(filter.slabs, key);
      if (slabs) setFilter({ slabs });
      return slabs !== null;
    }
    case 'command': {
      const commands = withValue(filter.commands, key);
      if (commands) setFilter({ commands });
      return commands !== null;
    }
    case 'pid': {
      const pid = Number(key);
      if (key.trim() === '' || !Number.isInteger(pid)) return false;
      const pids = withValue(filter.pids, pid);
      if (pids) setFilter({ pids });
      return pids !== null;
    }
    case 'site': {
      const allocSites = withValue(filter.allocSites, key);
      if (allocSites) setFilter({ allocSites });
      return allocSites !== null;
    }
  }
}
