// The container image, checked without a Docker engine: every file the
// Dockerfile COPYs exists, every npm script it runs is in package.json, every
// apt package it installs exists in Debian's lists (when this machine has
// apt lists), and docker/entrypoint.sh, run directly against real cores with
// CORESCOPE_HOME pointing at this checkout, picks the newest core of a
// systemd-coredump-like folder (compressed too) and passes commands through.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { findLldb, findPlugin } from '../../src/backends/llnode/session.js';
import { which } from '../../src/input/compressed.js';
import { hasAddon, NO_ADDON } from '../support/cli.js';
import { makeCore, type MadeCore } from '../support/make-core.js';
import { primaryVersion } from '../support/node-versions.js';
import { REPO } from '../support/repo.js';

const DOCKERFILE = join(REPO, 'docker', 'Dockerfile');
const ENTRYPOINT = join(REPO, 'docker', 'entrypoint.sh');

/** instructions joins continuation lines and returns [instruction, rest] pairs. */
function instructions(text: string): Array<[string, string]> {
  const joined = text.replace(/\\\n/g, ' ').split('\n');
  return joined
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const m = /^(\w+)\s+(.*)$/.exec(l)!;
      return [m[1]!.toUpperCase(), m[2]!] as [string, string];
    });
}

describe('docker/Dockerfile', () => {
  const text = readFileSync(DOCKERFILE, 'utf8');
  const ins = instructions(text);

  it('starts from a Debian-based Node image', () => {
    const from = ins.filter(([i]) => i === 'FROM').map(([, r]) => r);
    expect(from).toHaveLength(1);
    expect(from[0]).toMatch(/^node:\d+-(bookworm|bullseye|trixie)(-slim)?$/);
  });

  it('COPYs only files that exist in the repository', () => {
    const copies = ins.filter(([i]) => i === 'COPY').map(([, r]) => r.split(/\s+/).filter((w) => !w.startsWith('--')));
    expect(copies.length).toBeGreaterThan(0);
    for (const words of copies) {
      for (const src of words.slice(0, -1)) expect(existsSync(join(REPO, src)), `COPY ${src}`).toBe(true);
    }
  });

  it('runs only npm scripts that package.json defines, and scripts that exist', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const runs = ins.filter(([i]) => i === 'RUN').map(([, r]) => r).join(' ');
    for (const m of runs.matchAll(/npm run ([\w:-]+)/g)) expect(pkg.scripts[m[1]!], `npm run ${m[1]}`).toBeDefined();
    for (const m of runs.matchAll(/bash (scripts\/[\w.-]+)/g)) expect(existsSync(join(REPO, m[1]!)), m[1]).toBe(true);
    expect(existsSync(join(REPO, 'package-lock.json'))).toBe(true);
  });

  it('installs lldb, liblldb-dev, the decompressors and the addon\'s build tools', () => {
    const pkgs = aptPackages(ins);
    for (const p of ['lldb', 'liblldb-dev', 'zstd', 'lz4', 'xz-utils', 'python3', 'make', 'g++']) expect(pkgs).toContain(p);
  });

  it('installs only apt packages that exist in Debian\'s lists', async (ctx) => {
    const lists = '/var/lib/apt/lists';
    const hasLists = existsSync(lists) && readdirSync(lists).some((f) => f.endsWith('_Packages') || f.includes('_Packages.'));
    if (!hasLists || !which('apt-cache')) return ctx.skip('SKIPPED: no apt package lists on this machine (run apt-get update)');
    const pkgs = aptPackages(ins);
    // One apt-cache run for all (each run reads the whole compressed lists), without blocking the worker.
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('apt-cache', ['show', '--no-all-versions', ...pkgs], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (x: string) => (stdout += x));
      child.stderr.setEncoding('utf8').on('data', (x: string) => (stderr += x));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(r.code, r.stderr).toBe(0);
    for (const p of pkgs) expect(r.stdout, p).toMatch(new RegExp(`^Package: ${p.replace(/\+/g, '\\+')}$`, 'm'));
  }, 300_000);

  it('uses the entrypoint script, which is executable and valid bash', () => {
    expect(text).toMatch(/COPY docker\/entrypoint\.sh /);
    expect(ins.some(([i, r]) => i === 'ENTRYPOINT' && r.includes('corescope-entrypoint'))).toBe(true);
    expect(spawnSync('bash', ['-n', ENTRYPOINT]).status).toBe(0);
  });
});

/**
 * imageCommands builds a directory of the commands the image will have, from
 * this machine's dpkg database: Debian's Essential and Priority-required
 * packages (what a -slim base image holds), the packages the Dockerfile
 * installs with everything they depend on, and node/npm (the base image's).
 * Only meaningful when this machine runs the base image's Debian release.
 */
function imageCommands(dockerPackages: string[]): { dir: string; packages: Set<string> } {
  const q = spawnSync('dpkg-query', ['-W', '-f=${Package}\t${Essential}\t${Priority}\t${Depends}\t${Pre-Depends}\n'], { encoding: 'utf8' });
  const info = new Map<string, { base: boolean; deps: string[] }>();
  for (const line of q.stdout.split('\n').filter(Boolean)) {
    const [pkg, essential, priority, deps, pre] = line.split('\t');
    const names = `${deps ?? ''},${pre ?? ''}`
      .split(',')
      .flatMap((d) => d.split('|').slice(0, 1))
      .map((d) => d.trim().split(/[\s:(]/)[0]!)
      .filter(Boolean);
    info.set(pkg!, { base: essential === 'yes' || priority === 'required', deps: names });
  }
  const packages = new Set<string>();
  const add = (p: string) => {
    if (packages.has(p) || !info.has(p)) return;
    packages.add(p);
    for (const d of info.get(p)!.deps) add(d);
  };
  for (const [p, i] of info) if (i.base) add(p);
  for (const p of dockerPackages) add(p);
  const dir = mkdtempSync(join(tmpdir(), 'corescope-image-path-'));
  const files = spawnSync('dpkg', ['-L', ...packages], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout.split('\n');
  for (const f of files) {
    if (!/^\/(usr\/)?s?bin\/[^/]+$/.test(f) || !existsSync(f)) continue;
    const name = f.slice(f.lastIndexOf('/') + 1);
    if (!existsSync(join(dir, name))) symlinkSync(f, join(dir, name));
  }
  // The node image's own: node, npm.
  symlinkSync(process.execPath, join(dir, 'node'));
  const npm = which('npm');
  if (npm) symlinkSync(npm, join(dir, 'npm'));
  return { dir, packages };
}

const FROM_RELEASE = /^node:\d+-(\w+)/.exec(
  instructions(readFileSync(DOCKERFILE, 'utf8')).find(([i]) => i === 'FROM')?.[1] ?? '',
)?.[1];
const HOST_RELEASE = /^VERSION_CODENAME=(\w+)$/m.exec(existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '')?.[1];
const SAME_RELEASE = !!FROM_RELEASE && FROM_RELEASE === HOST_RELEASE && !!which('dpkg-query');
const NOT_SAME = `SKIPPED: the image is Debian ${FROM_RELEASE}, this machine ${HOST_RELEASE ?? 'is not Debian'}: its dpkg database cannot stand for the image`;

describe.skipIf(!SAME_RELEASE)(`commands the image runs exist in Debian ${FROM_RELEASE} ${SAME_RELEASE ? '' : NOT_SAME}`, () => {
  const ins = instructions(readFileSync(DOCKERFILE, 'utf8'));
  let image: { dir: string; packages: Set<string> };
  beforeAll(() => {
    image = imageCommands(aptPackages(ins));
  });
  afterAll(() => rmSync(image.dir, { recursive: true, force: true }));

  it('every command of every RUN line is in the base image or a package it installs', () => {
    const commands = new Set<string>();
    for (const [i, r] of ins) {
      if (i !== 'RUN') continue;
      for (const part of r.split(/&&|\|\||;|\|/)) {
        const words = part.trim().split(/\s+/).filter((w) => !/^\w+=/.test(w));
        if (words[0]) commands.add(words[0]);
      }
    }
    expect([...commands]).toEqual(expect.arrayContaining(['apt-get', 'npm', 'bash', 'chmod', 'ln']));
    // The apt step runs before anything is installed: its commands must be in the base alone.
    for (const c of commands) expect(existsSync(join(image.dir, c)) || c === 'test', `RUN ${c}`).toBe(true);
    // The script RUN calls (install-llnode.sh) uses these; all must be there too.
    const script = readFileSync(join(REPO, 'scripts', 'install-llnode.sh'), 'utf8');
    for (const c of ['dpkg', 'timeout', 'id', 'mkdir', 'npm', 'apt-get']) {
      expect(script).toContain(c);
      expect(existsSync(join(image.dir, c)), `install-llnode.sh: ${c}`).toBe(true);
    }
  });

  it('the entrypoint runs with only the image\'s commands on PATH', async (ctx) => {
    if (!hasAddon) return ctx.skip(NO_ADDON);
    const made = await makeCore('uncaught-error', primaryVersion());
    const dir = mkdtempSync(join(tmpdir(), 'corescope-coredump-'));
    try {
      copyFileSync(made.corePath, join(dir, `core.node.0.bootid.${made.truth.pid}.1700000000000000`));
      // A folder (find/sort/head/cut) and the recorded-path lookup (sed) with PATH = the image's commands only.
      const root = mkdtempSync(join(tmpdir(), 'corescope-hostroot-'));
      spawnSync('mkdir', ['-p', join(root, made.exe, '..')]);
      copyFileSync(made.exe, join(root, made.exe));
      const r = await runEntrypoint([dir, 'info', '--json'], { PATH: image.dir, CORESCOPE_HOST_ROOT: root });
      rmSync(root, { recursive: true, force: true });
      expect(r.code, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as { pid: number }).pid).toBe(made.truth.pid);
      // Proof the PATH was the restricted one: git (on this machine, not in the image) is not found.
      if (which('git')) {
        const probe = spawnSync('bash', ['-c', 'command -v git || echo missing'], { env: { PATH: image.dir }, encoding: 'utf8' });
        expect(probe.stdout.trim()).toBe('missing');
      }
      if (findLldb() && existsSync(join(image.dir, 'lldb')) && findPlugin()) {
        const l = await runEntrypoint(['lldb', made.corePath], { PATH: image.dir, CORESCOPE_NODE: made.exe, CORESCOPE_LLNODE_PLUGIN: findPlugin()! });
        expect(l.stdout).toMatch(/plugin load .*llnode\.so/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});

function aptPackages(ins: Array<[string, string]>): string[] {
  const out: string[] = [];
  for (const [i, r] of ins) {
    if (i !== 'RUN') continue;
    for (const m of r.matchAll(/apt-get install ((?:\s*(?:-[\w-]+|[a-z0-9][a-z0-9.+-]+))+)/g)) {
      out.push(...m[1]!.split(/\s+/).filter((w) => w && !w.startsWith('-')));
    }
  }
  return out;
}

function runEntrypoint(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [ENTRYPOINT, ...args], {
      env: { ...process.env, CORESCOPE_HOME: REPO, NODE_OPTIONS: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(!hasAddon)(`docker/entrypoint.sh run outside Docker ${hasAddon ? '' : NO_ADDON}`, () => {
  let made: MadeCore;
  let dir: string;

  beforeAll(async () => {
    made = await makeCore('uncaught-error', primaryVersion());
    // A systemd-coredump-like folder: an older plain core and the newest one compressed with zstd.
    dir = mkdtempSync(join(tmpdir(), 'corescope-coredump-'));
    copyFileSync(made.corePath, join(dir, 'core.old.1'));
    utimesSync(join(dir, 'core.old.1'), new Date(2000, 0, 1), new Date(2000, 0, 1));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the node binary path as --node before the core', async () => {
    const r = await runEntrypoint(['--node', made.exe, made.corePath, 'info', '--json'], {});
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { executable: { path: string } }).executable.path).toBe(made.exe);
    const bad = await runEntrypoint(['--node', '/nonexistent/node', made.corePath], {});
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/node binary \/nonexistent\/node does not exist/);
  });

  it('runs a command on a core file with the node binary given by CORESCOPE_NODE', async () => {
    const r = await runEntrypoint([made.corePath, 'info', '--json'], { CORESCOPE_NODE: made.exe });
    expect(r.code, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout) as { pid: number; executable: { path: string } };
    expect(info.pid).toBe(made.truth.pid);
    expect(info.executable.path).toBe(made.exe);
  });

  it('picks the newest core of a directory, compressed by systemd-coredump\'s zstd', async (ctx) => {
    if (!which('zstd')) return ctx.skip('SKIPPED: the zstd tool is not installed');
    const zst = join(dir, `core.node.0.bootid.${made.truth.pid}.1700000000000000.zst`);
    expect(spawnSync('sh', ['-c', 'zstd -q -c < "$1" > "$2"', 'sh', made.corePath, zst]).status).toBe(0);
    const r = await runEntrypoint([dir, 'stack', '--crashed', '--json'], { CORESCOPE_NODE: made.exe });
    expect(r.code, r.stderr).toBe(0);
    const stack = JSON.parse(r.stdout) as { threads: Array<{ frames: Array<{ function: string | null }> }> };
    expect(stack.threads[0]!.frames.some((f) => f.function === made.truth.crash.function)).toBe(true);
  });

  it('defaults to the triage report when not on a terminal', async () => {
    const r = await runEntrypoint([made.corePath], { CORESCOPE_NODE: made.exe });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(made.truth.crash.message!);
  });

  it('finds the node binary under a mounted host root from the path the core recorded', async () => {
    const root = mkdtempSync(join(tmpdir(), 'corescope-hostroot-'));
    try {
      const target = join(root, made.exe);
      spawnSync('mkdir', ['-p', join(target, '..')]);
      copyFileSync(made.exe, target);
      const r = await runEntrypoint([made.corePath, 'info', '--json'], { CORESCOPE_HOST_ROOT: root });
      expect(r.code, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as { executable: { path: string } }).executable.path).toBe(target);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('explains a missing core and an empty folder', async () => {
    const missing = await runEntrypoint(['/nonexistent/core'], { CORESCOPE_NODE: made.exe });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/does not exist.*-v \/var\/lib\/systemd\/coredump/);
    const empty = mkdtempSync(join(tmpdir(), 'corescope-empty-'));
    const none = await runEntrypoint([empty], { CORESCOPE_NODE: made.exe });
    rmSync(empty, { recursive: true, force: true });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no core files/);
  });

  it('opens lldb with llnode loaded (`lldb <core>`)', async (ctx) => {
    if (!findLldb() || !findPlugin()) return ctx.skip('SKIPPED: lldb or llnode is not installed (scripts/install-llnode.sh)');
    // stdin is closed: lldb runs the -o commands, reads EOF and quits.
    const r = await runEntrypoint(['lldb', made.corePath], { CORESCOPE_NODE: made.exe, CORESCOPE_LLNODE_PLUGIN: findPlugin()! });
    expect(r.stdout).toMatch(/plugin load .*llnode\.so/);
    expect(r.stdout).toMatch(/Core file '.*' \(x86_64\) was loaded/);
    expect(r.stderr).not.toMatch(/error: .*llnode/);
  }, 300_000);

  it('passes corescope options through', async () => {
    const r = await runEntrypoint(['--version'], {});
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe((JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version);
  });
});
