// `corescope leaks` on every tested Node version: the retainers scenario
// plants a leak (20,000 LeakyThings in an array in a global Map); it must be
// the top suspect, with the right count of its dominant type, a share of the
// live heap that matches the array's retained size, and a path from a GC
// root through `leakCache`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Core } from '../../src/api/core.js';
import { openCore } from '../../src/api/open-core.js';
import type { LeaksResult } from '../../src/api/types.js';
import { hasAddon, NO_ADDON, runCli } from '../support/cli.js';
import { makeCore, type MadeCore } from '../support/make-core.js';
import { testedVersions } from '../support/node-versions.js';

describe.skipIf(!hasAddon)(`leaks ${hasAddon ? '' : NO_ADDON}`, () => {
  describe.each(testedVersions())('Node %i, retainers scenario', (major) => {
    let made: MadeCore;
    let core: Core;
    let leaks: LeaksResult;

    beforeAll(async () => {
      made = await makeCore('retainers', major, { snapshot: true });
      core = await openCore(made.corePath, { executable: made.exe });
      leaks = await core.leaks();
    }, 300_000);
    afterAll(async () => {
      await core?.close();
    });

    it('names the planted leak as the top suspect with the right count', () => {
      expect(leaks.suspects.length).toBeGreaterThanOrEqual(1);
      const top = leaks.suspects[0]!;
      expect(top.name).toBe('Array');
      expect(top.dominant).toMatchObject({ name: 'LeakyThing', count: made.truth.counts.LeakyThing });
      // Each LeakyThing retains itself and one short string: the array retains more than the things.
      expect(top.retainedSize).toBeGreaterThan(top.dominant!.bytes);
      expect(top.share).toBeCloseTo(top.retainedSize / leaks.liveBytes, 6);
      for (const s of leaks.suspects.slice(1)) expect(s.retainedSize).toBeLessThanOrEqual(top.retainedSize);
    });

    it('gives the suspect\'s retained size and a path from a GC root through leakCache', async () => {
      const top = leaks.suspects[0]!;
      const r = await core.retained(top.address!);
      expect(r.retainedSize).toBe(top.retainedSize);
      const names = top.path!.map((s) => s.edge?.name);
      expect(names).toContain('leakCache');
      expect(top.path!.at(-1)!.address).toBe(top.address);
    });

    it('prints the suspects for people and as JSON', async () => {
      const human = await runCli(['leaks', made.corePath, '-e', made.exe, '--top', '2']);
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(/^suspect 1: Array @0x[0-9a-f]+ retains .* of the live heap\)$/m);
      expect(human.stdout).toMatch(new RegExp(`mostly ${made.truth.counts.LeakyThing!.toLocaleString('en-US')} × LeakyThing`));
      const json = await runCli(['leaks', made.corePath, '-e', made.exe, '--json', '--top', '1']);
      const data = JSON.parse(json.stdout) as LeaksResult;
      expect(data.suspects.length).toBe(1);
      expect(data.suspects[0]!.address).toBe(leaks.suspects[0]!.address);
    });
  });
});
