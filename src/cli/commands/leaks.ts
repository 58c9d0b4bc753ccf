// `corescope leaks <core>`: leak suspects, as Eclipse MAT reports them: the
// few objects that retain the largest share of the live heap in many
// smaller objects (accumulation points of the dominator tree), each with its
// retained size, share, the dominant type inside (`20,000 × LeakyThing`) and
// the path from a GC root that keeps it. `collect` returns core.leaks()
// unchanged (the --json output). Knows src/api and ../render.

import { Command, InvalidArgumentError } from 'commander';

import type { Core } from '../../api/core.js';
import type { LeaksResult } from '../../api/types.js';
import { runOnCore, type CliContext } from '../context.js';
import { formatBytes, formatCount } from '../render/format.js';
import { renderPath } from './path.js';

export interface LeaksCliOptions {
  top?: number;
  minShare?: number;
}

/** demo: `corescope demo` lists the suspects. */
export const demo = { title: 'corescope leaks', options: {} };

/** command builds `corescope leaks <core>`. */
export function command(ctx: CliContext): Command {
  return new Command('leaks')
    .description('leak suspects: what retains the largest share of the heap, its dominant type and its path from a GC root')
    .argument('<core>', 'the core dump file')
    .option('--top <n>', 'show at most this many suspects (default 5)', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 100) throw new InvalidArgumentError(`--top takes a whole number from 1 to 100, not ${JSON.stringify(v)}`);
      return n;
    })
    .option('--min-share <percent>', 'ignore suspects retaining less than this share of the live heap (default 2)', (v: string) => {
      const n = Number(v);
      if (!(n > 0 && n < 100)) throw new InvalidArgumentError(`--min-share takes a percentage between 0 and 100, not ${JSON.stringify(v)}`);
      return n / 100;
    })
    .action((corePath: string, opts: LeaksCliOptions, cmd: Command) =>
      runOnCore(ctx, cmd, corePath, (core) => collect(core, opts), render),
    );
}

/** collect returns core.leaks() unchanged: the --json output. */
export function collect(core: Core, opts: LeaksCliOptions = {}): Promise<LeaksResult> {
  return core.leaks({ top: opts.top, minShare: opts.minShare });
}

/** render prints each suspect with its share, dominant type and path. */
export function render(r: LeaksResult): string {
  const lines = [`live heap: ${formatBytes(r.liveBytes)} in ${formatCount(r.liveObjects)} objects`];
  if (r.suspects.length === 0) {
    lines.push(`no suspect: no object retains ${(r.minShare * 100).toFixed(0)}% of the live heap in many smaller objects`);
    return lines.join('\n') + '\n';
  }
  r.suspects.forEach((s, i) => {
    const pct = (s.share * 100).toFixed(1);
    lines.push('');
    lines.push(`suspect ${i + 1}: ${s.name} @${s.address} retains ${formatBytes(s.retainedSize)} (${pct}% of the live heap)`);
    if (s.dominant) {
      lines.push(`  mostly ${formatCount(s.dominant.count)} × ${s.dominant.name} (${formatBytes(s.dominant.bytes)})`);
    }
    const others = s.types.filter((t) => t.name !== s.dominant?.name).slice(0, 3);
    if (others.length) lines.push(`  also: ${others.map((t) => `${formatCount(t.count)} × ${t.name}`).join(', ')}`);
    if (s.path) {
      lines.push('  kept alive by:');
      lines.push(...renderPath(s.path, '    '));
    }
  });
  return lines.join('\n') + '\n';
}
