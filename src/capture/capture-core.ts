// Making a core dump of a Node.js script: crash it under `ulimit -c unlimited`
// with --abort-on-uncaught-exception and find the file core_pattern names,
// or — when core_pattern pipes to a handler (systemd-coredump, apport) or no
// core appears — run it until it says it is ready and take one with gcore.
// Used by `corescope demo` and by the test suite's make-core.
//
// The ready protocol: with CORESCOPE_READY=<file> in its environment, a
// script writes that file where it would crash, then stays alive.
//
// Knows processes, rlimits and core_pattern; knows nothing of ELF, V8 or the CLI.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';

import { CorescopeError } from '../api/errors.js';

export type CaptureRoute = 'crash' | 'gcore';

export interface CaptureOptions {
  /** node is the absolute path of the node binary to run. */
  node: string;
  /** script is the absolute path of the script. */
  script: string;
  args?: string[];
  /** nodeArgs go before the script; --abort-on-uncaught-exception is added on the crash route. */
  nodeArgs?: string[];
  /** cwd is a fresh directory: a relative core_pattern writes the core here, gcore too. */
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** route forces one route; 'auto' (default) crashes unless core_pattern is a pipe, then falls back to gcore. */
  route?: CaptureRoute | 'auto';
  /** readyFile is where the script signals readiness on the gcore route (default <cwd>/ready). */
  readyFile?: string;
  timeoutMs?: number;
}

export interface Capture {
  corePath: string;
  route: CaptureRoute;
  pid: number;
  /** signal that ended the process on the crash route (e.g. "SIGTRAP"); null on the gcore route. */
  signal: NodeJS.Signals | null;
  /** why the gcore route was taken, when it was a fallback. */
  fallbackReason?: string;
  stdout: string;
  stderr: string;
}

export interface CorePattern {
  pattern: string;
  /** piped is true when the kernel hands cores to a program ("|/usr/lib/systemd/systemd-coredump ..."). */
  piped: boolean;
  usesPid: boolean;
}

/** readCorePattern reads /proc/sys/kernel/core_pattern and core_uses_pid. */
export function readCorePattern(): CorePattern {
  const read = (p: string, def: string) => {
    try {
      return readFileSync(p, 'utf8').trim();
    } catch {
      return def;
    }
  };
  const pattern = read('/proc/sys/kernel/core_pattern', 'core');
  return { pattern, piped: pattern.startsWith('|'), usesPid: read('/proc/sys/kernel/core_uses_pid', '0') === '1' };
}

/** hasGcore reports whether gdb's gcore is on PATH. */
export function hasGcore(): boolean {
  return spawnSync('sh', ['-c', 'command -v gcore'], { stdio: 'ignore' }).status === 0;
}

/**
 * captureCore runs a script to a core dump and returns where it is. It throws
 * CorescopeError CAPTURE_FAILED naming the fix (ulimit, core_pattern, gdb,
 * ptrace) when neither route works.
 */
export async function captureCore(opts: CaptureOptions): Promise<Capture> {
  const cp = readCorePattern();
  const route = opts.route ?? 'auto';
  if (route === 'gcore') return gcoreRoute(opts);
  if (route === 'auto' && cp.piped) {
    return fallbackToGcore(opts, `core_pattern pipes cores to a program (${cp.pattern.split(' ')[0]})`);
  }
  const crashed = await crashRoute(opts, cp);
  if ('corePath' in crashed) return crashed;
  if (route === 'crash') throw crashed.error;
  return fallbackToGcore(opts, crashed.error.message);
}

async function fallbackToGcore(opts: CaptureOptions, reason: string): Promise<Capture> {
  if (!hasGcore()) {
    throw new CorescopeError('CAPTURE_FAILED', `cannot make a core: ${reason}, and gcore (gdb) is not installed`, {
      hint: "install gdb, or set `sudo sysctl kernel.core_pattern=core` and `ulimit -c unlimited`; systemd-coredump users can run `coredumpctl dump <pid> -o core`",
    });
  }
  const c = await gcoreRoute(opts);
  return { ...c, fallbackReason: reason };
}

async function crashRoute(opts: CaptureOptions, cp: CorePattern): Promise<Capture | { error: CorescopeError }> {
  const started = Date.now();
  // Raise the soft limit as far as the hard limit allows; exec keeps the pid.
  const shell = 'ulimit -c unlimited 2>/dev/null || ulimit -c "$(ulimit -H -c)"; exec "$@"';
  const nodeArgs = [...(opts.nodeArgs ?? [])];
  if (!nodeArgs.includes('--abort-on-uncaught-exception')) nodeArgs.push('--abort-on-uncaught-exception');
  const r = await run('bash', ['-c', shell, 'bash', opts.node, ...nodeArgs, opts.script, ...(opts.args ?? [])], opts);
  if (!r.signal) {
    return {
      error: new CorescopeError(
        'CAPTURE_FAILED',
        r.timedOut
          ? `${basename(opts.script)} did not crash within ${opts.timeoutMs ?? 60000} ms`
          : `${basename(opts.script)} exited with code ${r.code} instead of crashing${tail(r.stderr)}`,
      ),
    };
  }
  const corePath = locateCore(cp, { cwd: opts.cwd, pid: r.pid, since: started });
  if (!corePath) {
    const limit = spawnSync('bash', ['-c', 'ulimit -H -c'], { encoding: 'utf8' }).stdout.trim();
    const why = limit === '0' ? 'the hard core-size limit is 0 (ulimit -H -c)' : `no core file matching core_pattern "${cp.pattern}" appeared`;
    return {
      error: new CorescopeError('CAPTURE_FAILED', `${basename(opts.script)} died of ${r.signal} but ${why}`, {
        hint: 'run `ulimit -c unlimited` and `sudo sysctl kernel.core_pattern=core` (or install gdb for the gcore route)',
      }),
    };
  }
  return { corePath, route: 'crash', pid: r.pid, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

async function gcoreRoute(opts: CaptureOptions): Promise<Capture> {
  const readyFile = opts.readyFile ?? join(opts.cwd, 'ready');
  const env = { ...(opts.env ?? process.env), CORESCOPE_READY: readyFile };
  const child = spawn(opts.node, [...(opts.nodeArgs ?? []), opts.script, ...(opts.args ?? [])], {
    cwd: opts.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = collectOutput(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.on('exit', (code, signal) => res({ code, signal })),
  );
  const pid = child.pid!;
  try {
    const deadline = Date.now() + (opts.timeoutMs ?? 60000);
    let exitedEarly: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    void exited.then((e) => (exitedEarly = e));
    while (!existsSync(readyFile)) {
      if (exitedEarly) {
        throw new CorescopeError(
          'CAPTURE_FAILED',
          `${basename(opts.script)} exited (${exitedEarly.signal ?? `code ${exitedEarly.code}`}) before it was ready for gcore${tail(out.stderr())}`,
        );
      }
      if (Date.now() > deadline) throw new CorescopeError('CAPTURE_FAILED', `${basename(opts.script)} was not ready for gcore within ${opts.timeoutMs ?? 60000} ms`);
      await sleep(25);
    }
    const prefix = join(opts.cwd, 'core');
    const g = spawnSync('gcore', ['-o', prefix, String(pid)], { encoding: 'utf8', timeout: 180_000 });
    const corePath = `${prefix}.${pid}`;
    if (g.status !== 0 || !existsSync(corePath)) {
      throw new CorescopeError('CAPTURE_FAILED', `gcore could not dump pid ${pid}${tail(g.stderr || g.error?.message || '')}`, {
        hint: 'gcore needs ptrace: run as root, add CAP_SYS_PTRACE (docker run --cap-add SYS_PTRACE), or `sudo sysctl kernel.yama.ptrace_scope=0`',
      });
    }
    return { corePath, route: 'gcore', pid, signal: null, stdout: out.stdout(), stderr: out.stderr() };
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * locateCore finds the core a crash wrote, following core_pattern: a
 * relative pattern is relative to the crashed process's cwd; %-specifiers
 * match their values (%p = pid) or any text. Returns the newest match
 * written since `since`, or undefined.
 */
export function locateCore(cp: CorePattern, where: { cwd: string; pid: number; since: number }): string | undefined {
  if (cp.piped) return undefined;
  let pattern = cp.pattern || 'core';
  if (cp.usesPid && !/%p/.test(pattern)) pattern += '.%p';
  const dir = isAbsolute(pattern) ? dirname(pattern) : join(where.cwd, dirname(pattern));
  const re = patternRegExp(basename(pattern), where.pid);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  const found = names
    .filter((n) => re.test(n))
    .map((n) => ({ path: join(dir, n), mtime: statSync(join(dir, n)).mtimeMs }))
    .filter((f) => f.mtime >= where.since - 2000)
    .sort((a, b) => b.mtime - a.mtime);
  return found[0]?.path;
}

/** patternRegExp turns a core_pattern file name into a RegExp (see core(5)). */
export function patternRegExp(name: string, pid: number): RegExp {
  let re = '';
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    if (ch !== '%' || i === name.length - 1) {
      re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      continue;
    }
    const spec = name[++i];
    if (spec === '%') re += '%';
    else if (spec === 'p') re += String(pid);
    else if ('PiIugsdtc'.includes(spec!)) re += '\\d+';
    else re += '.*';
  }
  return new RegExp(`^${re}$`);
}

interface RunResult {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function run(cmd: string, args: string[], opts: CaptureOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = collectOutput(child);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 60000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new CorescopeError('CAPTURE_FAILED', `cannot run ${cmd}: ${err.message}`, { cause: err }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ pid: child.pid!, code, signal: timedOut ? null : signal, stdout: out.stdout(), stderr: out.stderr(), timedOut });
    });
  });
}

function collectOutput(child: import('node:child_process').ChildProcess): { stdout(): string; stderr(): string } {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return { stdout: () => stdout, stderr: () => stderr };
}

function tail(s: string): string {
  const lines = s.trim().split('\n').filter(Boolean);
  return lines.length ? `: ${lines.slice(-1)[0]!.trim().slice(0, 200)}` : '';
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
