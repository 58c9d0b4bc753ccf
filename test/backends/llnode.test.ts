// The llnode backend (lldb + llnode 4.0), differentially against the native
// backend and the scenario's own counts, on Node 18 and 20 cores (where
// llnode still reads something): the JS frame names of the crashed thread,
// `findrefs -n <property>` counts, the properties of an object, and the
// referrers of an address. Also: `--backend llnode` without lldb/llnode is
// BACKEND_UNAVAILABLE (exit 11) naming the install. The llnode cases run
// where scripts/install-llnode.sh installed lldb and llnode (CI does), and
// are skipped with that reason elsewhere.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Core } from '../../src/api/core.js';
import { openCore } from '../../src/api/open-core.js';
import { ERRORS } from '../../src/api/errors.js';
import type { StackResult } from '../../src/api/types.js';
import { openLlnodeBackend, type LlnodeBackend } from '../../src/backends/llnode/backend.js';
import { openNativeBackend } from '../../src/backends/native.js';
import { parseBt, parseHistogram, parseInspect, parseRefs } from '../../src/backends/llnode/parse.js';
import { findLldb, findPlugin } from '../../src/backends/llnode/session.js';
import { hasAddon, runCli, spawnCli } from '../support/cli.js';
import { makeCore, type MadeCore } from '../support/make-core.js';
import { testedVersions } from '../support/node-versions.js';
import { REPO } from '../support/repo.js';

const lldb = findLldb();
const plugin = findPlugin();
const hasLlnode = Boolean(lldb && plugin && hasAddon);
const NO_LLNODE = !hasAddon
  ? 'SKIPPED: the native addon is not built (npm run build:native)'
  : `SKIPPED: ${!lldb ? 'lldb' : 'the llnode plugin'} is not installed (run scripts/install-llnode.sh; CI does)`;

// Node 18 and 20: where llnode 4.0 still names JS frames and finds properties.
const DIFF_VERSIONS = testedVersions().filter((v) => v === 18 || v === 20);

describe('llnode output parsers', () => {
  it('reads the findjsobjects histogram with its totals', () => {
    const h = parseHistogram(
      ' Instances  Total Size Name\n ---------- ---------- ----\n          1         24 console\n         52       2048 \n        116       3712 (Array)\n ---------- ---------- \n        169       5784 \n',
    );
    expect(h.rows).toEqual([
      { count: 1, bytes: 24, name: 'console' },
      { count: 52, bytes: 2048, name: '' },
      { count: 116, bytes: 3712, name: '(Array)' },
    ]);
    expect(h.rows.reduce((a, r) => a + r.count, 0)).toBe(h.totalCount);
    expect(h.rows.reduce((a, r) => a + r.bytes, 0)).toBe(h.totalBytes);
  });

  it('reads findrefs property, element and context lines', () => {
    const r = parseRefs('0xa6850a1d9b9: (Object).byId=0xa6850a1da71\n0x1000: (Array)[7]=0x2000\n0x3000: Context.value=0x2000\nnoise\n');
    expect(r.map((x) => [x.from, x.kind, x.name, x.to])).toEqual([
      ['0xa6850a1d9b9', 'property', 'byId', '0xa6850a1da71'],
      ['0x1000', 'element', '7', '0x2000'],
      ['0x3000', 'context', 'value', '0x2000'],
    ]);
  });

  it('reads inspect output: head, properties and their values', () => {
    const p = parseInspect('0xa6850a1f4d9:<Object: no constructor properties {\n    .id=<Smi: 101>,\n    .label=0xa6850a1f521:<String: "w101">,\n    .owner=0x195dca2c0269:<null>}>', '0xa6850a1f4d9');
    expect(p.head.tag).toBe('Object');
    const m = parseInspect('0x00002b9b7f84ced1(map=0x00002118a5912891):<Object: no constructor properties {\n    .id=<Smi: 1>}>', '0x2b9b7f84ced1');
    expect([m.address, m.map, m.head.tag, m.properties.length]).toEqual(['0x2b9b7f84ced1', '0x2118a5912891', 'Object', 1]);
    expect(p.properties.map((q) => [q.name, q.value.tag, q.value.rest])).toEqual([
      ['id', 'Smi', '101'],
      ['label', 'String', '"w101"'],
      ['owner', 'null', ''],
    ]);
  });

  it('reads bt: native frames, markers and JS frames whose arguments hold " at "', () => {
    const bt = parseBt(
      " * thread #1: tid = 29995, 0x0000000002155a72 node`v8::base::OS::Abort() + 18, name = 'node', stop reason = signal SIGTRAP\n" +
        '  * frame #0: 0x0000000002155a72 node`v8::base::OS::Abort() + 18\n' +
        '    frame #4: 0x000000000195e476 <exit>\n' +
        '    frame #9: 0x00000000018cfd1c processTimers(this=0x1:<Object: process>, 0x3f5baa1fe2e1:<function: processTimers at node:internal/timers:1:10>) at node:internal/timers:1:10 fn=0x00003f5baa1fe2e1\n' +
        '    frame #6: 0x00007f8071dcd8de\n',
    )!;
    expect(bt.tid).toBe(29995);
    expect(bt.stopReason).toBe('signal SIGTRAP');
    expect(bt.frames[0]!.native?.symbol).toBe('v8::base::OS::Abort() + 18');
    expect(bt.frames[1]!.marker).toBe('<exit>');
    expect(bt.frames[2]!.js).toEqual({ name: 'processTimers', script: 'node:internal/timers', line: 1, column: 10, fn: '0x3f5baa1fe2e1' });
    expect(bt.frames[3]!.js).toBeUndefined();
  });
});

/** spawnWith runs the CLI with extra environment (PATH stripped, a bogus plugin path). */
function spawnWith(argv: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'bin', 'corescope.js'), ...argv], {
      cwd: REPO,
      env: { ...process.env, NODE_OPTIONS: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (x: string) => (stdout += x));
    child.stderr.setEncoding('utf8').on('data', (x: string) => (stderr += x));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('--backend llnode without lldb or llnode', () => {
  // Every command the llnode backend answers fails the same way: one line, a hint, exit 11.
  const commands: string[][] = [['objects'], ['instances', 'Widget'], ['inspect', '0x1000'], ['refs', '0x1000'], ['stack']];

  it.each(commands)('%s: lldb not on PATH is BACKEND_UNAVAILABLE (exit 11) naming the install', async (...cmd) => {
    const [name, ...rest] = cmd;
    // PATH stripped to an empty directory: no lldb, no lldb-<N>.
    const run = await spawnWith(['--backend', 'llnode', '-e', process.execPath, name!, '/nonexistent-core', ...rest], { PATH: '/nonexistent', CORESCOPE_LLDB: '' });
    expect(run.code, run.stderr).toBe(ERRORS.BACKEND_UNAVAILABLE.exitCode);
    expect(run.code).toBe(11);
    const lines = run.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^corescope: the llnode backend needs lldb, which is not installed$/);
    expect(lines[1]).toMatch(/^hint: .*install-llnode\.sh.*apt-get install -y lldb liblldb-dev/);
  });

  it('a bogus CORESCOPE_LLDB is the same error', async () => {
    const run = await spawnWith(['--backend', 'llnode', '-e', process.execPath, 'stack', '/nonexistent-core'], { CORESCOPE_LLDB: '/nonexistent/lldb' });
    expect(run.code).toBe(11);
    expect(run.stderr).toMatch(/needs lldb/);
  });

  it.skipIf(!lldb)('lldb present but llnode.so missing (bogus CORESCOPE_LLNODE_PLUGIN) names the plugin and the install', async () => {
    const run = await spawnWith(['--backend', 'llnode', '-e', process.execPath, '--json', 'objects', '/nonexistent-core'], { CORESCOPE_LLNODE_PLUGIN: '/nonexistent/llnode.so' });
    expect(run.code).toBe(11);
    expect(run.stderr.split('\n').filter(Boolean)[0]).toBe('corescope: the llnode backend needs the llnode lldb plugin (llnode.so), which is not installed');
    expect(run.stderr).toMatch(/hint: .*npm install --prefix \.cache\/llnode llnode@4\.0\.0/);
    // --json: the error as JSON on stdout too.
    expect(JSON.parse(run.stdout).error.code).toBe('BACKEND_UNAVAILABLE');
  });
});

describe('--backend option', () => {
  it('refuses commands the llnode backend does not answer, and unknown engines', async () => {
    const info = await runCli(['--backend', 'llnode', 'info', '/nonexistent-core']);
    expect(info.code).toBe(ERRORS.USAGE.exitCode);
    expect(info.stderr).toMatch(/info does not run on --backend llnode/);
    const bad = await runCli(['--backend', 'gdb', 'stack', '/nonexistent-core']);
    expect(bad.code).toBe(ERRORS.USAGE.exitCode);
    expect(bad.stderr).toMatch(/gdb/);
  });
});

describe.skipIf(!hasLlnode || DIFF_VERSIONS.length === 0)(`llnode vs native ${hasLlnode ? '' : NO_LLNODE}`, () => {
  describe.each(DIFF_VERSIONS)('Node %i', (major) => {
    let made: MadeCore;
    let core: Core;
    let ll: LlnodeBackend;

    beforeAll(async () => {
      made = await makeCore('uncaught-error', major);
      core = await openCore(made.corePath, { executable: made.exe });
      ll = await openLlnodeBackend(made.corePath, { executable: made.exe });
    }, 600_000);
    afterAll(async () => {
      await ll?.close();
      await core?.close();
    });

    it('names the crashed thread\'s JS frames as the native backend does', async () => {
      const [llStack, nativeStack]: StackResult[] = await Promise.all([ll.stack({ threads: 'crashed' }), core.stack({ threads: 'crashed' })]);
      const llNames = llStack.threads[0]!.frames.filter((f) => f.kind === 'js').map((f) => f.function);
      const nativeNames = nativeStack.threads[0]!.frames.filter((f) => f.kind.startsWith('js')).map((f) => f.function);
      expect(llNames).toContain(made.truth.crash.function);
      expect(llNames).toEqual(nativeNames);
      // Both see the same crashed thread.
      expect(llStack.threads[0]!.id).toBe(nativeStack.threads[0]!.id);
    }, 300_000);

    it('counts `findrefs -n <property>` holders as the scenario created them', async () => {
      // Every LeakyThing has .payload and .when; nothing else in the process has those names.
      const payload = await ll.findrefsByName('payload');
      expect(new Set(payload.map((r) => r.address)).size).toBe(made.truth.counts.LeakyThing);
    }, 300_000);

    it('reads the same properties of an object as the native inspect', async () => {
      const [first] = await ll.findrefsByName('payload');
      expect(first).toBeDefined();
      const [a, b] = await Promise.all([ll.inspect(first!.address), core.inspect(first!.address)]);
      const names = (r: typeof a) => (r.properties ?? []).map((p) => p.name);
      expect(names(a)).toEqual(names(b));
      const id = (r: typeof a) => (r.properties ?? []).find((p) => p.name === 'id')?.value.value;
      expect(id(a)).toBe(id(b));
      const payloadOf = (r: typeof a) => (r.properties ?? []).find((p) => p.name === 'payload')?.value.value;
      expect(payloadOf(a)).toBe(`payload-${id(b)}`);
    }, 300_000);

    it('finds the referrers of an address that the native refs finds', async (ctx) => {
      // Core.refs when the TS wrapper exists, else the addon's "refs" method directly.
      const c = core as unknown as { refs?: (a: string) => Promise<object>; call: (m: string, a: object) => Promise<object> };
      if (!core.supports('refs')) return ctx.skip('SKIPPED: the native addon has no refs method yet');
      const [first] = await ll.findrefsByName('payload');
      const llRefs = await ll.refs(first!.address);
      const nativeRefs = typeof c.refs === 'function' ? await c.refs(first!.address) : await c.call('refs', { address: first!.address });
      const native = (nativeRefs as { referrers: Array<{ address: string | null; edge: { kind: string; name: string } | null }> }).referrers;
      const key = (address: string | null, edge: { kind: string; name: string } | null) => `${address} ${edge?.kind} ${edge?.name}`;
      const nativeKeys = new Set(native.map((r) => key(r.address, r.edge)));
      // The `things` array holds every LeakyThing: both name the same JSArray and index.
      const arrayRef = llRefs.referrers.find((r) => r.edge?.kind === 'element');
      expect(arrayRef, JSON.stringify(llRefs.referrers)).toBeDefined();
      expect(nativeKeys.has(key(arrayRef!.address, arrayRef!.edge))).toBe(true);
      // Everything llnode finds, the native backend finds too (it also finds stale backing stores llnode skips).
      for (const r of llRefs.referrers) expect(nativeKeys, JSON.stringify(native)).toContain(key(r.address, r.edge));
    }, 300_000);
  });
});

// The CLI's --backend llnode on every command it answers, on the small llnode-table scenario (57 Widgets:
// llnode's heap scans are quick) of the newest version llnode still reads (Node 20, else 18).
const CLI_VERSION = DIFF_VERSIONS.at(-1);
describe.skipIf(!hasLlnode || CLI_VERSION === undefined)(`--backend llnode through the CLI ${hasLlnode ? '' : NO_LLNODE}`, () => {
  let made: MadeCore;
  let core: Core;
  beforeAll(async () => {
    made = await makeCore('llnode-table', CLI_VERSION!);
    core = await openCore(made.corePath, { executable: made.exe });
  }, 600_000);
  afterAll(async () => {
    await core?.close();
  });

  it('runs objects, instances, inspect, refs and stack through the CLI with the native result types', async () => {
      const cli = async (...args: string[]) => {
        const r = await spawnWith(['--backend', 'llnode', '-e', made.exe, ...args, '--json'], {});
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
        return JSON.parse(r.stdout) as Record<string, unknown> & { warnings: Array<{ code: string }> };
      };
      const keys = (o: object) => Object.keys(o).filter((k) => k !== 'engine').sort();
      // The typed fields of each result (src/api/types.ts); the native one may carry more (e.g. objects' pages).
      const sameShape = (ll: object, native: object) => expect(keys(native)).toEqual(expect.arrayContaining(keys(ll)));
      const addr = (await core.instances('Widget', { limit: 1 })).instances[0]!.address;

      const objects = await cli('objects', made.corePath, '--top', '5');
      const nativeObjects = await core.objects();
      sameShape(objects, nativeObjects);
      expect(keys(objects)).toEqual(['by', 'live', 'resyncBytes', 'schemaVersion', 'totals', 'types', 'warnings']);
      expect(keys(objects.totals as object)).toEqual(keys(nativeObjects.totals));
      expect((objects.types as unknown[]).length).toBe(5);
      expect(Object.keys((objects.types as object[])[0]!).sort()).toEqual(['count', 'name', 'shallowSize']);

      // llnode 4.0 finds no instances by class name on Node 18+ (README table): the result says so, in the native shape.
      const instances = await cli('instances', made.corePath, 'Widget');
      const nativeInstances = await core.instances('Widget', { limit: 1 });
      expect(keys(instances)).toEqual(keys(nativeInstances));
      expect(instances.name).toBe('Widget');

      const inspect = await cli('inspect', made.corePath, addr);
      expect(inspect.address).toBe(addr);
      expect((inspect.properties as Array<{ name: string }>).map((p) => p.name)).toEqual((await core.inspect(addr)).properties?.map((p) => p.name));

      const refs = await cli('refs', made.corePath, addr);
      const nativeRefs = await core.refs(addr);
      sameShape(refs, nativeRefs);
      expect(keys((refs.target as object)!)).toEqual(keys(nativeRefs.target!));
      expect(keys((refs.referrers as object[])[0]!)).toEqual(keys(nativeRefs.referrers[0]!));
      const byName = await cli('refs', made.corePath, '--name', 'owner');
      expect(byName.mode).toBe('property');
      // As many holders of .owner as the native refs --name finds (llnode-table.test.ts: 58 on Node 18/20).
      expect((byName.referrers as unknown[]).length).toBe((await core.refsByProperty('owner')).referrers.length);
      expect((byName.referrers as unknown[]).length).toBeGreaterThanOrEqual(made.truth.counts.Widget!);

      const stack = await cli('stack', made.corePath, '--crashed');
      const frames = (stack.threads as Array<{ frames: Array<{ kind: string; function: string | null }> }>)[0]!.frames;
      expect(frames.filter((f) => f.kind === 'js').map((f) => f.function)).toContain(made.truth.crash.function);

      for (const r of [objects, instances, inspect, refs, byName, stack]) expect(r.warnings.map((w) => w.code)).toContain('LLNODE_BACKEND');

      // Human output renders too (the same render functions as the native backend).
      const human = await spawnWith(['--backend', 'llnode', '-e', made.exe, 'refs', made.corePath, addr], {});
      expect(human.code, human.stderr).toBe(0);
      expect(human.stdout).toContain(addr);
    }, 600_000);

  it('`shell` with --backend llnode runs each line in one lldb session; an error keeps it going', async () => {
    const child = spawn(process.execPath, [join(REPO, 'bin', 'corescope.js'), '--backend', 'llnode', '-e', made.exe, 'shell', made.corePath], {
      cwd: REPO,
      env: { ...process.env, NODE_OPTIONS: '', CORESCOPE_HISTORY: '/dev/null' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (x: string) => (stdout += x));
    child.stderr.setEncoding('utf8').on('data', (x: string) => (stderr += x));
    child.stdin.end('stack --crashed --json\ninspect nothex\ninfo\nstack --crashed --json\nexit\n');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code, stderr).toBe(0);
    // Two stack results (before and after the errors), each naming the crashing function.
    const results = (stdout.match(/^\{[\s\S]*?^\}$/gm) ?? []).map((j) => JSON.parse(j) as StackResult);
    expect(results).toHaveLength(2);
    for (const r of results) expect(r.threads[0]!.frames.map((f) => f.function)).toContain(made.truth.crash.function);
    // a malformed address and a native-only command: one error line each.
    const errors = stderr.split('\n').filter((l) => l.startsWith('corescope:') && !l.startsWith('corescope: warning:'));
    expect(errors, stderr).toHaveLength(2);
    expect(errors[1]).toMatch(/info is not available with --backend llnode/);
  }, 600_000);
});

describe.skipIf(!hasAddon)('the native backend adapter', () => {
  it('answers stack as Core does and names what the addon lacks', async () => {
    const made = await makeCore('uncaught-error', testedVersions()[0]!);
    const b = await openNativeBackend(made.corePath, { executable: made.exe });
    try {
      const viaBackend = await b.stack({ threads: 'crashed' });
      const viaCore = await b.core.stack({ threads: 'crashed' });
      expect(viaBackend).toEqual(viaCore);
      expect(b.name).toBe('native');
      for (const m of ['objects', 'instances', 'inspect', 'refs']) {
        if (b.supports(m)) continue;
        await expect((b as unknown as Record<string, () => Promise<unknown>>)[m]!()).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
      }
    } finally {
      await b.close();
    }
  }, 300_000);
});
