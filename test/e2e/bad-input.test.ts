// Bad input never crashes corescope: each case gives one stderr line naming
// the problem (plus a hint line naming the fix), the documented exit code,
// no signal, and it is quick. Runs the real CLI as a process.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ERRORS, type ErrorCode } from '../../src/api/errors.js';
import { captureCore, locateCore, readCorePattern } from '../../src/capture/capture-core.js';
import { hasAddon, NO_ADDON, spawnCli, type CliRun } from '../support/cli.js';
import { cacheDir, makeCore, SCENARIOS, type MadeCore } from '../support/make-core.js';
import { nodeBinary, primaryVersion } from '../support/node-versions.js';
import { programHeaders } from '../support/program-headers.js';

const QUICK_MS = 15_000;

/** expectCleanError checks the one-line error contract. */
function expectCleanError(r: CliRun, code: ErrorCode, message?: RegExp): void {
  expect(r.signal, r.stderr).toBeNull();
  expect(r.code, r.stderr).toBe(ERRORS[code].exitCode);
  expect(r.errLines[0]).toMatch(/^corescope: \S/);
  if (message) expect(r.errLines[0]).toMatch(message);
  // Exactly the problem and its fix: `corescope: <problem>` then `hint: <fix>`.
  expect(r.errLines, r.stderr).toHaveLength(2);
  expect(r.errLines[1]).toMatch(/^hint: \S/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout).toBe('');
  expect(r.ms).toBeLessThan(QUICK_MS);
}

/** expectBadInput runs argv plain and with --json: the same exit code, one line + hint, and {"error":{code,message,hint}}. */
async function expectBadInput(argv: string[], code: ErrorCode, message?: RegExp): Promise<CliRun> {
  const r = await spawnCli(argv);
  expectCleanError(r, code, message);
  const j = await spawnCli([...argv, '--json']);
  expect(j.signal, j.stderr).toBeNull();
  expect(j.code, j.stderr).toBe(ERRORS[code].exitCode);
  const err = (JSON.parse(j.stdout) as { error: { code: string; message: string; hint?: string } }).error;
  expect(err.code).toBe(code);
  expect(`corescope: ${err.message}`).toBe(r.errLines[0]);
  expect(`hint: ${err.hint}`).toBe(r.errLines[1]);
  return r;
}

/** buildIdOf reads an ELF file's GNU build-id with readelf (an independent reader). */
function buildIdOf(path: string): string {
  const out = spawnSync('readelf', ['-n', path], { encoding: 'utf8' }).stdout;
  return /Build ID:\s*([0-9a-f]+)/.exec(out)?.[1] ?? '';
}

/** noteRange returns the file range of the core's first PT_NOTE segment, read from the ELF program headers. */
function noteRange(corePath: string): { offset: number; size: number } {
  const note = programHeaders(corePath).find((h) => h.type === 4); // PT_NOTE
  if (!note) throw new Error(`${corePath} has no PT_NOTE`);
  return { offset: note.offset, size: note.filesz };
}

describe.skipIf(!hasAddon)(`bad input ${hasAddon ? '' : NO_ADDON}`, () => {
  let dir: string;
  let made: MadeCore;
  beforeAll(async () => {
    dir = mkdtempSync(join(cacheDir(), 'bad-input-'));
    made = await makeCore('uncaught-error', primaryVersion());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports FILE_NOT_FOUND (3) for a missing core', async () => {
    await expectBadInput(['info', join(dir, 'missing-core')], 'FILE_NOT_FOUND', /missing-core: no such file/);
  });

  it('reports NOT_A_CORE (4) for a directory', async () => {
    await expectBadInput(['info', dir], 'NOT_A_CORE', /is a directory/);
  });

  it('reports NOT_A_CORE (4) for an empty file', async () => {
    const p = join(dir, 'empty');
    writeFileSync(p, '');
    await expectBadInput(['info', p], 'NOT_A_CORE', /empty/);
  });

  it('reports NOT_A_CORE (4) for a text file', async () => {
    const p = join(dir, 'notes.txt');
    writeFileSync(p, 'this is not an ELF file\n'.repeat(100));
    await expectBadInput(['info', p], 'NOT_A_CORE');
  });

  it('reports NOT_A_CORE (4) for an ELF executable (the node binary itself)', async () => {
    await expectBadInput(['info', made.exe], 'NOT_A_CORE', /execut|ET_EXEC|not a core/i);
  });

  it("reports NOT_A_NODE_CORE (5) for another program's core (bash killed by SIGSEGV)", async () => {
    const bashDir = join(dir, 'bash');
    mkdirSync(bashDir);
    const cp = readCorePattern();
    let core: string | undefined;
    if (!cp.piped) {
      const started = Date.now();
      const r = spawnSync('bash', ['-c', 'ulimit -c unlimited; exec bash -c \'kill -SEGV $$\''], { cwd: bashDir });
      core = locateCore(cp, { cwd: bashDir, pid: r.pid!, since: started });
    } else {
      const sleeper = spawnSync('bash', ['-c', `sleep 30 & pid=$!; gcore -o ${bashDir}/core $pid >/dev/null 2>&1; kill $pid; echo $pid`], {
        encoding: 'utf8',
      });
      core = join(bashDir, `core.${sleeper.stdout.trim()}`);
    }
    expect(core, 'could not make a core of bash').toBeTruthy();
    await expectBadInput(['info', core!], 'NOT_A_NODE_CORE', /bash|sleep|not node/);
  });

  it('reports EXE_NOT_FOUND (12) for a missing --executable', async () => {
    await expectBadInput(['info', made.corePath, '-e', join(dir, 'no-such-node')], 'EXE_NOT_FOUND', /no-such-node/);
  });

  // The usual way the executable goes missing: the core names a node binary
  // that was since moved or deleted, and no --executable is given.
  it('reports EXE_NOT_FOUND (12) when the binary the core names is gone, naming its path and version', async () => {
    const moved = join(dir, 'moved');
    mkdirSync(moved);
    const exe = join(moved, 'node');
    copyFileSync(made.exe, exe);
    const capture = await captureCore({
      node: exe,
      script: join(SCENARIOS, 'abort.js'),
      cwd: moved,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', CORESCOPE_OUT: moved },
      timeoutMs: 120_000,
    });
    rmSync(exe);
    const r = await expectBadInput(['info', capture.corePath], 'EXE_NOT_FOUND', new RegExp(exe.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    expect(r.stderr).toContain(made.truth.version);
    expect(r.errLines[1]).toMatch(/--executable/);
    rmSync(capture.corePath, { force: true });
  });

  it("reports EXE_MISMATCH (6) for another Node version's binary, naming the build-id it needs", async () => {
    const other = nodeBinary(primaryVersion() === 22 ? 20 : 22);
    const r = await expectBadInput(['info', made.corePath, '-e', other], 'EXE_MISMATCH');
    const needed = buildIdOf(made.exe);
    expect(needed).toMatch(/^[0-9a-f]{16,}$/);
    expect(r.stderr).toContain(needed.slice(0, 12));
  });

  it('reports EXE_MISMATCH (6) for a non-node executable (/bin/true)', async () => {
    await expectBadInput(['info', made.corePath, '-e', '/bin/true'], 'EXE_MISMATCH');
  });

  // The right binary (same build-id) with every v8dbg_ symbol name defaced in
  // .symtab/.dynsym string tables (same length, so the ELF stays valid):
  // what a build without postmortem metadata looks like to corescope.
  it('reports NO_V8_METADATA (7) for the right binary without v8dbg_ symbols', async () => {
    const defaced = join(dir, 'node-without-v8dbg');
    const bytes = readFileSync(made.exe);
    const needle = Buffer.from('v8dbg_');
    let n = 0;
    for (let i = bytes.indexOf(needle); i >= 0; i = bytes.indexOf(needle, i + 1)) {
      bytes.write('v8DBG_', i, 'latin1');
      n++;
    }
    expect(n).toBeGreaterThan(300);
    writeFileSync(defaced, bytes, { mode: 0o755 });
    expect(buildIdOf(defaced)).toBe(buildIdOf(made.exe));
    await expectBadInput(['info', made.corePath, '-e', defaced], 'NO_V8_METADATA', /v8dbg/);
  });

  describe('truncated cores end cleanly: an error code, or success with a truncation warning', () => {
    const cuts: Array<[string, (size: number, notes: { offset: number; size: number }) => number]> = [
      ['32 bytes (inside the ELF header)', () => 32],
      ['64 bytes (the ELF header only)', () => 64],
      ['100 bytes (inside the program headers)', () => 100],
      ['the middle of the notes', (_s, notes) => notes.offset + Math.floor(notes.size / 2)],
      ['the end of the notes (no memory at all)', (_s, notes) => notes.offset + notes.size],
      ['10%', (s) => Math.floor(s * 0.1)],
      ['50%', (s) => Math.floor(s * 0.5)],
      ['90%', (s) => Math.floor(s * 0.9)],
    ];
    for (const [name, at] of cuts) {
      it(`cut at ${name}`, async () => {
        const size = statSync(made.corePath).size;
        const cutAt = at(size, noteRange(made.corePath));
        const cut = join(dir, `core-cut-${cutAt}`);
        // A sparse copy, then truncate: cheap even for large cores.
        const cp = spawnSync('cp', ['--sparse=always', made.corePath, cut]);
        if (cp.status !== 0) copyFileSync(made.corePath, cut);
        spawnSync('truncate', ['-s', String(cutAt), cut]);
        const r = await spawnCli(['info', cut, '-e', made.exe, '--json']);
        rmSync(cut, { force: true });
        expect(r.signal, r.stderr).toBeNull();
        expect(r.ms).toBeLessThan(QUICK_MS);
        if (r.code === 0) {
          const info = JSON.parse(r.stdout);
          expect(info.core.truncated).toBe(true);
          expect(info.core.missingBytes).toBeGreaterThan(0);
          expect(r.stderr).toMatch(/warning/);
        } else {
          expect([ERRORS.CORE_CORRUPT.exitCode, ERRORS.NOT_A_CORE.exitCode], r.stderr).toContain(r.code);
          expect(r.errLines[0]).toMatch(/^corescope: \S/);
          expect(r.errLines[1]).toMatch(/^hint: \S/);
          expect(r.errLines).toHaveLength(2);
          expect(JSON.parse(r.stdout).error.code).toMatch(/CORE_CORRUPT|NOT_A_CORE/);
          expect(r.stderr).not.toMatch(/\n\s+at /);
        }
      });
    }
  });
});
