// makeCore runs a scenario script (test/scenarios/<name>.js) with a given
// official node binary until it dumps core — crashing under `ulimit -c
// unlimited` with --abort-on-uncaught-exception, or with gcore when
// core_pattern pipes to a handler (src/capture/capture-core.ts) — and returns
// the core, the executable and the scenario's own truth.json.
//
// Each (scenario, version, mode) core is made once per test run and shared by
// all test files: the first caller holds a lock directory in the run's cache
// dir (global-setup.ts), the others wait for its made.json.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';

import { captureCore, type CaptureRoute } from '../../src/capture/capture-core.js';
import { nodeBinary, pinnedVersion } from './node-versions.js';
import { REPO } from './repo.js';

export { REPO };
export const SCENARIOS = join(REPO, 'test', 'scenarios');

/** Truth is what a scenario recorded about itself right before it crashed (test/scenarios/lib.js). */
export interface Truth {
  scenario: string;
  pid: number;
  ppid: number;
  version: string;
  v8: string;
  execPath: string;
  execArgv: string[];
  argv: string[];
  /** commandLine is the kernel's argv: execPath, execArgv, then script and arguments. */
  commandLine: string[];
  environment: string[];
  threads: Array<{ id: number; name: string }>;
  counts: Record<string, number>;
  heapSpaces: Array<{ space_name: string; space_size: number; space_used_size: number; physical_space_size: number }>;
  crash: { kind: string; function: string; message?: string };
}

export interface MadeCore {
  corePath: string;
  exe: string;
  truth: Truth;
  /** snapshotPath is the V8 heap snapshot taken just before the crash (snapshot: true). */
  snapshotPath?: string;
  route: CaptureRoute;
  /** signal that ended the process on the crash route, null for gcore. */
  signal: string | null;
  dir: string;
  nodeVersion: string;
}

export interface MakeCoreOptions {
  /** mode 'gcore' takes the core from the live, paused process instead of crashing it. */
  mode?: 'crash' | 'gcore';
  snapshot?: boolean;
  args?: string[];
  /** env: extra environment variables for the scenario (part of the cache key). */
  env?: Record<string, string>;
}

/** cacheDir returns this run's core cache directory. */
export function cacheDir(): string {
  let dir: string | undefined;
  try {
    dir = inject('coreCacheDir');
  } catch {
    dir = undefined;
  }
  dir ??= process.env.CORESCOPE_TEST_CACHE;
  if (!dir) throw new Error('no core cache dir: run through vitest (globalSetup) or set CORESCOPE_TEST_CACHE');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** makeCore returns the core of `scenario` under Node `major`, making it on first use. */
export async function makeCore(scenario: string, major: number | string, opts: MakeCoreOptions = {}): Promise<MadeCore> {
  const mode = opts.mode ?? 'crash';
  const version = pinnedVersion(major);
  const key = [scenario, `node${version}`, mode, opts.snapshot ? 'snap' : '', ...(opts.args ?? []), ...Object.keys(opts.env ?? {})].filter(Boolean).join('-');
  const dir = join(cacheDir(), key.replace(/[^A-Za-z0-9._-]/g, '_'));
  return withLock(dir, () => make(scenario, version, dir, mode, opts));
}

async function make(scenario: string, version: string, dir: string, mode: 'crash' | 'gcore', opts: MakeCoreOptions): Promise<MadeCore> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const exe = nodeBinary(version);
  // A small, fixed environment: the scenario records it as truth.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C',
    CORESCOPE_OUT: dir,
    CORESCOPE_SCENARIO: scenario,
    ...(opts.snapshot ? { CORESCOPE_SNAPSHOT: '1' } : {}),
    ...opts.env,
  };
  const capture = await captureCore({
    node: exe,
    script: join(SCENARIOS, `${scenario}.js`),
    args: opts.args,
    cwd: dir,
    env,
    route: mode === 'gcore' ? 'gcore' : 'auto',
    timeoutMs: 120_000,
  });
  const truthPath = join(dir, 'truth.json');
  if (!existsSync(truthPath)) throw new Error(`scenario ${scenario} wrote no truth.json; stderr: ${capture.stderr.slice(-500)}`);
  const made: MadeCore = {
    corePath: capture.corePath,
    exe,
    truth: JSON.parse(readFileSync(truthPath, 'utf8')) as Truth,
    route: capture.route,
    signal: capture.signal,
    dir,
    nodeVersion: version,
  };
  const snap = join(dir, 'heap.heapsnapshot');
  if (existsSync(snap)) made.snapshotPath = snap;
  return made;
}

/** withLock makes `dir`'s made.json exactly once across processes. */
async function withLock(dir: string, build: () => Promise<MadeCore>): Promise<MadeCore> {
  const done = join(dir, 'made.json');
  const lock = `${dir}.lock`;
  for (;;) {
    if (existsSync(done)) return JSON.parse(readFileSync(done, 'utf8')) as MadeCore;
    let mine = false;
    try {
      mkdirSync(lock);
      mine = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (mine) {
      try {
        writeFileSync(join(lock, 'pid'), String(process.pid));
        if (existsSync(done)) continue;
        const made = await build();
        writeFileSync(done, JSON.stringify(made, null, 2));
        return made;
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
    }
    if (lockIsStale(lock)) rmSync(lock, { recursive: true, force: true });
    await new Promise((r) => setTimeout(r, 100));
  }
}

function lockIsStale(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    return false; // being created right now
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * scenarioEnv is the environment for a live scenario process the tests capture
 * with gcore: the test's own, less a preloaded sanitizer runtime
 * (scripts/asan-test.sh). The scenario never loads the addon, and gcore of a
 * process with ASan's shadow memory takes minutes.
 */
export function scenarioEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { LD_PRELOAD: _preload, ASAN_OPTIONS: _asan, UBSAN_OPTIONS: _ubsan, ...rest } = process.env;
  return { ...rest, ...extra };
}
