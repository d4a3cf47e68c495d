// Memorizer's instrumentation as a tree (format/memorizer-hooks.ts):
// allocator family -> hook -> alloc types, with the filtered objects, bytes
// and access lines each recorded (from the breakdown by type), plus the
// access hooks (loads and stores: reads and writes) and the frees. A hook
// or a family is a button that filters the objects to its types; types no
// hook lists are shown apart ("other types"), so nothing is left out.

import { HOOKED_TYPES, MEMORIZER_HOOKS } from '../../../format/memorizer-hooks.ts';
import { filterKey, type BreakdownRow, type FilteredTotals } from '../../../worker-api.ts';
import { displayName } from '../../components/grid/cells.tsx';
import { formatBytes, formatCount, plural } from '../../format.ts';
import { kmapApi } from '../../kmap-client.ts';
import { useDataStore } from '../../stores/data-store.ts';
import { useViewStore } from '../../stores/view-store.ts';
import { useWorkerResult } from '../use-worker-result.ts';

interface Sum {
  objects: number;
  bytes: number;
  accessLines: number;
}

function sumOf(rows: Map<string, BreakdownRow>, types: readonly string[]): Sum & { present: string[] } {
  const out = { objects: 0, bytes: 0, accessLines: 0, present: [] as string[] };
  for (const t of types) {
    const r = rows.get(t);
    if (!r) continue;
    out.objects += r.objects;
    out.bytes += Number(r.bytes);
    out.accessLines += r.accessLines;
    out.present.push(t);
  }
  return out;
}

export function HooksTree() {
  const filter = useViewStore((s) => s.filter);
  const setFilter = useViewStore((s) => s.setFilter);
  const setTab = useViewStore((s) => s.setTab);
  const hasType = useDataStore((s) => s.summary?.hasType ?? true);
  const key = filterKey(filter);
  const types = useWorkerResult<BreakdownRow[]>('hooks-types', hasType ? key : null, () => kmapApi().breakdown(filter, 'type'));
  const totals = useWorkerResult<FilteredTotals>('hooks-totals', key, () => kmapApi().totals(filter));
  const byType = new Map((types.value ?? []).map((r) => [r.key, r]));
  const others = (types.value ?? []).filter((r) => !HOOKED_TYPES.has(r.key)).map((r) => r.key);
  const show = (present: string[]) => {
    setFilter({ types: present });
    setTab('objects');
  };
  const figures = (s: Sum) => `${plural(s.objects, 'object')}, ${formatBytes(s.bytes)}, ${plural(s.accessLines, 'access line')}`;
  const t = totals.value;

  return (
    <section className="hooks-tree" aria-label="Memorizer's hooks">
      <h3>Memorizer’s hooks</h3>
      {t && (
        <ul className="hooks-access">
          <li>
            Access checks (KASAN): <strong>{formatCount(t.reads)}</strong> loads (reads) and <strong>{formatCount(t.writes)}</strong> stores (writes) in{' '}
            {plural(t.accesses, 'access line')}
          </li>
          <li>
            Frees (kfree, kmem_cache_free, free_pages, vfree): <strong>{formatCount(t.objects - t.liveObjects)}</strong> of {plural(t.objects, 'object')} freed
          </li>
        </ul>
      )}
      {!hasType ? (
        <p className="muted">This format records no alloc types, so objects cannot be told apart by hook.</p>
      ) : (
        <ul className="hooks-families">
          {MEMORIZER_HOOKS.map((f) => {
            const all = sumOf(byType, f.hooks.flatMap((h) => h.types));
            return (
              <li key={f.family}>
                <button type="button" className="hook-button family" disabled={all.objects === 0} onClick={() => show(all.present)} title={`Show the objects of ${f.family}`}>
                  {f.family}
                </button>{' '}
                <span className="muted">{figures(all)}</span>
                <ul>
                  {f.hooks.map((h) => {
                    const s = sumOf(byType, h.types);
                    return (
                      <li key={h.hook} data-testid="hook" data-hook={h.hook}>
                        <button type="button" className="hook-button" disabled={s.objects === 0} onClick={() => show(s.present)} title={`Show the objects recorded by ${h.hook}: ${h.types.join(', ')}`}>
                          {h.hook}
                        </button>{' '}
                        <span className="hook-types mono">{h.types.join(' ')}</span> <span className="muted">{figures(s)}</span>
                      </li>
                    );
                  })}
                </ul>
              </li>
            );
          })}
          {others.length > 0 && (
            <li>
              <span>Other types (no hook of this kernel records them)</span>
              <ul>
                {others.map((name) => {
                  const s = sumOf(byType, [name]);
                  return (
                    <li key={name}>
                      <button type="button" className="hook-button" onClick={() => show([name])}>
                        {displayName(name)}
                      </button>{' '}
                      <span className="muted">{figures(s)}</span>
                    </li>
                  );
                })}
              </ul>
            </li>
          )}
        </ul>
      )}
    </section>
  );
}
