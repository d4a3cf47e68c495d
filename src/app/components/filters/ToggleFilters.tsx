// The filter bar's two checkboxes: hide sentinel objects, and objects
// accessed by tasks other than the allocating one.

import { useDataStore } from '../../stores/data-store.ts';
import { useViewStore } from '../../stores/view-store.ts';

const SENTINEL_TITLE =
  'Hide objects whose alloc IP is a sentinel rather than code: 0 (a per-type catch-all object collecting accesses no object ' +
  'covers), a UFO type code 0x1–0xff (an object made up on a missed lookup) or feedbeef (pre-registered when SLUB built a new slab).';

export function ToggleFilters() {
  const hideSentinels = useViewStore((s) => s.filter.hideSentinels);
  const otherTasks = useViewStore((s) => s.filter.otherTasks);
  const setFilter = useViewStore((s) => s.setFilter);
  const accessHasPid = useDataStore((s) => s.summary?.accessHasPid ?? true);
  const format = useDataStore((s) => s.summary?.format ?? null);
  const otherTitle = accessHasPid
    ? 'Only objects that a task other than the allocating one accessed (an access line whose pid differs from the object\'s); the access-site counts then include only such lines.'
    : `The access lines of format ${format ?? '?'} carry no pid, so accesses by other tasks cannot be told apart.`;
  return (
    <>
      <label className="check-field" title={SENTINEL_TITLE}>
        <input
          type="checkbox"
          checked={hideSentinels}
          title={SENTINEL_TITLE}
          onChange={(e) => setFilter({ hideSentinels: e.currentTarget.checked })}
        />
        Hide sentinel objects
      </label>
      <label className={`check-field${accessHasPid || otherTasks ? '' : ' disabled'}`} title={otherTitle}>
        <input
          type="checkbox"
          checked={otherTasks}
          // Still enabled while set (by a link), so that it can be unset.
          disabled={!accessHasPid && !otherTasks}
          title={otherTitle}
          onChange={(e) => setFilter({ otherTasks: e.currentTarget.checked })}
        />
        Accessed by other tasks
      </label>
    </>
  );
}
