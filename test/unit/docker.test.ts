// The container image, checked without a Docker engine: every file the
// Dockerfile COPYs exists, every npm script it runs is in package.json, every
// apt package it installs exists in Debian's lists (when this machine has
// apt lists), and docker/entrypoint.sh, run directly against real cores with
// CORESCOPE_HOME pointing at this checkout, picks the newest core of a
// systemd-coredump-like folder (compressed too) and passes commands through.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync } from 'node:fs';
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
