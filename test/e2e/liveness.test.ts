// Liveness from precise GC roots, on every tested Node version: the garbage
// scenario (test/scenarios/garbage.js) writes V8's heap snapshot (which
// collects garbage first) while N LiveThings are reachable, then promotes
// 20,000 DeadThings to old space, drops them and crashes, so the core holds
// them as unswept garbage. corescope must call exactly the snapshot's
// LiveThings live and every DeadThing garbage — the snapshot is the
// independent truth (V8's own marking), the scenario's truth.json the
// population it made.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Core } from '../../src/api/core.js';
import { openCore } from '../../src/api/open-core.js';
import type { RefsResult } from '../../src/api/types.js';
import { hasAddon, NO_ADDON, runCli } from '../support/cli.js';
import { makeCore, type MadeCore } from '../support/make-core.js';
import { testedVersions } from '../support/node-versions.js';
import { SnapshotGraph } from '../support/snapshot-graph.js';

/** countByClass tallies referrers (objects holding the property) by class and liveness. */
function countByClass(r: RefsResult): Map<string, { live: number; garbage: number }> {
  const out = new Map<string, { live: number; garbage: number }>();
  for (const ref of r.referrers) {
    const c = out.get(ref.name) ?? { live: 0, garbage: 0 };
    if (ref.live) c.live++;
    else c.garbage++;
    out.set(ref.name, c);
  }
  return out;
}

describe.skipIf(!hasAddon)(`liveness ${hasAddon ? '' : NO_ADDON}`, () => {
  describe.each(testedVersions())('Node %i, garbage scenario', (major) => {
    let made: MadeCore;
    let core: Core;
    let snap: SnapshotGraph;
    let tagged: RefsResult;

    beforeAll(async () => {
      made = await makeCore('garbage', major, { snapshot: true });
      expect(made.snapshotPath, 'the scenario wrote a heap snapshot').toBeTruthy();
      snap = new SnapshotGraph(made.snapshotPath!);
      core = await openCore(made.corePath, { executable: made.exe });
      // Both classes have an own property `tag`: refs -n lists every holder.
      tagged = await core.refsByProperty('tag', { max: 1_000_000 });
    }, 300_000);
    afterAll(async () => {
      await core?.close();
    });

    it('finds every isolate root from V8\'s own structures (no fallback)', async () => {
      const g = await core.graph();
      expect(g.preciseRoots).toBe(true);
      expect(g.warnings).toEqual([]);
      const names = g.roots.map((r) => r.name);
      for (const n of ['(Strong roots)', '(Global handles)', '(Handle scope)', '(Stack roots)', '(Builtins)', '(Eternal handles)']) {
        expect(names, n).toContain(n);
      }
      const global = g.roots.find((r) => r.name === '(Global handles)')!;
      expect(global.weak, 'some global handles are weak (BaseObject wrappers)').toBeGreaterThan(0);
      expect(g.liveObjects + g.garbageObjects).toBe(g.objects);
    });

    it('calls exactly the heap snapshot\'s LiveThings live', () => {
      const counts = countByClass(tagged);
      const live = counts.get('LiveThing') ?? { live: 0, garbage: 0 };
      expect(snap.objectsNamed('LiveThing').length).toBe(made.truth.counts.LiveThing);
      expect(live.live).toBe(snap.objectsNamed('LiveThing').length);
      expect(live.garbage).toBe(0);
    });

    it('calls every promoted-then-dropped DeadThing garbage, though all are present', async () => {
      const counts = countByClass(tagged);
      const dead = counts.get('DeadThing') ?? { live: 0, garbage: 0 };
      expect(snap.objectsNamed('DeadThing').length, 'made after the snapshot').toBe(0);
      expect(dead.garbage).toBe(made.truth.counts.DeadThing);
      expect(dead.live).toBe(0);
      const g = await core.graph();
      expect(g.garbageObjects).toBeGreaterThanOrEqual(made.truth.counts.DeadThing!);
    });

    it('path says a DeadThing is garbage (exit 0, no path)', async () => {
      const dead = tagged.referrers.find((r) => r.name === 'DeadThing')!;
      const p = await core.path(dead.address!);
      expect(p.live).toBe(false);
      expect(p.paths).toEqual([]);
      expect(p.message).toMatch(/garbage/);
      const cli = await runCli(['path', made.corePath, dead.address!, '-e', made.exe]);
      expect(cli.code).toBe(0);
      expect(cli.stdout).toMatch(/garbage: no GC root reaches this object/);
    });
  });
});
