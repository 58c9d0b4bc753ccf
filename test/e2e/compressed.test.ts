// Compressed cores (systemd-coredump's .zst, and .lz4/.xz): a real core is
// compressed by the real zstd, lz4 and xz tools, renamed so that only its
// magic bytes tell the format, and must decompress byte-for-byte to the
// original, into a sparse temporary file that is gone after close and after
// the process exits; `corescope info` on it must agree with the original.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  BLOCK,
  compressionOf,
  decompressCore,
  detectCompression,
  FORMATS,
  SparseWriter,
  which,
  type Compression,
} from '../../src/input/compressed.js';
import { openCore } from '../../src/api/open-core.js';
import { hasAddon, spawnCli } from '../support/cli.js';
import { makeCore, type MadeCore } from '../support/make-core.js';
import { primaryVersion } from '../support/node-versions.js';
import { REPO } from '../support/repo.js';
import { open } from 'node:fs/promises';

const work = mkdtempSync(join(tmpdir(), 'corescope-compressed-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function sha(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function onDisk(path: string): number {
  return statSync(path).blocks * 512;
}

/** tempDir makes an empty CORESCOPE_TMPDIR for one case, so leftovers can be counted. */
function tempDir(name: string): string {
  const d = join(work, `tmp-${name}`);
  rmSync(d, { recursive: true, force: true });
  spawnSync('mkdir', ['-p', d]);
  return d;
}

describe('format detection by magic bytes', () => {
  it('recognises each format from its first bytes and nothing else', () => {
    for (const [name, f] of Object.entries(FORMATS)) {
      for (const m of f.magic) expect(compressionOf(Uint8Array.from([...m, 0, 0]))).toBe(name);
    }
    expect(compressionOf(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]))).toBeNull(); // ELF
    expect(compressionOf(new Uint8Array(0))).toBeNull();
    expect(compressionOf(Uint8Array.from([0x28, 0xb5]))).toBeNull(); // a zstd magic cut short
  });
});

describe('SparseWriter', () => {
  it('writes zero blocks as holes and keeps every byte', async () => {
    // 1 block of data, 256 zero blocks, a block whose last byte only is set, then a 100-byte tail of zeros.
    const data = Buffer.alloc(BLOCK * 258 + 100);
    data.fill(0xab, 0, BLOCK);
    data[BLOCK * 258 - 1] = 1;
    const path = join(work, 'sparse.bin');
    const w = new SparseWriter(await open(path, 'w'));
    // Feed it in odd-sized chunks, so blocks straddle chunk boundaries.
    await new Promise<void>((resolve, reject) => {
      w.on('finish', resolve).on('error', reject);
      for (let off = 0; off < data.length; off += 3001) w.write(data.subarray(off, off + 3001));
      w.end();
    });
    expect(readFileSync(path).equals(data)).toBe(true);
    expect(w.size).toBe(data.length);
    expect(w.written).toBe(2 * BLOCK);
    expect(onDisk(path)).toBeLessThan(data.length / 8);
  });
});

describe('decompressing real compressed cores', () => {
  let made: MadeCore;
  const inputs = new Map<Compression, string>();
  const tools: Compression[] = ['zstd', 'lz4', 'xz'];

  beforeAll(async () => {
    made = await makeCore('uncaught-error', primaryVersion());
    for (const t of tools) {
      if (!which(t)) continue;
      // No extension: detection must come from the bytes (systemd names them core.node.<...>.zst, people rename).
      const out = join(work, `core-${t}`);
      const r = spawnSync('sh', ['-c', `${t} -c -q < "$1" > "$2"`, 'sh', made.corePath, out]);
      if (r.status === 0) inputs.set(t, out);
    }
  });

  for (const t of tools) {
    describe(t, () => {
      it(`was compressed by the real ${t} tool`, (ctx) => {
        if (!inputs.has(t)) ctx.skip(`SKIPPED: the ${t} tool is not installed (apt-get install ${FORMATS[t].aptPackage})`);
        expect(statSync(inputs.get(t)!).size).toBeLessThan(statSync(made.corePath).size);
      });

      it('is detected by its magic bytes, decompresses to the identical core, sparse, and is removed', async (ctx) => {
        const input = inputs.get(t);
        if (!input) return ctx.skip(`SKIPPED: the ${t} tool is not installed`);
        expect(await detectCompression(input)).toBe(t);
        const dir = tempDir(t);
        const events: number[] = [];
        const d = await decompressCore(input, t, { dir, useTools: true, onProgress: (e) => events.push(e.done) });
        try {
          expect(d.via).toBe(t);
          expect(d.size).toBe(statSync(made.corePath).size);
          expect(sha(d.path)).toBe(sha(made.corePath));
          // Holes: no more disk than the kernel's own (sparse) core took, give or take a few blocks.
          expect(onDisk(d.path)).toBeLessThanOrEqual(onDisk(made.corePath) + 64 * BLOCK);
          expect(d.written).toBeLessThan(d.size);
          expect(events.at(-1)).toBe(statSync(input).size);
        } finally {
          d.remove();
        }
        expect(readdirSync(dir)).toEqual([]);
      });

      it.skipIf(!hasAddon)('opens through openCore: same info as the original, temp file gone after close', async (ctx) => {
        const input = inputs.get(t);
        if (!input) return ctx.skip(`SKIPPED: the ${t} tool is not installed`);
        const dir = tempDir(`${t}-open`);
        process.env.CORESCOPE_TMPDIR = dir;
        try {
          const core = await openCore(input, { executable: made.exe });
          expect(readdirSync(dir)).toHaveLength(1);
          const info = await core.info();
          await core.close();
          expect(info.pid).toBe(made.truth.pid);
          expect(info.node.version).toBe(made.truth.version);
          expect(readdirSync(dir)).toEqual([]);
        } finally {
          delete process.env.CORESCOPE_TMPDIR;
        }
      });
    });
  }

  it.skipIf(!hasAddon)('`corescope info` reads a .zst core; the temporary copy is gone when the process exits', async (ctx) => {
    const input = inputs.get('zstd');
    if (!input) return ctx.skip('SKIPPED: the zstd tool is not installed');
    const dir = tempDir('cli');
    process.env.CORESCOPE_TMPDIR = dir;
    try {
      const run = await spawnCli(['info', input, '--executable', made.exe, '--json']);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout).pid).toBe(made.truth.pid);
    } finally {
      delete process.env.CORESCOPE_TMPDIR;
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('uses Node\'s own zstd when the tool is missing (Node >= 22.15), else names the package to install', async (ctx) => {
    const input = inputs.get('zstd');
    if (!input) return ctx.skip('SKIPPED: the zstd tool is not installed');
    const dir = tempDir('zlib');
    const hasZstd = typeof (zlib as { createZstdDecompress?: unknown }).createZstdDecompress === 'function';
    if (hasZstd) {
      const d = await decompressCore(input, 'zstd', { dir, useTools: false });
      expect(d.via).toBe('node:zlib');
      expect(sha(d.path)).toBe(sha(made.corePath));
      d.remove();
    } else {
      await expect(decompressCore(input, 'zstd', { dir, useTools: false })).rejects.toMatchObject({
        code: 'BACKEND_UNAVAILABLE',
        hint: expect.stringContaining('apt-get install zstd'),
      });
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('decompresses gzip with Node\'s zlib, no tool needed', async () => {
    const input = join(work, 'core-gzip');
    writeFileSync(input, zlib.gzipSync(readFileSync(made.corePath), { level: 1 }));
    const dir = tempDir('gzip');
    const d = await decompressCore(input, 'gzip', { dir, useTools: false });
    expect(sha(d.path)).toBe(sha(made.corePath));
    d.remove();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reports a truncated .zst as CORE_CORRUPT and leaves no temporary file', async (ctx) => {
    const input = inputs.get('zstd');
    if (!input) return ctx.skip('SKIPPED: the zstd tool is not installed');
    const cut = join(work, 'core-cut');
    writeFileSync(cut, readFileSync(input).subarray(0, Math.floor(statSync(input).size / 2)));
    const dir = tempDir('cut');
    await expect(decompressCore(cut, 'zstd', { dir })).rejects.toMatchObject({ code: 'CORE_CORRUPT' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('cancels on an AbortSignal and leaves no temporary file', async (ctx) => {
    const input = inputs.get('xz');
    if (!input) return ctx.skip('SKIPPED: the xz tool is not installed');
    const dir = tempDir('abort');
    const ac = new AbortController();
    ac.abort();
    await expect(decompressCore(input, 'xz', { dir, signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(readdirSync(dir)).toEqual([]);
  });

  for (const how of ['exit', 'SIGTERM', 'SIGINT'] as const) {
    it(`removes the temporary file when the process ends (${how}) without closing`, async (ctx) => {
      const input = inputs.get('lz4') ?? inputs.get('zstd');
      if (!input) return ctx.skip('SKIPPED: neither lz4 nor zstd is installed');
      const dir = tempDir(`child-${how}`);
      const mod = join(REPO, 'dist', 'input', 'compressed.js');
      if (!existsSync(mod)) return ctx.skip('SKIPPED: dist/ is not built');
      const script = `
        import { decompressCore, detectCompression } from ${JSON.stringify(mod)};
        const d = await decompressCore(process.argv[1], await detectCompression(process.argv[1]), { dir: process.argv[2] });
        console.log(d.path);
        ${how === 'exit' ? 'process.exit(0);' : 'setInterval(() => {}, 1000);'}`;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script, input, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (s) => {
        out += s;
        if (how !== 'exit' && out.includes('\n')) {
          expect(existsSync(out.trim())).toBe(true);
          child.kill(how);
        }
      });
      child.stderr.on('data', (s) => (err += s));
      const [code, signal] = await new Promise<[number | null, string | null]>((r) => child.on('close', (c, s) => r([c, s])));
      expect(out.trim(), err).toMatch(/core$/);
      if (how === 'exit') expect(code).toBe(0);
      else expect(signal).toBe(how);
      expect(readdirSync(dir)).toEqual([]);
    });
  }

  it('detects by bytes, not by name: a zstd file named like systemd-coredump\'s .xz, and a .zst that is a plain core', async (ctx) => {
    const input = inputs.get('zstd');
    if (!input) return ctx.skip('SKIPPED: the zstd tool is not installed');
    const misnamed = join(work, `core.node.0.0123456789abcdef0123456789abcdef.${made.truth.pid}.1700000000000000.xz`);
    copyFileSync(input, misnamed);
    expect(await detectCompression(misnamed)).toBe('zstd');
    const plain = join(work, `core.node.0.0123456789abcdef0123456789abcdef.${made.truth.pid}.1700000000000000.zst`);
    copyFileSync(made.corePath, plain);
    expect(await detectCompression(plain)).toBeNull();
  });

  it('copies of the original stay untouched (sanity: the core itself is not compressed)', async () => {
    const copy = join(work, 'plain-core');
    copyFileSync(made.corePath, copy);
    expect(await detectCompression(copy)).toBeNull();
  });
});

/** cli runs bin/corescope.js with extra environment; resolves with exit code, signal and streams. */
function cli(argv: string[], env: Record<string, string>, onStart?: (pid: number) => void): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'bin', 'corescope.js'), ...argv], {
      env: { ...process.env, NODE_OPTIONS: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onStart?.(child.pid!);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (x: string) => (stdout += x));
    child.stderr.setEncoding('utf8').on('data', (x: string) => (stderr += x));
    // A hang is a failure: vitest's timeout would hide which step hung.
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

async function waitFor(what: string, check: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasAddon)('compressed cores through the CLI', () => {
  let made: MadeCore;
  const inputs = new Map<Compression, string>();
  const tools: Compression[] = ['zstd', 'lz4', 'xz'];

  beforeAll(async () => {
    made = await makeCore('uncaught-error', primaryVersion());
    for (const t of tools) {
      if (!which(t)) continue;
      const out = join(work, `cli-core.${FORMATS[t].extension.slice(1)}`);
      if (spawnSync('sh', ['-c', `${t} -c -q < "$1" > "$2"`, 'sh', made.corePath, out]).status === 0) inputs.set(t, out);
    }
  });

  for (const t of tools) {
    for (const damage of ['truncated', 'corrupt'] as const) {
      it(`a ${damage} ${t} core is one line + hint, CORE_CORRUPT (exit 8), no hang, no temporary file`, async (ctx) => {
        const input = inputs.get(t);
        if (!input) return ctx.skip(`SKIPPED: the ${t} tool is not installed (apt-get install ${FORMATS[t].aptPackage})`);
        const bytes = readFileSync(input);
        let bad: Buffer;
        if (damage === 'truncated') bad = bytes.subarray(0, Math.floor(bytes.length / 2));
        else {
          // Keep the magic (so it is recognised), scramble the middle.
          bad = Buffer.from(bytes);
          for (let i = Math.floor(bad.length / 4); i < Math.floor(bad.length / 4) + 4096 && i < bad.length; i++) bad[i] = (bad[i]! ^ 0x5a) & 0xff;
        }
        const path = join(work, `${damage}-${t}${FORMATS[t].extension}`);
        writeFileSync(path, bad);
        const dir = tempDir(`cli-${damage}-${t}`);
        const r = await cli(['-e', made.exe, 'info', path], { CORESCOPE_TMPDIR: dir });
        expect(r.signal, 'killed after 120 s: it hung').toBeNull();
        expect(r.code, r.stderr).toBe(8);
        const lines = r.stderr.split('\n').filter(Boolean);
        expect(lines).toHaveLength(2);
        expect(lines[0]).toMatch(new RegExp(`^corescope: the ${t}-compressed core cannot be decompressed`));
        expect(lines[1]).toMatch(/^hint: the file is truncated or damaged/);
        expect(readdirSync(dir)).toEqual([]);
      }, 150_000);
    }
  }

  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    it(`${sig} while decompressing: the temporary file and the decompressor are gone`, async () => {
      // A decompressor that never finishes (the real tools are too quick to be caught midway):
      // it writes 1 MiB, records its pid and waits. corescope finds it on PATH like the real lz4.
      const bin = join(work, `slow-bin-${sig}`);
      spawnSync('mkdir', ['-p', bin]);
      const pidFile = join(work, `slow-${sig}.pid`);
      writeFileSync(join(bin, 'lz4'), `#!/bin/sh\necho $$ > "${pidFile}"\nhead -c 1048576 /dev/urandom\nexec sleep 600\n`, { mode: 0o755 });
      // Any bytes with the lz4 frame magic.
      const input = join(work, `slow-${sig}.lz4`);
      writeFileSync(input, Buffer.concat([Buffer.from([0x04, 0x22, 0x4d, 0x18]), Buffer.alloc(64 * 1024, 1)]));
      const dir = tempDir(`cli-${sig}`);
      let pid = 0;
      const done = cli(['-e', made.exe, 'info', input], { CORESCOPE_TMPDIR: dir, PATH: `${bin}:${process.env.PATH}` }, (p) => (pid = p));
      // Wait until the copy is being written, then signal corescope.
      await waitFor('the temporary copy', () => {
        const d = readdirSync(dir)[0];
        return !!d && existsSync(join(dir, d, 'core')) && statSync(join(dir, d, 'core')).size > 0 && existsSync(pidFile);
      });
      process.kill(pid, sig);
      const r = await done;
      if (sig === 'SIGINT') {
        // The CLI turns Ctrl-C into cancellation: CANCELLED (exit 14), one line.
        expect(r.code, r.stderr).toBe(14);
        expect(r.stderr).toMatch(/cancelled/);
      } else {
        expect(r.signal).toBe('SIGTERM');
      }
      expect(readdirSync(dir)).toEqual([]);
      const toolPid = Number(readFileSync(pidFile, 'utf8'));
      await waitFor('the decompressor to exit', () => !alive(toolPid), 10_000);
    }, 150_000);
  }

  it('draws progress on a terminal, not on a pipe', async (ctx) => {
    const input = inputs.get('xz');
    if (!input) return ctx.skip('SKIPPED: the xz tool is not installed');
    const python = ['python3', 'python'].find((p) => spawnSync(p, ['-c', 'import pty'], { stdio: 'ignore' }).status === 0);
    if (!python) return ctx.skip('SKIPPED: python3 with the pty module is needed for a pseudo-terminal');
    // stderr on a pty (stdout too); the whole transcript comes back.
    const driver = 'import os, pty, sys\nsys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))';
    const tty = spawnSync(python, ['-c', driver, process.execPath, join(REPO, 'bin', 'corescope.js'), '-e', made.exe, 'info', input], {
      env: { ...process.env, NODE_OPTIONS: '' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(tty.status, tty.stderr).toBe(0);
    expect(tty.stdout).toMatch(/\] 100% decompressing xz /);
    const piped = await cli(['-e', made.exe, 'info', input], {});
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stderr).not.toMatch(/decompressing/);
  }, 150_000);
});
