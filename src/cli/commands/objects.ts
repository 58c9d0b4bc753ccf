// `corescope objects <core>` (alias `findjsobjects`): the heap by type —
// count and shallow size per DevTools name (constructor, "(string)",
// "(closure) fn", "(system) X"), live objects only unless --include-garbage,
// retained size with --retained. `collect` returns core.objects() with the
// --sort/--top/--filter applied (the --json output); `render` prints a table.
// Knows src/api and ../render.

import { Command, InvalidArgumentError, Option } from 'commander';

import type { Core } from '../../api/core.js';
import { CorescopeError } from '../../api/errors.js';
import type { ObjectsGroupBy, ObjectsResult } from '../../api/types.js';
import { runOnCore, type CliContext } from '../context.js';
import { formatBytes, formatCount } from '../render/format.js';
import { renderTable } from '../render/table.js';

export interface ObjectsCliOptions {
  sort?: 'count' | 'size' | 'retained';
  top?: number;
  filter?: string;
  by?: ObjectsGroupBy;
  includeGarbage?: boolean;
  retained?: boolean;
}

/** command builds `corescope objects <core>`. */
export function command(ctx: CliContext): Command {
  return new Command('objects')
    .alias('findjsobjects')
    .description('the heap by type: count, shallow size (and retained size) per constructor, live objects only by default')
    .argument('<core>', 'the core dump file')
    .addOption(new Option('--sort <key>', 'order rows by').choices(['count', 'size', 'retained']).default('size'))
    .option('--top <n>', 'show only the first n rows', positiveInt('--top'))
    .option('--filter <text>', 'only types whose name contains text, or matches /regex/flags')
    .addOption(new Option('--by <grouping>', 'group by').choices(['constructor', 'instance-type', 'shape']).default('constructor'))
    .option('--include-garbage', 'also count objects no GC root reaches (present in the core, not yet swept)')
    .option('--retained', 'add the retained size of each type (builds the dominator tree)')
    .action((corePath: string, opts: ObjectsCliOptions, cmd: Command) =>
      runOnCore(ctx, cmd, corePath, (core) => collect(core, opts), render),
    );
}

function positiveInt(flag: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} takes a positive whole number, not ${JSON.stringify(value)}`);
    return n;
  };
}

/** nameMatcher turns --filter text or /regex/flags into a predicate. */
export function nameMatcher(filter: string | undefined): (name: string) => boolean {
  if (!filter) return () => true;
  const m = /^\/(.*)\/([a-z]*)$/.exec(filter);
  if (m) {
    let re: RegExp;
    try {
      re = new RegExp(m[1]!, m[2]);
    } catch (err) {
      throw new CorescopeError('USAGE', `--filter ${filter} is not a valid regular expression: ${(err as Error).message}`);
    }
    return (name) => re.test(name);
  }
  return (name) => name.includes(filter);
}

/** collect runs core.objects() and applies --filter, --sort and --top (totals stay those of the whole heap). */
export async function collect(core: Core, opts: ObjectsCliOptions = {}): Promise<ObjectsResult> {
  const sort = opts.sort ?? 'size';
  const retained = opts.retained || sort === 'retained';
  const r = await core.objects({ by: opts.by, includeGarbage: opts.includeGarbage, retained });
  const match = nameMatcher(opts.filter);
  const key = (t: ObjectsResult['types'][number]) =>
    sort === 'count' ? t.count : sort === 'retained' ? (t.retainedSize ?? 0) : t.shallowSize;
  const types = r.types.filter((t) => match(t.name)).sort((a, b) => key(b) - key(a) || a.name.localeCompare(b.name));
  return { ...r, types: opts.top ? types.slice(0, opts.top) : types };
}

/** render prints the table and a totals line. */
export function render(r: ObjectsResult): string {
  const retained = r.types.some((t) => t.retainedSize !== undefined);
  const columns = [
    { header: 'count', align: 'right' as const },
    { header: 'shallow', align: 'right' as const },
    ...(retained ? [{ header: 'retained', align: 'right' as const }] : []),
    { header: 'type' },
  ];
  const rows = r.types.map((t) => [
    formatCount(t.count),
    formatBytes(t.shallowSize),
    ...(retained ? [formatBytes(t.retainedSize ?? 0)] : []),
    t.name,
  ]);
  const lines = renderTable(columns, rows);
  const garbage = r.totals.garbageObjects
    ? r.live
      ? `; ${formatCount(r.totals.garbageObjects)} garbage objects left out (--include-garbage counts them)`
      : `; includes ${formatCount(r.totals.garbageObjects)} garbage objects`
    : '';
  lines.push('', `${formatCount(r.totals.objects)} ${r.live ? 'live ' : ''}objects, ${formatBytes(r.totals.shallowSize)}${garbage}`);
  return lines.join('\n') + '\n';
}

/** demo: `corescope demo` shows the top of the histogram. */
export const demo = { title: 'objects (top 10 by shallow size)', options: { top: 10 } };
