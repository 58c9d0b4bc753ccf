// One heap per session: objects, instances, inspect, stack, report, refs and
// path on one opened core share a single page table, heap walk and graph
// (native/api/heap_session.h, graph_session.h). The proof is the progress the
// addon reports: the heap walk's phases appear for the first call that needs
// them and never again, whichever command comes next.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Core } from '../../src/api/core.js';
import { openCore } from '../../src/api/open-core.js';
import type { ProgressEvent } from '../../src/api/types.js';
import { hasAddon, NO_ADDON } from '../support/cli.js';
import { makeCore, type MadeCore } from '../support/make-core.js';
import { primaryVersion } from '../support/node-versions.js';

const WALK_PHASES = ['pages', 'walking heap pages', 'roots', 'marking live objects', 'dominators'];

describe.skipIf(!hasAddon)(`one heap per session ${hasAddon ? '' : NO_ADDON}`, () => {
  let made: MadeCore;
  let core: Core;
  let phases: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'corescope-session-'));

  beforeAll(async () => {
    made = await makeCore('uncaught-error', primaryVersion());
    core = await openCore(made.corePath, { executable: made.exe, onProgress: (e: ProgressEvent) => phases.push(e.phase) });
  }, 300_000);
  afterAll(async () => {
    await core?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** phasesOf runs one call and returns the walk phases it reported. */
  async function phasesOf(run: () => Promise<unknown>): Promise<string[]> {
    phases = [];
    await run();
    return [...new Set(phases.filter((p) => WALK_PHASES.includes(p)))];
  }

  it('walks the heap once: the first stack call, then objects builds only the graph on it, then nothing walks again', async () => {
    // stack names JS frames from the heap views: page discovery, no walk.
    const first = await phasesOf(() => core.stack());
    expect(first).toContain('pages');
    expect(first).not.toContain('walking heap pages');

    // objects (live by default) walks the heap and builds the graph, on the same page table.
    const objects = await phasesOf(() => core.objects());
    expect(objects).not.toContain('pages');
    expect(objects).toEqual(expect.arrayContaining(['walking heap pages', 'roots']));

    const { instances } = await core.instances('LeakyThing', { limit: 1 });
    expect(instances).toHaveLength(1);
    const address = instances[0]!.address;
    for (const [name, run] of [
      ['instances', () => core.instances('LeakyThing', { limit: 5 })],
      ['inspect', () => core.inspect(address)],
      ['stack', () => core.stack()],
      ['report', () => core.report()],
      ['refs', () => core.refs(address)],
      ['path', () => core.path(address)],
      ['leaks', () => core.leaks()],
      ['export', () => core.exportSnapshot(join(dir, 'out.heapsnapshot'))],
    ] as const) {
      expect(await phasesOf(run), name).toEqual([]);
    }
    // Retained sizes reuse the graph: at most the dominator pass, never a walk.
    for (const p of await phasesOf(() => core.objects({ retained: true }))) expect(['dominators', 'depth-first numbering']).toContain(p);
    expect(await phasesOf(() => core.objects({ retained: true }))).toEqual([]);
  }, 300_000);
});
