// `corescope inspect <core> <address>`: everything a person needs to
// understand one heap object — its name, type and size, properties and
// elements with their values, string contents, Date, Map/Set entries, Error
// message and stack, Promise state, buffer bytes, and for a function where it
// was defined and which variables it closes over. `collect` returns
// core.inspect() unchanged (the --json output); `render` prints it for people.
// Knows src/api and ../render; no byte access.

import { Command, InvalidArgumentError } from 'commander';

import { parseAddress } from '../../api/address.js';
import type { Core } from '../../api/core.js';
import type { InspectObject, InspectResult, InspectValue } from '../../api/types.js';
import { runOnCore, type CliContext } from '../context.js';
import { formatBytes, formatCount } from '../render/format.js';
import { renderTable } from '../render/table.js';

export interface InspectCliOptions {
  /** retained: also show the retained size and first retaining path (default true; --no-retained skips the graph build). */
  retained?: boolean;
  depth?: number;
  maxString?: number;
  maxElements?: number;
  maxProperties?: number;
  maxEntries?: number;
}

/** command builds `corescope inspect <core> <address>`. */
export function command(ctx: CliContext): Command {
  return new Command('inspect')
    .description('describe one heap object: properties, elements, strings, closures, Map/Set, Error, Promise, buffers')
    .argument('<core>', 'the core dump file')
    .argument('<address>', 'the object address, e.g. 0x3a1f0c2d8e41 (from `objects`/`instances`, or another inspect), or global:<name> for a global variable')
    .option('-d, --depth <n>', 'expand nested objects this many levels', count('--depth'), 0)
    .option('--max-string <bytes>', 'cut string values after this many bytes', count('--max-string'), 1000)
    .option('--max-elements <n>', 'show at most this many elements / entries', count('--max-elements'), 100)
    .option('--max-properties <n>', 'show at most this many properties', count('--max-properties'), 200)
    .option('--no-retained', 'skip the retained size and retaining path (they need the reference graph)')
    .action((corePath: string, address: string, opts: InspectCliOptions, cmd: Command) => {
      const addr = /^global:./.test(address) ? address : parseAddress(address);
      return runOnCore(ctx, cmd, corePath, (core) => collect(core, addr, opts), render);
    });
}

function count(flag: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${flag} takes a whole number, not ${JSON.stringify(value)}`);
    return n;
  };
}

/** collect returns core.inspect() unchanged: the --json output. */
export async function collect(core: Core, address: string, opts: InspectCliOptions = {}): Promise<InspectResult> {
  const obj = await core.inspect(address, {
    depth: opts.depth,
    maxString: opts.maxString,
    maxElements: opts.maxElements,
    maxEntries: opts.maxEntries ?? opts.maxElements,
    maxProperties: opts.maxProperties,
  });
  if (opts.retained !== false && core.supports('retained') && obj.address) {
    try {
      obj.retention = await core.retained(obj.address);
    } catch {
      // No graph for this core (e.g. an unsupported layout): inspect still stands.
    }
  }
  return obj;
}

/** render prints an InspectResult as an indented outline. */
export function render(obj: InspectResult): string {
  // The top object's warnings go to stderr (context.ts emit); nested ones stay inline.
  const lines = renderObject(obj, '', false);
  const r = obj.retention;
  if (r) {
    if (!r.live) {
      lines.push('  garbage: no GC root reaches this object');
    } else {
      const dom = r.dominator ? `, dominated by ${r.dominator.name}${r.dominator.address ? ` @${r.dominator.address}` : ''}` : '';
      lines.push(`  retains ${formatBytes(r.retainedSize)}${dom}`);
      if (r.path) {
        const steps = r.path.map((s, i) => (i === 0 || !s.edge ? s.name : `${edgeLabel(s.edge)} → ${s.name}`));
        lines.push(`  kept alive by: ${steps.join(' → ')}`);
      }
    }
  }
  return lines.join('\n') + '\n';
}

/** edgeLabel: .name for properties, [i] for elements, the name otherwise. */
function edgeLabel(e: { kind: string; name: string }): string {
  if (e.kind === 'property') return `.${e.name}`;
  if (e.kind === 'element') return `[${e.name}]`;
  return e.name;
}

/** VALUE_WIDTH bounds a string value in one line of human output (--json has it all). */
const VALUE_WIDTH = 80;

/** valueText renders a value on one line: 42, "text", Point {x: 1} @0x…. */
export function valueText(v: InspectValue, width = VALUE_WIDTH): string {
  switch (v.type) {
    case 'smi':
      return String(v.value);
    case 'number':
      return v.text ?? String(v.value);
    case 'string': {
      const s = String(v.value ?? '');
      const cut = s.length > width || v.truncated;
      const shown = JSON.stringify(s.length > width ? s.slice(0, width) : s);
      return cut ? `${shown.slice(0, -1)}…" (${formatCount(v.length ?? s.length)} chars)` : shown;
    }
    case 'oddball':
    case 'hole':
      return v.name ?? v.type;
    case 'symbol':
      return `Symbol(${v.description ?? ''})`;
    case 'bigint':
      return `${v.value}n`;
    case 'accessor': {
      const parts = [v.getter && v.getter.type !== 'oddball' ? 'get' : '', v.setter && v.setter.type !== 'oddball' ? 'set' : '']
        .filter(Boolean)
        .join('/');
      return `[${parts ? parts : v.typeName === 'ACCESSOR_INFO_TYPE' ? 'native accessor' : 'accessor'}]`;
    }
    case 'weak':
      return `weak ${v.address}`;
    case 'raw':
      return `raw ${String(v.value)}`;
    case 'unreadable':
      return `<unreadable${v.address ? ' ' + v.address : ''}>`;
    default:
      return `${v.preview ?? v.name ?? v.typeName ?? v.type} @${v.address}`;
  }
}

function renderObject(o: InspectObject, indent: string, withWarnings = true): string[] {
  const lines: string[] = [];
  const size = o.size === null ? 'size unknown' : formatBytes(o.size);
  const proto = o.prototype ? ', a prototype' : '';
  lines.push(`${indent}${o.address}  ${o.name}  (${o.type}, ${size}, map ${o.map}${proto})`);
  const sub = indent + '  ';

  if (o.string) {
    const s = o.string;
    const rep = `${s.representation}, ${s.encoding}${s.internalized ? ', internalized' : ''}`;
    lines.push(`${sub}string (${formatCount(s.length ?? 0)} chars, ${rep}): ${JSON.stringify(s.value ?? '')}${s.truncated ? '…' : ''}`);
  }
  if (o.number !== undefined) lines.push(`${sub}value: ${o.text ?? String(o.number)}`);
  if (o.oddball) lines.push(`${sub}value: ${o.oddball}`);
  if (o.bigint !== undefined) lines.push(`${sub}value: ${o.bigint}n`);
  if (o.symbol) lines.push(`${sub}description: ${JSON.stringify(o.symbol.description)}${o.symbol.private ? ' (private)' : ''}`);
  if (o.date) lines.push(`${sub}date: ${o.date.iso ?? 'Invalid Date'}`);
  if (o.function) {
    const f = o.function;
    const where = f.script ? ` at ${f.script}${f.line ? `:${f.line}:${f.column}` : ''}` : ' (no script: builtin or API function)';
    lines.push(`${sub}${f.kind ?? 'function'} ${f.name || '(anonymous)'}${where}`);
    if (f.context?.length) {
      lines.push(`${sub}closure variables:`);
      for (const v of f.context) lines.push(`${sub}  ${v.name} = ${valueText(v.value)}${v.depth ? `  (${v.scope}, ${v.depth} up)` : ''}`);
    } else if (f.context) {
      lines.push(`${sub}closure variables: none`);
    }
  }
  if (o.error) {
    const e = o.error;
    lines.push(`${sub}${e.name}: ${e.message ?? ''}`);
    if (e.cause) lines.push(`${sub}cause: ${valueText(e.cause)}`);
    if (e.stack) {
      lines.push(`${sub}stack${e.stackFormatted === false ? ' (never formatted; functions only)' : ''}:`);
      for (const l of e.stack.split('\n')) lines.push(`${sub}  ${l}`);
    }
  }
  if (o.promise) {
    const p = o.promise;
    lines.push(`${sub}promise: ${p.state}${p.result ? ` with ${valueText(p.result)}` : ''}${p.hasHandler ? '' : ' (no handler)'}`);
  }
  if (o.arrayBuffer) {
    const b = o.arrayBuffer;
    const flags = [b.detached ? 'detached' : '', b.shared ? 'shared' : '', b.resizable ? `resizable to ${b.maxByteLength}` : '']
      .filter(Boolean)
      .join(', ');
    lines.push(`${sub}byteLength ${formatCount(b.byteLength)}, backing store ${b.backingStore}${flags ? ` (${flags})` : ''}`);
    lines.push(...bytesLines(b.bytes, sub));
  }
  if (o.typedArray) {
    const t = o.typedArray;
    lines.push(
      `${sub}${t.arrayType ?? 'DataView'} length ${formatCount(t.length)}, byteOffset ${t.byteOffset}, byteLength ${formatCount(t.byteLength)}` +
        `, data ${t.data}${t.onHeap ? ' (on heap)' : ''}${t.buffer ? `, buffer ${t.buffer}` : ''}`,
    );
    lines.push(...bytesLines(t.bytes, sub));
  }
  if (o.primitive) lines.push(`${sub}primitive: ${valueText(o.primitive)}`);
  if (o.regexp) lines.push(`${sub}regexp: /${o.regexp.source ?? ''}/${o.regexp.flags ?? ''}`);
  if (o.boundFunction) {
    const b = o.boundFunction;
    if (b.target) lines.push(`${sub}target: ${valueText(b.target)}`);
    if (b.boundThis) lines.push(`${sub}this: ${valueText(b.boundThis)}`);
    if (b.boundArguments?.length) lines.push(`${sub}arguments: ${b.boundArguments.map(valueText).join(', ')}`);
  }
  if (o.proxy) {
    if (o.proxy.target) lines.push(`${sub}target: ${valueText(o.proxy.target)}`);
    if (o.proxy.handler) lines.push(`${sub}handler: ${valueText(o.proxy.handler)}`);
  }
  if (o.entries) {
    const e = o.entries;
    lines.push(`${sub}${e.kind} with ${formatCount(e.size)} entr${e.size === 1 ? 'y' : 'ies'}${e.truncated ? ' (first shown)' : ''}:`);
    for (const it of e.items) lines.push(`${sub}  ${valueText(it.key)}${it.value ? ` => ${valueText(it.value)}` : ''}`);
  }
  if (o.properties) {
    const count = o.propertyCount ?? o.properties.length;
    const mode = o.dictionaryMode ? ', dictionary mode' : '';
    lines.push(`${sub}properties (${formatCount(count)}${mode})${o.propertiesTruncated ? ', first shown' : ''}:`);
    const rows = o.properties.map((p) => [p.name, valueText(p.value), p.storage === 'in-object' ? '' : p.storage]);
    if (rows.length) lines.push(...renderTable([{ header: 'name' }, { header: 'value' }, { header: 'storage' }], rows).slice(1).map((l) => `${sub}  ${l}`));
    for (const p of o.properties) {
      if (p.value.object) lines.push(...renderNested(p.name, p.value.object, sub));
    }
  }
  if (o.elements) {
    const e = o.elements;
    lines.push(
      `${sub}elements (${e.kind}, length ${formatCount(e.length)}, ${formatCount(e.present)} present${e.truncated ? ', first shown' : ''}):`,
    );
    for (const it of e.items) lines.push(`${sub}  [${it.index}] ${valueText(it.value)}`);
    for (const it of e.items) if (it.value.object) lines.push(...renderNested(`[${it.index}]`, it.value.object, sub));
  }
  if (o.slots) {
    lines.push(`${sub}slots (${formatCount(o.slots.length)}${o.slots.truncated ? ', first shown' : ''}):`);
    o.slots.items.forEach((v, i) => lines.push(`${sub}  [${i}] ${valueText(v)}`));
  }
  if (withWarnings) for (const w of o.warnings ?? []) lines.push(`${sub}warning: ${w.message}`);
  return lines;
}

function renderNested(label: string, o: InspectObject, indent: string): string[] {
  return [`${indent}${label} →`, ...renderObject(o, indent + '    ')];
}

function bytesLines(b: { readable: boolean; hex?: string; truncated?: boolean } | undefined, indent: string): string[] {
  if (!b) return [];
  if (!b.readable) return [`${indent}bytes: not in the core`];
  const hex = (b.hex ?? '').replace(/(..)(?!$)/g, '$1 ');
  return [`${indent}bytes: ${hex}${b.truncated ? ' …' : ''}`];
}
