// `info` on real cores of every tested Node version, compared with what the
// crashed process recorded about itself (test/scenarios/lib.js truth.json):
// pid, signal, versions, command line, threads, heap spaces, environment.
import { describe, expect, it, beforeAll } from 'vitest';

import { openCore } from '../../src/api/open-core.js';
import type { EnvironmentResult, InfoResult } from '../../src/api/types.js';
import { hasAddon, NO_ADDON, runCli, spawnCli } from '../support/cli.js';
import { makeCore, type MadeCore } from '../support/make-core.js';
import { primaryVersion, testedVersions } from '../support/node-versions.js';

async function infoOf(made: MadeCore): Promise<{ info: InfoResult; env: EnvironmentResult }> {
  const core = await openCore(made.corePath, { executable: made.exe });
  try {
    return { info: await core.info(), env: await core.environment() };
  } finally {
    await core.close();
  }
}

describe.skipIf(!hasAddon)(`info on a crash core ${hasAddon ? '' : NO_ADDON}`, () => {
  describe.each(testedVersions())('Node %i, uncaught exception', (major) => {
    let made: MadeCore;
    let info: InfoResult;
    let env: EnvironmentResult;

    beforeAll(async () => {
      made = await makeCore('uncaught-error', major);
      ({ info, env } = await infoOf(made));
    });

    it('reports the pid and parent pid the process had', () => {
      expect(info.schemaVersion).toBe(1);
      expect(info.pid).toBe(made.truth.pid);
      expect(info.ppid).toBe(made.truth.ppid);
    });

    it('reports SIGTRAP (5), how --abort-on-uncaught-exception ends node', (ctx) => {
      if (made.route !== 'crash') ctx.skip(); // core_pattern is a pipe here: the gcore route has no signal
      expect(made.signal).toBe('SIGTRAP');
      expect(info.signal.number).toBe(5);
      expect(info.signal.name).toBe('SIGTRAP');
      expect(info.signal.live).toBe(false);
    });

    it('reports the Node.js and V8 versions the process reported', () => {
      expect(info.node.version).toBe(made.truth.version);
      expect(info.v8.version).toBe(made.truth.v8.replace(/-node\.\d+$/, ''));
    });

    it('verifies the executable by build-id', () => {
      expect(info.executable.path).toBe(made.exe);
      expect(info.executable.verified).toBe(true);
      expect(info.executable.buildId).toMatch(/^[0-9a-f]{16,}$/);
      expect(info.executable.coreBuildId).toBe(info.executable.buildId);
    });

    it('recovers the command line: execPath, execArgv, script and arguments', () => {
      expect(info.commandLine).toEqual(made.truth.commandLine);
    });

    it('recovers the environment the process started with', () => {
      expect(env.environment).toEqual(made.truth.environment);
      expect(info.environmentCount).toBe(made.truth.environment.length);
    });

    it('lists the threads the process had, exactly one crashed: the main thread', () => {
      expect(info.threads.map((t) => t.id).sort((a, b) => a - b)).toEqual(made.truth.threads.map((t) => t.id));
      const crashed = info.threads.filter((t) => t.crashed);
      if (made.route === 'crash') {
        expect(crashed.map((t) => t.id)).toEqual([made.truth.pid]);
      }
      for (const t of info.threads) {
        expect(t.pc).toMatch(/^0x[0-9a-f]+$/);
        expect(t.sp).toMatch(/^0x[0-9a-f]+$/);
      }
    });

    it('finds V8 heap spaces named as v8.getHeapSpaceStatistics() names them, old_space non-empty', () => {
      expect(info.heap).not.toBeNull();
      const heap = info.heap!;
      const truthNames = made.truth.heapSpaces.map((s) => s.space_name);
      for (const s of heap.spaces) expect(truthNames).toContain(s.name);
      const old = heap.spaces.find((s) => s.name === 'old_space');
      expect(old?.bytes).toBeGreaterThan(0);
      expect(heap.isolates).toBe(1);
      expect(heap.bytes).toBe(heap.spaces.reduce((a, s) => a + s.bytes, 0));
      expect(heap.pages).toBe(heap.spaces.reduce((a, s) => a + s.pages, 0));
    });

    it('sizes each heap space as v8.getHeapSpaceStatistics() did just before the crash', () => {
      // space_size is the memory committed to a space: whole pages, which is
      // what corescope counts. Between that record and the crash the throw
      // itself may allocate (Node 26 took one more 256 KiB old-space page),
      // so a space may have grown by a page or two, never shrunk.
      // read_only_space reports 0 in the statistics (shared); it is left out.
      const PAGE = 256 * 1024;
      const found = new Map(info.heap!.spaces.map((s) => [s.name, s.bytes]));
      for (const t of made.truth.heapSpaces) {
        if (t.space_name === 'read_only_space' || t.space_size === 0) continue;
        const bytes = found.get(t.space_name) ?? 0;
        expect(bytes, t.space_name).toBeGreaterThanOrEqual(t.space_size);
        expect(bytes, t.space_name).toBeLessThanOrEqual(t.space_size + 2 * PAGE);
      }
    });

    it('describes the core file: complete, with its segments', () => {
      expect(info.core.path).toBe(made.corePath);
      expect(info.core.truncated).toBe(false);
      expect(info.core.missingBytes).toBe(0);
      expect(info.core.segments).toBeGreaterThan(10);
      expect(info.core.mapped).toBeGreaterThanOrEqual(info.core.dumped);
      expect(info.metadata.constants).toBeGreaterThan(300);
    });

    it('prints the same JSON from the CLI (--json), with nothing on stderr', async () => {
      const r = await spawnCli(['info', made.corePath, '-e', made.exe, '--json']);
      expect(r.signal).toBeNull();
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(info);
      const warnings = info.warnings.length;
      expect(r.errLines).toHaveLength(warnings);
    });

    it('prints the signal, versions, executable and heap in human form', async () => {
      const r = await runCli(['info', made.corePath, '--exe', made.exe]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(made.truth.version);
      expect(r.stdout).toContain(info.executable.buildId);
      expect(r.stdout).toMatch(new RegExp(`^  pid\\s+${made.truth.pid}\\b`, 'm'));
      if (made.route === 'crash') expect(r.stdout).toMatch(/signal\s+SIGTRAP \(5\)/);
      expect(r.stdout).toMatch(/^\s+old_space\s+\d+/m);
      expect(r.stdout).toMatch(/^\s+\*\s+\d+\s/m); // the crashed thread's marker
    });
  });

  describe(`Node ${primaryVersion()}, a core taken with gcore from a live process`, () => {
    let made: MadeCore;
    let info: InfoResult;
    beforeAll(async () => {
      made = await makeCore('uncaught-error', primaryVersion(), { mode: 'gcore' });
      ({ info } = await infoOf(made));
    });

    it('reports no signal (0), and says so', async () => {
      expect(made.route).toBe('gcore');
      expect(info.signal.number).toBe(0);
      expect(info.signal.live).toBe(true);
      expect(info.threads.filter((t) => t.crashed)).toEqual([]);
      const r = await runCli(['info', made.corePath, '-e', made.exe]);
      expect(r.stdout).toMatch(/signal\s+none: the core was taken from a live process/);
    });

    it('still reports the pid, versions and command line', () => {
      expect(info.pid).toBe(made.truth.pid);
      expect(info.node.version).toBe(made.truth.version);
      expect(info.commandLine).toEqual(made.truth.commandLine);
    });
  });

  describe(`Node ${primaryVersion()}, process.abort()`, () => {
    it('reports SIGABRT (6)', async (ctx) => {
      const made = await makeCore('abort', primaryVersion());
      if (made.route !== 'crash') ctx.skip();
      expect(made.signal).toBe('SIGABRT');
      const { info } = await infoOf(made);
      expect(info.signal.number).toBe(6);
      expect(info.signal.name).toBe('SIGABRT');
      expect(info.threads.filter((t) => t.crashed).map((t) => t.id)).toEqual([made.truth.pid]);
    });
  });
});
