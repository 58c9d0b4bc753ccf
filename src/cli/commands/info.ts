// `corescope info <core>`: what process this was, which executable and
// versions, its threads, heap spaces and the core file itself. Like every
// command file: `command(ctx)` builds the commander Command, `collect(core)`
// returns the JSON-stable data (printed verbatim with --json), `render(data)`
// returns the human text. Knows src/api and ../render; no byte access.

import { Command } from 'commander';

import type { Core } from '../../api/core.js';
import type { InfoResult, ThreadInfo } from '../../api/types.js';
import { runOnCore, type CliContext } from '../context.js';
import { formatBytes, formatCount, plural, shellQuote } from '../render/format.js';
import { renderSections, renderTable, type Section } from '../render/table.js';

export type InfoOptions = Record<string, never>;

/** demo: `corescope demo` shows info first. */
export const demo = { title: 'corescope info', options: {} };

/** command builds `corescope info <core>`. */
export function command(ctx: CliContext): Command {
  return new Command('info')
    .description('describe the crashed process: signal, command line, executable, Node/V8 versions, threads, heap spaces, core file')
    .argument('<core>', 'the core dump file')
    .action((corePath: string, opts: InfoOptions, cmd: Command) =>
      runOnCore(ctx, cmd, corePath, (core) => collect(core, opts), render),
    );
}

/** collect returns core.info() unchanged: the --json output. */
export function collect(core: Core, _opts: InfoOptions = {}): Promise<InfoResult> {
  return core.info();
}

/** render prints InfoResult as aligned key/value sections. */
export function render(info: InfoResult): string {
  return renderSections([
    processSection(info),
    executableSection(info),
    {
      title: 'versions',
      rows: [
        ['node', info.node.version || 'unknown'],
        ['v8', info.v8.version || 'unknown'],
      ],
    },
    threadsSection(info.threads),
    heapSection(info),
    coreSection(info),
  ]);
}

function processSection(info: InfoResult): Section {
  const rows: Section['rows'] = [
    ['pid', info.ppid ? `${info.pid} (parent ${info.ppid})` : String(info.pid)],
    ['signal', signalText(info)],
    ['command line', info.commandLine.length ? info.commandLine.map(shellQuote).join(' ') : '(not in the core)'],
    ['environment', `${plural(info.environmentCount, 'variable')} (core.environment() lists them)`],
    ['arch', info.arch],
  ];
  return { title: 'process', rows };
}

/** signalText explains the signal, or says the core was taken from a live process. */
export function signalText(info: Pick<InfoResult, 'signal'> & Partial<Pick<InfoResult, 'pid'>>): string {
  const s = info.signal;
  if (!s || s.live || !s.number) return 'none: the core was taken from a live process (e.g. gcore), not at a crash';
  const desc = s.description ? `: ${s.description}` : '';
  const addr = s.address ? ` at ${s.address}` : '';
  const sender = s.senderPid == null ? '' : `; sent by pid ${s.senderPid}${s.senderPid === info.pid ? ' (itself)' : ''}`;
  return `${s.name || 'signal'} (${s.number})${desc}${addr}${sender}`;
}

function executableSection(info: InfoResult): Section {
  const e = info.executable;
  const rows: Section['rows'] = [['path', e.path]];
  if (e.corePath && e.corePath !== e.path) rows.push(['path in core', e.corePath]);
  if (e.foundBy) rows.push(['found by', e.foundBy]);
  rows.push(['build-id', e.buildId || 'none']);
  if (e.verified) {
    const how = e.matchedBy === 'v8dbg' ? `v8dbg: ${e.v8dbgChecked} values in the core's .data equal the file's` : e.matchedBy;
    rows.push(['verified', `yes (${how || 'build-id'})`]);
  } else {
    const why = e.coreBuildId ? `core has build-id ${e.coreBuildId}` : 'the core records no build-id';
    rows.push(['verified', `no: ${why}${e.matchedBy ? `; matched by ${e.matchedBy}` : ''}`]);
  }
  return { title: 'executable', rows };
}

function threadsSection(threads: ThreadInfo[]): Section {
  const table = renderTable(
    [{ header: '' }, { header: 'tid', align: 'right' }, { header: 'name' }, { header: 'pc' }, { header: 'sp' }],
    threads.map((t) => [t.crashed ? '*' : '', String(t.id), t.name, t.pc, t.sp]),
  );
  const crashed = threads.filter((t) => t.crashed).length;
  return {
    title: `threads (${formatCount(threads.length)}${crashed ? ', * = received the signal' : ''})`,
    rows: [],
    table,
  };
}

function heapSection(info: InfoResult): Section {
  const h = info.heap;
  if (!h) return { title: 'heap', rows: [['pages', 'none found (see the warnings)']] };
  const table = renderTable(
    [{ header: 'space' }, { header: 'pages', align: 'right' }, { header: 'size', align: 'right' }],
    [
      ...h.spaces.map((s) => [s.name, formatCount(s.pages), formatBytes(s.bytes)]),
      ['total', formatCount(h.pages), formatBytes(h.bytes)],
    ],
  );
  // With worker threads, one line per isolate: its pages and size.
  const each = (h.perIsolate ?? []).length > 1 ? `: ${h.perIsolate.map((i) => formatBytes(i.bytes)).join(', ')}` : '';
  return {
    title: 'heap',
    rows: [
      ['layout', h.layout || 'unknown'],
      ['isolates', `${formatCount(h.isolates)}${h.isolates > 1 ? ' (the main thread and worker threads, largest first)' : ''}${each}`],
    ],
    table,
  };
}

function coreSection(info: InfoResult): Section {
  const c = info.core;
  const rows: Section['rows'] = [
    ['path', c.path],
    ['size', `${formatBytes(c.onDisk)} on disk, ${formatBytes(c.size)} apparent (sparse)`],
    ['memory', `${formatBytes(c.mapped)} mapped, ${formatBytes(c.dumped)} dumped`],
    ['segments', formatCount(c.segments)],
    ['truncated', c.truncated ? `yes: ${formatBytes(c.missingBytes)} missing; re-collect with ulimit -c unlimited` : 'no'],
    ['metadata', `${formatCount(info.metadata.constants)} v8dbg constants`],
  ];
  if (c.onDisk >= c.size) rows[1] = ['size', formatBytes(c.size)];
  return { title: 'core', rows };
}
