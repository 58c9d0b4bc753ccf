// `corescope stack <core>` (alias `bt`): every thread's stack, the crashing
// thread first, JS frames with function, script and line:column, native
// frames with symbols. `--args` adds receivers and arguments of JS frames.
// Knows src/api and ../render; no byte access.

import { Command } from 'commander';

import type { Core } from '../../api/core.js';
import type { StackFrame, StackResult, StackThread } from '../../api/types.js';
import { runOnCore, type CliContext } from '../context.js';
import { plural } from '../render/format.js';

export interface StackCommandOptions {
  args?: boolean;
  thread?: 'all' | 'crashed';
  crashed?: boolean;
  maxFrames?: string;
  native?: boolean;
}

/** demo: `corescope demo` shows the crashing thread. */
export const demo = { title: 'corescope stack --crashed', options: { crashed: true } };

/** command builds `corescope stack <core>`. */
export function command(ctx: CliContext): Command {
  return new Command('stack')
    .alias('bt')
    .description('every thread\'s stack, crashing thread first: JS frames with function, file and line:column, native frames with symbols')
    .argument('<core>', 'the core dump file')
    .option('--args', 'show the receiver and arguments of JS frames')
    .option('--crashed', 'only the crashing thread')
    .option('--max-frames <n>', 'frames per thread (default 256)')
    .action((corePath: string, opts: StackCommandOptions, cmd: Command) =>
      runOnCore(ctx, cmd, corePath, (core) => collect(core, opts), render),
    );
}

/** collect returns core.stack() unchanged: the --json output. */
export function collect(core: Core, opts: StackCommandOptions = {}): Promise<StackResult> {
  const max = opts.maxFrames === undefined ? undefined : Number(opts.maxFrames);
  return core.stack({
    args: Boolean(opts.args),
    threads: opts.crashed ? 'crashed' : 'all',
    maxFrames: max !== undefined && Number.isFinite(max) && max > 0 ? Math.floor(max) : undefined,
  });
}

/** render prints each thread as numbered frames. */
export function render(data: StackResult): string {
  const out: string[] = [];
  for (const t of data.threads) {
    if (out.length) out.push('');
    out.push(threadTitle(t));
    t.frames.forEach((f, i) => {
      out.push(`  #${String(i).padEnd(3)} ${frameLine(f)}`);
      if (f.receiver || f.args) {
        if (f.receiver) out.push(`         this = ${f.receiver.preview}`);
        (f.args ?? []).forEach((a, j) => out.push(`         arg${j} = ${a.preview}`));
        if (f.argc !== undefined && f.args && f.argc > f.args.length) {
          out.push(`         … ${plural(f.argc - f.args.length, 'more argument')}`);
        }
      }
    });
    if (t.stopReason && t.stopReason !== 'end of the frame chain') out.push(`  (stopped: ${t.stopReason})`);
  }
  return out.join('\n') + '\n';
}

function threadTitle(t: StackThread): string {
  const name = t.name ? ` "${t.name}"` : '';
  const crashed = t.crashed ? (t.signal ? ` crashed (signal ${t.signal})` : ' (first thread)') : '';
  return `thread ${t.id}${name}${crashed}: ${plural(t.frames.length, 'frame')}`;
}

/** POSITION_NOTE: how a frame's line:column was found, when not from its own bytecode offset. */
const POSITION_NOTE: Record<string, string> = {
  'function-start': ' (function start)',
  'thrown-at': ' (throw site from V8)',
  'error-stack': " (from the thrown error's captured stack)",
};

/** frameLine renders one frame: JS as "fn (script:line:col) [kind]", native as "symbol [module]". */
export function frameLine(f: StackFrame): string {
  if (f.kind.startsWith('js') || (f.kind === 'builtin' && f.script)) {
    const where = f.script ? `${f.script}${f.line ? `:${f.line}:${f.column ?? 0}` : ''}` : '<unknown script>';
    const approx = POSITION_NOTE[f.positionKind ?? ''] ?? '';
    return `${f.function ?? '(anonymous)'} (${where})${approx} [${f.kind}]`;
  }
  if (f.kind === 'builtin' && f.function) return `${f.function} [builtin ${f.symbol ?? ''}]`.replace(' ]', ']');
  const name = f.symbol ?? f.moduleOffset ?? f.pc;
  const type = f.frameType ? ` ${f.frameType}` : '';
  const mod = f.module && !f.symbol?.startsWith('Builtins_') ? ` (${basename(f.module)})` : '';
  return `${name}${mod} [${f.kind}${type}]`;
}

function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i >= 0 ? p.slice(i + 1) : p;
}
