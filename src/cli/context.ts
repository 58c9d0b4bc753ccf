// What every command shares: the streams, the global options, opening a core
// with progress, printing a result (JSON verbatim or rendered) and its
// warnings. A command's action is then one line:
//
//   .action((corePath, opts, cmd) => runOnCore(ctx, cmd, corePath, (core) => collect(core, opts), render))
//
// Knows src/api; knows nothing of individual commands.

import type { Command } from 'commander';

import type { Core } from '../api/core.js';
import { openCore } from '../api/open-core.js';
import type { Warning } from '../api/types.js';
import type { CliIo } from './io.js';
import { createProgress, progressEnabled, type ProgressReporter } from './progress.js';

/**
 * CommandModule is the shape of every src/cli/commands/<verb>.ts file:
 * `command` builds the commander Command; `collect` returns the JSON-stable
 * data (printed verbatim with --json) and `render` the human text. A module
 * that exports `demo` is also run by `corescope demo` on the demo's core.
 */
export interface CommandModule {
  command(ctx: CliContext): Command;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  collect?(core: Core, opts: any): Promise<object>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  render?(data: any): string;
  /** demo: how `corescope demo` shows this command (a heading and the options to collect with). */
  demo?: { title: string; options: object };
}

/** CliContext is created once per main() run and handed to every command factory. */
export interface CliContext {
  io: CliIo;
  /** signal aborts long calls (Ctrl-C when running as a process). */
  signal?: AbortSignal;
  /** commands are all registered command modules, in main.ts order. */
  commands: readonly CommandModule[];
}

/** GlobalOptions are the program-wide options, valid before or after the command name. */
export interface GlobalOptions {
  executable?: string;
  json: boolean;
  progress: boolean;
  debug: boolean;
}

/** globalOptions reads the global options seen by a (sub)command, merging the --exe alias. */
export function globalOptions(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals() as { executable?: string; exe?: string; json?: boolean; progress?: boolean; debug?: boolean };
  return {
    executable: o.executable ?? o.exe,
    json: Boolean(o.json),
    progress: o.progress !== false,
    debug: Boolean(o.debug),
  };
}

/** progressFor creates the progress line for a command, honouring TTY, --json and --no-progress. */
export function progressFor(ctx: CliContext, cmd: Command): ProgressReporter {
  return createProgress(ctx.io.stderr, progressEnabled(ctx.io.stderr, globalOptions(cmd)));
}

/**
 * runOnCore is the usual action: open the core, collect, erase the progress
 * line, print the result (emit), close the core.
 */
export async function runOnCore<D extends object>(
  ctx: CliContext,
  cmd: Command,
  corePath: string,
  collect: (core: Core) => Promise<D>,
  render: (data: D) => string,
): Promise<void> {
  await withCore(ctx, cmd, corePath, async (core, progress) => {
    const data = await collect(core);
    progress.stop();
    emit(ctx, cmd, data, render);
  });
}

/**
 * withCore opens a core with the global options (executable, progress,
 * Ctrl-C), runs fn and always closes the core and erases the progress line.
 * fn must call progress.stop() before it writes to stdout.
 */
export async function withCore<T>(
  ctx: CliContext,
  cmd: Command,
  corePath: string,
  fn: (core: Core, progress: ProgressReporter) => Promise<T>,
): Promise<T> {
  const g = globalOptions(cmd);
  const progress = progressFor(ctx, cmd);
  let core: Core | undefined;
  try {
    core = await openCore(corePath, { executable: g.executable, onProgress: progress.onProgress, signal: ctx.signal });
    return await fn(core, progress);
  } finally {
    progress.stop();
    await core?.close();
  }
}

/**
 * emit prints a result: with --json, the JSON verbatim on stdout; otherwise
 * render(data). Warnings (data.warnings) go to stderr in both cases.
 */
export function emit<D extends object>(ctx: CliContext, cmd: Command, data: D, render: (data: D) => string): void {
  const g = globalOptions(cmd);
  ctx.io.stdout.write(g.json ? JSON.stringify(data, null, 2) + '\n' : render(data));
  printWarnings(ctx, (data as { warnings?: Warning[] }).warnings);
}

/** printWarnings writes one "corescope: warning: …" line per warning to stderr. */
export function printWarnings(ctx: CliContext, warnings: Warning[] | undefined): void {
  for (const w of warnings ?? []) {
    const count = w.count && w.count > 1 ? ` (${w.count}×)` : '';
    ctx.io.stderr.write(`corescope: warning: ${oneLine(w.message)}${count} [${w.code}]\n`);
  }
}

/** oneLine folds a message onto one line. */
export function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, '; ').trim();
}
