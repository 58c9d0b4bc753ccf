// Capturing a core of a LIVE node process without killing it: checks that
// the pid exists and runs node (its executable carries v8dbg_* symbols),
// runs gdb's `gcore -o <prefix> <pid>` (which writes <prefix>.<pid>), moves
// the file where the caller asked, and measures how long the process was
// stopped by sampling /proc/<pid>/stat while gcore runs. Used by
// `corescope capture`.
//
// Knows processes, /proc and gdb; knows nothing of ELF parsing, V8 or the CLI.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readlinkSync, readSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { CorescopeError } from '../api/errors.js';
import { hasGcore } from './capture-core.js';

/** LiveProcess is what /proc says about the process to capture. */
export interface LiveProcess {
  pid: number;
  /** executable is /proc/<pid>/exe resolved (the node binary). */
  executable: string;
  /** commandLine is /proc/<pid>/cmdline split on NUL. */
  commandLine: string[];
}

/** LiveCapture describes one core written from a live process. */
export interface LiveCapture {
  path: string;
  bytes: number;
  /** startedAt is when gcore was started (ISO 8601). */
  startedAt: string;
  /** gcoreMs is how long gcore ran (attach, dump, detach). */
  gcoreMs: number;
  /**
   * pausedMs is how long the process was observed stopped (state t/T in
   * /proc/<pid>/stat, sampled every few ms): an estimate from below of the
   * pause the application saw. gcoreMs bounds it from above.
   */
  pausedMs: number;
  /** alive is true when the process still ran after the capture. */
  alive: boolean;
}

/** ProcessState is one /proc/<pid>/stat sample we need. */
interface ProcessState {
  state: string;
}

/** readStat parses the state field of /proc/<pid>/stat (the comm may hold spaces and parentheses). */
function readStat(pid: number): ProcessState | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = s.lastIndexOf(')');
    if (close < 0) return undefined;
    return { state: s.slice(close + 2, close + 3) };
  } catch {
    return undefined;
  }
}

/** processAlive reports whether pid exists and is not a zombie. */
export function processAlive(pid: number): boolean {
  const st = readStat(pid);
  return !!st && st.state !== 'Z' && st.state !== 'X';
}

/** V8_MARKER is a symbol name prefix only V8-embedding executables carry (postmortem metadata). */
const V8_MARKER = Buffer.from('v8dbg_');

/** fileContains streams a file looking for a byte string (bounded memory: 1 MiB chunks). */
function fileContains(path: string, needle: Buffer): boolean {
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    let carry = Buffer.alloc(0);
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n <= 0) return false;
      const window = Buffer.concat([carry, chunk.subarray(0, n)]);
      if (window.includes(needle)) return true;
      carry = window.subarray(Math.max(0, window.length - needle.length + 1));
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * checkLiveNode throws NOT_FOUND when pid does not exist, CAPTURE_FAILED when
 * its executable cannot be read (another user's process), and
 * NOT_A_NODE_PROCESS when the executable has no v8dbg_* symbols.
 */
export function checkLiveNode(pid: number): LiveProcess {
  if (!Number.isSafeInteger(pid) || pid <= 0) {
    throw new CorescopeError('USAGE', `not a process id: ${pid}`, { hint: 'pass the pid of a running node process (see `pgrep -a node`)' });
  }
  if (!processAlive(pid)) {
    throw new CorescopeError('NOT_FOUND', `no process with pid ${pid}`, { hint: 'list node processes with `pgrep -a node`' });
  }
  let executable: string;
  try {
    executable = readlinkSync(`/proc/${pid}/exe`);
  } catch (err) {
    throw new CorescopeError('CAPTURE_FAILED', `cannot read /proc/${pid}/exe: ${(err as Error).message}`, {
      hint: 'capture a process of your own user, or run corescope as root',
      cause: err,
    });
  }
  let commandLine: string[] = [];
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    // Not needed for the capture; only reported.
  }
  // "(deleted)" when the binary was replaced since the process started: /proc/<pid>/exe still opens it.
  const readable = executable.endsWith(' (deleted)') ? `/proc/${pid}/exe` : executable;
  let isNode: boolean;
  try {
    isNode = fileContains(readable, V8_MARKER);
  } catch (err) {
    throw new CorescopeError('CAPTURE_FAILED', `cannot read the executable ${executable} of pid ${pid}: ${(err as Error).message}`, {
      hint: 'capture a process of your own user, or run corescope as root',
      cause: err,
    });
  }
  if (!isNode) {
    throw new CorescopeError('NOT_A_NODE_PROCESS', `pid ${pid} runs ${executable}, which is not node (no v8dbg_* symbols)`, {
      hint: 'pass the pid of a node process (see `pgrep -a node`); a stripped node build cannot be analysed',
    });
  }
  return { pid, executable, commandLine };
}

/** requireGcore throws CAPTURE_FAILED naming the package when gdb's gcore is missing. */
export function requireGcore(): void {
  if (!hasGcore()) {
    throw new CorescopeError('CAPTURE_FAILED', 'cannot capture a live process: gcore (part of gdb) is not installed', {
      hint: 'install gdb: `apt-get install gdb` (Debian/Ubuntu), `dnf install gdb` (Fedora/RHEL), `apk add gdb` (Alpine)',
    });
  }
}

/** explainGcoreFailure turns gcore's stderr into one message and a hint naming the fix. */
export function explainGcoreFailure(pid: number, output: string): CorescopeError {
  const last = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-1)[0];
  if (/ptrace|Operation not permitted|not permitted|could not attach|Couldn't get registers/i.test(output)) {
    return new CorescopeError('CAPTURE_FAILED', `gcore may not attach to pid ${pid}: ptrace is not permitted`, {
      hint:
        'in a container add the capability (`docker run --cap-add=SYS_PTRACE`); on the host allow ptrace ' +
        '(`sudo sysctl kernel.yama.ptrace_scope=0`) or run corescope as root; only one debugger may attach at a time',
    });
  }
  if (/No space left/i.test(output)) {
    return new CorescopeError('CAPTURE_FAILED', `gcore could not write the core of pid ${pid}: no space left on the device`, {
      hint: 'free space or write elsewhere with -o; a core is about as large as the process (RSS)',
    });
  }
  return new CorescopeError('CAPTURE_FAILED', `gcore could not dump pid ${pid}${last ? `: ${last.slice(0, 200)}` : ''}`, {
    hint: 'run `gcore <pid>` by hand to see gdb\'s output',
  });
}

/**
 * gcoreLive writes a core of the live process pid to `path` with gcore and
 * returns how long the process was paused. The process keeps running. The
 * file is first written as <dir>/.corescope-<pid>-<n>.<pid> (gcore appends
 * the pid) and renamed, so `path` never holds a partial core.
 */
export async function gcoreLive(pid: number, path: string, opts: { signal?: AbortSignal; sampleMs?: number } = {}): Promise<LiveCapture> {
  const target = resolve(path);
  const prefix = join(dirname(target), `.corescope-${process.pid}-${Date.now()}`);
  const written = `${prefix}.${pid}`;
  const startedAt = new Date();
  const t0 = performance.now();
  // Sampling /proc/<pid>/stat: gdb stops every thread (state "t", traced) for the dump.
  let firstStopped: number | undefined;
  let lastStopped: number | undefined;
  const sample = () => {
    const st = readStat(pid);
    if (st && (st.state === 't' || st.state === 'T')) {
      const now = performance.now();
      firstStopped ??= now;
      lastStopped = now;
    }
  };
  const timer = setInterval(sample, opts.sampleMs ?? 2);
  let child: ChildProcess | undefined;
  let output = '';
  const result = await new Promise<{ code: number | null; error?: Error }>((res) => {
    child = spawn('gcore', ['-o', prefix, String(pid)], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.setEncoding('utf8').on('data', (s: string) => (output += s));
    child.stderr?.setEncoding('utf8').on('data', (s: string) => (output += s));
    const onAbort = () => child?.kill('SIGINT');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error) => res({ code: null, error }));
    child.on('close', (code) => {
      opts.signal?.removeEventListener('abort', onAbort);
      res({ code });
    });
  }).finally(() => clearInterval(timer));
  const gcoreMs = performance.now() - t0;
  if (opts.signal?.aborted) {
    removeQuietly(written);
    throw new CorescopeError('CANCELLED', `capture of pid ${pid}: cancelled`);
  }
  if (result.error) {
    removeQuietly(written);
    throw new CorescopeError('CAPTURE_FAILED', `cannot run gcore: ${result.error.message}`, {
      hint: 'install gdb: `apt-get install gdb`',
      cause: result.error,
    });
  }
  // gcore's exit status is not reliable across gdb versions: the file decides.
  if (result.code !== 0 || !existsSync(written) || statSync(written).size === 0) {
    removeQuietly(written);
    if (!processAlive(pid)) throw new CorescopeError('NOT_FOUND', `pid ${pid} exited during the capture`);
    throw explainGcoreFailure(pid, output);
  }
  renameSync(written, target);
  const pausedMs = firstStopped !== undefined && lastStopped !== undefined ? lastStopped - firstStopped : 0;
  return {
    path: target,
    bytes: statSync(target).size,
    startedAt: startedAt.toISOString(),
    gcoreMs: Math.round(gcoreMs),
    pausedMs: Math.round(pausedMs),
    alive: processAlive(pid),
  };
}

function removeQuietly(p: string): void {
  try {
    unlinkSync(p);
  } catch {
    // Nothing was written.
  }
}

/**
 * seriesPath names capture i (1-based) of a series of `count`: the output
 * itself for a single capture, else <output>.<i>.
 */
export function seriesPath(output: string, i: number, count: number): string {
  return count === 1 ? output : `${output}.${i}`;
}
