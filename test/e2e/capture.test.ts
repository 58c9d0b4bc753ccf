// `corescope capture` on a live node process (test/scenarios/leak-steps.js):
// two captures of one process, which must keep running (it answers the next
// step afterwards), and whose cores open with `info` as live dumps of that
// pid. Plus the one-line errors: no such pid, not a node process, bad pid.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openCore } from '../../src/api/open-core.js';
import { hasGcore } from '../../src/capture/capture-core.js';
import { hasAddon, NO_ADDON, spawnCli } from '../support/cli.js';
import { SCENARIOS, scenarioEnv } from '../support/make-core.js';
import { nodeBinary, primaryVersion } from '../support/node-versions.js';

/** LeakProcess drives test/scenarios/leak-steps.js over stdin/stdout. */
class LeakProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly pid: number;
  #lines: string[] = [];
  #waiters: Array<() => void> = [];

  constructor(node: string, env: NodeJS.ProcessEnv = {}) {
    // One malloc arena keeps the gcore dump smaller (each arena reserves 64 MiB gdb writes out).
    this.child = spawn(node, [join(SCENARIOS, 'leak-steps.js')], { env: scenarioEnv({ MALLOC_ARENA_MAX: '1', ...env }) });
    this.pid = this.child.pid!;
    createInterface({ input: this.child.stdout }).on('line', (l) => {
      this.#lines.push(l);
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  /** ready waits for "ready <step>". */
  async ready(step: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#lines.some((l) => l.startsWith(`ready ${step} `))) {
      if (Date.now() > deadline) throw new Error(`leak-steps did not reach step ${step}: ${this.#lines.join(' | ')}`);
      await new Promise<void>((r) => {
        this.#waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }

  step(): void {
    this.child.stdin.write('step\n');
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }
}

const canCapture = hasAddon && hasGcore();
const WHY = !hasAddon ? NO_ADDON : 'SKIPPED: gcore (gdb) is not installed';

describe.skipIf(!canCapture)(`capture of a live process ${canCapture ? '' : WHY}`, () => {
  let dir: string;
  let proc: LeakProcess;
  let run: Awaited<ReturnType<typeof spawnCli>>;
  let result: {
    pid: number;
    executable: string;
    captures: Array<{ path: string; bytes: number; gcoreMs: number; pausedMs: number; alive: boolean }>;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'corescope-capture-'));
    proc = new LeakProcess(nodeBinary(primaryVersion()));
    await proc.ready(1);
    run = await spawnCli(['capture', String(proc.pid), '-o', join(dir, 'series'), '--count', '2', '--every', '0', '--json'], { timeoutMs: 170_000 });
    result = JSON.parse(run.stdout);
  }, 180_000);

  afterAll(() => {
    proc?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes two cores, <file>.1 and <file>.2, and exits 0', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(result.pid).toBe(proc.pid);
    expect(result.captures.map((c) => c.path)).toEqual([join(dir, 'series.1'), join(dir, 'series.2')]);
    for (const c of result.captures) {
      expect(existsSync(c.path)).toBe(true);
      expect(statSync(c.path).size).toBe(c.bytes);
    }
  });

  it('reports a pause no longer than the gcore run', () => {
    for (const c of result.captures) {
      expect(c.gcoreMs).toBeGreaterThan(0);
      expect(c.pausedMs).toBeGreaterThanOrEqual(0);
      expect(c.pausedMs).toBeLessThanOrEqual(c.gcoreMs);
    }
  });

  it('leaves the process running: it answers the next step', async () => {
    expect(result.captures.every((c) => c.alive)).toBe(true);
    expect(() => process.kill(proc.pid, 0)).not.toThrow();
    proc.step();
    await proc.ready(2);
  });

  it('writes cores that open with info as live dumps of that pid', async () => {
    for (const c of result.captures) {
      const core = await openCore(c.path);
      try {
        const info = await core.info();
        expect(info.pid).toBe(proc.pid);
        expect(info.signal.live).toBe(true);
        expect(info.executable.verified).toBe(true);
      } finally {
        await core.close();
      }
    }
  }, 60_000);
});

describe.skipIf(!hasGcore())('capture errors', () => {
  it('names a pid that does not exist (NOT_FOUND, exit 13)', async () => {
    const gone = spawnSync('true').pid!; // a pid that just exited
    const r = await spawnCli(['capture', String(gone)]);
    expect(r.code).toBe(13);
    expect(r.errLines[0]).toBe(`corescope: no process with pid ${gone}`);
  });

  it('refuses a process that is not node (NOT_A_NODE_PROCESS, exit 18)', async () => {
    const sleeper = spawn('sleep', ['30']);
    try {
      const r = await spawnCli(['capture', String(sleeper.pid)]);
      expect(r.code).toBe(18);
      expect(r.errLines[0]).toMatch(new RegExp(`^corescope: pid ${sleeper.pid} runs .*sleep.*, which is not node`));
      expect(r.errLines[1]).toMatch(/^hint: /);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('rejects a pid that is not a number (USAGE, exit 2)', async () => {
    const r = await spawnCli(['capture', 'abc']);
    expect(r.code).toBe(2);
    expect(r.errLines[0]).toBe('corescope: pid must be an integer >= 1, not "abc"');
  });
});
