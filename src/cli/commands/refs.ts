// `corescope refs <core> <address>` (alias `findrefs`): every object that
// refers to an object, with the edge that holds it (property name, element
// index, closure variable, internal field, weak reference, GC root slot).
// Like llnode's findrefs, `-n <property>` lists the objects that have a
// property of that name and `-s <text>` the objects that refer to a string
// with that value. `collect` returns core.refs*() unchanged (the --json
// output); `render` prints one referrer per line. Knows src/api and ../render.

import { Command, InvalidArgumentError } from 'commander';

import { parseAddress } from '../../api/address.js';
import type { Core } from '../../api/core.js';
import { CorescopeError } from '../../api/errors.js';
import type { GraphEdge, RefsResult } from '../../api/types.js';
import { runOnCore, type CliContext } from '../context.js';
import { formatBytes, formatCount, plural } from '../render/format.js';

export interface RefsCliOptions {
  name?: string;
  string?: string;
  max?: number;
}

/** command builds `corescope refs <core> [address]`. */
export function command(ctx: CliContext): Command {
  return new Command('refs')
    .alias('findrefs')
    .description('who refers to an object: every referrer with the property, element, closure variable or field that holds it')
    .argument('<core>', 'the core dump file')
    .argument('[address]', 'the object address, e.g. 0x3a1f0c2d8e41 (from `instances`, `inspect` or `path`)')
    .option('-n, --name <property>', 'instead: the objects that have an own property of this name')
    .option('-s, --string <text>', 'instead: the objects that refer to a string with exactly this value')
    .option('--max <n>', 'show at most this many referrers (default 200)', positive('--max'))
    .action((corePath: string, address: string | undefined, opts: RefsCliOptions, cmd: Command) => {
      const modes = [address !== undefined, opts.name !== undefined, opts.string !== undefined].filter(Boolean).length;
      if (modes !== 1) {
        throw new CorescopeError('USAGE', 'refs takes exactly one of: an address, -n <property>, -s <text>', {
          hint: 'corescope refs <core> 0x3a1f0c2d8e41',
        });
      }
      const addr = address === undefined ? undefined : parseAddress(address);
      return runOnCore(ctx, cmd, corePath, (core) => collect(core, addr, opts), render);
    });
}

function positive(flag: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} takes a positive whole number, not ${JSON.stringify(value)}`);
    return n;
  };
}

/** collect returns the native result unchanged: the --json output. */
export function collect(core: Core, address: string | undefined, opts: RefsCliOptions = {}): Promise<RefsResult> {
  if (opts.name !== undefined) return core.refsByProperty(opts.name, { max: opts.max });
  if (opts.string !== undefined) return core.refsByString(opts.string, { max: opts.max });
  return core.refs(address!, { max: opts.max });
}

/** edgeText renders an edge: .name, [3], context var, (internal map), weak .x, root slot. */
export function edgeText(e: GraphEdge | null): string {
  if (!e) return '';
  switch (e.kind) {
    case 'property':
      return `.${e.name}`;
    case 'element':
      return /^\d+$/.test(e.name) ? `[${e.name}]` : `[${e.name}]`;
    case 'context':
      return `context variable ${e.name}`;
    case 'weak':
      return `weak ${e.name || 'reference'}`;
    case 'root':
      return e.name;
    case 'shortcut':
      return e.name;
    default:
      return `(${e.kind} ${e.name})`;
  }
}

/** render prints the target, then one referrer per line. */
export function render(r: RefsResult): string {
  const lines: string[] = [];
  if (r.mode === 'address' && r.target) {
    const t = r.target;
    const state = t.live ? `retains ${formatBytes(t.retainedSize)}` : 'garbage: no GC root reaches it';
    lines.push(`${t.address}  ${t.name}  (${formatBytes(t.selfSize)}, ${state})`);
  } else if (r.mode === 'property') {
    lines.push(`objects with a property named ${JSON.stringify(r.property)}:`);
  } else {
    const n = r.strings?.length ?? 0;
    lines.push(`${formatCount(n)} ${plural(n, 'string')} equal to ${JSON.stringify(r.string)}; referred to by:`);
  }
  if (r.referrers.length === 0) {
    lines.push(r.mode === 'property' ? '  none' : '  no referrers');
  }
  for (const ref of r.referrers) {
    const who = ref.address ? `${ref.address}  ${ref.name}` : ref.name;
    const garbage = ref.live ? '' : '  (garbage)';
    lines.push(`  ${who}  ${edgeText(ref.edge)}${garbage}`);
  }
  if (r.truncated) lines.push(`  … more (raise --max)`);
  return lines.join('\n') + '\n';
}
