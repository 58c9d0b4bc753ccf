// `corescope path <core> <address>` (alias `retainers`): the shortest
// retaining path(s) from a GC root to an object, root first, each step with
// the edge that holds the next one: (Global handles) → global → .cache →
// ['things'] → [3] → LeakyThing. Says so when the object is garbage (no root
// reaches it). `collect` returns core.path() unchanged (the --json output).
// Knows src/api and ../render.

import { Command, InvalidArgumentError } from 'commander';

import { parseAddress } from '../../api/address.js';
import type { Core } from '../../api/core.js';
import type { PathResult, PathStep } from '../../api/types.js';
import { runOnCore, type CliContext } from '../context.js';
import { formatBytes } from '../render/format.js';
import { edgeText } from './refs.js';

export interface PathCliOptions {
  max?: number;
}

/** command builds `corescope path <core> <address>`. */
export function command(ctx: CliContext): Command {
  return new Command('path')
    .alias('retainers')
    .description('why an object is alive: the shortest retaining path(s) from a GC root, root first')
    .argument('<core>', 'the core dump file')
    .argument('<address>', 'the object address, e.g. 0x3a1f0c2d8e41 (from `instances`, `inspect` or `refs`)')
    .option('--max <n>', 'show up to this many paths (1-100, default 1)', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 100) throw new InvalidArgumentError(`--max takes a whole number from 1 to 100, not ${JSON.stringify(v)}`);
      return n;
    })
    .action((corePath: string, address: string, opts: PathCliOptions, cmd: Command) => {
      const addr = parseAddress(address);
      return runOnCore(ctx, cmd, corePath, (core) => collect(core, addr, opts), render);
    });
}

/** collect returns core.path() unchanged: the --json output. */
export function collect(core: Core, address: string, opts: PathCliOptions = {}): Promise<PathResult> {
  return core.path(address, { max: opts.max });
}

/** stepText renders one step: "<edge> → Name @0x…". */
function stepText(s: PathStep): string {
  const at = s.address ? ` @${s.address}` : '';
  return `${s.name}${at}`;
}

/** renderPath prints one path, one step per line, each indented under the previous. */
export function renderPath(path: PathStep[], indent = '  '): string[] {
  return path.map((s, i) => {
    const via = s.edge ? `${edgeText(s.edge)} → ` : '';
    return `${indent}${' '.repeat(Math.min(i, 20) * 2)}${via}${stepText(s)}`;
  });
}

/** render prints the target and its paths. */
export function render(r: PathResult): string {
  const t = r.target;
  const lines = [`${t.address}  ${t.name}  (${formatBytes(t.selfSize)}, retains ${formatBytes(t.retainedSize)})`];
  if (!r.live) {
    lines.push('  garbage: no GC root reaches this object (it was unreachable but not yet collected when the process died)');
    return lines.join('\n') + '\n';
  }
  r.paths.forEach((p, i) => {
    if (r.paths.length > 1) lines.push(`path ${i + 1} of ${r.paths.length}:`);
    lines.push(...renderPath(p));
  });
  return lines.join('\n') + '\n';
}
