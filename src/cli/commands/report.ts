// `corescope report <core>...`: one triage document per core: the process
// (pid, command line, versions, signal, uptime), the thrown error with its
// cause chain (or how the core was made instead), the crashing stack, heap
// totals and top types, libuv handles, and a crash signature that groups
// cores of one bug. `--env` adds the environment with secret-looking values
// redacted. With several cores, `--json` prints one NDJSON record per core;
// `--group` adds a table (or a final record) of signatures with counts. A
// core that cannot be read yields an error record and the run goes on; the
// exit code is then the first failure's (see --help).
// Knows src/api, src/analyses and ../render; no byte access.

import { Command } from 'commander';

import { crashSignature, groupBySignature, scriptBasename, type CrashSignature } from '../../analyses/crash-signature.js';
import type { Core } from '../../api/core.js';
import { CorescopeError, fromNative } from '../../api/errors.js';
import { openCore } from '../../api/open-core.js';
import type {
  CrashReport,
  InfoResult,
  FsRequestInfo,
  JsTimerInfo,
  LibuvHandleInfo,
  LibuvInfo,
  SignalInfo,
  StackFrame,
  ThrownErrorInfo,
  ThrownInfo,
  Versioned,
  Warning,
} from '../../api/types.js';
import { emit, globalOptions, oneLine, printWarnings, progressFor, type CliContext } from '../context.js';
import { formatBytes, formatCount, plural, shellQuote } from '../render/format.js';
import { renderSections, renderTable, type Section } from '../render/table.js';
import { frameLine } from './stack.js';
import { signalText } from './info.js';

export interface ReportCommandOptions {
  env?: boolean;
  group?: boolean;
  args?: boolean;
  retained?: boolean;
  /** heap: false skips the heap walk (top types, external memory); library callers only. */
  heap?: boolean;
}

/** ReportError is the `error` of a report: the thrown value described. */
export type ReportError = ThrownErrorInfo;

/** ReportDocument is one core's triage document: `corescope report --json`. */
export interface ReportDocument extends Versioned {
  core: string;
  process: {
    pid: number;
    ppid: number;
    commandLine: string[];
    node: string;
    v8: string;
    signal: SignalInfo;
    /** uptimeSeconds from libuv's loop clock and node's start time; null when not recoverable. */
    uptimeSeconds: number | null;
    executable: string;
  };
  /** crashKind: "uncaught-exception", "abort", "segfault", "signal", "live-dump". */
  crashKind: string;
  thrown: ThrownInfo;
  /** error is the thrown value with its causes; null when nothing was being thrown. */
  error: ReportError | null;
  /** stack is the crashing thread's frames, innermost first. */
  stack: StackFrame[];
  heap: {
    /** totalBytes is the size of all V8 heap pages in the core. */
    totalBytes: number | null;
    /** objects and objectBytes: objects present in the heap (incl. not yet collected garbage) and their shallow size. */
    objects: number | null;
    objectBytes: number | null;
    spaces: Array<{ name: string; pages: number; bytes: number }>;
    /**
     * topTypes: the 10 largest types, named as `corescope objects` names them (JS objects by
     * constructor, "(string)", "(array)", "(closure)", "(system) X", ...). rankedBy "retained":
     * live objects by retained size (the reference graph was built: --retained, or already built
     * in this shell session); "shallow": every object present (garbage too) by shallow size.
     */
    topTypes: Array<{ name: string; count: number; bytes: number; retainedBytes?: number | null }> | null;
    rankedBy: 'retained' | 'shallow' | null;
    note?: string;
  };
  externalMemory: { available: boolean; arrayBufferBytes?: number; arrayBuffers?: number; reason?: string };
  libuv: LibuvInfo;
  /** timers: pending JS timers (node runs them all on one libuv timer); null without the heap walk. */
  timers: JsTimerInfo[] | null;
  /** fsRequests: fs calls in flight with path and callback; null without the heap walk. */
  fsRequests: FsRequestInfo[] | null;
  signature: CrashSignature;
  /** environment is present with --env; values of secret-looking names are "<redacted>". */
  environment?: string[];
  warnings: Warning[];
}

/** ReportFailure is the record of a core that could not be read. */
export interface ReportFailure {
  core: string;
  error: { code: string; message: string; hint?: string };
}

/** command builds `corescope report <core>...`. */
export function command(ctx: CliContext): Command {
  return new Command('report')
    .description('crash triage: process, thrown error and causes, crashing stack, heap, libuv handles and a crash signature')
    .argument('<cores...>', 'one or more core dump files')
    .option('--env', 'include the environment (secret-looking values redacted)')
    .option('--group', 'group the cores by crash signature (counts, example message, cores)')
    .option('--args', 'show receivers and arguments of JS frames')
    .option('--retained', 'rank the top types by retained size over live objects (builds the reference graph)')
    .addHelpText(
      'after',
      '\nWith several cores, --json prints one JSON record per line (NDJSON); a core that cannot be read\n' +
        'gives {"core","error"} and the others are still reported. The exit code is 0 when every core was\n' +
        "read, otherwise the exit code of the first failing core's error.",
    )
    .action((cores: string[], opts: ReportCommandOptions, cmd: Command) => run(ctx, cmd, cores, opts));
}

/** SECRET_NAME matches environment variable names whose values are redacted. */
export const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASS|PWD_|AUTH|CREDENTIAL|PRIVATE|COOKIE|SESSION|SIGNATURE|CERT|DSN/i;

/** redactEnvironment replaces the values of secret-looking names with "<redacted>". */
export function redactEnvironment(env: string[]): string[] {
  return env.map((kv) => {
    const eq = kv.indexOf('=');
    const name = eq < 0 ? kv : kv.slice(0, eq);
    return eq >= 0 && SECRET_NAME.test(name) ? `${name}=<redacted>` : kv;
  });
}

/** collect builds the triage document of one opened core. */
export async function collect(core: Core, opts: ReportCommandOptions = {}): Promise<ReportDocument> {
  const info: InfoResult = await core.info();
  const rep: CrashReport = await core.report({ args: Boolean(opts.args), retained: Boolean(opts.retained), heap: opts.heap });
  const warnings: Warning[] = [...(info.warnings ?? []), ...(rep.warnings ?? [])];
  const errorCtor = rep.error ? (rep.error.type === 'error' || rep.error.type === 'object' ? rep.error.constructor ?? rep.error.type : rep.error.type) : null;
  const doc: ReportDocument = {
    schemaVersion: 1,
    core: core.file,
    process: {
      pid: info.pid,
      ppid: info.ppid,
      commandLine: info.commandLine,
      node: info.node.version,
      v8: info.v8.version,
      signal: info.signal,
      uptimeSeconds: rep.libuv.uptimeSeconds ?? null,
      executable: info.executable.path,
    },
    crashKind: rep.crashKind,
    thrown: rep.thrown,
    error: rep.error,
    stack: rep.thread.frames,
    heap: {
      totalBytes: info.heap ? info.heap.bytes : null,
      objects: rep.heap.available ? rep.heap.objects ?? null : null,
      objectBytes: rep.heap.available ? rep.heap.bytes ?? null : null,
      spaces: info.heap ? info.heap.spaces : [],
      topTypes: rep.heap.available ? rep.heap.topTypes ?? [] : null,
      rankedBy: rep.heap.available ? rep.heap.rankedBy ?? 'shallow' : null,
      ...(rep.heap.available ? {} : { note: `heap walk unavailable: ${rep.heap.reason ?? 'unknown'}` }),
    },
    externalMemory: rep.heap.available && rep.heap.external
      ? { available: true, ...rep.heap.external }
      : { available: false, reason: rep.heap.reason ?? 'the heap could not be walked' },
    libuv: rep.libuv,
    timers: rep.timers ?? null,
    fsRequests: rep.fsRequests ?? null,
    signature: crashSignature({ frames: rep.thread.frames, errorConstructor: errorCtor, crashKind: rep.crashKind }),
    warnings,
  };
  if (opts.env) {
    const env = await core.environment();
    doc.environment = redactEnvironment(env.environment);
  }
  return doc;
}

/** run reports every core: one document each, then the groups with --group. */
async function run(ctx: CliContext, cmd: Command, cores: string[], opts: ReportCommandOptions): Promise<void> {
  const g = globalOptions(cmd);
  if (cores.length === 1 && !opts.group) {
    const doc = await withOpenCore(ctx, cmd, cores[0]!, (core) => collect(core, opts));
    emit(ctx, cmd, doc, render);
    return;
  }
  const docs: ReportDocument[] = [];
  const failures: Array<{ record: ReportFailure; error: CorescopeError }> = [];
  for (const path of cores) {
    try {
      const doc = await withOpenCore(ctx, cmd, path, (core) => collect(core, opts));
      docs.push(doc);
      if (g.json) ctx.io.stdout.write(JSON.stringify(doc) + '\n');
      else ctx.io.stdout.write(`== ${path}\n${render(doc)}\n`);
      printWarnings(ctx, doc.warnings);
    } catch (err) {
      const e = err instanceof CorescopeError ? err : fromNative(err);
      if (e.code === 'CANCELLED') throw e;
      const record: ReportFailure = { core: path, error: e.toJSON() };
      failures.push({ record, error: e });
      if (g.json) ctx.io.stdout.write(JSON.stringify(record) + '\n');
      else ctx.io.stdout.write(`== ${path}\nerror: ${oneLine(e.message)}${e.hint ? `\nhint: ${oneLine(e.hint)}` : ''}\n\n`);
    }
  }
  if (opts.group) {
    const groups = groupReports(docs);
    if (g.json) ctx.io.stdout.write(JSON.stringify({ groups, failed: failures.map((f) => f.record.core) }) + '\n');
    else ctx.io.stdout.write(renderGroups(groups, failures.length));
  }
  if (failures.length) {
    const first = failures[0]!.error;
    throw new CorescopeError(first.code, `${failures.length} of ${plural(cores.length, 'core')} could not be read; first: ${failures[0]!.record.core}: ${first.message}`, {
      hint: first.hint,
    });
  }
}

async function withOpenCore<T>(ctx: CliContext, cmd: Command, path: string, fn: (core: Core) => Promise<T>): Promise<T> {
  const g = globalOptions(cmd);
  const progress = progressFor(ctx, cmd);
  let core: Core | undefined;
  try {
    core = await openCore(path, { executable: g.executable, onProgress: progress.onProgress, signal: ctx.signal });
    return await fn(core);
  } finally {
    progress.stop();
    await core?.close();
  }
}

/** ReportGroup is one signature with its count, an example error and the cores. */
export interface ReportGroup {
  signature: string;
  count: number;
  error: string | null;
  example: string | null;
  frames: string[];
  cores: string[];
}

/** groupReports groups documents by signature, largest group first. */
export function groupReports(docs: ReportDocument[]): ReportGroup[] {
  return groupBySignature(docs, (d) => d.signature.signature).map((grp) => {
    const first = grp.items[0]!;
    return {
      signature: grp.signature,
      count: grp.count,
      error: first.error ? first.error.constructor ?? first.error.type : null,
      example: first.error ? errorHeadline(first.error) : first.thrown.reason ?? first.crashKind,
      frames: first.signature.parts.slice(1),
      cores: grp.items.map((d) => d.core),
    };
  });
}

function renderGroups(groups: ReportGroup[], failed: number): string {
  const table = renderTable(
    [{ header: 'signature' }, { header: 'count', align: 'right' }, { header: 'example' }, { header: 'cores' }],
    groups.map((gr) => [gr.signature, formatCount(gr.count), truncate(gr.example ?? '', 60), gr.cores.join(' ')]),
  );
  const lines = [`crash signatures (${plural(groups.length, 'group')}${failed ? `, ${failed} failed` : ''})`, ...table.map((l) => '  ' + l)];
  return lines.join('\n') + '\n';
}

function truncate(s: string, n: number): string {
  const one = oneLine(s);
  return one.length > n ? one.slice(0, n - 1) + '…' : one;
}

/** errorHeadline renders "TypeError: message" or the preview of a non-Error value. */
export function errorHeadline(e: ThrownErrorInfo): string {
  if (e.type === 'error' || (e.type === 'object' && e.message !== undefined)) {
    const name = e.name || e.constructor || 'Error';
    return e.message !== undefined && e.message !== '' ? `${name}: ${e.message}` : name;
  }
  if (e.type === 'object') return `${e.constructor ?? 'Object'} ${e.preview} (a thrown object, not an Error)`;
  return `${e.preview} (a thrown ${e.type}, not an Error)`;
}

/** render prints the document as sections. */
export function render(doc: ReportDocument): string {
  const sections: Section[] = [];
  const p = doc.process;
  sections.push({
    title: 'process',
    rows: [
      ['pid', p.ppid ? `${p.pid} (parent ${p.ppid})` : String(p.pid)],
      ['command line', p.commandLine.length ? p.commandLine.map(shellQuote).join(' ') : '(not in the core)'],
      ['node / v8', `${p.node || 'unknown'} / ${p.v8 || 'unknown'}`],
      ['signal', signalText(p)],
      ['uptime', p.uptimeSeconds === null ? 'unavailable' : `${p.uptimeSeconds.toFixed(1)} s`],
    ],
  });
  sections.push(errorSection(doc));
  const stackLines = doc.stack.map((f, i) => `#${String(i).padEnd(3)} ${frameLine(f)}`);
  const js = doc.stack.filter((f) => f.kind.startsWith('js'));
  sections.push({
    title: `crashing stack (${plural(js.length, 'JS frame')}, ${plural(doc.stack.length, 'frame')} in all)`,
    rows: [],
    table: stackLines,
  });
  sections.push(heapSection(doc));
  sections.push(libuvSection(doc.libuv, doc.timers, doc.fsRequests));
  sections.push({
    title: 'crash signature',
    rows: [
      ['signature', doc.signature.signature],
      ['from', doc.signature.parts.join(' | ')],
    ],
  });
  if (doc.environment) {
    sections.push({ title: `environment (${plural(doc.environment.length, 'variable')})`, rows: [], table: doc.environment });
  }
  return renderSections(sections);
}

function errorSection(doc: ReportDocument): Section {
  if (!doc.error) {
    return { title: 'thrown value', rows: [['none', doc.thrown.reason ?? 'nothing was being thrown']] };
  }
  const rows: Section['rows'] = [];
  const table: string[] = [];
  let e: ThrownErrorInfo | undefined = doc.error;
  let depth = 0;
  while (e) {
    const label = depth === 0 ? 'thrown' : `${'  '.repeat(depth - 1)}cause`;
    rows.push([label, errorHeadline(e)]);
    if (e.code !== undefined) rows.push([`${'  '.repeat(depth)}code`, e.code]);
    if (e.causeCycle) rows.push([`${'  '.repeat(depth)}cause`, '(cycle: points back to an earlier error)']);
    if (e.causeTruncated) rows.push([`${'  '.repeat(depth)}cause`, '(more causes not shown)']);
    e = e.cause;
    depth++;
  }
  if (doc.thrown.thrownAt) {
    const t = doc.thrown.thrownAt;
    rows.push(['thrown at', `${t.script}:${t.line}:${t.column}`]);
  }
  if (doc.error.stack) {
    const src = doc.error.stackSource === 'call-sites' ? ' (rebuilt from the captured call sites)' : '';
    table.push(`stack${src}:`, ...doc.error.stack.split('\n').map((l) => '  ' + l));
  }
  return { title: 'thrown value', rows, table };
}

function heapSection(doc: ReportDocument): Section {
  const h = doc.heap;
  const rows: Section['rows'] = [['pages', h.totalBytes === null ? 'unknown' : formatBytes(h.totalBytes)]];
  if (h.objects !== null) rows.push(['objects', `${formatCount(h.objects)} (${formatBytes(h.objectBytes ?? 0)}, shallow; includes garbage not yet collected)`]);
  rows.push(['external', doc.externalMemory.available ? `${formatBytes(doc.externalMemory.arrayBufferBytes ?? 0)} in ${formatCount(doc.externalMemory.arrayBuffers ?? 0)} ArrayBuffers` : `unavailable (${doc.externalMemory.reason})`]);
  const table: string[] = [];
  if (h.spaces.length) {
    table.push(...renderTable([{ header: 'space' }, { header: 'pages', align: 'right' }, { header: 'size', align: 'right' }],
      h.spaces.map((s) => [s.name, formatCount(s.pages), formatBytes(s.bytes)])));
  }
  if (h.topTypes?.length) {
    const retained = h.rankedBy === 'retained';
    rows.push(['top types', retained ? 'live objects by retained size' : 'by shallow size, garbage included (--retained: live objects by retained size)']);
    table.push('', ...renderTable([
      { header: 'type' }, { header: 'count', align: 'right' }, { header: 'shallow', align: 'right' },
      ...(retained ? [{ header: 'retained', align: 'right' as const }] : []),
    ], h.topTypes.map((t) => [
      t.name, formatCount(t.count), formatBytes(t.bytes),
      ...(retained ? [t.retainedBytes === null || t.retainedBytes === undefined ? '?' : formatBytes(t.retainedBytes)] : []),
    ])));
  } else if (h.note) {
    rows.push(['top types', h.note]);
  }
  return { title: 'heap', rows, table };
}

function libuvSection(u: LibuvInfo, timers: JsTimerInfo[] | null, fsRequests: FsRequestInfo[] | null): Section {
  if (!u.available) return { title: 'libuv', rows: [['loop', `unavailable (${u.reason})`]] };
  const by = Object.entries(u.activeByType ?? {}).map(([k, v]) => `${k} ${v}`).join(', ');
  const active = (u.handles ?? []).filter((h) => h.active);
  const rows: Section['rows'] = [
    // libuv counts only referenced active handles (what keeps the loop alive).
    ['active handles', `${formatCount(active.length)}${by ? ` (${by})` : ''}, ${formatCount(u.activeHandles ?? 0)} keeping the loop alive`],
    ['active requests', formatCount(u.activeRequests ?? 0)],
  ];
  for (const r of fsRequests ?? []) {
    const cb = r.callback ? ` → ${r.callback}${r.script ? ` (${r.script}${r.line ? `:${r.line}:${r.column ?? 0}` : ''})` : ''}` : '';
    rows.push(['  fs request', `${r.op}${r.path ? ` ${r.path}` : ''}${cb}`]);
  }
  const table: string[] = active.length
    ? renderTable([{ header: 'handle' }, { header: 'type' }, { header: 'fd', align: 'right' }, { header: 'owner' }, { header: 'address' }],
        active.map((h) => [h.address, h.type, h.fd === null ? '' : String(h.fd), ownerText(h), addressText(h)]))
    : [];
  if (u.addresses) rows.push(['socket addresses', u.addresses]);
  if (timers) {
    rows.push(['JS timers', `${formatCount(timers.length)} pending (setTimeout/setInterval/setImmediate, all on node's one libuv timer)`]);
    if (timers.length) {
      table.push('', ...renderTable(
        [{ header: 'timer' }, { header: 'kind' }, { header: 'delay', align: 'right' }, { header: 'callback' }],
        timers.map((t) => [
          t.address,
          t.kind === 'Timeout' ? (t.repeat ? 'interval' : 'timeout') + (t.ref ? '' : ' (unref)') : 'immediate',
          t.delayMs === null ? '' : `${t.delayMs} ms`,
          `${t.callback}${t.script ? ` (${t.script}${t.line ? `:${t.line}:${t.column ?? 0}` : ''})` : ''}`,
        ]),
      ));
    }
  }
  return { title: 'libuv', rows, table };
}

/** ownerText names who owns a handle: "Server @0x… (TCP)", or the wrap alone. */
function ownerText(h: LibuvHandleInfo): string {
  if (h.jsOwner) return `${h.jsOwner.constructor} ${h.jsOwner.address}${h.owner ? ` (${h.owner.constructor})` : ''}`;
  return h.owner ? `${h.owner.constructor} ${h.owner.address}` : '';
}

/** addressText: "listening 127.0.0.1:3000", "127.0.0.1:5000 -> 127.0.0.1:3000", or "" when not cached. */
function addressText(h: LibuvHandleInfo): string {
  if (h.listening) return h.local ? `listening ${h.local}${h.portInferred ? ' (asked port 0; port from an accepted socket)' : ''}` : 'listening';
  if (!h.local && !h.remote) return '';
  return `${h.local ?? '?'} -> ${h.remote ?? '?'}`;
}

/** scriptName is re-exported for tests that compare script basenames. */
export { scriptBasename };
