// The reference graph on every tested Node version, against what
// test/scenarios/retainers.js built and V8's own heap snapshot of it:
//  * path: global → leakCache → ['things'] → [i] → LeakyThing, a closure
//    variable holding ClosureHeld, nested literal properties to Special,
//    edges named as the scenario named them;
//  * refs: exactly the three known referrers of RefTarget, with their edges;
//    findrefs -n / -s;
//  * retained sizes: per LeakyThing and for the leak's array, equal to those
//    computed here from the snapshot with an independent dominator algorithm
//    (test/support/snapshot-graph.ts);
//  * ephemerons: a WeakMap value is live while its key is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Core } from '../../src/api/core.js';
import { openCore } from '../../src/api/open-core.js';
import type { PathStep, Referrer } from '../../src/api/types.js';
import { hasAddon, NO_ADDON, runCli } from '../support/cli.js';
import { makeCore, type MadeCore } from '../support/make-core.js';
import { testedVersions } from '../support/node-versions.js';
import { SnapshotGraph } from '../support/snapshot-graph.js';

/** edges renders a path as "kind:name" of each step after the first. */
function edges(path: PathStep[]): string[] {
  return path.slice(1).map((s) => `${s.edge?.kind}:${s.edge?.name}`);
}

describe.skipIf(!hasAddon)(`graph ${hasAddon ? '' : NO_ADDON}`, () => {
  describe.each(testedVersions())('Node %i, retainers scenario', (major) => {
    let made: MadeCore;
    let core: Core;
    let snap: SnapshotGraph;
    const holders = new Map<string, Referrer[]>();

    /** holdersOf lists the objects that have an own property `prop`, by class name. */
    async function instances(prop: string, cls: string): Promise<Referrer[]> {
      if (!holders.has(prop)) holders.set(prop, (await core.refsByProperty(prop, { max: 1_000_000 })).referrers);
      return holders.get(prop)!.filter((r) => r.name === cls);
    }

    beforeAll(async () => {
      made = await makeCore('retainers', major, { snapshot: true });
      snap = new SnapshotGraph(made.snapshotPath!);
      core = await openCore(made.corePath, { executable: made.exe });
    }, 300_000);
    afterAll(async () => {
      await core?.close();
    });

    it('finds every LeakyThing through refs -n, all live', async () => {
      const things = await instances('label', 'LeakyThing');
      expect(things.length).toBe(made.truth.counts.LeakyThing);
      expect(things.every((t) => t.live)).toBe(true);
      expect(things.every((t) => t.edge?.kind === 'property' && t.edge.name === 'label')).toBe(true);
    });

    it('paths a LeakyThing from a GC root through the global leakCache Map and its array', async () => {
      const [thing] = await instances('label', 'LeakyThing');
      const r = await core.path(thing!.address!, { max: 5 });
      expect(r.live).toBe(true);
      expect(r.paths.length).toBeGreaterThanOrEqual(1);
      const p = r.paths[0]!;
      expect(p[0]!.address).toBeNull();
      expect(p[0]!.name).toMatch(/^\(.*\)$/);
      expect(p.at(-1)!.address).toBe(thing!.address);
      expect(p.at(-1)!.name).toBe('LeakyThing');
      const e = edges(p);
      expect(e.slice(0, 3)).toEqual(['shortcut:global', "property:leakCache", "element:'things'"]);
      expect(e[3]).toMatch(/^element:\d+$/);
      expect(p.map((s) => s.name).slice(1, 5)).toEqual(['global', 'Map', 'Array', 'LeakyThing']);
      expect(r.distance).toBeGreaterThan(0);
    });

    it('names a closure variable on the path to the object only a closure holds', async () => {
      const [held] = await instances('note', 'ClosureHeld');
      expect(held).toBeDefined();
      const p = (await core.path(held!.address!)).paths[0]!;
      const e = edges(p);
      expect(e.at(-1)).toBe('context:heldByClosure');
      expect(e).toContain('property:holderFn');
      expect(p.at(-2)!.name).toBe('system / Context');
      expect(p.at(-3)!.name).toBe('(closure) holder');
    });

    it('follows nested literal properties', async () => {
      const [special] = await instances('special', 'Special');
      const p = (await core.path(special!.address!)).paths[0]!;
      expect(edges(p).slice(-3)).toEqual(['property:registry', 'property:entries', 'property:special']);
    });

    it('lists exactly the three known referrers of RefTarget, with their edges', async () => {
      const [target] = await instances('kind', 'RefTarget');
      const r = await core.refs(target!.address!);
      expect(r.target!.name).toBe('RefTarget');
      const seen = r.referrers.filter((x) => x.live).map((x) => `${x.name} ${x.edge?.kind}:${x.edge?.name}`).sort();
      expect(seen).toEqual(['Array element:2', 'RefHolderA property:slot', 'RefHolderB property:other']);
      const cli = await runCli(['findrefs', made.corePath, target!.address!, '-e', made.exe, '--json']);
      expect(cli.code).toBe(0);
      expect(JSON.parse(cli.stdout).referrers.length).toBe(r.referrers.length);
    });

    it('findrefs -s finds the objects that refer to a string by its value', async () => {
      const r = await core.refsByString('L7');
      expect(r.strings!.length).toBeGreaterThanOrEqual(1);
      const holdersOfString = r.referrers.filter((x) => x.name === 'LeakyThing');
      expect(holdersOfString.length).toBe(1);
      expect(holdersOfString[0]!.edge).toEqual({ kind: 'property', name: 'label' });
    });

    it('keeps a WeakMap value alive exactly while its key is alive', async () => {
      const all = await instances('live', 'WeakValue');
      const values = all.filter((v) => v.live);
      // The snapshot's GC collected the entry whose key was dropped; in the
      // core that WeakValue is swept or, when no GC ran since, still present
      // as garbage: never live.
      expect(values.length).toBe(snap.objectsNamed('WeakValue').length);
      expect(values.length).toBe(made.truth.counts.liveWeakValue);
      expect(all.length - values.length).toBeLessThanOrEqual(made.truth.counts.deadWeakValue!);
      const p = (await core.path(values[0]!.address!)).paths[0]!;
      expect(p.map((s) => s.name)).toContain('WeakMap');
    });

    it('computes the retained sizes V8\'s snapshot implies (independent dominators)', async () => {
      // Per instance: every LeakyThing retains itself and its own label string, in the core as in the snapshot.
      const things = await instances('label', 'LeakyThing');
      const want = new Set(snap.objectsNamed('LeakyThing').map((v) => snap.retained[v]));
      for (const t of things.slice(0, 20)) {
        const r = await core.retained(t.address!);
        expect(want.has(r.retainedSize), `retained ${r.retainedSize} of ${t.address}`).toBe(true);
        expect(r.retainedSize).toBeGreaterThan(r.selfSize);
      }
      expect(snap.classRetained('LeakyThing')).toBe(things.length * [...want][0]!);
      // The leak's array: its retained size in the core equals the snapshot's.
      const p = (await core.path(things[0]!.address!)).paths[0]!;
      const array = p.at(-2)!;
      expect(array.name).toBe('Array');
      const ours = await core.retained(array.address!);
      const theirs = Math.max(...snap.objectsNamed('Array').map((v) => snap.retained[v]!));
      // The snapshot is taken a few milliseconds before the core: an inline
      // cache may briefly share one LeakyThing (64 bytes) in one but not the
      // other. Anything beyond that would be a real difference.
      const perThing = [...want][0]!;
      expect(Math.abs(ours.retainedSize - theirs), `ours ${ours.retainedSize}, snapshot ${theirs}`).toBeLessThanOrEqual(2 * perThing);
      expect(ours.dominator?.name).toBe('Map');
    });

    it('prints paths and referrers for people, and --json as documented', async () => {
      const [thing] = await instances('label', 'LeakyThing');
      const human = await runCli(['retainers', made.corePath, thing!.address!, '-e', made.exe]);
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(/\.leakCache → Map @0x[0-9a-f]+/);
      expect(human.stdout).toMatch(/\['things'\] → Array @0x[0-9a-f]+/);
      const json = await runCli(['path', made.corePath, thing!.address!, '-e', made.exe, '--json', '--max', '2']);
      const data = JSON.parse(json.stdout) as { paths: Array<Array<{ address: string | null; name: string; edge: unknown }>> };
      expect(data.paths.length).toBeGreaterThanOrEqual(1);
      for (const step of data.paths[0]!) expect(Object.keys(step)).toEqual(['address', 'name', 'edge']);
      const bad = await runCli(['path', made.corePath, '0x10', '-e', made.exe]);
      expect(bad.code).toBe(10);
      expect(bad.errLines[0]).toMatch(/^corescope: 0x10 is not a heap object/);
    });
  });
});
