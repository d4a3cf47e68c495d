// The three name pickers of the filter bar: slab cache, type and command.
// A picker is hidden when the file's format lacks its field (slab caches
// before variant D, types before C), unless a link already selected names.

import type { NameField, NameList } from '../../../worker-api.ts';
import { kmapApi } from '../../kmap-client.ts';
import { NAMES_FETCHED, useDataStore } from '../../stores/data-store.ts';
import { shownName } from '../../../query/shown-name.ts';
import { useViewStore } from '../../stores/view-store.ts';
import { displayCommand } from './filter-text.ts';
import { NamePicker } from './NamePicker.tsx';

/** The worker's names containing the typed text (stable functions, so pickers do not re-ask on every render). */
const SEARCH: Record<NameField, (text: string) => Promise<NameList>> = {
  slab: (text) => kmapApi().nameOptions('slab', text, NAMES_FETCHED),
  type: (text) => kmapApi().nameOptions('type', text, NAMES_FETCHED),
  command: (text) => kmapApi().nameOptions('command', text, NAMES_FETCHED),
};

export function SlabPicker() {
  const names = useDataStore((s) => s.nameOptions.slab);
  const hasSlab = useDataStore((s) => s.summary?.hasSlab ?? true);
  const slabs = useViewStore((s) => s.filter.slabs);
  const setFilter = useViewStore((s) => s.setFilter);
  if (!hasSlab && slabs.length === 0) return null;
  return (
    <NamePicker
      className="slab-filter"
      label="Slab cache"
      listLabel="Slab caches"
      chipsLabel="Selected slab caches"
      removeLabel={(name) => `Remove ${shownName(name)}`}
      clearLabel="Clear slab cache filter"
      noneYet={hasSlab ? 'No slab caches yet' : 'This format has no slab caches'}
      noneMatch="No slab cache matches"
      options={names.options}
      total={names.total}
      search={SEARCH.slab}
      selected={slabs}
      onChange={(next) => setFilter({ slabs: next })}
    />
  );
}

export function TypePicker() {
  const names = useDataStore((s) => s.nameOptions.type);
  const hasType = useDataStore((s) => s.summary?.hasType ?? true);
  const types = useViewStore((s) => s.filter.types);
  const setFilter = useViewStore((s) => s.setFilter);
  if (!hasType && types.length === 0) return null;
  return (
    <NamePicker
      className="type-filter"
      label="Type"
      listLabel="Types"
      chipsLabel="Selected types"
      removeLabel={(name) => `Remove type ${shownName(name)}`}
      clearLabel="Clear type filter"
      noneYet={hasType ? 'No types yet' : 'This format has no allocation types'}
      noneMatch="No type matches"
      options={names.options}
      total={names.total}
      search={SEARCH.type}
      selected={types}
      onChange={(next) => setFilter({ types: next })}
    />
  );
}

export function CommandPicker() {
  const names = useDataStore((s) => s.nameOptions.command);
  const commands = useViewStore((s) => s.filter.commands);
  const setFilter = useViewStore((s) => s.setFilter);
  return (
    <NamePicker
      className="command-filter"
      label="Command"
      listLabel="Commands"
      chipsLabel="Selected commands"
      removeLabel={(name) => `Remove command ${displayCommand(name)}`}
      clearLabel="Clear command filter"
      noneYet="No commands yet"
      noneMatch="No command matches"
      options={names.options}
      total={names.total}
      search={SEARCH.command}
      selected={commands}
      onChange={(next) => setFilter({ commands: next })}
      namesHaveSpaces
      display={displayCommand}
    />
  );
}
