// The corescope CLI: builds the commander program from the command modules,
// parses argv, and owns the ONE catch that turns any failure into one
// `corescope: <message>` line (+ `hint: <fix>`) on stderr, `{"error":…}` on
// stdout with --json, and an exit code from src/api/errors.ts. Handlers never
// call process.exit, so tests run main(argv, io) in-process.
// Knows src/api and the command modules; the library knows nothing of this.

import { Command, CommanderError, Option } from 'commander';

import { CorescopeError, ERRORS, exitCodeFor } from '../api/errors.js';
import { oneLine, type CliContext, type CommandModule } from './context.js';
import { processIo, type CliIo } from './io.js';
import { packageVersion } from './paths.js';
import { renderTable } from './render/table.js';
import * as capture from './commands/capture.js';
import * as demo from './commands/demo.js';
import * as diff from './commands/diff.js';
import * as exportCommand from './commands/export.js';
import * as info from './commands/info.js';
import * as inspect from './commands/inspect.js';
import * as instances from './commands/instances.js';
import * as objects from './commands/objects.js';
import * as leaks from './commands/leaks.js';
import * as pathCommand from './commands/path.js';
import * as refs from './commands/refs.js';
import * as reportCommand from './commands/report.js';
import * as shell from './commands/shell.js';
import * as stack from './commands/stack.js';

/** COMMANDS lists every command module; adding a command is one import and one entry here. */
const COMMANDS: readonly CommandModule[] = [info, objects, instances, stack, reportCommand, inspect, refs, pathCommand, leaks, shell, demo, capture, diff, exportCommand];

/** createProgram builds the commander program for one run. */
export function createProgram(ctx: CliContext): Command {
  const program = new Command('corescope')
    .description('Inspect Node.js core dumps offline, without a debugger.')
    .version(packageVersion(), '-V, --version')
    .option('-e, --executable <path>', 'the node binary that dumped the core (default: the path recorded in the core)')
    .addOption(new Option('--exe <path>', 'alias of --executable').hideHelp())
    .option('--json', 'print results (and errors) as JSON on stdout')
    .option('--no-progress', 'do not draw a progress line on stderr')
    .option('--debug', 'print stack traces of errors')
    .addHelpText('after', '\n' + exitCodesHelp());
  for (const mod of ctx.commands) program.addCommand(mod.command(ctx));
  shell.installBackendOption(program, ctx); // --backend native|llnode
  configure(program, ctx.io);
  return program;
}

/** configure applies output and exit handling to a command and all its subcommands. */
function configure(cmd: Command, io: CliIo): void {
  cmd
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // Usage errors are reported by main's catch as one line; commander stays quiet.
      outputError: () => {},
    })
    .showSuggestionAfterError(true);
  for (const sub of cmd.commands) configure(sub, io);
}

/** exitCodesHelp renders the exit-code table for --help. */
export function exitCodesHelp(): string {
  const rows = [
    ['0', '', 'success'],
    ...Object.entries(ERRORS).map(([code, e]) => [String(e.exitCode), code, e.meaning]),
  ];
  const table = renderTable([{ header: 'exit', align: 'right' }, { header: 'code' }, { header: 'meaning' }], rows);
  return ['Exit codes:', ...table.map((l) => '  ' + l)].join('\n');
}

/**
 * main runs the CLI on argv (without node and script) and resolves to the
 * exit code. With the default io it writes to the process's streams, sets
 * process.exitCode and turns the first Ctrl-C into cancellation.
 */
export async function main(argv: string[] = process.argv.slice(2), io?: CliIo): Promise<number> {
  const asProcess = !io;
  const streams = io ?? processIo();
  const abort = new AbortController();
  const onSigint = () => {
    streams.stderr.write('\ncorescope: cancelling (Ctrl-C again to quit)\n');
    abort.abort();
  };
  if (asProcess) process.once('SIGINT', onSigint);
  const ctx: CliContext = { io: streams, signal: abort.signal, commands: COMMANDS };
  let code = 0;
  try {
    const program = createProgram(ctx);
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    code = report(streams, err, argv);
  } finally {
    if (asProcess) process.removeListener('SIGINT', onSigint);
  }
  if (asProcess) process.exitCode = code;
  return code;
}

/** report prints an error the one way the CLI does and returns its exit code. */
function report(io: CliIo, err: unknown, argv: string[]): number {
  if (err instanceof CommanderError && err.exitCode === 0) return 0; // --help, --version
  if (err instanceof CommanderError && err.code === 'commander.help') return ERRORS.USAGE.exitCode; // help already on stderr
  const e = toCorescopeError(err);
  io.stderr.write(`corescope: ${oneLine(e.message)}\n`);
  if (e.hint) io.stderr.write(`hint: ${oneLine(e.hint)}\n`);
  if (flagGiven(argv, '--json')) io.stdout.write(JSON.stringify({ error: e.toJSON() }) + '\n');
  if (flagGiven(argv, '--debug')) io.stderr.write(debugStack(err) + '\n');
  return exitCodeFor(e.code);
}

/** toCorescopeError maps commander usage errors to USAGE and anything unexpected to INTERNAL. */
export function toCorescopeError(err: unknown): CorescopeError {
  if (err instanceof CorescopeError) return err;
  if (err instanceof CommanderError) {
    const [first = '', ...rest] = err.message.replace(/^error:\s*/, '').split('\n');
    const extra = rest.join(' ').trim();
    const message = extra ? `${first} ${extra.replace(/^\((.*)\)$/, '($1)').replace(/^\(Did/, '(did')}` : first;
    return new CorescopeError('USAGE', message, { hint: 'see corescope --help', cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new CorescopeError('INTERNAL', `internal error: ${message}`, {
    hint: 'this is a bug in corescope; rerun with --debug for a stack and report it',
    cause: err,
  });
}

function flagGiven(argv: string[], flag: string): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes(flag);
}

function debugStack(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && depth < 8; depth++) {
    parts.push(depth ? `caused by: ${stackOf(e)}` : stackOf(e));
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

function stackOf(e: unknown): string {
  if (e instanceof Error) return e.stack ?? `${e.name}: ${e.message}`;
  return String(e);
}
