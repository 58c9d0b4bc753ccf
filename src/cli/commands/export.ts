// `corescope export <core> -o out.heapsnapshot`: writes a Chrome DevTools
// heap snapshot of the core's heap (live objects by default, --all keeps
// garbage; --redact hides string contents) for DevTools' Memory tab, memlab
// or any .heapsnapshot tool. The writing is native and streamed. Knows
// src/api and ../render.

import { Command } from 'commander';

import type { Core } from '../../api/core.js';
import { CorescopeError } from '../../api/errors.js';
import type { ExportSnapshotResult } from '../../api/types.js';
import { runOnCore, type CliContext } from '../context.js';
import { formatBytes, formatCount } from '../render/format.js';

export interface ExportCliOptions {
  output?: string;
  all?: boolean;
  redact?: boolean;
}

/** command builds `corescope export <core> -o <file>`. */
export function command(ctx: CliContext): Command {
  return new Command('export')
    .description('write a Chrome DevTools .heapsnapshot of the heap (open it in DevTools > Memory, or memlab)')
    .argument('<core>', 'the core dump file')
    .option('-o, --output <file>', 'the .heapsnapshot file to write (required)')
    .option('--all', 'keep garbage: objects no GC root reaches (default: live objects only)')
    .option('--redact', 'replace the contents of every string (share a snapshot without its data)')
    .action((corePath: string, opts: ExportCliOptions, cmd: Command) => {
      if (!opts.output) {
        throw new CorescopeError('USAGE', 'export needs an output file', { hint: 'corescope export <core> -o heap.heapsnapshot' });
      }
      return runOnCore(ctx, cmd, corePath, (core) => collect(core, opts), render);
    });
}

/** collect writes the snapshot and returns its description (the --json output). */
export function collect(core: Core, opts: ExportCliOptions): Promise<ExportSnapshotResult> {
  if (!core.supports('exportSnapshot')) {
    throw new CorescopeError('BACKEND_UNAVAILABLE', 'this build of the addon cannot export heap snapshots', {
      hint: 'rebuild the addon: npm run build:native',
    });
  }
  return core.exportSnapshot(opts.output!, { all: Boolean(opts.all), redact: Boolean(opts.redact) });
}

/** render prints one line: the file, its size and what it holds. */
export function render(r: ExportSnapshotResult): string {
  const what = `${formatCount(r.nodes)} nodes, ${formatCount(r.edges)} edges`;
  const skipped = r.liveOnly && r.garbageSkipped ? `; ${formatCount(r.garbageSkipped)} unreachable objects left out (--all keeps them)` : '';
  return `wrote ${r.path} (${formatBytes(r.bytes)}, ${what}${r.redacted ? ', strings redacted' : ''}) in ${r.writeSeconds.toFixed(1)} s${skipped}\n`;
}
