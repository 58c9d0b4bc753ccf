// The llnode backend: answers objects, instances, inspect, refs and stack by
// running llnode's v8 commands in an lldb session (./session.ts) and parsing
// what they print (./parse.ts) into corescope's result types. It is here to
// compare with, and to fall back on: on current Node versions llnode gets
// much of this wrong or fails (README, "llnode backend"), so every result
// carries a warning naming the engine. Knows src/api and ../backend.

import { existsSync } from 'node:fs';

import { CorescopeError } from '../../api/errors.js';
import { openCore } from '../../api/open-core.js';
import {
  SCHEMA_VERSION,
  type InstancesResult,
  type ObjectsResult,
  type GraphEdge,
  type Referrer,
  type RefsResult,
  type InspectOptions,
  type InspectProperty,
  type InspectResult,
  type InspectValue,
  type StackFrame,
  type StackOptions,
  type StackResult,
  type StackThread,
  type Versioned,
  type Warning,
} from '../../api/types.js';
import { unsupported, type Backend } from '../backend.js';
import { withDecompressed } from '../../input/compressed.js';
import { parseBt, parseHistogram, parseInspect, parseInstances, parseRefs, parseThreadList, type BtFrame, type LlValue, type RefLine } from './parse.js';
import { LldbSession, llnodeTools, type CommandOutput } from './session.js';

// Results are the native backend's types (src/api/types.ts): ObjectsResult,
// InstancesResult, RefsResult, InspectResult, StackResult. What llnode cannot
// tell (sizes of single objects, liveness, where a property is stored) is
// filled with the neutral value and named in a warning.

/** LlnodeReferrer is a Referrer as llnode finds it: always an address and an edge. */
export type LlnodeReferrer = Referrer & { address: string; edge: GraphEdge };

const ENGINE_WARNING: Warning = {
  code: 'LLNODE_BACKEND',
  message: 'answered by lldb + llnode 4.0, which misreads current Node versions; compare with the native backend',
};

/** OpenLlnodeOptions are openCore's options. */
export interface OpenLlnodeOptions {
  executable?: string;
  onProgress?: (e: { phase: string; done: number; total: number }) => void;
  signal?: AbortSignal;
}

/** openLlnodeBackend starts lldb with llnode on a core (compressed cores are decompressed first). */
export async function openLlnodeBackend(corePath: string, options: OpenLlnodeOptions = {}): Promise<LlnodeBackend> {
  const tools = llnodeTools();
  if (!existsSync(corePath)) {
    throw new CorescopeError('FILE_NOT_FOUND', `cannot open core file ${corePath}: no such file`);
  }
  const executable = options.executable ?? (await executableFromCore(corePath));
  return withDecompressed(corePath, options, async (at) => {
    options.onProgress?.({ phase: 'starting lldb + llnode', done: 0, total: 0 });
    const session = await LldbSession.start(at, executable, tools);
    return new LlnodeBackend(corePath, session);
  }).catch((err: unknown) => {
    const e = err as { code?: string; message?: string; hint?: string };
    if (err instanceof CorescopeError || !e?.code) throw err;
    throw new CorescopeError(e.code as 'CORE_CORRUPT', e.message ?? String(err), { hint: e.hint, cause: err });
  });
}

/**
 * executableFromCore finds the node binary the way the native backend does
 * (the path the core recorded, verified by build-id); lldb needs it given.
 */
async function executableFromCore(corePath: string): Promise<string> {
  try {
    const core = await openCore(corePath);
    try {
      return (await core.info()).executable.path;
    } finally {
      await core.close();
    }
  } catch (err) {
    throw new CorescopeError('USAGE', `the llnode backend needs the node executable that dumped ${corePath}`, {
      hint: 'pass it with --executable <path> (`corescope info <core>` prints the path the core recorded)',
      cause: err,
    });
  }
}

/** LlnodeBackend is one core opened in lldb + llnode. */
export class LlnodeBackend implements Backend {
  readonly name = 'llnode' as const;
  readonly file: string;
  readonly #session: LldbSession;

  constructor(path: string, session: LldbSession) {
    this.file = path;
    this.#session = session;
  }

  supports(method: string): boolean {
    return ['objects', 'instances', 'inspect', 'refs', 'stack'].includes(method);
  }

  /** run runs a v8 command and turns an lldb error into a CorescopeError naming llnode. */
  async #v8(command: string): Promise<CommandOutput> {
    const out = await this.#session.run(command);
    if (out.failed || /^error:/im.test(out.stdout)) {
      const why = (out.stderr || out.stdout).split('\n').find((l) => l.trim()) ?? 'failed';
      throw new CorescopeError('INTERNAL', `llnode: \`${command}\` failed: ${why.trim()}`, {
        hint: 'llnode does not support this Node version well; use the native backend (drop --backend llnode)',
      });
    }
    return out;
  }

  /** objects is llnode's `v8 findjsobjects` histogram as an ObjectsResult (llnode's names: "(Object)", "(Array)"...). */
  async objects(opts: { by?: string; retained?: boolean; includeGarbage?: boolean } = {}): Promise<ObjectsResult> {
    if (opts.by && opts.by !== 'constructor') throw llnodeCannot(`--by ${opts.by}`);
    if (opts.retained) throw llnodeCannot('retained sizes');
    const out = await this.#v8('v8 findjsobjects');
    const h = parseHistogram(out.stdout);
    const types = h.rows
      .map((r) => ({ name: r.name || '(no name)', count: r.count, shallowSize: r.bytes }))
      .sort((a, b) => b.shallowSize - a.shallowSize || b.count - a.count || a.name.localeCompare(b.name));
    return {
      schemaVersion: SCHEMA_VERSION,
      engine: 'llnode',
      by: 'constructor',
      // llnode cannot tell garbage from live objects: it counts everything it finds.
      live: false,
      types,
      totals: { objects: h.totalCount, shallowSize: h.totalBytes, garbageObjects: 0, pages: 0 },
      resyncBytes: 0,
      warnings: [ENGINE_WARNING, { code: 'LLNODE_LIVENESS', message: 'llnode counts every object it finds, garbage included' }],
    } as ObjectsResult;
  }

  /** instances is `v8 findjsinstances <type>` as an InstancesResult (llnode 4.0 finds none by class name on Node 18+: it files them under "(Object)"). */
  async instances(type: unknown, opts: { limit?: number } = {}): Promise<InstancesResult> {
    const name = String(typeof type === 'object' && type ? (type as { type?: string }).type : type);
    if (!name || /\s/.test(name)) throw new CorescopeError('USAGE', `bad type name "${name}"`, { hint: 'llnode takes a type name without spaces' });
    const out = await this.#v8(`v8 findjsinstances ${name}`);
    const all = parseInstances(out.stdout);
    const list = opts.limit && opts.limit > 0 ? all.slice(0, opts.limit) : all;
    const warnings = [ENGINE_WARNING, { code: 'LLNODE_SIZE', message: 'llnode does not give the size of single objects (size 0)' }];
    if (all.length === 0) warnings.push({ code: 'LLNODE_NOT_FOUND', message: `llnode found no objects of type ${name}: ${out.stdout.trim() || 'no output'}` });
    return {
      schemaVersion: SCHEMA_VERSION,
      engine: 'llnode',
      name,
      by: 'constructor',
      // llnode cannot tell garbage from live objects.
      live: false,
      total: all.length,
      instances: list.map((i) => ({ address: i.address, name: llValueName(parseValueSafe(i.description)), size: 0, preview: i.description })),
      truncated: list.length < all.length,
      warnings,
    } as InstancesResult;
  }

  /** refs is `v8 findrefs <address>`: who holds the value at the address. */
  async refs(address: unknown, opts: { max?: number } = {}): Promise<RefsResult> {
    const addr = checkAddress(address);
    const out = await this.#v8(`v8 findrefs ${addr}`);
    const all = parseRefs(out.stdout).map(toReferrer);
    const referrers = cap(all, opts.max);
    const head = parseValueSafe((await this.#session.run(`v8 inspect ${addr}`)).stdout.replace(/^0x[0-9a-f]+(\(map=0x[0-9a-f]+\))?:/i, '').split('\n')[0] ?? '');
    return {
      schemaVersion: SCHEMA_VERSION,
      engine: 'llnode',
      mode: 'address',
      // llnode knows neither liveness nor sizes.
      target: { address: addr, name: llValueName(head), live: true, selfSize: 0, retainedSize: 0 },
      referrers,
      truncated: referrers.length < all.length,
      warnings: [ENGINE_WARNING],
    } as RefsResult;
  }

  /** refsByProperty is `v8 findrefs -n <property>`: every object with a property of that name. */
  async refsByProperty(property: string, opts: { max?: number } = {}): Promise<RefsResult> {
    const all = await this.findrefsByName(property);
    const referrers = cap(all, opts.max);
    return { schemaVersion: SCHEMA_VERSION, engine: 'llnode', mode: 'property', property, referrers, truncated: referrers.length < all.length, warnings: [ENGINE_WARNING] } as RefsResult;
  }

  /** refsByString is `v8 findrefs -s <text>`: every object that refers to a string with that value. */
  async refsByString(text: string, opts: { max?: number } = {}): Promise<RefsResult> {
    if (!text || /[\s'"\\]/.test(text)) throw new CorescopeError('USAGE', `llnode cannot search for the string ${JSON.stringify(text)}`, { hint: 'llnode takes one word without quotes; the native backend takes any string' });
    const out = await this.#v8(`v8 findrefs -s ${text}`);
    const all = parseRefs(out.stdout).map(toReferrer);
    const referrers = cap(all, opts.max);
    return { schemaVersion: SCHEMA_VERSION, engine: 'llnode', mode: 'string', string: text, referrers, truncated: referrers.length < all.length, warnings: [ENGINE_WARNING] } as RefsResult;
  }

  /** findrefsByName is `v8 findrefs -n <property>`: every object with a property of that name. */
  async findrefsByName(property: string): Promise<LlnodeReferrer[]> {
    if (!/^[\w$]+$/.test(property)) throw new CorescopeError('USAGE', `bad property name "${property}"`, { hint: 'llnode takes a plain identifier' });
    const out = await this.#v8(`v8 findrefs -n ${property}`);
    return parseRefs(out.stdout).map(toReferrer);
  }

  /** inspect is `v8 inspect -m <address>`, mapped onto InspectResult as far as llnode says. */
  async inspect(address: unknown, opts: InspectOptions = {}): Promise<InspectResult> {
    const addr = checkAddress(address);
    const out = await this.#v8(`v8 inspect -m ${addr}`);
    const p = parseInspect(out.stdout, addr);
    if (p.head.tag === 'unknown') {
      throw new CorescopeError('BAD_ADDRESS', `llnode cannot describe ${addr}: ${out.stdout.split('\n')[0] ?? ''}`);
    }
    const max = opts.maxProperties ?? 200;
    const properties: InspectProperty[] = p.properties.slice(0, max).map((q) => ({
      name: q.name,
      value: toInspectValue(q.value),
      // llnode does not say where a property is stored.
      storage: 'in-object',
    }));
    const kind = kindOf(p.head.tag);
    const result: InspectResult = {
      schemaVersion: SCHEMA_VERSION,
      address: p.address,
      name: llValueName(p.head),
      type: p.head.tag,
      map: p.map ?? '0x0',
      size: null,
      kind,
      properties,
      propertyCount: p.properties.length,
      propertiesTruncated: p.properties.length > properties.length,
      warnings: [ENGINE_WARNING, { code: 'LLNODE_STORAGE', message: 'llnode does not tell in-object from out-of-object properties' }],
    };
    if (p.elements.length) {
      const items = p.elements.slice(0, opts.maxElements ?? 100).map((e) => ({ index: e.index, value: toInspectValue(e.value) }));
      result.elements = { kind: 'unknown', length: p.elements.length, capacity: p.elements.length, present: p.elements.length, holey: false, items, truncated: items.length < p.elements.length };
    }
    if (kind === 'string') {
      const s = unquote(p.head.rest);
      result.string = { value: s, length: s.length, representation: 'unknown', encoding: 'one-byte', internalized: false };
    }
    return result;
  }

  /** stack is `v8 bt` on each thread (`thread select` first), the crashed (selected) thread first. */
  async stack(opts: StackOptions = {}): Promise<StackResult> {
    const list = parseThreadList((await this.#session.run('thread list')).stdout);
    const selected = list.find((t) => t.selected) ?? list[0];
    const order = selected ? [selected, ...list.filter((t) => t !== selected)] : [];
    const which = opts.threads === 'crashed' ? order.slice(0, 1) : order;
    const max = opts.maxFrames && opts.maxFrames > 0 ? opts.maxFrames : 256;
    const threads: StackThread[] = [];
    const warnings: Warning[] = [ENGINE_WARNING];
    for (const t of which) {
      await this.#session.run(`thread select ${t.index}`);
      const out = await this.#v8(`v8 bt ${max}`);
      const bt = parseBt(out.stdout);
      if (!bt) {
        warnings.push({ code: 'LLNODE_BT', message: `llnode printed no backtrace for thread #${t.index}` });
        continue;
      }
      const signal = Number(/signal SIG\w+/.test(bt.stopReason) ? signalNumber(bt.stopReason) : 0);
      threads.push({
        id: bt.tid || t.tid,
        name: bt.name,
        crashed: t === selected && signal !== 0,
        signal,
        stopReason: bt.frames.length >= max ? 'depth limit' : 'end of the frame chain',
        frames: bt.frames.map(toFrame),
      });
    }
    if (selected) await this.#session.run(`thread select ${selected.index}`);
    return { schemaVersion: SCHEMA_VERSION, threads, warnings };
  }

  /** report, info and the others are native-only. */
  info(): Promise<never> {
    return Promise.reject(unsupported('llnode', 'info'));
  }

  report(): Promise<never> {
    return Promise.reject(unsupported('llnode', 'report'));
  }

  /** run is a raw llnode command (tests and the measurements in the README). */
  run(command: string): Promise<CommandOutput> {
    return this.#session.run(command);
  }

  close(): Promise<void> {
    return this.#session.close();
  }
}

function cap<T>(all: T[], max: number | undefined): T[] {
  return max && max > 0 ? all.slice(0, max) : all;
}

function llnodeCannot(what: string): CorescopeError {
  return new CorescopeError('BACKEND_UNAVAILABLE', `llnode cannot give ${what}`, { hint: 'drop --backend llnode: the native backend gives it' });
}

function toReferrer(r: RefLine): LlnodeReferrer {
  return { address: r.from, name: r.type, edge: { kind: r.kind, name: r.name }, live: true };
}

function checkAddress(a: unknown): string {
  const s = String(a);
  if (!/^0x[0-9a-f]{1,16}$/i.test(s)) {
    throw new CorescopeError('USAGE', `bad address "${s}"`, { hint: 'pass a hex address such as 0x3a1f0c2d8e41' });
  }
  return '0x' + BigInt(s).toString(16);
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 };

function signalNumber(reason: string): number {
  const name = /SIG\w+/.exec(reason)?.[0] ?? '';
  return SIGNALS[name] ?? 0;
}

function parseValueSafe(description: string): LlValue {
  const m = /^<([^:>\s]+)(?::\s?(.*))?>$/.exec(description.trim());
  return m ? { tag: m[1]!, rest: m[2] ?? '' } : { tag: 'unknown', rest: description };
}

/** llValueName is the constructor or function name llnode shows ("<Object: Widget>" → "Widget"). */
function llValueName(v: LlValue): string {
  // llnode 4.0 prints "<Object: no constructor>" when it cannot find the constructor (all of Node 18+).
  if (v.tag === 'Object' && /^no constructor\b/.test(v.rest)) return '(no constructor)';
  if (v.tag === 'Object' || v.tag === 'function' || v.tag === 'Function') return v.rest.split(/[\s(]/)[0] || v.tag;
  return v.tag;
}

function kindOf(tag: string): InspectResult['kind'] {
  switch (tag) {
    case 'String':
      return 'string';
    case 'Number':
    case 'Smi':
      return 'number';
    case 'function':
      return 'function';
    case 'Array':
      return 'array';
    case 'undefined':
    case 'null':
    case 'true':
    case 'false':
      return 'oddball';
    case 'Object':
      return 'object';
    default:
      return 'internal';
  }
}

function unquote(s: string): string {
  const m = /^"([\s\S]*)"$/.exec(s.trim());
  return m ? m[1]! : s;
}

/** toInspectValue maps an llnode value onto InspectValue. */
export function toInspectValue(v: LlValue): InspectValue {
  switch (v.tag) {
    case 'Smi':
      return { type: 'smi', value: Number(v.rest) };
    case 'Number':
      return { type: 'number', address: v.address, value: Number.isFinite(Number(v.rest)) ? Number(v.rest) : null, text: v.rest };
    case 'String':
      return { type: 'string', address: v.address, value: unquote(v.rest), preview: v.rest };
    case 'undefined':
    case 'null':
    case 'true':
    case 'false':
      return { type: 'oddball', address: v.address, name: v.tag, value: v.tag === 'true' ? true : v.tag === 'false' ? false : null };
    case 'the_hole':
    case 'hole':
      return { type: 'hole', address: v.address };
    case 'function':
      return { type: 'function', address: v.address, name: v.rest.split(/[\s(]/)[0] || '(anonymous)', preview: `function ${v.rest}` };
    case 'Array':
      return { type: 'array', address: v.address, name: 'Array', preview: `<Array: ${v.rest}>` };
    case 'Object':
      return { type: 'object', address: v.address, name: llValueName(v), preview: v.rest };
    case 'unknown':
      return { type: 'raw', preview: v.rest };
    default:
      return { type: 'object', address: v.address, name: v.tag, preview: v.rest ? `${v.tag}: ${v.rest}` : v.tag };
  }
}

/** toFrame maps an llnode frame onto StackFrame (llnode does not tell interpreted from optimized: kind "js"). */
function toFrame(f: BtFrame): StackFrame {
  const base = { pc: f.pc, fp: '0x0', unwoundBy: (f.index === 0 ? 'registers' : 'cfi') as StackFrame['unwoundBy'] };
  if (f.js) {
    return {
      ...base,
      kind: 'js',
      function: f.js.name || null,
      script: f.js.script,
      line: f.js.line,
      column: f.js.column,
      functionAddress: f.js.fn,
      positionKind: f.js.line ? 'function-start' : 'unknown',
    };
  }
  if (f.marker) {
    const m = f.marker.slice(1, -1);
    const kind: StackFrame['kind'] = m === 'exit' ? 'exit' : m === 'entry' || m === 'entry_construct' ? 'entry' : m === 'builtin' ? 'builtin' : 'stub';
    // V8's names of the marker frames, as the native backend reports them.
    const frameType = { exit: 'ExitFrame', entry: 'EntryFrame', entry_construct: 'ConstructEntryFrame', stub: 'StubFrame', internal: 'InternalFrame', constructor: 'ConstructFrame' }[m];
    return { ...base, kind, function: null, script: null, line: null, column: null, ...(frameType ? { frameType } : {}) };
  }
  const sym = f.native?.symbol ?? null;
  return {
    ...base,
    kind: sym?.startsWith('Builtins_') ? 'builtin' : 'native',
    function: sym ? sym.replace(/ \+ \d+$/, '').replace(/ at [^ ]+$/, '') : null,
    script: null,
    line: null,
    column: null,
    symbol: sym ? sym.replace(/ \+ (\d+)$/, (_, n: string) => `+0x${Number(n).toString(16)}`) : undefined,
    module: f.native?.module ?? undefined,
  };
}
