// `stack` / `bt` on real crash cores of every tested Node version. The truth
// is the scenario's own source: each expected line:column is found in
// test/scenarios/crash-timer.js (and lib.js) by its marker comment and the
// token V8 reports the position of (the `throw` for the top frame, the
// callee's name for call sites), so editing the scenario cannot silently
// break the test. Also checks threads against truth.json and --args.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { openCore } from '../../src/api/open-core.js';
import type { StackFrame, StackResult } from '../../src/api/types.js';
import { render as renderStack } from '../../src/cli/commands/stack.js';
import { hasAddon, NO_ADDON, runCli } from '../support/cli.js';
import { makeCore, type MadeCore } from '../support/make-core.js';
import { testedVersions } from '../support/node-versions.js';
import { crashTimerSites, jsFrames, scriptIs, siteOf } from '../support/scenario-sites.js';

/** LIBC: the system's libc, copied for the missing-library case. */
const LIBC = ['/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/x86_64-linux-gnu/libc.so.6'].find((p) => existsSync(p));

describe.skipIf(!hasAddon)(`stack on crash cores ${hasAddon ? '' : NO_ADDON}`, () => {
  describe.each(testedVersions())('Node %i, uncaught Error thrown from a timer', (major) => {
    let made: MadeCore;
    let stack: StackResult;
    let withArgs: StackResult;

    beforeAll(async () => {
      made = await makeCore('crash-timer', major, { args: ['7'] });
      const core = await openCore(made.corePath, { executable: made.exe });
      try {
        stack = await core.stack();
        withArgs = await core.stack({ args: true, threads: 'crashed' });
      } finally {
        await core.close();
      }
    });

    it('lists every thread of the process, the crashing main thread first and only it marked crashed', () => {
      expect(stack.schemaVersion).toBe(1);
      expect(stack.threads.map((t) => t.id).sort((a, b) => a - b)).toEqual(made.truth.threads.map((t) => t.id));
      expect(stack.threads[0]!.id).toBe(made.truth.pid);
      expect(stack.threads[0]!.crashed).toBe(true);
      expect(stack.threads.filter((t) => t.crashed)).toHaveLength(1);
      for (const t of stack.threads) {
        expect(t.frames.length, `thread ${t.id}`).toBeGreaterThan(1);
        for (const f of t.frames) {
          expect(f.pc).toMatch(/^0x[0-9a-f]+$/);
          expect(['registers', 'fp', 'cfi', 'scan']).toContain(f.unwoundBy);
        }
      }
    });

    it('names the JS frames in order: crashNow ← handleRequest ← dispatch ← crashPoint ← timerCallback ← listOnTimeout ← processTimers', () => {
      const names = jsFrames(stack.threads[0]!.frames).map((f) => f.function);
      expect(names.slice(0, 7)).toEqual([
        'crashNow',
        'handleRequest',
        'dispatch',
        'crashPoint',
        'timerCallback',
        'listOnTimeout',
        'processTimers',
      ]);
    });

    it('gives each user frame its file and the exact line:column of the throw or call site', () => {
      const js = jsFrames(stack.threads[0]!.frames);
      for (const [i, site] of crashTimerSites().entries()) {
        const f = js[i]!;
        expect(f.function).toBe(site.function);
        expect(scriptIs(f.script, site.file), `${f.script} is ${site.file}`).toBe(true);
        expect({ line: f.line, column: f.column, positionKind: f.positionKind }, site.function).toEqual({
          line: site.line,
          column: site.column,
          positionKind: 'exact',
        });
      }
      const timers = js.slice(5, 7);
      for (const f of timers) {
        expect(f.script).toBe('node:internal/timers');
        expect(f.line).toBeGreaterThan(0);
      }
    });

    it('labels V8 frames by kind: the throw goes through an exit frame, JS is entered through an entry frame', () => {
      const frames = stack.threads[0]!.frames;
      const kinds = frames.map((f) => f.kind);
      const firstJs = kinds.findIndex((k) => k.startsWith('js'));
      expect(kinds.slice(0, firstJs)).toContain('exit');
      expect(kinds.slice(firstJs)).toContain('entry');
      expect(frames[0]!.kind).toBe('native');
      expect(frames[0]!.unwoundBy).toBe('registers');
      // Below the JS: node's event loop, symbolized from the executable.
      expect(frames.map((f) => f.function)).toContain('uv_run');
      // Builtins run from the remapped embedded blob on Node 22+, from .text before: named either way.
      expect(frames.some((f) => f.symbol?.startsWith('Builtins_InterpreterEntryTrampoline'))).toBe(true);
    });

    it('shows the receiver and arguments of JS frames with --args', () => {
      const js = jsFrames(withArgs.threads[0]!.frames);
      const crashNow = js[0]!;
      expect(crashNow.argc).toBe(1);
      expect(crashNow.args).toHaveLength(1);
      // handleRequest({ id, sessions: sessions.length }) with id 7: 7 × 1000 sessions.
      expect(crashNow.args![0]!.preview).toBe(`{ id: 7, sessions: ${made.truth.counts.sessions} }`);
      expect(crashNow.receiver!.preview).toBe('undefined'); // a strict (ESM) function called plainly
      const timerCallback = js[4]!;
      expect(timerCallback.receiver!.preview).toMatch(/^Timeout @0x/); // node calls timer callbacks on the Timeout
      const dispatch = js[2]!;
      expect(dispatch.function).toBe('dispatch');
      expect(dispatch.argc).toBe(0);
    });
  });

  // Frames of every tier: the scenario forces Turbofan and Sparkplug code with V8's natives
  // syntax and records which tier V8 says each function reached (truth.crash.tiers).
  describe.each(testedVersions())('Node %i, a throw through interpreted, baseline and optimized frames', (major) => {
    let made: MadeCore;
    let frames: StackFrame[];
    let js: StackFrame[];
    // The throw site's frame: interpreted, or baseline where V8 tiered throwDeep up itself.
    let human: string;

    beforeAll(async () => {
      made = await makeCore('crash-optimized', major);
      const core = await openCore(made.corePath, { executable: made.exe });
      try {
        const stack = await core.stack({ threads: 'crashed' });
        frames = stack.threads[0]!.frames;
        js = jsFrames(frames);
        human = renderStack(stack);
      } finally {
        await core.close();
      }
    });

    it('labels each JS frame with the tier V8 reported for its frame at the throw', () => {
      const tiers = (JSON.parse(readFileSync(join(made.dir, 'tiers.json'), 'utf8')) as { frames: Record<string, string> }).frames;
      expect(js.slice(0, 3).map((f) => f.function)).toEqual(['throwDeep', 'viaBaseline', 'viaOptimized']);
      expect(tiers).toMatchObject({ viaBaseline: 'baseline', viaOptimized: 'optimized' });
      for (const f of js.slice(0, 3)) expect(f.kind, f.function!).toBe(`js-${tiers[f.function!]}`);
    });

    it('labels the Array.prototype.forEach between them a builtin frame', () => {
      const i = frames.findIndex((f) => f.function === 'viaOptimized');
      const caller = frames.slice(i + 1).find((f) => f.kind !== 'stub' && f.kind !== 'native');
      expect(caller).toMatchObject({ kind: 'builtin', function: 'forEach' });
      expect(caller!.symbol).toMatch(/^Builtins_ArrayForEach/);
      expect(renderStack({ schemaVersion: 1, threads: [{ id: 1, name: '', crashed: false, signal: 0, stopReason: '', frames: [caller!] }], warnings: [] } as StackResult)).toMatch(/forEach \[builtin Builtins_ArrayForEach/);
    });

    it("gives every tier its call site: interpreted from its bytecode offset, the others from V8's positions, and says which", () => {
      const [deep, baseline, optimized] = js;
      const throwSite = siteOf('throwDeep', 'crash-optimized.js', 'THROW-SITE', 'throw');
      const created = siteOf('throwDeep', 'crash-optimized.js', 'THROW-SITE', 'new Error');
      // The throw: interpreted frames read it from their bytecode offset. A baseline one (V8
      // tiers throwDeep up itself on Node 22/24) takes where V8's message object says the throw
      // is, or else where the Error was created in it (what node prints in the error's stack).
      // (Node 26 may find neither for a baseline top frame: then its function start, said so.)
      const start = siteOf('throwDeep', 'crash-optimized.js', 'function throwDeep(', 'function');
      const want = {
        exact: throwSite,
        'thrown-at': throwSite,
        'error-stack': created,
        'function-start': major >= 26 ? start : undefined,
      }[deep!.kind === 'js-interpreted' ? 'exact' : (deep!.positionKind as 'thrown-at' | 'error-stack' | 'function-start')];
      expect(want, `throwDeep ${deep!.kind} ${deep!.positionKind}`).toBeDefined();
      if (deep!.kind === 'js-interpreted') expect(deep!.positionKind).toBe('exact');
      expect({ line: deep!.line, column: deep!.column }).toEqual({ line: want!.line, column: want!.column });
      // The callers: V8 captured them in the Error, with bytecode positions for optimized frames
      // (and for baseline ones up to Node 24; Node 26 keeps a code offset there that is not
      // decoded, so the frame keeps its function start and says so).
      for (const [f, marker, callee] of [[baseline!, 'CALL-DEEP', 'throwDeep('], [optimized!, 'CALL-BASELINE', 'viaBaseline(']] as const) {
        expect(scriptIs(f.script, 'crash-optimized.js')).toBe(true);
        const site = f.positionKind === 'error-stack'
          ? siteOf(f.function!, 'crash-optimized.js', marker, callee)
          : siteOf(f.function!, 'crash-optimized.js', `function ${f.function}(`, 'function');
        expect(['error-stack', 'function-start']).toContain(f.positionKind);
        expect({ line: f.line, column: f.column }, `${f.function} ${f.positionKind}`).toEqual({ line: site.line, column: site.column });
        const note = f.positionKind === 'error-stack' ? "(from the thrown error's captured stack)" : '(function start)';
        expect(human).toContain(`${f.function} (${f.script}:${f.line}:${f.column}) ${note} [${f.kind}]`);
      }
      expect(optimized!.positionKind).toBe('error-stack');
      if (major < 26) expect(baseline!.positionKind).toBe('error-stack');
    });

    it('without a thrown Error (process.abort() there instead), gives baseline and optimized frames where their function starts and says so', async () => {
      if (major !== (testedVersions().includes(22) ? 22 : testedVersions()[0])) return; // one version is enough
      const aborted = await makeCore('crash-optimized', major, { args: ['abort'] });
      const core = await openCore(aborted.corePath, { executable: aborted.exe });
      let frameOnly: StackFrame[];
      try {
        frameOnly = jsFrames((await core.stack({ threads: 'crashed' })).threads[0]!.frames);
      } finally {
        await core.close();
      }
      for (const f of frameOnly.filter((x) => x.function === 'viaBaseline' || x.function === 'viaOptimized')) {
        const start = siteOf(f.function!, 'crash-optimized.js', `function ${f.function}(`, 'function');
        expect({ line: f.line, column: f.column, positionKind: f.positionKind }, f.function!).toEqual({ line: start.line, column: start.column, positionKind: 'function-start' });
      }
      expect(frameOnly.filter((x) => x.function === 'viaBaseline' || x.function === 'viaOptimized')).toHaveLength(2);
    });
  });

  // A SIGABRT core whose libc is not on this machine any more: the process ran with a copy of
  // libc (LD_LIBRARY_PATH) that is deleted before the core is read. libc's frames are then
  // module + offset, and without its .eh_frame the walk gets out of raise/abort by a
  // validated stack scan and still reaches node::Abort and the JS frames.
  describe.skipIf(!LIBC || process.arch !== 'x64')('a SIGABRT core whose libc file is gone', () => {
    const major = testedVersions().includes(22) ? 22 : testedVersions()[0]!;
    let made: MadeCore;
    let frames: StackFrame[];
    let libDir: string;

    beforeAll(async () => {
      libDir = mkdtempSync(join(tmpdir(), 'corescope-libc-'));
      copyFileSync(LIBC!, join(libDir, 'libc.so.6'));
      try {
        made = await makeCore('abort', major, { env: { LD_LIBRARY_PATH: libDir } });
      } finally {
        rmSync(libDir, { recursive: true, force: true });
      }
      const core = await openCore(made.corePath, { executable: made.exe });
      try {
        frames = (await core.stack({ threads: 'crashed' })).threads[0]!.frames;
      } finally {
        await core.close();
      }
    });

    it('names frames in the missing libc by module + offset, and recovers by a stack scan', () => {
      const inLibc = frames.filter((f) => f.module?.endsWith('/libc.so.6'));
      expect(inLibc.length).toBeGreaterThan(0);
      for (const f of inLibc) {
        expect(f.module).toBe(join(libDir, 'libc.so.6'));
        expect(f.symbol).toBeUndefined();
        expect(f.moduleOffset).toMatch(/^libc\.so\.6\+0x[0-9a-f]+$/);
      }
      expect(frames.some((f) => f.unwoundBy === 'scan')).toBe(true);
      expect(frames.every((f) => f.unwoundBy !== 'cfi' || !f.module?.endsWith('/libc.so.6'))).toBe(true);
      expect(frames.map((f) => f.function)).toContain('node::Abort');
      const js = jsFrames(frames);
      expect(js[0]!.function).toBe('abortNow');
      expect(js.map((f) => f.function)).toContain('timerCallback');
    });
  });

  describe('CLI', () => {
    let made: MadeCore;
    const major = testedVersions().includes(22) ? 22 : testedVersions()[0]!;
    beforeAll(async () => {
      made = await makeCore('crash-timer', major, { args: ['7'] });
    });

    it('`stack --json` prints the StackResult with schemaVersion 1', async () => {
      const run = await runCli(['stack', made.corePath, '--exe', made.exe, '--json', '--crashed']);
      expect(run.code).toBe(0);
      const data = JSON.parse(run.stdout) as StackResult;
      expect(data.schemaVersion).toBe(1);
      expect(data.threads).toHaveLength(1);
      expect(data.threads[0]!.crashed).toBe(true);
      expect(jsFrames(data.threads[0]!.frames)[0]!.function).toBe('crashNow');
    });

    it('`bt` is an alias that prints JS frames as "fn (file:line:col)"', async () => {
      const run = await runCli(['bt', made.corePath, '--exe', made.exe, '--crashed']);
      expect(run.code).toBe(0);
      const site = crashTimerSites()[0]!;
      expect(run.stdout).toContain(`crashNow (`);
      expect(run.stdout).toMatch(new RegExp(`crash-timer\\.js:${site.line}:${site.column}\\) \\[js-`));
      expect(run.stdout).toMatch(/^thread \d+ .*crashed/m);
    });
  });
});
