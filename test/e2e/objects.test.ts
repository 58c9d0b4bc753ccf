// `objects` and `instances` are exact: on every tested Node version, the
// population scenario (test/scenarios/population.js) creates known numbers of
// user-class instances, Dates, Maps, Sets and closures and writes V8's own
// heap snapshot as its very last step (--snapshot-last). The counts corescope
// reads from the core must equal both the scenario's truth and the count of
// same-named nodes in the snapshot (V8's own marking and naming).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Core } from '../../src/api/core.js';
import { openCore } from '../../src/api/open-core.js';
import type { ObjectsResult } from '../../src/api/types.js';
import { hasAddon, NO_ADDON, runCli } from '../support/cli.js';
import { makeCore, type MadeCore } from '../support/make-core.js';
import { testedVersions } from '../support/node-versions.js';
import { SnapshotGraph } from '../support/snapshot-graph.js';

function countOf(r: ObjectsResult, name: string): number {
  return r.types.find((t) => t.name === name)?.count ?? 0;
}

/** snapshotCount counts snapshot nodes of a type and name. */
function snapshotCount(s: SnapshotGraph, type: string, name: string): number {
  let n = 0;
  for (let v = 0; v < s.count; v++) if (s.types[v] === type && s.names[v] === name) n++;
  return n;
}

describe.skipIf(!hasAddon)(`objects ${hasAddon ? '' : NO_ADDON}`, () => {
  describe.each(testedVersions())('Node %i, population scenario', (major) => {
    let made: MadeCore;
    let core: Core;
    let snap: SnapshotGraph;
    let objects: ObjectsResult;

    beforeAll(async () => {
      made = await makeCore('population', major, { args: ['--snapshot-last'] });
      expect(made.snapshotPath, 'the scenario wrote a heap snapshot').toBeTruthy();
      snap = new SnapshotGraph(made.snapshotPath!);
      core = await openCore(made.corePath, { executable: made.exe });
      objects = await core.objects();
    }, 300_000);
    afterAll(async () => {
      await core?.close();
    });

    it('counts each user class exactly as the scenario made it and V8\'s snapshot names it', () => {
      const t = made.truth.counts;
      // LeakyChild.prototype is named LeakyThing by V8 too (see the scenario).
      expect(countOf(objects, 'LeakyThing')).toBe(t.namedLeakyThing);
      expect(snapshotCount(snap, 'object', 'LeakyThing')).toBe(t.namedLeakyThing);
      for (const name of ['LeakyChild', 'DictThing']) {
        expect(countOf(objects, name), name).toBe(t[name]);
        expect(snapshotCount(snap, 'object', name), `snapshot ${name}`).toBe(t[name]);
      }
    });

    it('counts Date, Map and Set as the snapshot does', () => {
      for (const name of ['Date', 'Map', 'Set']) {
        expect(countOf(objects, name), name).toBe(snapshotCount(snap, 'object', name));
      }
      expect(countOf(objects, 'Date')).toBeGreaterThanOrEqual(made.truth.counts.scenarioDates!);
    });

    it('counts closures by function name as the snapshot does', () => {
      expect(countOf(objects, '(closure) counterClosure')).toBe(made.truth.counts.counterClosure);
      expect(snapshotCount(snap, 'closure', 'counterClosure')).toBe(made.truth.counts.counterClosure);
    });

    it('walks every page with no resynchronisation', () => {
      expect(objects.resyncBytes).toBe(0);
      expect(objects.totals.objects).toBe(objects.types.reduce((a, t) => a + t.count, 0));
    });

    it('instances lists every LeakyChild with a preview of its fields', async () => {
      const r = await core.instances('LeakyChild', { limit: 5 });
      expect(r.total).toBe(made.truth.counts.LeakyChild);
      expect(r.instances).toHaveLength(5);
      for (const i of r.instances) {
        expect(i.address).toMatch(/^0x[0-9a-f]+$/);
        expect(i.preview).toMatch(/id: \d+/);
        expect(i.preview).toContain('when: Date');
      }
    });

    it('prints the table and --json through the CLI', async () => {
      const json = await runCli(['objects', made.corePath, '-e', made.exe, '--json', '--filter', '/^Leaky/']);
      expect(json.code).toBe(0);
      const parsed = JSON.parse(json.stdout) as ObjectsResult;
      expect(parsed.types.map((t) => t.name).sort()).toEqual(['LeakyChild', 'LeakyThing']);
      const human = await runCli(['objects', made.corePath, '-e', made.exe, '--top', '5', '--sort', 'count']);
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(/count\s+shallow\s+type/);
    });
  });
});
