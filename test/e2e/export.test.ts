// `corescope export` on a crash core of test/scenarios/retainers.js whose
// process wrote V8's own heap snapshot (v8.writeHeapSnapshot) just before
// crashing. The exported file is read by a small independent parser here
// (JSON.parse: the cores are small) and checked for the structure DevTools
// requires (key order, node_count × node_fields = nodes.length, edge counts
// summing to edge_count, to_node offsets valid, the root → (GC roots) →
// categories shape) and for the per-class object counts of V8's snapshot.
// It is also loaded with memlab's own parser (@memlab/core, a dev
// dependency; package.json's "puppeteer": {"skipDownload": true} keeps its
// puppeteer dependency from downloading a browser on install — the parser
// never starts one), whose per-name counts and edges are compared with
// `corescope objects` and with memlab's reading of V8's snapshot. The
// closures' source locations are compared with the ones V8 wrote.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import memlab from '@memlab/core';
import type { IHeapNode, IHeapSnapshot } from '@memlab/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { hasAddon, NO_ADDON, spawnCli } from '../support/cli.js';
import { makeCore, SCENARIOS, type MadeCore } from '../support/make-core.js';
import { testedVersions } from '../support/node-versions.js';

interface Snapshot {
  snapshot: {
    meta: { node_fields: string[]; node_types: [string[], ...string[]]; edge_fields: string[]; edge_types: [string[], ...string[]] };
    node_count: number;
    edge_count: number;
  };
  nodes: number[];
  edges: number[];
  locations?: number[];
  strings: string[];
}

/** Parsed gives named access to one snapshot. */
class Parsed {
  readonly s: Snapshot;
  readonly keys: string[];
  readonly nf: number;
  readonly ef: number;
  readonly firstEdge: number[] = [];

  constructor(path: string) {
    this.s = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
    this.keys = Object.keys(this.s);
    this.nf = this.s.snapshot.meta.node_fields.length;
    this.ef = this.s.snapshot.meta.edge_fields.length;
    let e = 0;
    for (let i = 0; i < this.nodeCount; i++) {
      this.firstEdge.push(e);
      e += this.field(i, 'edge_count');
    }
  }
  get nodeCount(): number {
    return this.s.nodes.length / this.nf;
  }
  field(node: number, name: string): number {
    return this.s.nodes[node * this.nf + this.s.snapshot.meta.node_fields.indexOf(name)]!;
  }
  type(node: number): string {
    return this.s.snapshot.meta.node_types[0][this.field(node, 'type')]!;
  }
  name(node: number): string {
    return this.s.strings[this.field(node, 'name')]!;
  }
  /** edges of a node: kind, name (string or index) and target node ordinal. */
  edges(node: number): Array<{ kind: string; name: string | number; to: number }> {
    const out = [];
    for (let k = 0; k < this.field(node, 'edge_count'); k++) {
      const b = (this.firstEdge[node]! + k) * this.ef;
      const kind = this.s.snapshot.meta.edge_types[0][this.s.edges[b]!]!;
      const raw = this.s.edges[b + 1]!;
      out.push({ kind, name: kind === 'element' || kind === 'hidden' ? raw : this.s.strings[raw]!, to: this.s.edges[b + 2]! / this.nf });
    }
    return out;
  }
  /**
   * locationKeys lists "type|name|script_id|line|column" for each entry of
   * `locations` (object_index is a node's offset in the nodes array).
   */
  locationKeys(): string[] {
    const meta = this.s.snapshot.meta as { location_fields?: string[] };
    const lf = meta.location_fields ?? [];
    const loc = this.s.locations ?? [];
    const out: string[] = [];
    for (let b = 0; b < loc.length; b += lf.length) {
      const offset = loc[b + lf.indexOf('object_index')]!;
      if (offset % this.nf !== 0 || offset >= this.s.nodes.length) {
        out.push(`bad object_index ${offset}`);
        continue;
      }
      const node = offset / this.nf;
      out.push([this.type(node), this.name(node), ...['script_id', 'line', 'column'].map((f) => loc[b + lf.indexOf(f)])].join('|'));
    }
    return out;
  }
  /** objectCounts counts nodes of type "object" per name (V8 names instances by constructor). */
  objectCounts(): Map<string, number> {
    const m = new Map<string, number>();
    for (let i = 0; i < this.nodeCount; i++) if (this.type(i) === 'object') m.set(this.name(i), (m.get(this.name(i)) ?? 0) + 1);
    return m;
  }
}

/** loadWithMemlab reads a .heapsnapshot with memlab's parser (quietly). */
async function loadWithMemlab(path: string): Promise<IHeapSnapshot> {
  memlab.config.muteConsole = true;
  return memlab.utils.getSnapshotFromFile(path, { buildNodeIdIndex: true, verbose: false });
}

/** memlabObjectCounts counts memlab's nodes of type "object" per name. */
function memlabObjectCounts(snap: IHeapSnapshot): Map<string, number> {
  const m = new Map<string, number>();
  snap.nodes.forEach((n: IHeapNode) => {
    if (n.type === 'object') m.set(n.name, (m.get(n.name) ?? 0) + 1);
  });
  return m;
}

/** countKeys counts equal strings. */
function countKeys(keys: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

/** sourcePosition: 0-based line and column of the first match of `re` in a file. */
function sourcePosition(path: string, re: RegExp): { line: number; column: number } {
  const lines = readFileSync(path, 'utf8').split('\n');
  for (let line = 0; line < lines.length; line++) {
    const m = re.exec(lines[line]!);
    if (m) return { line, column: m.index + m[0].length - 1 };
  }
  throw new Error(`${re} is not in ${path}`);
}

const USER_CLASSES = ['LeakyThing', 'ClosureHeld', 'RefTarget', 'RefHolderA', 'RefHolderB', 'Special', 'WeakKey', 'WeakValue', 'WeakTarget'];

describe.skipIf(!hasAddon)(`export to .heapsnapshot ${hasAddon ? '' : NO_ADDON}`, () => {
  describe.each(testedVersions())('Node %i', (major) => {
    let made: MadeCore;
    let outPath: string;
    let redactedPath: string;
    let result: { nodes: number; edges: number; bytes: number; liveOnly: boolean };
    let ours: Parsed;
    let v8s: Parsed;
    // memlab's readings of the export and of V8's snapshot, loaded once.
    let memlabLoads: Promise<[IHeapSnapshot, IHeapSnapshot]> | undefined;
    const memlabPair = () => (memlabLoads ??= Promise.all([loadWithMemlab(outPath), loadWithMemlab(made.snapshotPath!)]));

    beforeAll(async () => {
      made = await makeCore('retainers', major, { snapshot: true });
      outPath = join(made.dir, 'export.heapsnapshot');
      redactedPath = join(made.dir, 'redacted.heapsnapshot');
      const r = await spawnCli(['export', made.corePath, '-e', made.exe, '-o', outPath, '--json'], { timeoutMs: 170_000 });
      expect(r.code, r.stderr).toBe(0);
      result = JSON.parse(r.stdout);
      ours = new Parsed(outPath);
      v8s = new Parsed(made.snapshotPath!);
    }, 240_000);

    afterAll(() => {
      for (const p of [outPath, redactedPath]) if (p) rmSync(p, { force: true });
    });

    it('keeps the key order the streaming loaders need: snapshot first, strings last', () => {
      expect(ours.keys[0]).toBe('snapshot');
      expect(ours.keys.slice(1, 3)).toEqual(['nodes', 'edges']);
      expect(ours.keys.at(-1)).toBe('strings');
      expect(ours.keys).toContain('locations');
    });

    it('has node_count × node_fields nodes and edge counts that sum to edge_count', () => {
      const s = ours.s;
      expect(s.nodes.length).toBe(s.snapshot.node_count * ours.nf);
      expect(s.edges.length).toBe(s.snapshot.edge_count * ours.ef);
      let sum = 0;
      for (let i = 0; i < ours.nodeCount; i++) sum += ours.field(i, 'edge_count');
      expect(sum).toBe(s.snapshot.edge_count);
      expect(result.nodes).toBe(s.snapshot.node_count);
      expect(result.edges).toBe(s.snapshot.edge_count);
      expect(result.liveOnly).toBe(true);
    });

    it('points every edge at a node start and names it with a valid string index', () => {
      const s = ours.s;
      let bad = 0;
      for (let b = 0; b < s.edges.length; b += ours.ef) {
        const to = s.edges[b + 2]!;
        if (to % ours.nf !== 0 || to >= s.nodes.length) bad++;
        const kind = s.snapshot.meta.edge_types[0][s.edges[b]!];
        if (kind === undefined) bad++;
        if (kind !== 'element' && kind !== 'hidden' && !(s.edges[b + 1]! < s.strings.length)) bad++;
      }
      expect(bad).toBe(0);
      for (let i = 0; i < ours.nodeCount; i++) if (!(ours.field(i, 'name') < s.strings.length)) bad++;
      expect(bad).toBe(0);
    });

    it('writes the format of its Node version: V8\'s node fields, snapshot keys and root shortcuts', () => {
      const meta = ours.s.snapshot.meta;
      expect(meta.node_fields).toEqual(v8s.s.snapshot.meta.node_fields); // no trace_node_id from V8 13 (Node 24)
      expect(meta.edge_fields).toEqual(v8s.s.snapshot.meta.edge_fields);
      expect(meta.edge_types).toEqual(v8s.s.snapshot.meta.edge_types);
      // V8's node types, those of its version (Node 20's "wasm object" aside: none in a Node heap).
      expect(meta.node_types[0]).toEqual(v8s.s.snapshot.meta.node_types[0].filter((t) => t !== 'wasm object'));
      // extra_native_bytes from V8 13; root_index is ours (optional for DevTools).
      expect(Object.keys(ours.s.snapshot).filter((k) => k !== 'root_index')).toEqual(Object.keys(v8s.s.snapshot));
      // The root's shortcuts: to the global object (the NativeContext on V8 14).
      const shortcuts = (p: Parsed) =>
        p.edges(0).filter((e) => e.kind === 'shortcut').map((e) => `${e.name}->${p.type(e.to)}:${p.name(e.to)}`);
      expect(shortcuts(ours)).toEqual(shortcuts(v8s));
      expect(shortcuts(ours).length).toBeGreaterThan(0);
    });

    it('gives ids unique across nodes', () => {
      const ids = new Set<number>();
      for (let i = 0; i < ours.nodeCount; i++) ids.add(ours.field(i, 'id'));
      expect(ids.size).toBe(ours.nodeCount);
    });

    it('starts with the synthetic root → (GC roots) → the root categories', () => {
      expect(ours.type(0)).toBe('synthetic');
      const gcRoots = ours.edges(0).find((e) => ours.name(e.to) === '(GC roots)');
      expect(gcRoots?.kind).toBe('element');
      const categories = ours.edges(gcRoots!.to).map((e) => ours.name(e.to));
      expect(categories).toContain('(Global handles)');
      expect(categories).toContain('(Stack roots)');
      for (const e of ours.edges(gcRoots!.to)) expect(ours.type(e.to)).toBe('synthetic');
    });

    it('counts the instances of each user class as V8\'s own snapshot does (garbage left out)', () => {
      const a = ours.objectCounts();
      const b = v8s.objectCounts();
      for (const cls of USER_CLASSES) expect([cls, a.get(cls) ?? 0]).toEqual([cls, b.get(cls) ?? 0]);
      expect(a.get('LeakyThing')).toBe(made.truth.counts.LeakyThing);
      expect(a.get('WeakTarget') ?? 0).toBe(0); // only a WeakRef refers to it: garbage
    });

    it('names property edges as V8 does: every LeakyThing holds its label string', () => {
      let checked = 0;
      for (let i = 0; i < ours.nodeCount; i++) {
        if (ours.type(i) !== 'object' || ours.name(i) !== 'LeakyThing') continue;
        const label = ours.edges(i).find((e) => e.kind === 'property' && e.name === 'label');
        expect(label).toBeDefined();
        expect(ours.type(label!.to)).toBe('string');
        expect(ours.name(label!.to)).toMatch(/^L\d+$/);
        checked++;
      }
      expect(checked).toBe(made.truth.counts.LeakyThing);
    });

    it('loads in memlab: per-name and per-type counts equal `corescope objects`, user classes V8\'s snapshot', async () => {
      const [mem, memV8] = await memlabPair();
      expect(mem.nodes.length).toBe(ours.nodeCount);
      expect(mem.edges.length).toBe(ours.s.snapshot.edge_count);
      const objects = await spawnCli(['objects', made.corePath, '-e', made.exe, '--json'], { timeoutMs: 170_000 });
      expect(objects.code, objects.stderr).toBe(0);
      const rows = (JSON.parse(objects.stdout) as { types: Array<{ name: string; count: number; kind: string }> }).types;
      // Every JS object name, with its count, as `corescope objects` has it.
      const a = memlabObjectCounts(mem);
      const byName = new Map(rows.filter((t) => t.kind === 'object').map((t) => [t.name, t.count]));
      expect(a).toEqual(byName);
      // Every node type with as many nodes as objects of that snapshot kind
      // (the synthetic root and root categories aside).
      const perType = new Map<string, number>();
      mem.nodes.forEach((n: IHeapNode) => {
        if (n.type !== 'synthetic') perType.set(n.type, (perType.get(n.type) ?? 0) + 1);
      });
      // (V8 10, Node 18, has no "object shape" type: its maps are hidden.)
      const shapes = v8s.s.snapshot.meta.node_types[0].includes('object shape');
      const perKind = new Map<string, number>();
      for (const t of rows) {
        const kind = t.kind === 'object shape' && !shapes ? 'hidden' : t.kind;
        perKind.set(kind, (perKind.get(kind) ?? 0) + t.count);
      }
      expect(perType).toEqual(perKind);
      // The user classes as memlab reads V8's own snapshot of the process.
      const v8c = memlabObjectCounts(memV8);
      for (const cls of USER_CLASSES) expect([cls, a.get(cls) ?? 0]).toEqual([cls, v8c.get(cls) ?? 0]);
      expect(a.get('LeakyThing')).toBe(made.truth.counts.LeakyThing);
    }, 180_000);

    it('memlab sees the edges V8 gives a LeakyThing: its label property and its referrer', async () => {
      const [mem, memV8] = await memlabPair();
      // Property edges of every LeakyThing, by name (values differ: one label
      // each), __proto__ included.
      const propertyNames = (snap: IHeapSnapshot): Map<string, number> => {
        const keys: string[] = [];
        snap.nodes.forEach((n: IHeapNode) => {
          if (n.type !== 'object' || n.name !== 'LeakyThing') return;
          for (const e of n.references) if (e.type === 'property') keys.push(`${e.name_or_index}->${e.toNode.type}`);
        });
        return countKeys(keys);
      };
      const ourProps = propertyNames(mem);
      const v8Props = propertyNames(memV8);
      expect(ourProps).toEqual(v8Props);
      expect(ourProps.get('label->string')).toBe(made.truth.counts.LeakyThing);
      let checked = 0;
      mem.nodes.forEach((n: IHeapNode) => {
        if (n.type !== 'object' || n.name !== 'LeakyThing') return;
        const label = n.references.find((e) => e.type === 'property' && e.name_or_index === 'label');
        expect(label?.toNode.name).toMatch(/^L\d+$/);
        // Held by the `things` array's elements store, which the leakCache Map retains.
        const arrays = n.referrers.filter((e) => e.fromNode.type === 'array' || e.fromNode.name === 'Array');
        expect(arrays.length).toBeGreaterThan(0);
        checked++;
      });
      expect(checked).toBe(made.truth.counts.LeakyThing);
    }, 180_000);

    it('gives closures, and objects by constructor, the source locations V8 wrote', () => {
      const meta = ours.s.snapshot.meta as { location_fields?: string[] };
      expect(meta.location_fields).toEqual(['object_index', 'script_id', 'line', 'column']);
      const all = ours.locationKeys();
      expect(all.filter((k) => k.startsWith('bad'))).toEqual([]);
      // Per node type and name present in both snapshots, the same set of
      // (script id, line, column): a closure V8's snapshot alone holds (one
      // only a handle scope of the snapshot's own call kept, say) is no
      // location error.
      for (const type of ['closure', 'object']) {
        const mine = all.filter((k) => k.startsWith(`${type}|`));
        const theirs = v8s.locationKeys().filter((k) => k.startsWith(`${type}|`));
        const nameOf = (k: string) => k.split('|')[1]!;
        const ourNames = new Set(mine.map(nameOf));
        const theirNames = new Set(theirs.map(nameOf));
        const ourSet = new Set(mine);
        const theirSet = new Set(theirs);
        const onlyTheirs = [...theirSet].filter((k) => ourNames.has(nameOf(k)) && !ourSet.has(k));
        const onlyOurs = [...ourSet].filter((k) => theirNames.has(nameOf(k)) && !theirSet.has(k));
        expect({ type, onlyTheirs, onlyOurs }).toEqual({ type, onlyTheirs: [], onlyOurs: [] });
        const common = [...theirSet].filter((k) => ourSet.has(k)).length;
        expect(common).toBeGreaterThan(0.95 * theirSet.size);
      }
      const at = (prefix: string) =>
        all.filter((k) => k.startsWith(prefix)).map((k) => {
          const [, , , line, column] = k.split('|');
          return { line: Number(line), column: Number(column) };
        });
      const source = join(SCENARIOS, 'retainers.js');
      // The scenario's `holder` closure: at the '(' after its name.
      expect(at('closure|holder|')).toEqual([sourcePosition(source, /function holder\(/)]);
      // Every LeakyThing: at the '(' of its class's constructor (the first in the file).
      const leaky = at('object|LeakyThing|');
      expect(leaky).toHaveLength(made.truth.counts.LeakyThing!);
      const want = sourcePosition(source, /constructor\(/);
      expect(leaky.filter((p) => p.line !== want.line || p.column !== want.column)).toEqual([]);
    });

    it('--redact replaces string contents but keeps the graph', async () => {
      const r = await spawnCli(['export', made.corePath, '-e', made.exe, '-o', redactedPath, '--redact', '--json'], { timeoutMs: 170_000 });
      expect(r.code, r.stderr).toBe(0);
      const red = new Parsed(redactedPath);
      expect(red.nodeCount).toBe(ours.nodeCount);
      expect(red.s.snapshot.edge_count).toBe(ours.s.snapshot.edge_count);
      let leaked = 0;
      for (let i = 0; i < red.nodeCount; i++) if (red.type(i) === 'string' && /^L\d+$/.test(red.name(i))) leaked++;
      expect(leaked).toBe(0);
    }, 180_000);

    it('fails with USAGE when -o is missing', async () => {
      const r = await spawnCli(['export', made.corePath]);
      expect(r.code).toBe(2);
      expect(r.errLines[0]).toBe('corescope: export needs an output file');
    });
  });
});
