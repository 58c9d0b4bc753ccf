// LldbSession: one lldb process with the llnode plugin loaded on one core,
// driven through a pipe. `lldb --batch` silently skips every command after
// one that fails, so commands go to an interactive lldb one at a time, each
// followed by two sentinels: `platform shell echo <mark>` (ends its stdout)
// and an invalid command `<mark>` (ends its stderr, where lldb reports
// errors). Knows how to find lldb and llnode.so and how to talk to lldb;
// knows nothing of what the v8 commands print (./parse.ts).

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { accessSync, constants as fsConstants, existsSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { CorescopeError } from '../../api/errors.js';

/** LLNODE_VERSION is the llnode release scripts/install-llnode.sh installs. */
export const LLNODE_VERSION = '4.0.0';

const INSTALL_HINT =
  'run scripts/install-llnode.sh (apt-get install -y lldb liblldb-dev; npm install --prefix .cache/llnode llnode@' +
  LLNODE_VERSION +
  '), or set CORESCOPE_LLNODE_PLUGIN to llnode.so; the native backend (the default) needs neither';

/** repoRoot is the corescope checkout or package root: the nearest directory with package.json above this module (dist/backends/llnode, or dist/cli for the CLI bundle). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

function executable(p: string): boolean {
  try {
    accessSync(p, fsConstants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** findLldb returns lldb's path: $CORESCOPE_LLDB, else lldb or lldb-<N> on PATH; null if none. */
export function findLldb(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.CORESCOPE_LLDB) return executable(env.CORESCOPE_LLDB) ? env.CORESCOPE_LLDB : null;
  const names = ['lldb', ...[19, 18, 17, 16, 15, 14, 13].map((n) => `lldb-${n}`)];
  for (const name of names) {
    for (const dir of (env.PATH ?? '').split(delimiter)) {
      if (dir && executable(join(dir, name))) return join(dir, name);
    }
  }
  return null;
}

/** findPlugin returns llnode.so: $CORESCOPE_LLNODE_PLUGIN, else .cache/llnode's, else a global npm install's. */
export function findPlugin(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.CORESCOPE_LLNODE_PLUGIN) return existsSync(env.CORESCOPE_LLNODE_PLUGIN) ? env.CORESCOPE_LLNODE_PLUGIN : null;
  const candidates = [
    join(repoRoot(), '.cache', 'llnode', 'node_modules', 'llnode', 'llnode.so'),
    '/usr/local/lib/node_modules/llnode/llnode.so',
    '/usr/lib/node_modules/llnode/llnode.so',
  ];
  return candidates.find((p) => existsSync(p)) ?? null;
}

/** LlnodeTools are the lldb binary and the llnode plugin. */
export interface LlnodeTools {
  lldb: string;
  plugin: string;
}

/** llnodeTools finds lldb and llnode.so or throws BACKEND_UNAVAILABLE naming the install. */
export function llnodeTools(env: NodeJS.ProcessEnv = process.env): LlnodeTools {
  const lldb = findLldb(env);
  if (!lldb) {
    throw new CorescopeError('BACKEND_UNAVAILABLE', 'the llnode backend needs lldb, which is not installed', { hint: INSTALL_HINT });
  }
  const plugin = findPlugin(env);
  if (!plugin) {
    throw new CorescopeError('BACKEND_UNAVAILABLE', 'the llnode backend needs the llnode lldb plugin (llnode.so), which is not installed', {
      hint: INSTALL_HINT,
    });
  }
  return { lldb, plugin };
}

/** CommandOutput is what one lldb command printed. */
export interface CommandOutput {
  command: string;
  /** stdout without lldb's echoed "(lldb) …" prompt lines. */
  stdout: string;
  /** stderr without the sentinel and lldb's Python start-up noise. */
  stderr: string;
  /** failed is true when lldb reported an error (an "error:" or "invalid command" line). */
  failed: boolean;
}

/** Python start-up noise of Debian's lldb 14 (its embedded interpreter module is missing); harmless. */
const NOISE = /^(Traceback \(most recent call last\):|\s+File "<string>", line \d+, in <module>|ModuleNotFoundError: No module named 'lldb[^']*'|NameError: name 'run_one_line' is not defined)$/;

/**
 * LldbSession runs llnode commands on one core, in order, one at a time.
 * Start it with {@link LldbSession.start}; close() ends lldb.
 */
export class LldbSession {
  readonly tools: LlnodeTools;
  readonly #child: ChildProcessWithoutNullStreams;
  #out = '';
  #err = '';
  #seq = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #exited: Promise<void>;
  #exitInfo?: string;
  #waiters = new Set<() => void>();

  private constructor(tools: LlnodeTools, child: ChildProcessWithoutNullStreams) {
    this.tools = tools;
    this.#child = child;
    child.stdout.setEncoding('utf8').on('data', (s: string) => this.#feed('out', s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => this.#feed('err', s));
    child.stdin.on('error', () => {});
    this.#exited = new Promise((r) =>
      child.on('close', (code, signal) => {
        this.#exitInfo = `lldb exited (${signal ?? code})`;
        this.#wake();
        r();
      }),
    );
    child.on('error', (err) => {
      this.#exitInfo = `lldb failed to start: ${err.message}`;
      this.#wake();
    });
  }

  /** start launches lldb on the core and executable and loads llnode; rejects when llnode does not load. */
  static async start(corePath: string, executablePath: string, tools = llnodeTools()): Promise<LldbSession> {
    const env = { ...process.env, LLDB_DISABLE_PYTHON: '1', TERM: 'dumb' };
    const child = spawn(tools.lldb, ['--no-lldbinit', '--no-use-colors', '-c', corePath, executablePath], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env,
    });
    const session = new LldbSession(tools, child);
    const load = await session.run(`plugin load ${tools.plugin}`);
    if (load.failed) {
      await session.close();
      throw new CorescopeError('BACKEND_UNAVAILABLE', `lldb cannot load the llnode plugin ${tools.plugin}: ${firstLine(load.stderr)}`, {
        hint: INSTALL_HINT,
      });
    }
    const target = await session.run('target list');
    if (!/target #0/.test(target.stdout) || /state=(invalid|unloaded)/.test(target.stdout)) {
      await session.close();
      throw new CorescopeError('NOT_A_CORE', `lldb cannot open ${corePath} with ${executablePath}: ${firstLine(target.stderr) || 'no target'}`);
    }
    return session;
  }

  /** run sends one command and resolves to its output; commands run one after another. */
  run(command: string, timeoutMs = 600_000): Promise<CommandOutput> {
    if (/[\r\n]/.test(command)) return Promise.reject(new CorescopeError('USAGE', 'an lldb command must be one line'));
    const next = this.#queue.then(() => this.#runNow(command, timeoutMs));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #runNow(command: string, timeoutMs: number): Promise<CommandOutput> {
    if (this.#exitInfo) throw new CorescopeError('BACKEND_UNAVAILABLE', `${command}: ${this.#exitInfo}`, { hint: INSTALL_HINT });
    const mark = `__corescope_${process.pid}_${++this.#seq}__`;
    this.#child.stdin.write(`${command}\nplatform shell echo ${mark}\n${mark}\n`);
    const outEnd = new RegExp(`^${mark}$`, 'm');
    const errEnd = new RegExp(`^error: '${mark}' is not a valid command\\.$`, 'm');
    const deadline = Date.now() + timeoutMs;
    while (!(outEnd.test(this.#out) && errEnd.test(this.#err))) {
      if (this.#exitInfo) {
        // lldb died under the command (llnode 4.0 crashes it on some commands and Node versions).
        throw new CorescopeError('BACKEND_UNAVAILABLE', `lldb + llnode crashed running \`${command}\`: ${this.#exitInfo}`, {
          hint: 'llnode cannot answer this on this core; drop --backend llnode (the native backend answers it)',
        });
      }
      if (Date.now() > deadline) {
        this.#child.kill('SIGKILL');
        throw new CorescopeError('INTERNAL', `lldb did not answer \`${command}\` within ${Math.round(timeoutMs / 1000)} s`);
      }
      await new Promise<void>((r) => {
        const t = setTimeout(done, 1000);
        function done() {
          clearTimeout(t);
          r();
        }
        this.#waiters.add(done);
      });
    }
    const outAt = this.#out.search(outEnd);
    const errAt = this.#err.search(errEnd);
    const rawOut = this.#out.slice(0, outAt);
    const rawErr = this.#err.slice(0, errAt);
    // Drop what follows each sentinel up to its line end; keep anything after (nothing in practice).
    this.#out = this.#out.slice(outAt).replace(outEnd, '').replace(/^\n/, '');
    this.#err = this.#err.slice(errAt).replace(errEnd, '').replace(/^\n/, '');
    const stdout = rawOut
      .split('\n')
      .filter((l) => !l.startsWith('(lldb) '))
      .join('\n')
      .trimEnd();
    const stderr = this.#clean(rawErr);
    const failed = /^(error:|invalid command)/m.test(stderr);
    return { command, stdout, stderr, failed };
  }

  #clean(s: string): string {
    return s
      .split('\n')
      .filter((l) => l && !NOISE.test(l))
      .join('\n');
  }

  #feed(which: 'out' | 'err', s: string): void {
    if (which === 'out') this.#out += s;
    else this.#err += s;
    this.#wake();
  }

  #wake(): void {
    const ws = [...this.#waiters];
    this.#waiters.clear();
    for (const w of ws) w();
  }

  /** close quits lldb (killing it if it does not quit within 5 s). Never rejects. */
  async close(): Promise<void> {
    if (!this.#exitInfo) {
      try {
        this.#child.stdin.end('quit\n');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5000);
      await this.#exited;
      clearTimeout(timer);
    }
  }
}

function firstLine(s: string): string {
  return s.split('\n').find((l) => l.trim())?.trim() ?? '';
}
