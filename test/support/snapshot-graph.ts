// An independent reading of V8's own heap snapshot (v8.writeHeapSnapshot,
// taken by a scenario before it crashed), for the graph tests: per-class
// object counts, and dominators + retained sizes computed here with the
// iterative algorithm of Cooper, Harvey and Kennedy ("A Simple, Fast
// Dominance Algorithm", 2001) over the snapshot's nodes and non-weak edges
// — a different algorithm on a different graph than corescope's Semi-NCA
// over the core, so agreement is evidence. DevTools computes retained sizes
// in its front end the same way (weak edges do not retain).
import { readFileSync } from 'node:fs';

interface RawSnapshot {
  snapshot: {
    meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** SnapshotGraph is a parsed .heapsnapshot with dominators and retained sizes. */
export class SnapshotGraph {
  readonly count: number;
  readonly names: string[];
  readonly types: string[];
  readonly selfSize: Float64Array;
  /** idom[v]: immediate dominator (the root dominates itself); -1 when unreachable. */
  readonly idom: Int32Array;
  readonly retained: Float64Array;

  constructor(path: string) {
    const raw = JSON.parse(readFileSync(path, 'utf8')) as RawSnapshot;
    const meta = raw.snapshot.meta;
    const nf = meta.node_fields.length;
    const ef = meta.edge_fields.length;
    const fType = meta.node_fields.indexOf('type');
    const fName = meta.node_fields.indexOf('name');
    const fSize = meta.node_fields.indexOf('self_size');
    const fEdges = meta.node_fields.indexOf('edge_count');
    const eType = meta.edge_fields.indexOf('type');
    const eTo = meta.edge_fields.indexOf('to_node');
    const nodeTypes = meta.node_types[0];
    const edgeTypes = meta.edge_types[0];
    const n = raw.nodes.length / nf;
    this.count = n;
    this.names = new Array<string>(n);
    this.types = new Array<string>(n);
    this.selfSize = new Float64Array(n);
    // Successors over non-weak edges, as CSR.
    const first = new Int32Array(n + 1);
    const targets: number[] = [];
    let e = 0;
    for (let v = 0; v < n; v++) {
      this.names[v] = raw.strings[raw.nodes[v * nf + fName]!]!;
      this.types[v] = nodeTypes[raw.nodes[v * nf + fType]!]!;
      this.selfSize[v] = raw.nodes[v * nf + fSize]!;
      first[v] = targets.length;
      const edges = raw.nodes[v * nf + fEdges]!;
      for (let k = 0; k < edges; k++, e += ef) {
        if (edgeTypes[raw.edges[e + eType]!] === 'weak') continue;
        targets.push(raw.edges[e + eTo]! / nf);
      }
    }
    first[n] = targets.length;

    // Postorder numbering by an iterative DFS from the root (node 0).
    const post = new Int32Array(n).fill(-1);
    const order: number[] = [];
    const seen = new Uint8Array(n);
    const stack: number[] = [0];
    const cursor = new Int32Array(n);
    seen[0] = 1;
    cursor[0] = first[0]!;
    while (stack.length) {
      const v = stack[stack.length - 1]!;
      if (cursor[v]! < first[v + 1]!) {
        const w = targets[cursor[v]!++]!;
        if (!seen[w]) {
          seen[w] = 1;
          cursor[w] = first[w]!;
          stack.push(w);
        }
      } else {
        post[v] = order.length;
        order.push(v);
        stack.pop();
      }
    }
    const preds: number[][] = Array.from({ length: n }, () => []);
    for (let v = 0; v < n; v++) {
      if (!seen[v]) continue;
      for (let i = first[v]!; i < first[v + 1]!; i++) preds[targets[i]!]!.push(v);
    }
    const idom = new Int32Array(n).fill(-1);
    idom[0] = 0;
    const intersect = (a: number, b: number): number => {
      while (a !== b) {
        while (post[a]! < post[b]!) a = idom[a]!;
        while (post[b]! < post[a]!) b = idom[b]!;
      }
      return a;
    };
    for (let changed = true; changed; ) {
      changed = false;
      for (let i = order.length - 1; i >= 0; i--) {
        const v = order[i]!;
        if (v === 0) continue;
        let d = -1;
        for (const p of preds[v]!) {
          if (idom[p] === -1) continue;
          d = d === -1 ? p : intersect(p, d);
        }
        if (d !== idom[v]) {
          idom[v] = d;
          changed = true;
        }
      }
    }
    this.idom = idom;
    const retained = new Float64Array(n);
    for (let v = 0; v < n; v++) if (seen[v]) retained[v] = this.selfSize[v]!;
    for (const v of order) if (v !== 0 && idom[v]! >= 0) retained[idom[v]!] += retained[v]!;
    this.retained = retained;
  }

  /** objectsNamed returns the nodes of type "object" named `name` (instances of a class). */
  objectsNamed(name: string): number[] {
    const out: number[] = [];
    for (let v = 0; v < this.count; v++) if (this.types[v] === 'object' && this.names[v] === name) out.push(v);
    return out;
  }

  /** classRetained sums the retained sizes of a class's instances that no other instance of it dominates. */
  classRetained(name: string): number {
    const members = new Set(this.objectsNamed(name));
    let total = 0;
    for (const v of members) {
      let u = this.idom[v]!;
      let dominated = false;
      while (u > 0) {
        if (members.has(u)) {
          dominated = true;
          break;
        }
        u = this.idom[u]!;
      }
      if (!dominated && this.idom[v]! !== -1) total += this.retained[v]!;
    }
    return total;
  }
}
