// `corescope instances <core> <name>` (alias `findjsinstances`): the objects
// of one type (a name as `objects` prints it), with addresses to pass to
// inspect/refs/path and a one-line preview each. Knows src/api and ../render.

import { Command, InvalidArgumentError, Option } from 'commander';

import type { Core } from '../../api/core.js';
import type { InstancesResult, ObjectsGroupBy } from '../../api/types.js';
import { runOnCore, type CliContext } from '../context.js';
import { formatBytes, formatCount } from '../render/format.js';

export interface InstancesCliOptions {
  limit?: number;
  by?: ObjectsGroupBy;
  includeGarbage?: boolean;
}

/** command builds `corescope instances <core> <name>`. */
export function command(ctx: CliContext): Command {
  return new Command('instances')
    .alias('findjsinstances')
    .description('the objects of one type, with addresses and a one-line preview each')
    .argument('<core>', 'the core dump file')
    .argument('<name>', 'a type name as `corescope objects` prints it, e.g. LeakyThing or "(closure) handler"')
    .option('--limit <n>', 'list at most n objects (default 100)', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`--limit takes a whole number, not ${JSON.stringify(v)}`);
      return n;
    })
    .addOption(new Option('--by <grouping>', 'how the name is meant').choices(['constructor', 'instance-type', 'shape']).default('constructor'))
    .option('--include-garbage', 'also list objects no GC root reaches')
    .action((corePath: string, name: string, opts: InstancesCliOptions, cmd: Command) =>
      runOnCore(ctx, cmd, corePath, (core) => collect(core, name, opts), render),
    );
}

/** collect returns core.instances() unchanged: the --json output. */
export function collect(core: Core, name: string, opts: InstancesCliOptions = {}): Promise<InstancesResult> {
  return core.instances(name, { limit: opts.limit ?? 100, by: opts.by, includeGarbage: opts.includeGarbage });
}

export function render(r: InstancesResult): string {
  const lines = r.instances.map((i) => `${i.address}  ${formatBytes(i.size).padStart(8)}  ${i.preview}`);
  const shown = r.instances.length;
  lines.push(
    shown < r.total
      ? `${formatCount(shown)} of ${formatCount(r.total)} ${r.name} instances (--limit shows more)`
      : `${formatCount(r.total)} ${r.name} ${r.total === 1 ? 'instance' : 'instances'}`,
  );
  return lines.join('\n') + '\n';
}
