// `corescope capture <pid> [-o file] [--every <s> --count <n>]`: writes core
// dumps of a running node process with gdb's gcore, without killing it, and
// says how long each capture paused the process. A series (--count > 1)
// writes <file>.1, <file>.2, … for `corescope diff`. Knows src/capture and
// ../render; does not open the cores.

import { Command, Option } from 'commander';

import { CorescopeError } from '../../api/errors.js';
import { SCHEMA_VERSION } from '../../api/types.js';
import { checkLiveNode, gcoreLive, processAlive, requireGcore, seriesPath, type LiveCapture } from '../../capture/live-capture.js';
import { emit, type CliContext } from '../context.js';
import { formatBytes, plural } from '../render/format.js';
import { renderTable } from '../render/table.js';

export interface CaptureCliOptions {
  output?: string;
  every?: string;
  count?: string;
}

/** CaptureResult is the --json output of `corescope capture`. */
export interface CaptureResult {
  schemaVersion: number;
  pid: number;
  executable: string;
  commandLine: string[];
  captures: LiveCapture[];
}

/** command builds `corescope capture <pid>`. */
export function command(ctx: CliContext): Command {
  return new Command('capture')
    .description('write a core dump of a running node process with gcore (gdb), without killing it')
    .argument('<pid>', 'the process id of a running node process')
    .option('-o, --output <file>', 'the core file to write (default: core.<pid> in the current directory); a series writes <file>.1, <file>.2, …')
    .addOption(new Option('--every <seconds>', 'with --count: seconds between captures of a series').default('60'))
    .option('--count <n>', 'how many captures to take (an endurance series for `corescope diff`)', '1')
    .addHelpText(
      'after',
      '\nThe process is stopped while gcore dumps it (reported as "paused"); it keeps running afterwards.\n' +
        'Needs gdb (`apt-get install gdb`) and ptrace permission (`docker run --cap-add=SYS_PTRACE`, kernel.yama.ptrace_scope).',
    )
    .action(async (pidText: string, opts: CaptureCliOptions, cmd: Command) => {
      const data = await collectCapture(pidText, opts, ctx.signal, (c, i, n) => {
        if (n > 1) ctx.io.stderr.write(`corescope: capture ${i}/${n}: ${c.path} (paused ${c.pausedMs} ms)\n`);
      });
      emit(ctx, cmd, data, render);
    });
}

/** collectCapture validates the arguments, checks the process and takes the captures. */
export async function collectCapture(
  pidText: string,
  opts: CaptureCliOptions,
  signal?: AbortSignal,
  onCapture?: (c: LiveCapture, i: number, n: number) => void,
): Promise<CaptureResult> {
  const pid = parseInteger(pidText, 'pid', 1);
  const count = parseInteger(opts.count ?? '1', '--count', 1);
  const every = Number(opts.every ?? '60');
  if (!Number.isFinite(every) || every < 0) {
    throw new CorescopeError('USAGE', `--every must be a number of seconds >= 0, not ${JSON.stringify(opts.every)}`);
  }
  requireGcore();
  const proc = checkLiveNode(pid);
  const output = opts.output ?? `core.${pid}`;
  const captures: LiveCapture[] = [];
  for (let i = 1; i <= count; i++) {
    if (i > 1) await sleep(every * 1000, signal);
    if (!processAlive(pid)) {
      throw new CorescopeError('NOT_FOUND', `pid ${pid} exited after ${plural(captures.length, 'capture')}`, {
        hint: captures.length ? `the cores written so far: ${captures.map((c) => c.path).join(' ')}` : undefined,
      });
    }
    const c = await gcoreLive(pid, seriesPath(output, i, count), { signal });
    captures.push(c);
    onCapture?.(c, i, count);
  }
  return { schemaVersion: SCHEMA_VERSION, pid, executable: proc.executable, commandLine: proc.commandLine, captures };
}

/** render prints one row per core written. */
export function render(data: CaptureResult): string {
  const rows = data.captures.map((c) => [c.path, formatBytes(c.bytes), `${c.pausedMs} ms`, `${c.gcoreMs} ms`, c.alive ? 'yes' : 'no']);
  const table = renderTable(
    [{ header: 'core' }, { header: 'size', align: 'right' }, { header: 'paused', align: 'right' }, { header: 'gcore', align: 'right' }, { header: 'alive' }],
    rows,
  );
  const alive = data.captures.every((c) => c.alive);
  return (
    [
      `captured pid ${data.pid} (${data.executable}): ${plural(data.captures.length, 'core')}`,
      ...table,
      alive ? `the process is still running; open a core with \`corescope info ${data.captures[0]?.path ?? ''}\`` : 'the process is no longer running',
    ].join('\n') + '\n'
  );
}

function parseInteger(text: string, what: string, min: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min) {
    throw new CorescopeError('USAGE', `${what} must be an integer >= ${min}, not ${JSON.stringify(text)}`);
  }
  return n;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((res, rej) => {
    if (signal?.aborted) return rej(new CorescopeError('CANCELLED', 'capture: cancelled'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      res();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      rej(new CorescopeError('CANCELLED', 'capture: cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
