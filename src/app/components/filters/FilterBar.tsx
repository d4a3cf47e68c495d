// The filter bar above the views: every view (objects, breakdown, access
// sites) applies the same structured filter (query/types.ts ObjectFilter),
// kept in the view store and mirrored in the URL.

import { SaveSliceButton } from '../SaveSliceButton.tsx';
import { ClearFiltersButton } from './ClearFiltersButton.tsx';
import { CommandPicker, SlabPicker, TypePicker } from './NameFilters.tsx';
import { PidFilter } from './PidFilter.tsx';
import { RowCount } from './RowCount.tsx';
import { SearchBox } from './SearchBox.tsx';
import { SiteChips } from './SiteChips.tsx';
import { SizeFilter } from './SizeFilter.tsx';
import { StateFilter } from './StateFilter.tsx';
import { ToggleFilters } from './ToggleFilters.tsx';
import { FlagChip, WindowChip } from './FilterChips.tsx';

export function FilterBar() {
  return (
    <section className="filter-bar" aria-label="Filters">
      <div className="filter-row">
        <SlabPicker />
        <TypePicker />
        <CommandPicker />
        <SearchBox />
      </div>
      <div className="filter-row">
        <PidFilter />
        <StateFilter />
        <SizeFilter />
        <ToggleFilters />
        <SiteChips />
        <WindowChip />
        <FlagChip />
        <ClearFiltersButton />
        <span className="spacer" />
        <RowCount />
        <SaveSliceButton />
      </div>
    </section>
  );
}
