// The symbol file in use, in the top bar: its name, how many functions, how
// many of the kmap's alloc IPs resolve, and a "Remove symbols" button.

import { formatCount, formatPercent } from '../format.ts';
import { useDataStore } from '../stores/data-store.ts';
import { removeSymbols } from '../symbols-loader.ts';

export function SymbolsStatus() {
  const symbols = useDataStore((s) => s.symbols);
  const loading = useDataStore((s) => s.symbolsLoading);
  const hasKmap = useDataStore((s) => s.phase !== 'empty');
  if (!symbols && !loading) return null;
  if (!symbols) {
    return (
      <span className="symbols-status muted" data-testid="symbols-status">
        Loading symbols {loading}…
      </span>
    );
  }
  const r = symbols.resolution;
  const parts = [`${formatCount(symbols.numFunctions)} functions`];
  if (hasKmap && r.allocResolved !== null) parts.push(`${formatPercent(r.allocResolved)} of alloc IPs resolve`);
  const title = [
    `Kernel symbols: ${symbols.name}`,
    `${formatCount(symbols.numSymbols)} text symbols, ${formatCount(symbols.numFunctions)} functions` +
      (symbols.badLines > 0 ? `, ${formatCount(symbols.badLines)} malformed lines skipped` : ''),
    r.allocResolved !== null
      ? `Alloc IPs: ${formatPercent(r.allocResolved)} of ${formatCount(r.distinctAllocIps)} distinct (sentinels aside) resolve`
      : null,
    r.accessResolved !== null ? `Access IPs: ${formatPercent(r.accessResolved)} of ${formatCount(r.distinctAccessIps)} distinct resolve` : null,
    loading ? `Loading ${loading}…` : null,
  ]
    .filter((l) => l !== null)
    .join('\n');
  return (
    <span className={`symbols-status${symbols.mismatch ? ' mismatch' : ''}`} data-testid="symbols-status" title={title}>
      <span className="symbols-text">
        <span className="source-name">{symbols.name}</span>
        <span className="muted"> · {parts.join(' · ')}</span>
        {symbols.mismatch && <span className="warn"> · wrong kernel?</span>}
        {loading && <span className="muted"> · loading {loading}…</span>}
      </span>
      <button type="button" className="btn btn-small" onClick={() => void removeSymbols()} title="Show instruction addresses as hex again">
        Remove symbols
      </button>
    </span>
  );
}
