// `info` on real cores of every tested Node version, compared with what the
// crashed process recorded about itself (test/scenarios/lib.js truth.json):
// pid, signal, versions, command line, threads, heap spaces, environment.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { describe, expect, it, beforeAll } from 'vitest';

import { openCore } from '../../src/api/open-core.js';
import type { EnvironmentResult, HeapSpaceInfo, InfoResult } from '../../src/api/types.js';
import { hasAddon, NO_ADDON, runCli, spawnCli } from '../support/cli.js';
import { makeCore, type MadeCore, type Truth } from '../support/make-core.js';
import { programHeaders } from '../support/program-headers.js';
import { primaryVersion, testedVersions } from '../support/node-versions.js';

const PAGE = 256 * 1024;
type SpaceStats = Truth['heapSpaces'];

/** buildIdOf reads an ELF file's GNU build-id with readelf (an independent reader). */
function buildIdOf(path: string): string {
  const out = spawnSync('readelf', ['-n', path], { encoding: 'utf8' }).stdout;
  return /Build ID:\s*([0-9a-f]+)/.exec(out)?.[1] ?? '';
}

/** loadSegments sums the core's PT_LOAD program headers, read here from the file. */
function loadSegments(corePath: string): { count: number; memsz: number; filesz: number } {
  const loads = programHeaders(corePath).filter((h) => h.type === 1); // PT_LOAD
  return {
    count: loads.length,
    filesz: loads.reduce((a, h) => a + h.filesz, 0),
    memsz: loads.reduce((a, h) => a + h.memsz, 0),
  };
}

/**
 * spacesMatch: each space V8 reported (space_size, the memory committed to
 * it, whole pages) is in the core with that size or up to two pages more —
 * between the record and the crash the throw itself may allocate (Node 26
 * took one more 256 KiB old-space page) — in pages of at most 256 KiB.
 * read_only_space reports 0 in the statistics (shared); it is left out.
 */
function spacesMismatch(found: HeapSpaceInfo[], truth: SpaceStats): string | null {
  const byName = new Map(found.map((s) => [s.name, s]));
  for (const t of truth) {
    if (t.space_name === 'read_only_space' || t.space_size === 0) continue;
    const f = byName.get(t.space_name);
    const bytes = f?.bytes ?? 0;
    if (bytes < t.space_size || bytes > t.space_size + 2 * PAGE) return `${t.space_name}: ${bytes} vs ${t.space_size}`;
    // A regular page is at most 256 KiB (V8 shrinks some snapshot pages).
    if (!t.space_name.includes('large_object') && f!.pages < Math.ceil(f!.bytes / PAGE)) return `${t.space_name}: ${f!.pages} pages`;
    if (f!.pages < 1) return `${t.space_name}: no pages`;
  }
  for (const f of found) {
    if (f.name !== 'read_only_space' && !truth.some((t) => t.space_name === f.name && t.space_size > 0)) {
      if (f.bytes > 2 * PAGE) return `${f.name}: ${f.bytes} bytes where V8 reported none`;
    }
  }
  return null;
}

/** permutations of [0..n). */
function permutations(n: number): number[][] {
  if (n <= 1) return [[...Array(n).keys()]];
  return permutations(n - 1).flatMap((p) => [...Array(n).keys()].map((i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

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
      expect(info.signal.senderPid).toBeNull(); // int3: raised by the kernel, not sent
    });

    it('finds the executable on its own from the path the core recorded (NT_FILE), verified', async () => {
      const core = await openCore(made.corePath);
      try {
        const own = await core.info();
        expect(own.executable.path).toBe(made.exe);
        expect(own.executable.foundBy).toBe('NT_FILE');
        expect(own.executable.verified).toBe(true);
        expect(own.node.version).toBe(made.truth.version);
      } finally {
        await core.close();
      }
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

    it('sizes each heap space (pages and bytes) as v8.getHeapSpaceStatistics() did just before the crash', () => {
      expect(spacesMismatch(info.heap!.spaces, made.truth.heapSpaces)).toBeNull();
      expect(info.heap!.perIsolate).toHaveLength(1);
      expect(spacesMismatch(info.heap!.perIsolate[0]!.spaces, made.truth.heapSpaces)).toBeNull();
    });

    it("names the main thread as the kernel did (/proc/<pid>/task/<tid>/comm), other names only where known", () => {
      const truthName = new Map(made.truth.threads.map((t) => [t.id, t.name]));
      const main = info.threads.find((t) => t.id === made.truth.pid);
      expect(main?.name).toBe(truthName.get(made.truth.pid));
      expect(main?.name).not.toBe('');
      // Other threads' names live only in the kernel, not in the core: empty,
      // never a wrong name.
      for (const t of info.threads) if (t.name) expect(t.name, `thread ${t.id}`).toBe(truthName.get(t.id));
    });

    it("reports the executable's build-id as readelf reads it from the binary", () => {
      expect(info.executable.buildId).toBe(buildIdOf(made.exe));
    });

    it('describes the core file: size on disk (stat) vs apparent vs mapped (the PT_LOAD headers), complete', () => {
      const st = statSync(made.corePath);
      const loads = loadSegments(made.corePath);
      expect(info.core.path).toBe(made.corePath);
      expect(info.core.size).toBe(st.size);
      expect(info.core.onDisk).toBe(st.blocks * 512);
      expect(info.core.segments).toBe(loads.count);
      expect(info.core.mapped).toBe(loads.memsz);
      expect(info.core.dumped).toBe(loads.filesz);
      expect(info.core.mapped).toBeGreaterThan(info.core.dumped); // .text of node is never dumped
      expect(info.core.truncated).toBe(false);
      expect(info.core.missingBytes).toBe(0);
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

    it('prints every field of the JSON in the human form too', async () => {
      const r = await runCli(['info', made.corePath, '-e', made.exe]);
      const line = (key: string) => new RegExp(`^  ${key}\\s+(.*)$`, 'm').exec(r.stdout)?.[1] ?? '';
      expect(line('command line')).toBe(made.truth.commandLine.join(' ')); // no spaces or quotes in these paths
      expect(line('v8')).toBe(info.v8.version);
      expect(line('node')).toBe(made.truth.version);
      expect(line('path')).toBe(made.exe);
      expect(line('build-id')).toBe(buildIdOf(made.exe));
      expect(line('verified')).toMatch(/^yes/);
      expect(line('isolates')).toBe('1');
      expect(line('size')).toMatch(/on disk, .* apparent/);
      expect(line('memory')).toMatch(/mapped, .* dumped/);
      for (const t of made.truth.threads) expect(r.stdout).toMatch(new RegExp(`^\\s+\\*?\\s+${t.id}\\s`, 'm'));
      const mainName = made.truth.threads.find((t) => t.id === made.truth.pid)!.name;
      expect(r.stdout).toMatch(new RegExp(`^\\s+\\*\\s+${made.truth.pid}\\s+${mainName}\\s`, 'm'));
      for (const s of info.heap!.spaces) expect(r.stdout).toMatch(new RegExp(`^  ${s.name}\\s+${s.pages}\\s`, 'm'));
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

  describe.each(testedVersions())('Node %i, other signals', (major) => {
    it('reports SIGABRT (6) for process.abort()', async (ctx) => {
      const made = await makeCore('abort', major);
      if (made.route !== 'crash') ctx.skip();
      expect(made.signal).toBe('SIGABRT');
      const { info } = await infoOf(made);
      expect(info.pid).toBe(made.truth.pid);
      expect(info.signal.number).toBe(6);
      expect(info.signal.name).toBe('SIGABRT');
      expect(info.signal.senderPid).toBe(made.truth.pid); // abort() raises it with tgkill
      expect(info.threads.filter((t) => t.crashed).map((t) => t.id)).toEqual([made.truth.pid]);
      const r = await runCli(['info', made.corePath, '-e', made.exe]);
      expect(r.stdout).toMatch(new RegExp(`signal\\s+SIGABRT \\(6\\): aborted.*; sent by pid ${made.truth.pid} \\(itself\\)$`, 'm'));
    });

    it('reports SIGSEGV (11) sent with process.kill, and who sent it', async (ctx) => {
      const made = await makeCore('crash-segv', major);
      if (made.route !== 'crash') ctx.skip();
      expect(made.signal).toBe('SIGSEGV');
      const { info } = await infoOf(made);
      expect(info.pid).toBe(made.truth.pid);
      expect(info.signal.number).toBe(11);
      expect(info.signal.name).toBe('SIGSEGV');
      // Sent with process.kill: no faulting address, the sender's pid instead.
      expect(info.signal.address).toBeNull();
      expect(info.signal.senderPid).toBe(made.truth.pid);
      expect(info.threads.filter((t) => t.crashed).map((t) => t.id)).toEqual([made.truth.pid]);
      const r = await spawnCli(['info', made.corePath, '-e', made.exe, '--json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).signal.name).toBe('SIGSEGV');
    });
  });

  describe.each(testedVersions())('Node %i, worker threads', (major) => {
    let made: MadeCore;
    let info: InfoResult;
    beforeAll(async () => {
      made = await makeCore('workers', major);
      ({ info } = await infoOf(made));
    });

    it('counts one isolate (V8 heap) per worker thread plus the main thread', () => {
      expect(made.truth.counts.isolates).toBe(made.truth.counts.workers! + 1);
      expect(info.heap!.isolates).toBe(made.truth.counts.isolates);
      expect(info.heap!.perIsolate).toHaveLength(made.truth.counts.isolates!);
      expect(new Set(info.heap!.perIsolate.map((h) => h.heap)).size).toBe(made.truth.counts.isolates);
    });

    it("sizes each isolate's heap as that thread's own v8.getHeapSpaceStatistics() did", () => {
      // Worker threads reported their own statistics to the main thread (truth.crash.workers).
      const truths: SpaceStats[] = [made.truth.heapSpaces, ...(made.truth.crash as unknown as { workers: Array<{ heapSpaces: SpaceStats }> }).workers.map((w) => w.heapSpaces)];
      const found = info.heap!.perIsolate;
      expect(found).toHaveLength(truths.length);
      const fits = permutations(found.length).some((perm) => perm.every((t, i) => spacesMismatch(found[i]!.spaces, truths[t]!) === null));
      expect(fits, JSON.stringify(found.map((f) => f.spaces))).toBe(true);
      for (const f of found) {
        expect(f.bytes).toBe(f.spaces.reduce((a, s) => a + s.bytes, 0));
        expect(f.pages).toBe(f.spaces.reduce((a, s) => a + s.pages, 0));
      }
    });

    it('lists every thread, workers included, and says so in the human form', async () => {
      expect(info.threads.map((t) => t.id).sort((a, b) => a - b)).toEqual(made.truth.threads.map((t) => t.id));
      const r = await runCli(['info', made.corePath, '-e', made.exe]);
      expect(r.stdout).toMatch(new RegExp(`^  isolates\\s+${made.truth.counts.isolates} \\(the main thread and worker threads`, 'm'));
    });
  });
});
