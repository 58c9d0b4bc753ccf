// `corescope diff` on three gcore captures of one live process
// (test/scenarios/leak-steps.js) taken after steps 1, 2 and 3: each step
// leaks exactly K LeakyEntry objects, so the diff must report K, 2K, 3K
// (growth 2K, at every step) while StableThing stays flat; and
// --fail-on-growth must turn that growth into exit 17.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Core } from '../../src/api/core.js';
import { hasGcore } from '../../src/capture/capture-core.js';
import { gcoreLive } from '../../src/capture/live-capture.js';
import { hasAddon, NO_ADDON, spawnCli } from '../support/cli.js';
import { SCENARIOS, scenarioEnv } from '../support/make-core.js';
import { nodeBinary, primaryVersion } from '../support/node-versions.js';

const K = 1234;
const STABLE = 500;
const hasObjects = 'objects' in Core.prototype;
const canRun = hasAddon && hasGcore() && hasObjects;
const WHY = !hasAddon
  ? NO_ADDON
  : !hasGcore()
    ? 'SKIPPED: gcore (gdb) is not installed'
    : 'SKIPPED: Core.objects() (the heap histogram diff reads) is not in this build yet';

interface TypeRow {
  name: string;
  counts: number[];
  sizes: number[];
  delta: number;
  sizeDelta: number;
  growsEveryStep: boolean;
}

describe.skipIf(!canRun)(`diff of three captures of a leaking process ${canRun ? '' : WHY}`, () => {
  let dir: string;
  let child: ChildProcessWithoutNullStreams;
  const cores: string[] = [];
  let types: Record<string, TypeRow>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'corescope-diff-'));
    child = spawn(nodeBinary(primaryVersion()), [join(SCENARIOS, 'leak-steps.js')], {
      env: scenarioEnv({ MALLOC_ARENA_MAX: '1', SCENARIO_LEAK_PER_STEP: String(K), SCENARIO_STABLE: String(STABLE) }),
    });
    const lines: string[] = [];
    createInterface({ input: child.stdout }).on('line', (l) => lines.push(l));
    const ready = async (step: number) => {
      const deadline = Date.now() + 30_000;
      while (!lines.some((l) => l.startsWith(`ready ${step} `))) {
        if (Date.now() > deadline) throw new Error(`leak-steps did not reach step ${step}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    for (let step = 1; step <= 3; step++) {
      if (step > 1) child.stdin.write('step\n');
      await ready(step);
      cores.push((await gcoreLive(child.pid!, join(dir, `core.${step}`))).path);
    }
    const r = await spawnCli(['diff', ...cores, '--json'], { timeoutMs: 170_000 });
    expect(r.code, r.stderr).toBe(0);
    types = Object.fromEntries((JSON.parse(r.stdout).types as TypeRow[]).map((t) => [t.name, t]));
  }, 300_000);

  afterAll(() => {
    child?.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('counts exactly K, 2K and 3K LeakyEntry objects, growing at every step', () => {
    expect(types.LeakyEntry!.counts).toEqual([K, 2 * K, 3 * K]);
    expect(types.LeakyEntry!.delta).toBe(2 * K);
    expect(types.LeakyEntry!.sizeDelta).toBeGreaterThan(0);
    expect(types.LeakyEntry!.growsEveryStep).toBe(true);
  });

  it('reports the StableThing population as flat', () => {
    expect(types.StableThing!.counts).toEqual([STABLE, STABLE, STABLE]);
    expect(types.StableThing!.delta).toBe(0);
    expect(types.StableThing!.growsEveryStep).toBe(false);
  });

  it('exits 17 (GROWTH_DETECTED) when growth passes --fail-on-growth, 0 when within it', async () => {
    const over = await spawnCli(['diff', cores[0]!, cores[1]!, '--fail-on-growth', `LeakyEntry=${K - 1}`], { timeoutMs: 170_000 });
    expect(over.code).toBe(17);
    expect(over.errLines.find((l) => l.startsWith('corescope: '))).toBe(
      `corescope: heap growth over the limit: LeakyEntry grew by ${K.toLocaleString('en-US')} (limit ${(K - 1).toLocaleString('en-US')})`,
    );
    const within = await spawnCli(['diff', cores[0]!, cores[1]!, '--fail-on-growth', `LeakyEntry=${K}`], { timeoutMs: 170_000 });
    expect(within.code, within.stderr).toBe(0);
  }, 300_000);
});
