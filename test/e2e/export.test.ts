// `corescope export` on a crash core of test/scenarios/retainers.js whose
// process wrote V8's own heap snapshot (v8.writeHeapSnapshot) just before
// crashing. The exported file is read by a small independent parser here
// (JSON.parse: the cores are small) and checked for the structure DevTools
// requires (key order, node_count × node_fields = nodes.length, edge counts
// summing to edge_count, to_node offsets valid, the root → (GC roots) →
// categories shape) and for the per-class object counts of V8's snapshot.
//
// memlab's parser (@memlab/core) is not used: it depends on puppeteer,
// which downloads a Chrome build on install.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { hasAddon, NO_ADDON, spawnCli } from '../support/cli.js';
import { makeCore, type MadeCore } from '../support/make-core.js';
import { testedVersions } from '../support/node-versions.js';

interface Snapshot {
  snapshot: {
    meta: { node_fields: string[]; node_types: [string[], ...string[]]; edge_fields: string[]; edge_types: [string[], ...string[]] };
    node_count: number;
    edge_count: number;
  };
  nodes: number[];
  edges: number[];
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
  /** objectCounts counts nodes of type "object" per name (V8 names instances by constructor). */
  objectCounts(): Map<string, number> {
    const m = new Map<string, number>();
    for (let i = 0; i < this.nodeCount; i++) if (this.type(i) === 'object') m.set(this.name(i), (m.get(this.name(i)) ?? 0) + 1);
    return m;
  }
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
