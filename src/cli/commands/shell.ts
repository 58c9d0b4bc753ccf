// `corescope shell <core>`: an interactive session that opens the core once
// and then takes the other commands (objects, instances, inspect, refs,
// path, stack, report, info — whichever are registered) without the core
// argument, each through that command's own commander definition, collect
// and render (never a copy), with `--json` per command, history in
// ~/.corescope_history and Tab completion of commands and type names.
// Also home of `--backend native|llnode`: the hook that runs a one-shot
// command's collect on the llnode backend instead of the native Core.
// Knows src/api, src/backends and ../context; nothing of any one command.

import { appendFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Readable } from 'node:stream';

import { Command, CommanderError, Option } from 'commander';

import type { Core } from '../../api/core.js';
import { CorescopeError } from '../../api/errors.js';
import { openCore } from '../../api/open-core.js';
import type { ProgressEvent } from '../../api/types.js';
import { BACKEND_METHODS, BACKEND_NAMES, parseBackendName, type Backend, type BackendName } from '../../backends/backend.js';
import { openLlnodeBackend } from '../../backends/llnode/backend.js';
import { emit, globalOptions, oneLine, progressFor, type CliContext, type CommandModule } from '../context.js';
import { createProgress, progressEnabled, type ProgressReporter } from '../progress.js';

/** Target is what commands run on: the native Core or a Backend with the same methods. */
type Target = Core | Backend;

/** BUILTINS are the shell's own words. */
const BUILTINS = ['help', 'exit', 'quit'];

/** HISTORY_SIZE is how many lines of history are kept and loaded. */
const HISTORY_SIZE = 1000;

/** historyPath is ~/.corescope_history, or $CORESCOPE_HISTORY. */
export function historyPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CORESCOPE_HISTORY || join(homedir(), '.corescope_history');
}

/** command builds `corescope shell <core>`. */
export function command(ctx: CliContext): Command {
  return new Command('shell')
    .description('an interactive session on one core: the other commands without the core argument, --json per command, history and Tab completion')
    .argument('<core>', 'the core dump file')
    .action((corePath: string, _opts: object, cmd: Command) => runShell(ctx, cmd, corePath));
}

/** dispatchable returns the command modules a shell line can run (those with collect and render). */
export function dispatchable(ctx: CliContext): CommandModule[] {
  return ctx.commands.filter((m) => m.collect && m.render && m.command(ctx).name() !== 'shell');
}

/** tokenize splits a line like a shell: whitespace, '…' and "…" quoting, backslash escapes. */
export function tokenize(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
    }
  }
  if (quote) throw new CorescopeError('USAGE', `unterminated ${quote} quote`);
  if (has || cur) out.push(cur);
  return out;
}

/** ShellSession holds the opened core and runs lines on it. */
export class ShellSession {
  readonly #ctx: CliContext;
  readonly #corePath: string;
  readonly #target: Target;
  readonly #modules: CommandModule[];
  #typeNames?: Promise<string[]>;
  /** progress is the reporter of the command running now (undefined between commands). */
  progress?: ProgressReporter;

  constructor(ctx: CliContext, corePath: string, target: Target) {
    this.#ctx = ctx;
    this.#corePath = corePath;
    this.#target = target;
    this.#modules = dispatchable(ctx);
  }

  /** names lists the command names and aliases a line may start with. */
  names(): string[] {
    const out = new Set<string>(BUILTINS);
    for (const m of this.#modules) {
      const c = m.command(this.#ctx);
      out.add(c.name());
      for (const a of c.aliases()) out.add(a);
    }
    return [...out].sort();
  }

  /** help is the shell's `help` text. */
  help(): string {
    const rows = this.#modules.map((m) => {
      const c = m.command(this.#ctx);
      const args = c.registeredArguments.slice(1).map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`));
      return [`${[c.name(), ...args].join(' ')}`, c.description()];
    });
    const width = Math.max(...rows.map((r) => r[0]!.length), 10);
    return [
      `Commands on ${this.#corePath} (add --json for JSON, --help for a command's options):`,
      ...rows.map(([a, b]) => `  ${a!.padEnd(width)}  ${b}`),
      `  ${'help'.padEnd(width)}  this list`,
      `  ${'exit'.padEnd(width)}  leave the shell (or Ctrl-D)`,
      '',
    ].join('\n');
  }

  /** run executes one line; errors are printed, never thrown. Resolves to false on exit/quit. */
  async run(line: string, signal?: AbortSignal): Promise<boolean> {
    const io = this.#ctx.io;
    let words: string[];
    try {
      words = tokenize(line);
    } catch (err) {
      printError(this.#ctx, err);
      return true;
    }
    if (words.length === 0) return true;
    const [name, ...rest] = words as [string, ...string[]];
    if (name === 'exit' || name === 'quit') return false;
    if (name === 'help' || name === '?') {
      io.stdout.write(this.help());
      return true;
    }
    const program = this.#program(signal);
    try {
      const sub = program.commands.find((c) => c.name() === name || c.aliases().includes(name));
      if (!sub) {
        throw new CorescopeError('USAGE', `unknown command "${name}"`, { hint: 'type help for the commands' });
      }
      // The core is the command's first argument; the session supplies it.
      const first = sub.registeredArguments[0]?.name() ?? '';
      const argv = /^cores?$/.test(first) ? [name, this.#corePath, ...rest] : [name, ...rest];
      await program.parseAsync(argv, { from: 'user' });
    } catch (err) {
      this.progress?.stop();
      if (err instanceof CommanderError && (err.exitCode === 0 || err.code === 'commander.help' || err.code === 'commander.helpDisplayed')) {
        return true;
      }
      printError(this.#ctx, err);
    } finally {
      this.progress?.stop();
      this.progress = undefined;
    }
    return true;
  }

  /** program builds a per-line commander program whose commands collect on the open core. */
  #program(signal?: AbortSignal): Command {
    const ctx: CliContext = { ...this.#ctx, signal };
    const program = new Command('corescope')
      .option('--json', 'print the result as JSON')
      .option('--no-progress', 'no progress line')
      .exitOverride()
      .configureOutput({
        writeOut: (s) => ctx.io.stdout.write(s),
        writeErr: (s) => ctx.io.stderr.write(s),
        outputError: () => {},
      });
    for (const mod of this.#modules) {
      const sub = mod.command(ctx);
      sub.exitOverride().configureOutput({
        writeOut: (s) => ctx.io.stdout.write(s),
        writeErr: (s) => ctx.io.stderr.write(s),
        outputError: () => {},
      });
      // Replace the one-shot action (open, collect, close) with collect on the open core.
      sub.action(async (...args: unknown[]) => {
        const cmd = args[args.length - 1] as Command;
        const opts = args[args.length - 2] as object;
        const positionals = args.slice(0, -2);
        if (/^cores?$/.test(cmd.registeredArguments[0]?.name() ?? '')) positionals.shift();
        this.progress = progressFor(ctx, cmd);
        const data = await collectWith(mod, this.#target, positionals, opts, cmd);
        this.progress.stop();
        emit(ctx, cmd, data, mod.render!);
      });
      program.addCommand(sub);
    }
    return program;
  }

  /** typeNames returns the heap's type names (from the objects command's result), loaded once on first use. */
  typeNames(): Promise<string[]> {
    const objects = this.#modules.find((m) => m.command(this.#ctx).name() === 'objects');
    if (!objects?.collect) return Promise.resolve([]);
    this.#typeNames ??= (async () => {
      // The first completion walks the heap: show its progress, then erase it
      // so the completer can redraw the line it completes.
      const progress = createProgress(this.#ctx.io.stderr, progressEnabled(this.#ctx.io.stderr, {}));
      this.progress = progress;
      try {
        return namesIn(await objects.collect!(this.#target as Core, {}));
      } catch {
        return [];
      } finally {
        progress.stop();
        if (this.progress === progress) this.progress = undefined;
      }
    })();
    return this.#typeNames;
  }

  /** complete completes a line: command names first, then type names after `instances` or `--type`. */
  async complete(line: string): Promise<[string[], string]> {
    const words = line.split(/\s+/);
    const last = words[words.length - 1] ?? '';
    if (words.length <= 1) {
      return [this.names().filter((n) => n.startsWith(last)), last];
    }
    const prev = words[words.length - 2];
    const cmd = words[0];
    if (prev === '--type' || ((cmd === 'instances' || cmd === 'objects' || cmd === 'path') && words.length === 2 && !last.startsWith('-'))) {
      const names = await this.typeNames();
      return [names.filter((n) => n.startsWith(last)), last];
    }
    if (last.startsWith('-')) {
      const mod = this.#modules.find((m) => {
        const c = m.command(this.#ctx);
        return c.name() === cmd || c.aliases().includes(cmd ?? '');
      });
      const flags = [...(mod?.command(this.#ctx).options.map((o) => o.long).filter((f): f is string => !!f) ?? []), '--json', '--help'];
      return [flags.filter((f) => f.startsWith(last)), last];
    }
    return [[], last];
  }
}

/**
 * collectWith runs a module's collect on the target: collect(core, opts) for
 * commands whose only argument is the core, else collect(core, ...arguments, opts)
 * when collect declares them, else collect(core, {...opts, <argName>: value}).
 */
export function collectWith(mod: CommandModule, target: Target, positionals: unknown[], opts: object, cmd: Command): Promise<object> {
  const collect = mod.collect!;
  if (positionals.length === 0) return collect(target as Core, opts);
  // collect(core, address, opts = {}) has length 2: the core and each argument, opts defaulted.
  if (collect.length >= 1 + positionals.length) {
    return (collect as (...a: unknown[]) => Promise<object>)(target, ...positionals, opts);
  }
  const named: Record<string, unknown> = { ...opts };
  const defs = cmd.registeredArguments.filter((a) => !/^cores?$/.test(a.name()));
  defs.forEach((a, i) => (named[camel(a.name())] = positionals[i]));
  return collect(target as Core, named);
}

function camel(s: string): string {
  return s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** namesIn finds type names in an objects result: the `name` (or `type`) of each row of its first list. */
export function namesIn(result: unknown): string[] {
  if (!result || typeof result !== 'object') return [];
  for (const v of Object.values(result as Record<string, unknown>)) {
    if (!Array.isArray(v) || v.length === 0 || typeof v[0] !== 'object') continue;
    const names = v
      .map((row) => (row as Record<string, unknown>).name ?? (row as Record<string, unknown>).type)
      .filter((n): n is string => typeof n === 'string' && n.length > 0);
    if (names.length) return [...new Set(names)].sort();
  }
  return [];
}

function printError(ctx: CliContext, err: unknown): void {
  if (err instanceof CommanderError) {
    ctx.io.stderr.write(`corescope: ${oneLine(err.message.replace(/^error:\s*/, ''))}\n`);
    return;
  }
  const e = err instanceof CorescopeError ? err : new CorescopeError('INTERNAL', `internal error: ${(err as Error)?.message ?? String(err)}`);
  ctx.io.stderr.write(`corescope: ${oneLine(e.message)}\n`);
  if (e.hint) ctx.io.stderr.write(`hint: ${oneLine(e.hint)}\n`);
}

/**
 * RelaySignal is one AbortSignal for the whole session whose `aborted` state
 * is the current command's: Ctrl-C cancels the running command only.
 */
class RelaySignal extends EventTarget {
  #current?: AbortController;
  get aborted(): boolean {
    return this.#current?.signal.aborted ?? false;
  }
  get reason(): unknown {
    return this.#current?.signal.reason;
  }
  onabort = null;
  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }
  /** begin starts a command and returns its own signal. */
  begin(): AbortSignal {
    const ac = new AbortController();
    this.#current = ac;
    ac.signal.addEventListener('abort', () => this.dispatchEvent(new Event('abort')), { once: true });
    return ac.signal;
  }
  /** cancel aborts the running command; false when none runs. */
  cancel(): boolean {
    if (!this.#current || this.#current.signal.aborted) return false;
    this.#current.abort();
    return true;
  }
  end(): void {
    this.#current = undefined;
  }
}

/** openTarget opens the core on the chosen backend, with progress. */
export async function openTarget(
  backend: BackendName,
  corePath: string,
  options: { executable?: string; onProgress?: (e: ProgressEvent) => void; signal?: AbortSignal },
): Promise<Target> {
  if (backend === 'llnode') return openLlnodeBackend(corePath, options);
  return openCore(corePath, options);
}

/** backendOf reads the global --backend option. */
export function backendOf(cmd: Command): BackendName {
  const b = (cmd.optsWithGlobals() as { backend?: string }).backend;
  return b ? parseBackendName(b) : 'native';
}

async function runShell(ctx: CliContext, cmd: Command, corePath: string): Promise<void> {
  const g = globalOptions(cmd);
  const relay = new RelaySignal();
  const openProgress = progressFor(ctx, cmd);
  let session: ShellSession | undefined;
  // Progress of every call goes to the running command's reporter.
  const onProgress = (e: ProgressEvent) => (session?.progress ?? openProgress).onProgress?.(e);
  let target: Target;
  try {
    target = await openTarget(backendOf(cmd), corePath, { executable: g.executable, onProgress, signal: relay as unknown as AbortSignal });
  } finally {
    openProgress.stop();
  }
  session = new ShellSession(ctx, corePath, target);
  const input = (ctx as { stdin?: Readable }).stdin ?? process.stdin;
  const interactive = Boolean((input as { isTTY?: boolean }).isTTY);
  const history = loadHistory();
  const rl: Interface = createInterface({
    input,
    output: process.stdout,
    terminal: interactive,
    historySize: HISTORY_SIZE,
    history,
    removeHistoryDuplicates: true,
    prompt: 'corescope> ',
    completer: (line: string, cb: (err: Error | null, result: [string[], string]) => void) => {
      // A completion that had to load type names may have drawn progress over
      // the line: redraw prompt and line before readline inserts the rest.
      const started = Date.now();
      session!.complete(line).then(
        (r) => {
          if (Date.now() - started > 50 && interactive) rl.prompt(true);
          cb(null, r);
        },
        (err: Error) => cb(err, [[], line]),
      );
    },
  } as Parameters<typeof createInterface>[0]);
  rl.on('SIGINT', () => {
    if (relay.cancel()) return;
    ctx.io.stdout.write('^C (type exit or press Ctrl-D to leave)\n');
    rl.setPrompt('corescope> ');
    (rl as unknown as { line: string }).line = '';
    rl.prompt();
  });
  if (interactive) ctx.io.stdout.write(`corescope shell on ${corePath}: type help for the commands, exit to leave\n`);
  try {
    if (interactive) rl.prompt();
    for await (const line of rl) {
      if (line.trim()) saveHistory(line);
      const signal = relay.begin();
      const more = await session.run(line, signal);
      relay.end();
      if (!more) break;
      if (interactive) rl.prompt();
    }
  } finally {
    rl.close();
    await target.close();
    if (interactive) ctx.io.stdout.write('\n');
  }
}

function loadHistory(): string[] {
  try {
    // readline wants the newest first.
    return readFileSync(historyPath(), 'utf8').split('\n').filter(Boolean).slice(-HISTORY_SIZE).reverse();
  } catch {
    return [];
  }
}

function saveHistory(line: string): void {
  try {
    appendFileSync(historyPath(), line.replace(/\n/g, ' ') + '\n', { mode: 0o600 });
  } catch {
    // A read-only home is no reason to stop the session.
  }
}

// ---- --backend for one-shot commands -------------------------------------------

/**
 * installBackendOption adds the global `--backend native|llnode` option. With
 * llnode, a command that has collect/render runs them on the llnode backend
 * instead of opening the native Core (its action is swapped before it runs).
 */
export function installBackendOption(program: Command, ctx: CliContext): void {
  program.addOption(
    new Option('--backend <engine>', 'answer objects, instances, inspect, refs and stack with "native" (default) or lldb + "llnode"').choices([
      ...BACKEND_NAMES,
    ]),
  );
  program.hook('preAction', (_root, action) => {
    if (backendOf(action) !== 'llnode' || action.name() === 'shell') return;
    const mod = ctx.commands.find((m) => m.command(ctx).name() === action.name());
    if (!mod?.collect || !mod.render || !(BACKEND_METHODS as readonly string[]).includes(action.name())) {
      throw new CorescopeError('USAGE', `${action.name()} does not run on --backend llnode`, {
        hint: 'the llnode backend answers objects, instances, inspect, refs and stack',
      });
    }
    action.action(async (...args: unknown[]) => {
      const cmd = args[args.length - 1] as Command;
      const opts = args[args.length - 2] as object;
      const [corePath, ...positionals] = args.slice(0, -2) as [string | string[], ...unknown[]];
      const path = Array.isArray(corePath) ? corePath[0]! : corePath;
      const g = globalOptions(cmd);
      const progress = progressFor(ctx, cmd);
      const target = await openLlnodeBackend(path, { executable: g.executable, onProgress: progress.onProgress, signal: ctx.signal });
      try {
        const data = await collectWith(mod, target, positionals, opts, cmd);
        progress.stop();
        emit(ctx, cmd, data, mod.render!);
      } finally {
        progress.stop();
        await target.close();
      }
    });
  });
}
