// The Access-sites tab: the access lines of the filtered objects grouped by
// the accessing function (or IP without symbols), busiest first. A click on
// a site (or Enter on it) filters the objects to those it accessed and
// shows them in the Objects tab. Which pids accessed through a site is
// fetched on demand (hover or keyboard cursor) and shown in the site cell's
// tooltip and under the table. An aggregate-only load kept neither which
// objects a site reached nor its pids: no PIDs column, no listing, and a
// site's objects shown as "—" where they are not known.

import { useEffect, useMemo, useRef, useState, type PointerEvent } from 'react';
import { filterKey, isEmptyFilter, type ObjectFilter, type SiteDetail, type SiteRow } from '../../../worker-api.ts';
import { ClearFiltersButton } from '../../components/filters/ClearFiltersButton.tsx';
import { displayCommand } from '../../components/filters/filter-text.ts';
import { DownloadCsvButton, csvFileName } from '../../components/DownloadCsvButton.tsx';
import { Count, displayName, SiteText } from '../../components/grid/cells.tsx';
import { VirtualGrid, type GridColumn } from '../../components/grid/VirtualGrid.tsx';
import { formatCount, plural } from '../../format.ts';
import { kmapApi } from '../../kmap-client.ts';
import { useDataStore } from '../../stores/data-store.ts';
import { useViewStore } from '../../stores/view-store.ts';
import { useWorkerResult } from '../use-worker-result.ts';
import { foldFilterProblem } from '../../../query/cell-queries.ts';
import { shownName } from '../../../query/shown-name.ts';

/** Pids listed in a site's tooltip. */
const TOOLTIP_PIDS = 12;
/** How long the pointer rests on a row before its pids are asked for. */
const HOVER_DELAY_MS = 120;

/** "dentry 120 · filp 3" */
function cachesText(r: SiteRow): string {
  return r.caches.map((c) => `${displayName(c.name)} ${formatCount(c.accessLines)}`).join(' · ');
}

function CachesCell({ r }: { r: SiteRow }) {
  const more = r.numCaches - r.caches.length;
  return (
    <span className="caches-cell">
      <span className="caches-list">{cachesText(r)}</span>
      {more > 0 && <span className="caches-more muted">+{formatCount(more)} more</span>}
    </span>
  );
}

/** The pids of a site as lines: "pid 123 (ls): 40 lines". */
function pidLines(d: SiteDetail): string[] {
  const lines = d.pids
    .slice(0, TOOLTIP_PIDS)
    .map((p) => `pid ${p.pid}${p.command !== null ? ` (${displayCommand(p.command)})` : ''}: ${plural(p.accessLines, 'line')}`);
  if (d.pids.length > TOOLTIP_PIDS) lines.push(`+${formatCount(d.pids.length - TOOLTIP_PIDS)} more pids`);
  return lines;
}

/**
 * Site details on demand: at most one request in flight (the latest asked
 * for runs next), answers kept per filter and data version.
 */
function useSiteDetails(filter: ObjectFilter, dataVersion: number) {
  const scope = `${dataVersion}\n${filterKey(filter)}`;
  const [details, setDetails] = useState<{ scope: string; bySite: Map<string, SiteDetail> }>({ scope, bySite: new Map() });
  const current = details.scope === scope ? details.bySite : new Map<string, SiteDetail>();
  const busy = useRef(false);
  const next = useRef<string | null>(null);
  const scopeRef = useRef({ scope, filter });
  scopeRef.current = { scope, filter };
  const have = useRef(current);
  have.current = current;

  const pump = () => {
    if (busy.current || next.current === null) return;
    const site = next.current;
    next.current = null;
    const { scope: s, filter: f } = scopeRef.current;
    if (have.current.has(site)) return;
    busy.current = true;
    kmapApi()
      .siteDetail(f, site)
      .then(
        (d) => {
          if (scopeRef.current.scope === s) {
            setDetails((prev) => {
              const bySite = new Map(prev.scope === s ? prev.bySite : []);
              bySite.set(site, d);
              return { scope: s, bySite };
            });
          }
        },
        () => {},
      )
      .finally(() => {
        busy.current = false;
        pump();
      });
  };
  const request = (site: string) => {
    if (have.current.has(site)) return;
    next.current = site;
    pump();
  };
  return { details: current, request };
}

/** Shown for a figure an aggregate-only load cannot tell. */
const NOT_KNOWN_TITLE = 'Not known: this kmap was loaded aggregates only, and this site is made of several instruction addresses whose objects may overlap';

function columnsFor(hasPid: boolean, hasSlab: boolean, aggregateOnly: boolean, titleOf: (r: SiteRow) => string): GridColumn<SiteRow>[] {
  const count = (id: 'reads' | 'writes' | 'accessLines' | 'objects' | 'pids', header: string, title: string, width: number): GridColumn<SiteRow> => ({
    id,
    header,
    title,
    width,
    numeric: true,
    sortValue: (r) => r[id] ?? -1,
    render: (r) => {
      const n = r[id];
      return n === null ? (
        <span className="muted" title={NOT_KNOWN_TITLE}>
          <span aria-hidden="true">—</span>
          <span className="visually-hidden">not known</span>
        </span>
      ) : (
        <Count n={n} />
      );
    },
  });
  const cols: GridColumn<SiteRow>[] = [
    {
      id: 'site',
      header: 'Site',
      title: 'The accessing function (with symbols), or instruction address (click a site to list the objects it accessed)',
      width: { min: 240, flex: 3 },
      sortValue: (r) => r.site,
      render: (r) => <SiteText site={r.site} />,
      cellTitle: titleOf,
      className: 'key-cell',
    },
    count('reads', 'Reads', 'Reads through the site', 92),
    count('writes', 'Writes', 'Writes through the site', 92),
    count('accessLines', 'Access lines', 'Access lines at the site (distinct instruction and task per object)', 110),
    count('objects', 'Objects', 'Distinct objects the site accessed', 84),
  ];
  if (hasPid && !aggregateOnly) cols.push(count('pids', 'PIDs', 'Distinct tasks that accessed through the site', 70));
  if (hasSlab) {
    cols.push({
      id: 'caches',
      header: 'Caches',
      title: 'Slab caches of the objects it accessed, by access lines (most first)',
      width: { min: 220, flex: 2 },
      sortValue: (r) => r.numCaches,
      numeric: true,
      align: 'left',
      render: (r) => <CachesCell r={r} />,
      cellTitle: (r) =>
        r.caches.map((c) => `${displayName(c.name)}: ${plural(c.accessLines, 'line')}`).join('\n') +
        (r.numCaches > r.caches.length ? `\n+${formatCount(r.numCaches - r.caches.length)} more caches` : ''),
    });
  }
  return cols;
}

function EmptySites({ loading, otherTasks }: { loading: boolean; otherTasks: boolean }) {
  const filtered = useViewStore((s) => !isEmptyFilter(s.filter));
  const accesses = useDataStore((s) => s.summary?.accesses ?? null);
  // The objects the filters keep, known with the rows (the totals may come after them).
  const kept = useDataStore((s) => s.result?.total ?? null);
  const hasPid = useDataStore((s) => s.summary?.accessHasPid ?? true);
  if (accesses === 0) {
    return <span className="muted">{loading ? 'No access lines read yet…' : 'This capture has no access lines.'}</span>;
  }
  if (filtered && kept === 0) {
    return (
      <span className="view-empty-line" data-testid="sites-empty">
        <span className="muted">{loading ? 'Loading… none of the objects read so far match the filters.' : 'No objects match the filters.'}</span>
        <ClearFiltersButton />
      </span>
    );
  }
  if (otherTasks && !hasPid) {
    return <span className="muted">This format's access lines carry no pid, so no access can be told to be by another task.</span>;
  }
  return (
    <span className="view-empty-line" data-testid="sites-empty">
      <span className="muted">
        {otherTasks
          ? 'No task other than the allocating one accessed the filtered objects.'
          : 'The filtered objects have no access lines.'}
      </span>
      {filtered && <ClearFiltersButton />}
    </span>
  );
}

export function SitesView() {
  const filter = useViewStore((s) => s.filter);
  const phase = useDataStore((s) => s.phase);
  const dataVersion = useDataStore((s) => s.dataVersion);
  const aggregateOnly = useDataStore((s) => s.summary?.aggregateOnly ?? false);
  // Pids per site: not kept by an aggregate-only load.
  const hasPid = useDataStore((s) => s.summary?.accessHasPid ?? true) && !aggregateOnly;
  const hasSlab = useDataStore((s) => s.summary?.hasSlab ?? true);
  const sourceName = useDataStore((s) => s.source?.name ?? null);
  const partial = useDataStore((s) => s.partial !== null);

  // A filter the sums of an aggregate-only load cannot apply: said here, and nothing is asked.
  const refused = aggregateOnly ? foldFilterProblem(filter) : null;
  const sites = useWorkerResult<SiteRow[]>('sites', refused === null ? filterKey(filter) : null, () => kmapApi().sites(filter));
  const rows = refused === null ? (sites.value ?? []) : [];
  const loading = phase === 'loading';

  const { details, request } = useSiteDetails(filter, dataVersion);
  const [cursorSite, setCursorSite] = useState<string | null>(null);
  const hoverTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (hoverTimer.current !== null) clearTimeout(hoverTimer.current);
  }, []);

  const titleOf = (r: SiteRow) => {
    const d = details.get(r.site);
    const head = shownName(r.site);
    if (!hasPid) return head;
    if (!d) return `${head}\n(pids: a moment…)`;
    return d.pids.length > 0 ? `${head}\n${pidLines(d).join('\n')}` : head;
  };
  // The site title reads the details fetched so far through a ref, so that the
  // columns (and the grid's sort) stay the same while details arrive.
  const titleRef = useRef(titleOf);
  titleRef.current = titleOf;
  const columns = useMemo(() => columnsFor(hasPid, hasSlab, aggregateOnly, (r) => titleRef.current(r)), [hasPid, hasSlab, aggregateOnly]);

  const open = (r: SiteRow) => {
    // Which objects a site reached is not kept by an aggregate-only load.
    if (aggregateOnly) return;
    const v = useViewStore.getState();
    if (!v.filter.accessSites.includes(r.site)) v.setFilter({ accessSites: [...v.filter.accessSites, r.site] });
    v.setTab('objects');
  };

  const onPointerOver = (e: PointerEvent<HTMLDivElement>) => {
    if (!hasPid) return;
    const rowEl = (e.target as Element).closest?.('[data-testid="site-row"]');
    const site = rowEl?.getAttribute('data-key');
    if (site == null) return;
    if (hoverTimer.current !== null) clearTimeout(hoverTimer.current);
    hoverTimer.current = setTimeout(() => request(site), HOVER_DELAY_MS);
  };

  const cursorDetail = cursorSite !== null ? details.get(cursorSite) : undefined;
  const cursorRow = cursorSite !== null ? rows.find((r) => r.site === cursorSite) : undefined;

  return (
    <div className="agg-view sites-view">
      <div className="view-toolbar">
        <span className="view-status" role="status" data-testid="sites-status">
          {sites.value !== null && !sites.stale && (
            <span data-testid="sites-count">
              {plural(rows.length, 'site')}
              {loading ? ' so far' : ''}
            </span>
          )}
          {sites.computing && (sites.stale || sites.value === null) && <span className="computing">Computing…</span>}
        </span>
        <p className={`view-note${filter.otherTasks || aggregateOnly ? ' active' : ''}`} data-testid="sites-note">
          {aggregateOnly
            ? 'Loaded aggregates only: these sums come from the access lines summed as they were read. They narrow by cache, type, live or freed, sentinels and other tasks; a site cannot list its objects or pids.'
            : filter.otherTasks
            ? '“Accessed by other tasks” is on: the counts include only access lines by a pid other than the one that allocated the object.'
            : 'Tip: “Accessed by other tasks” in the filter bar restricts these counts to access lines by pids other than the allocating one.'}
        </p>
        <span className="spacer" />
        <DownloadCsvButton
          fileName={csvFileName('sites', sourceName, partial)}
          getCsv={() => kmapApi().sitesCsv(useViewStore.getState().filter)}
          disabled={phase === 'empty'}
        />
      </div>
      {refused !== null ? (
        <p className="view-note active" role="status" data-testid="sites-refused">
          {refused}
        </p>
      ) : (
        sites.error && (
          <p className="view-error" role="alert">
            The access sites failed: {sites.error}
          </p>
        )
      )}
      <div className="agg-split" onPointerOver={onPointerOver}>
        <VirtualGrid
          rows={rows}
          columns={columns}
          rowKey={(r) => r.site}
          rowTestId="site-row"
          label={aggregateOnly ? 'Access sites (arrow keys move)' : 'Access sites (arrow keys move, Enter lists the objects a site accessed)'}
          onActivate={open}
          onCursorChange={(r) => {
            setCursorSite(r?.site ?? null);
            if (r && hasPid) request(r.site);
          }}
          dimmed={sites.stale && refused === null}
          empty={
            refused !== null ? null : sites.value === null ? (
              sites.computing ? <span className="muted">Computing…</span> : null
            ) : (
              <EmptySites loading={loading} otherTasks={filter.otherTasks} />
            )
          }
          className="agg-grid"
        />
      </div>
      <p className="site-detail" aria-live="polite" data-testid="site-detail">
        {cursorRow ? (
          <>
            <SiteText site={cursorRow.site} />
            {': '}
            {plural(cursorRow.reads, 'read')}, {plural(cursorRow.writes, 'write')}
            {cursorRow.objects === null ? ' (objects not known in an aggregate-only load)' : ` in ${plural(cursorRow.objects, 'object')}`}
            {hasPid && (cursorDetail ? (cursorDetail.pids.length > 0 ? ` — ${pidLines(cursorDetail).slice(0, 6).join('; ')}` : '') : ' — pids…')}
          </>
        ) : (
          <span className="muted">{aggregateOnly ? 'Arrow keys move between sites.' : 'Click a site (or Enter on it) to list the objects it accessed in the Objects tab.'}</span>
        )}
      </p>
    </div>
  );
}
