// Parsers of what llnode 4.0's v8 commands print (findjsobjects,
// findjsinstances, findrefs, inspect, bt) into plain records. Pure functions
// over text: they know llnode's output formats (llscan.cc, printer.cc,
// llnode.cc) and nothing of lldb processes or corescope's result types.

/** stripAnsi removes colour escapes (llnode colours addresses when it thinks it is on a terminal). */
export function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;]*m/g, '');
}

/** hex normalises an address to lowercase "0x…" without leading zeros. */
export function hex(s: string): string {
  return '0x' + BigInt(s).toString(16);
}

// ---- v8 findjsobjects -------------------------------------------------------

export interface HistogramRow {
  name: string;
  count: number;
  bytes: number;
}

/**
 * parseHistogram reads `v8 findjsobjects`:
 *   " Instances  Total Size Name" / " ---------- ---------- ----" /
 *   "        563      35640 Object" ... / a dashed line / the totals.
 */
export function parseHistogram(text: string): { rows: HistogramRow[]; totalCount: number; totalBytes: number } {
  const rows: HistogramRow[] = [];
  let totalCount = 0;
  let totalBytes = 0;
  let section: 'head' | 'rows' | 'total' = 'head';
  for (const line of stripAnsi(text).split('\n')) {
    if (/^\s*-{4,}/.test(line)) {
      section = section === 'head' ? 'rows' : 'total';
      continue;
    }
    const m = /^\s*(\d+)\s+(\d+) ?(.*)$/.exec(line);
    if (!m) continue;
    if (section === 'rows') rows.push({ count: Number(m[1]), bytes: Number(m[2]), name: m[3]!.trimEnd() });
    else if (section === 'total') {
      totalCount = Number(m[1]);
      totalBytes = Number(m[2]);
    }
  }
  return { rows, totalCount, totalBytes };
}

// ---- v8 findjsinstances / v8 findrefs ------------------------------------------------

export interface InstanceLine {
  address: string;
  /** description is llnode's one-line rendering ("<Object: Widget>"). */
  description: string;
}

/** parseInstances reads `v8 findjsinstances <name>`: "0x…:<Object: Widget>" lines; an empty list for "No objects found". */
export function parseInstances(text: string): InstanceLine[] {
  const out: InstanceLine[] = [];
  for (const line of stripAnsi(text).split('\n')) {
    const m = /^(0x[0-9a-f]+):(<.*)$/i.exec(line.trim());
    if (m) out.push({ address: hex(m[1]!), description: m[2]! });
  }
  return out;
}

export interface RefLine {
  /** from is the referring object. */
  from: string;
  /** type is llnode's type name of the referrer ("Holder", "(Array)", "Context", "Map"...). */
  type: string;
  /** edge is ".name", "[index]" or a context variable name. */
  edge: string;
  kind: 'property' | 'element' | 'context';
  name: string;
  index?: number;
  /** to is the referenced value. */
  to: string;
}

/**
 * parseRefs reads `v8 findrefs <addr>` and `v8 findrefs -n <name>` lines:
 *   "0x…: Holder.items=0x…", "0x…: (Array)[3]=0x…", "0x…: Context.h=0x…"
 * (string references, "findrefs -s", add a quoted tail, ignored here).
 */
export function parseRefs(text: string): RefLine[] {
  const out: RefLine[] = [];
  for (const line of stripAnsi(text).split('\n')) {
    const m = /^(0x[0-9a-f]+): (.*?)(?:\[(\d+)\]|\.([^=]*))=(0x[0-9a-f]+)/i.exec(line.trim());
    if (!m) continue;
    const type = m[2]!;
    if (m[3] !== undefined) {
      out.push({ from: hex(m[1]!), type, edge: `[${m[3]}]`, kind: 'element', name: m[3], index: Number(m[3]), to: hex(m[5]!) });
    } else {
      const name = m[4]!;
      out.push({ from: hex(m[1]!), type, edge: `.${name}`, kind: type === 'Context' ? 'context' : 'property', name, to: hex(m[5]!) });
    }
  }
  return out;
}

// ---- v8 inspect --------------------------------------------------------------

/** LlValue is one value as llnode prints it: "<Smi: 1>", "0x…:<String: "w1">", "0x…:<Object: Holder>". */
export interface LlValue {
  address?: string;
  /** tag is the word after "<": Smi, String, Object, Array, function, undefined, null, true, false, Number, Map... */
  tag: string;
  /** rest is what follows "tag: " up to the closing ">" (the value or a nested description). */
  rest: string;
}

export interface InspectParsed {
  address: string;
  head: LlValue;
  map?: string;
  properties: Array<{ name: string; value: LlValue }>;
  elements: Array<{ index: number; value: LlValue }>;
}

/** parseValue reads one "[0x…:]<Tag[: rest]>" value. */
export function parseValue(s: string): LlValue {
  const t = s.trim().replace(/,$/, '');
  const m = /^(?:(0x[0-9a-f]+):)?<([^:>\s]+)(?::\s?([\s\S]*))?>$/i.exec(t);
  if (!m) return { tag: 'unknown', rest: t };
  return { address: m[1] ? hex(m[1]) : undefined, tag: m[2]!, rest: (m[3] ?? '').trim() };
}

/**
 * parseInspect reads `v8 inspect [-m] <addr>`:
 *   0x…:<Object: Widget properties {
 *       .id=<Smi: 1>,
 *       .label=0x…:<String: "w1">,
 *       .owner=0x…:<Object: Holder>}>
 * Arrays print "elements {\n    [0]=…,". `-m` adds "(map=0x…)" after the type.
 */
export function parseInspect(text: string, address: string): InspectParsed {
  const clean = stripAnsi(text).trim();
  const lines = clean.split('\n');
  const raw = lines[0] ?? '';
  // `-m` puts the map right after the address: "0x…(map=0x…):<Object: …".
  const map = /\(map=(0x[0-9a-f]+)\)/i.exec(raw)?.[1];
  const first = raw.replace(/\(map=0x[0-9a-f]+\)/i, '');
  const headMatch = /^(?:(0x[0-9a-f]+):)?<([^:>\s]+)(?::\s?([^\n]*))?$/i.exec(first.trim());
  let head: LlValue;
  if (lines.length === 1) head = parseValue(first);
  else if (headMatch) head = { address: headMatch[1] ? hex(headMatch[1]) : address, tag: headMatch[2]!, rest: (headMatch[3] ?? '').replace(/\s*(properties|elements|internal fields)\s*\{\s*$/, '').replace(/\s*\(map=0x[0-9a-f]+\)/i, '') };
  else head = { tag: 'unknown', rest: first };
  head.rest = head.rest.replace(/\s*\(map=0x[0-9a-f]+\)/i, '');
  const properties: InspectParsed['properties'] = [];
  const elements: InspectParsed['elements'] = [];
  for (const line of lines.slice(1)) {
    const body = line.trim().replace(/\}>?,?$/, '').replace(/\}>$/, '');
    let m = /^\.([^=]+)=(.*)$/.exec(body);
    if (m) {
      properties.push({ name: m[1]!, value: parseValue(m[2]!) });
      continue;
    }
    m = /^\[(\d+)\]=(.*)$/.exec(body);
    if (m) elements.push({ index: Number(m[1]), value: parseValue(m[2]!) });
  }
  return { address: head.address ?? address, head, map: map ? hex(map) : undefined, properties, elements };
}

// ---- v8 bt ------------------------------------------------------------------

export interface BtFrame {
  index: number;
  pc: string;
  /** js: a JS function frame ("name at script:line:col fn=0x…"). */
  js?: { name: string; script: string | null; line: number | null; column: number | null; fn?: string };
  /** marker: "<exit>", "<stub>", "<entry>", "<builtin>", "<internal code>", ... */
  marker?: string;
  /** native: lldb's description ("node`v8::base::OS::Abort() + 18"). */
  native?: { module: string | null; symbol: string | null; text: string };
}

export interface BtThread {
  index: number;
  tid: number;
  name: string;
  stopReason: string;
  frames: BtFrame[];
}

/**
 * parseBt reads `v8 bt`:
 *   " * thread #1: tid = 29995, 0x… node`v8::base::OS::Abort() + 18, name = 'node', stop reason = signal SIGTRAP"
 *   "  * frame #0: 0x0000000002155a72 node`v8::base::OS::Abort() + 18"
 *   "    frame #4: 0x000000000195e476 <exit>"
 *   "    frame #7: 0x00003f1d0b4c4f82 outer at /tmp/scen.js:8:20 fn=0x00001c6b…"
 */
export function parseBt(text: string): BtThread | null {
  const lines = stripAnsi(text).split('\n');
  const head = lines.find((l) => /^\s*\*?\s*thread #\d+/.test(l));
  if (!head) return null;
  const th = /thread #(\d+)(?::\s*tid = (\d+))?/.exec(head)!;
  const name = /name = '([^']*)'/.exec(head)?.[1] ?? '';
  const stopReason = /stop reason = (.*)$/.exec(head)?.[1]?.trim() ?? '';
  const frames: BtFrame[] = [];
  for (const line of lines) {
    const m = /^\s*\*?\s*frame #(\d+): (0x[0-9a-f]+)\s*(.*)$/i.exec(line);
    if (!m) continue;
    const index = Number(m[1]);
    const pc = hex(m[2]!);
    const rest = m[3]!.trim();
    if (/^<[^>]*>$/.test(rest)) {
      frames.push({ index, pc, marker: rest });
      continue;
    }
    // Greedy: arguments may hold "<function: f at x.js:1:2>"; the frame's own " at " is the last one.
    const js = /^(.*) at (\(no script\)|\S*?)(?::(\d+):(\d+))? fn=(0x[0-9a-f]+)$/i.exec(rest);
    if (js) {
      const script = js[2] === '(no script)' || js[2] === '' ? null : js[2]!;
      frames.push({
        index,
        pc,
        js: {
          name: js[1]!.replace(/\(this=.*$/, ''),
          script,
          line: js[3] ? Number(js[3]) : null,
          column: js[4] ? Number(js[4]) : null,
          fn: hex(js[5]!),
        },
      });
      continue;
    }
    const nat = /^([^`\s]+)`(.*)$/.exec(rest);
    frames.push({ index, pc, native: { module: nat ? nat[1]! : null, symbol: nat ? nat[2]!.trim() : null, text: rest } });
  }
  return { index: Number(th[1]), tid: th[2] ? Number(th[2]) : 0, name, stopReason, frames };
}

/** parseThreadList reads `thread list`: "* thread #1: tid = 29995, …" lines → (index, tid). */
export function parseThreadList(text: string): Array<{ index: number; tid: number; selected: boolean }> {
  const out: Array<{ index: number; tid: number; selected: boolean }> = [];
  for (const line of stripAnsi(text).split('\n')) {
    const m = /^\s*(\*)?\s*thread #(\d+): tid = (\d+)/.exec(line);
    if (m) out.push({ index: Number(m[2]), tid: Number(m[3]), selected: Boolean(m[1]) });
  }
  return out;
}
