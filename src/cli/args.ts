// The kmap command line's arguments: one positional FILE (a kmap) or two
// (Memorizer's split CSV pair, allocations and accesses, in either order:
// node/read-split-csv.ts tells them apart by their headers), the filter flags
// shared by breakdown, sites and stats, and each command's own options.
// Values may follow as the next argument or after '=' (`--pid -1`,
// `--pid=-1`); a value is taken as given, even when it starts with '-'.
// Errors name the argument at fault, for the user.

import {
  BREAKDOWN_KEYS,
  emptyFilter,
  LIFETIME_GROUPINGS,
  MATRIX_COLUMN_KINDS,
  QUALITY_FLAGS,
  WINDOW_MEANINGS,
  type QualityFlag,
  type WindowMeaning,
  type BreakdownKey,
  type LifetimeGrouping,
  type MatrixColumnKind,
  type ObjectFilter,
} from '../query/types.ts';
import { CAPTURE_NAME, CAPTURE_NAME_RULE } from '../query/parquet-schema.ts';

export class UsageError extends Error {}

export interface CliArgs {
  command: string;
  /** The input as messages name it: the kmap's path, or the pair's two paths joined with " + ". */
  file: string;
  /** The positional files: one kmap, or the two files of the split CSV pair. */
  files: string[];
  json: boolean;
  symbols: string | null;
  /** breakdown: the grouping; lifetimes: slab or type (default slab). */
  by: BreakdownKey | null;
  /** live: the number of bins. */
  bins: number | null;
  /** matrix: the columns. */
  cols: MatrixColumnKind | null;
  filter: ObjectFilter;
  /** Whether any filter flag was given (stats then reports filtered totals). */
  filtered: boolean;
  /** export: the dataset folder (--parquet DIR). */
  parquet: string | null;
  /** export: the capture's name (--capture NAME; default from the file name). */
  capture: string | null;
  /** query: the SQL (its DIR is `file`). */
  sql: string | null;
  /** Threads that parse the kmap (--workers N); null: as many as the machine has cores, at least 2. */
  workers: number | null;
  /** export: MB of kmap text per slice (--slice-mb N); null: the default (src/cli/export-command.ts). */
  sliceMb: number | null;
}

/** The largest slice --slice-mb takes (a terabyte: past any file, so that a slice of the whole file is always a choice). */
export const MAX_SLICE_MB = 1_000_000;

/** The most parsing threads --workers takes. */
export const MAX_WORKERS = 64;

/** Options that take a value, and the commands that accept them. */
const VALUE_OPTIONS = ['--parquet', '--capture', '--by', '--bins', '--cols', '--window', '--window-meaning', '--flag', '--slab', '--type', '--command', '--pid', '--symbols', '--search', '--min-size', '--max-size', '--workers', '--slice-mb'] as const;
const FLAG_OPTIONS = ['--json', '--live', '--freed', '--no-sentinels', '--other-tasks'] as const;
const FILTER_OPTIONS = new Set([
  '--slab', '--type', '--command', '--pid', '--search', '--min-size', '--max-size', '--live', '--freed', '--no-sentinels', '--other-tasks',
  '--window', '--window-meaning', '--flag',
]);

/** Every command that reads a kmap takes --workers. */
const READS = ['--workers'];

const ACCEPTS: Record<string, ReadonlySet<string>> = {
  stats: new Set([...FILTER_OPTIONS, ...READS, '--json', '--symbols']),
  breakdown: new Set([...FILTER_OPTIONS, ...READS, '--json', '--symbols', '--by']),
  sites: new Set([...FILTER_OPTIONS, ...READS, '--json', '--symbols']),
  lifetimes: new Set([...FILTER_OPTIONS, ...READS, '--json', '--symbols', '--by']),
  quality: new Set([...FILTER_OPTIONS, ...READS, '--json', '--symbols', '--by']),
  live: new Set([...FILTER_OPTIONS, ...READS, '--json', '--symbols', '--bins']),
  matrix: new Set([...FILTER_OPTIONS, ...READS, '--json', '--symbols', '--cols']),
  slice: new Set([...FILTER_OPTIONS, ...READS, '--symbols']),
  dump: new Set([...READS, '--symbols']),
  export: new Set([...READS, '--symbols', '--parquet', '--capture', '--slice-mb']),
  query: new Set(['--json']),
};

export const COMMANDS = Object.keys(ACCEPTS);

/** The most bins `kmap live` prints. */
export const MAX_BINS = 10_000_000;

function integer(option: string, value: string, min: number): number {
  if (!/^-?[0-9]{1,15}$/.test(value) || Number(value) < min) {
    const what = min < 0 ? 'an integer' : min === 0 ? 'a non-negative integer' : 'a positive integer';
    throw new UsageError(`${option} takes ${what}, not ${JSON.stringify(value)}`);
  }
  return Number(value);
}

export function parseArgs(argv: readonly string[]): CliArgs {
  const [command, ...rest] = argv;
  if (!ACCEPTS[command]) throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  const accepts = ACCEPTS[command];
  const files: string[] = [];
  const out: CliArgs = { command, file: '', files: [], json: false, symbols: null, by: null, bins: null, cols: null, filter: emptyFilter(), filtered: false, parquet: null, capture: null, sql: null, workers: null, sliceMb: null };
  const f = out.filter;
  let window: { start: number; end: number } | null = null;
  let meaning: WindowMeaning | null = null;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    // query's SQL may start with a comment ("-- which functions ..."): for query only --json is an option.
    if (!arg.startsWith('--') || (command === 'query' && arg !== '--json')) {
      files.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const option = eq < 0 ? arg : arg.slice(0, eq);
    const isValue = (VALUE_OPTIONS as readonly string[]).includes(option);
    const isFlag = (FLAG_OPTIONS as readonly string[]).includes(option);
    if (!isValue && !isFlag) throw new UsageError(`unknown option ${option}`);
    if (!accepts.has(option)) throw new UsageError(`${command} does not take ${option}`);
    if (isFlag && eq >= 0) throw new UsageError(`${option} takes no value`);
    let value = '';
    if (isValue) {
      if (eq >= 0) value = arg.slice(eq + 1);
      else if (i + 1 < rest.length) value = rest[++i];
      else throw new UsageError(`${option} needs a value`);
    }
    if (FILTER_OPTIONS.has(option)) out.filtered = true;
    switch (option) {
      case '--json':
        out.json = true;
        break;
      case '--symbols':
        if (out.symbols !== null) throw new UsageError('--symbols is given twice');
        out.symbols = value;
        break;
      case '--parquet':
        if (out.parquet !== null) throw new UsageError('--parquet is given twice');
        if (value === '') throw new UsageError('--parquet needs a folder');
        out.parquet = value;
        break;
      case '--capture':
        if (out.capture !== null) throw new UsageError('--capture is given twice');
        if (!CAPTURE_NAME.test(value)) throw new UsageError(`--capture takes a name of ${CAPTURE_NAME_RULE}, not ${JSON.stringify(value)}`);
        out.capture = value;
        break;
      case '--by': {
        const keys: readonly string[] = command === 'lifetimes' || command === 'quality' ? LIFETIME_GROUPINGS : BREAKDOWN_KEYS;
        if (!keys.includes(value)) throw new UsageError(`--by takes one of ${keys.join(', ')}, not ${JSON.stringify(value)}`);
        out.by = value as BreakdownKey;
        break;
      }
      case '--workers':
        if (out.workers !== null) throw new UsageError('--workers is given twice');
        out.workers = integer('--workers', value, 1);
        if (out.workers > MAX_WORKERS) throw new UsageError(`--workers takes at most ${MAX_WORKERS}, not ${out.workers}`);
        break;
      case '--slice-mb':
        if (out.sliceMb !== null) throw new UsageError('--slice-mb is given twice');
        out.sliceMb = integer('--slice-mb', value, 1);
        if (out.sliceMb > MAX_SLICE_MB) throw new UsageError(`--slice-mb takes at most ${MAX_SLICE_MB.toLocaleString('en-US')}, not ${value}`);
        break;
      case '--bins':
        out.bins = integer('--bins', value, 1);
        if (out.bins > MAX_BINS) throw new UsageError(`--bins takes at most ${MAX_BINS.toLocaleString('en-US')}, not ${value}`);
        break;
      case '--cols':
        if (!(MATRIX_COLUMN_KINDS as readonly string[]).includes(value)) {
          throw new UsageError(`--cols takes one of ${MATRIX_COLUMN_KINDS.join(', ')}, not ${JSON.stringify(value)}`);
        }
        out.cols = value as MatrixColumnKind;
        break;
      case '--slab':
        f.slabs.push(value);
        break;
      case '--type':
        f.types.push(value);
        break;
      case '--command':
        f.commands.push(value);
        break;
      case '--pid':
        f.pids.push(integer('--pid', value, -1));
        break;
      case '--search':
        f.search = f.search ? `${f.search} ${value}` : value;
        break;
      case '--min-size':
        f.minSize = integer('--min-size', value, 0);
        break;
      case '--max-size':
        f.maxSize = integer('--max-size', value, 0);
        break;
      case '--live':
      case '--freed': {
        const state = option === '--live' ? 'live' : 'freed';
        if (f.state !== 'all' && f.state !== state) throw new UsageError('--live and --freed exclude each other');
        f.state = state;
        break;
      }
      case '--window': {
        const m = /^([0-9]{1,16})-([0-9]{1,16})$/.exec(value);
        const start = m ? Number(m[1]) : NaN;
        const end = m ? Number(m[2]) : NaN;
        if (!m || !(start < end) || end > Number.MAX_SAFE_INTEGER) {
          throw new UsageError(`--window takes an index range START-END with START below END (END not included), not ${JSON.stringify(value)}`);
        }
        window = { start, end };
        break;
      }
      case '--window-meaning':
        if (!(WINDOW_MEANINGS as readonly string[]).includes(value)) {
          throw new UsageError(`--window-meaning takes one of ${WINDOW_MEANINGS.join(', ')}, not ${JSON.stringify(value)}`);
        }
        meaning = value as WindowMeaning;
        break;
      case '--flag':
        if (!(QUALITY_FLAGS as readonly string[]).includes(value)) throw new UsageError(`--flag takes one of ${QUALITY_FLAGS.join(', ')}, not ${JSON.stringify(value)}`);
        if (f.flag !== null && f.flag !== value) throw new UsageError('--flag is given twice');
        f.flag = value as QualityFlag;
        break;
      case '--no-sentinels':
        f.hideSentinels = true;
        break;
      case '--other-tasks':
        f.otherTasks = true;
        break;
    }
  }
  if (command === 'query') {
    if (files.length !== 2) throw new UsageError('query needs a dataset folder and one SQL text (or - to read it from stdin): kmap query DIR "SELECT ..."');
    out.files = [files[0]];
    out.file = files[0];
    out.sql = files[1];
    return out;
  }
  if (files.length !== 1 && files.length !== 2) {
    throw new UsageError(
      files.length === 0
        ? `${command} needs a FILE`
        : `${command} takes one FILE (a kmap) or two (the allocations and accesses files), not ${files.length} (${files.map((x) => JSON.stringify(x)).join(', ')})`,
    );
  }
  out.files = files;
  out.file = files.join(' + ');
  if (meaning !== null && window === null) throw new UsageError('--window-meaning needs --window START-END');
  if (window) f.window = { ...window, meaning: meaning ?? 'allocated' };
  if (command === 'breakdown' && out.by === null) throw new UsageError('breakdown needs --by type|slab|command|pid|site');
  if ((command === 'lifetimes' || command === 'quality') && out.by === null) out.by = 'slab' satisfies LifetimeGrouping;
  if (command === 'live' && out.bins === null) throw new UsageError('live needs --bins N');
  if (command === 'matrix' && out.cols === null) throw new UsageError('matrix needs --cols slab|type');
  if (command === 'export' && out.parquet === null) throw new UsageError('export needs --parquet DIR');
  return out;
}
