// `report` on real cores: the thrown error and its cause chain compared with
// what the scenario threw (its arguments and source), crash signatures that
// group two crashes of one bug (different message text and heap contents)
// and separate a different bug, cores made other ways (process.abort() →
// SIGABRT, SIGSEGV sent with process.kill) that have a stack but no thrown
// value, thrown non-Error values, and triage of several cores with --group.
// The uncaught-error core of every tested version is shared with stack.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { crashSignature, scriptBasename } from '../../src/analyses/crash-signature.js';
import { openCore } from '../../src/api/open-core.js';
import type { CrashReport, FsRequestInfo, JsTimerInfo, LibuvInfo, ObjectsResult } from '../../src/api/types.js';
import { collect, redactEnvironment, type ReportDocument } from '../../src/cli/commands/report.js';
import { hasAddon, NO_ADDON, runCli } from '../support/cli.js';
import { makeCore, SCENARIOS, type MadeCore } from '../support/make-core.js';
import { primaryVersion, testedVersions } from '../support/node-versions.js';
import { crashTimerSites, jsFrames, scriptIs, siteOf } from '../support/scenario-sites.js';

/** lightDocOf: the report document built in-process, without the heap walk. */
async function lightDocOf(made: MadeCore): Promise<ReportDocument> {
  const core = await openCore(made.corePath, { executable: made.exe });
  try {
    return await collect(core, { heap: false });
  } finally {
    await core.close();
  }
}

/** SOCKETS_ENV: the crash-sockets scenario's extra environment, two of them secret-looking. */
const SOCKETS_ENV = { SERVICE_API_TOKEN: 'tok-5e3c7a1f', DB_PASSWORD: 'hunter2-pw', SERVICE_REGION: 'eu-west-1' };

/** EXTRA: the version the single-version cases (thrown non-Error values, human output, --group) use. */
const EXTRA = testedVersions().includes(22) ? 22 : testedVersions()[0]!;

describe('crash signatures and redaction (no core)', () => {
  it('hash the top JS frames by function and script basename plus the error constructor, not lines or paths', () => {
    const frame = (fn: string, script: string, line: number) => ({ kind: 'js-interpreted', function: fn, script, line });
    const a = crashSignature({ frames: [frame('f', '/srv/a/x.js', 3), frame('g', 'file:///srv/a/y.js', 9)], errorConstructor: 'TypeError' });
    const b = crashSignature({ frames: [frame('f', '/other/x.js', 30), frame('g', '/y.js', 1)], errorConstructor: 'TypeError' });
    const c = crashSignature({ frames: [frame('f', '/srv/a/x.js', 3), frame('g', '/srv/a/y.js', 9)], errorConstructor: 'RangeError' });
    expect(a.signature).toMatch(/^[0-9a-f]{16}$/);
    expect(a.signature).toBe(b.signature);
    expect(a.signature).not.toBe(c.signature);
    expect(a.parts).toEqual(['error TypeError', 'f x.js', 'g y.js']);
    expect(scriptBasename('node:internal/timers')).toBe('node:internal/timers');
  });

  it('redacts values of secret-looking environment names only', () => {
    expect(redactEnvironment(['PATH=/bin', 'AWS_SECRET_ACCESS_KEY=abc', 'GITHUB_TOKEN=x', 'DB_PASSWORD=p=q', 'HOME=/root'])).toEqual([
      'PATH=/bin',
      'AWS_SECRET_ACCESS_KEY=<redacted>',
      'GITHUB_TOKEN=<redacted>',
      'DB_PASSWORD=<redacted>',
      'HOME=/root',
    ]);
  });
});

describe.skipIf(!hasAddon)(`report on crash cores ${hasAddon ? '' : NO_ADDON}`, () => {
  describe.each(testedVersions())('Node %i, uncaught Error with a cause chain', (major) => {
    let made: MadeCore;
    let rep: CrashReport;
    let repAfterGraph: CrashReport;
    let present: ObjectsResult;
    let live: ObjectsResult;

    beforeAll(async () => {
      made = await makeCore('crash-timer', major, { args: ['7'] });
      // One session, as `corescope shell` runs it: a report before and after the graph exists.
      const core = await openCore(made.corePath, { executable: made.exe });
      try {
        rep = await core.report();
        present = await core.objects({ includeGarbage: true });
        live = await core.objects({ retained: true }); // builds the reference graph
        repAfterGraph = await core.report();
      } finally {
        await core.close();
      }
    });

    it('finds the thrown Error, its message and code', () => {
      expect(rep.crashKind).toBe('uncaught-exception');
      expect(rep.thrown.found).toBe(true);
      const e = rep.error!;
      expect(e.type).toBe('error');
      expect(e.constructor).toBe('Error');
      expect(e.name).toBe('Error');
      expect(e.message).toBe(made.truth.crash.message);
      expect(e.code).toBe('E_REQUEST_FAILED');
    });

    it('follows the whole cause chain: Error ← RangeError ← TypeError', () => {
      const middle = rep.error!.cause!;
      expect(middle.constructor).toBe('RangeError');
      expect(middle.message).toBe('retry budget exhausted after 7 tries');
      const root = middle.cause!;
      expect(root.constructor).toBe('TypeError');
      expect(root.message).toBe('socket 7 reset');
      expect(root.cause).toBeUndefined();
    });

    it("rebuilds the error's stack with the creating frames and their lines", () => {
      const e = rep.error!;
      expect(e.stack!.split('\n')[0]).toBe(`Error: ${made.truth.crash.message}`);
      const created = siteOf('crashNow', 'crash-timer.js', 'const err = new Error', 'new Error');
      expect(e.stack).toMatch(new RegExp(`at crashNow \\(\\S*crash-timer\\.js:${created.line}:${created.column}\\)`));
      const call = crashTimerSites()[1]!;
      expect(e.stack).toMatch(new RegExp(`at handleRequest \\(\\S*crash-timer\\.js:${call.line}:${call.column}\\)`));
    });

    it("reads node's default libuv loop: its handles and an uptime from the loop clock", () => {
      const u = rep.libuv;
      expect(u.available).toBe(true);
      expect(u.handles!.length).toBeGreaterThan(0);
      for (const h of u.handles!) {
        expect(['async', 'check', 'prepare', 'idle', 'timer', 'signal', 'tcp', 'pipe', 'tty', 'udp', 'poll', 'process', 'fs_event', 'fs_poll']).toContain(h.type);
      }
      // The scenario crashed from a setTimeout callback about a second after start.
      expect(u.uptimeSeconds).toBeGreaterThan(0);
      expect(u.uptimeSeconds).toBeLessThan(120);
    });

    it('walks the heap: the scenario\'s objects among the top types, its 1 MiB ArrayBuffer in external memory', () => {
      const h = rep.heap;
      expect(h.available).toBe(true);
      expect(h.objects).toBeGreaterThan(made.truth.counts.sessions!);
      const objects = h.topTypes!.find((t) => t.name === 'Object');
      expect(objects?.count).toBeGreaterThanOrEqual(made.truth.counts.sessions!);
      // No graph in this session yet: every object present, sorted by shallow size, at most 10.
      expect(h.rankedBy).toBe('shallow');
      expect(h.live).toBe(false);
      const sizes = h.topTypes!.map((t) => t.bytes);
      expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
      expect(h.topTypes!.length).toBe(10);
      const payload = made.truth.counts.payloadBytes!;
      expect(h.external!.arrayBufferBytes).toBeGreaterThanOrEqual(payload);
      expect(h.external!.arrayBufferBytes).toBeLessThan(payload + (1 << 20)); // node's own buffers are small
    });

    it('names the top types as `objects` does and gives the same counts and sizes (every object present)', () => {
      // objects splits closures by function; the report keeps them as one "(closure)" row.
      const rows = new Map(present.types.filter((t) => !t.name.startsWith('(closure)')).map((t) => [t.name, t]));
      const closures = present.types.filter((t) => t.name.startsWith('(closure)'));
      const largest = [...rows.values(), { name: '(closure)', count: closures.reduce((n, t) => n + t.count, 0), shallowSize: closures.reduce((n, t) => n + t.shallowSize, 0) }]
        .sort((a, b) => b.shallowSize - a.shallowSize || (a.name < b.name ? -1 : 1)).slice(0, 10);
      expect(rep.heap.topTypes!.map((t) => ({ name: t.name, count: t.count, bytes: t.bytes }))).toEqual(
        largest.map((t) => ({ name: t.name, count: t.count, bytes: t.shallowSize })),
      );
      // One name per concept: V8 internal types by the snapshot's names, never raw instance types.
      for (const t of rep.heap.topTypes!) expect(t.name).not.toMatch(/_TYPE\)?$/);
    });

    it('ranks live objects by retained size once the session has the reference graph, as `objects --retained` does', () => {
      const h = repAfterGraph.heap;
      expect(h.rankedBy).toBe('retained');
      expect(h.live).toBe(true);
      expect(h.liveObjects).toBe(live.totals.objects);
      const byName = new Map(live.types.map((t) => [t.name, t]));
      const keys = h.topTypes!.map((t) => t.retainedBytes ?? t.bytes);
      expect(keys).toEqual([...keys].sort((a, b) => b - a));
      expect(h.topTypes!.length).toBe(10);
      for (const t of h.topTypes!) {
        if (t.name === '(closure)') continue; // one row here, one per function in objects
        const o = byName.get(t.name);
        expect(o, t.name).toBeDefined();
        expect({ count: t.count, bytes: t.bytes, retained: t.retainedBytes ?? undefined }, t.name).toEqual({
          count: o!.count,
          bytes: o!.shallowSize,
          retained: o!.retainedSize,
        });
      }
      // The scenario's sessions are alive (its array holds them).
      expect(byName.get('Object')!.count).toBeGreaterThanOrEqual(made.truth.counts.sessions!);
    });

    it('says where it was thrown: the throw statement', () => {
      const site = crashTimerSites()[0]!;
      expect(scriptIs(rep.thrown.thrownAt!.script, 'crash-timer.js')).toBe(true);
      expect(rep.thrown.thrownAt).toMatchObject({ line: site.line, column: site.column });
    });
  });

  // The "leaking connections" case: two listening servers (an explicit port, port 0) and open
  // connections, the addresses as the scenario read them just before crashing
  // (truth.crash.servers / .sockets), the pending timers (truth.crash.timers), and --env.
  describe.each(testedVersions())('Node %i: libuv handles of TCP servers with open connections, JS timers', (major) => {
    interface SocketTruth { role: string; localAddress: string; localPort: number; remoteAddress: string; remotePort: number }
    interface TimerTruth { callback: string; delayMs: number; repeat: boolean; ref: boolean }
    let made: MadeCore;
    let libuv: LibuvInfo;
    let timers: JsTimerInfo[] | null;
    let uptime: number | null | undefined;
    let fsRequests: FsRequestInfo[] | null;
    let servers: Array<{ name: string; requestedPort: number; address: string; port: number }>;
    let sockets: SocketTruth[];

    beforeAll(async () => {
      made = await makeCore('crash-sockets', major, { env: SOCKETS_ENV });
      const core = await openCore(made.corePath, { executable: made.exe });
      try {
        const rep = await core.report();
        libuv = rep.libuv;
        timers = rep.timers;
        uptime = rep.libuv.uptimeSeconds;
        fsRequests = rep.fsRequests;
      } finally {
        await core.close();
      }
      const crash = made.truth.crash as unknown as { servers: typeof servers; sockets: SocketTruth[] };
      servers = crash.servers;
      sockets = crash.sockets;
    });

    it("lists each server's listen socket with its address and port, owned by a Server (port 0: the port the kernel chose)", () => {
      const listening = libuv.handles!.filter((h) => h.listening);
      expect(listening.map((h) => h.local).sort()).toEqual(servers.map((sv) => `${sv.address}:${sv.port}`).sort());
      for (const sv of servers) {
        const h = listening.find((l) => l.local === `${sv.address}:${sv.port}`)!;
        expect(h).toMatchObject({ type: 'tcp', active: true });
        expect(h.jsOwner!.constructor).toBe('Server');
        expect(h.owner!.constructor).toBe('TCP');
        expect(Boolean(h.portInferred), sv.name).toBe(sv.requestedPort === 0);
      }
    });

    it('lists every open connection with its local and remote port, owned by a Socket', () => {
      const conns = libuv.handles!.filter((h) => h.type === 'tcp' && !h.listening);
      expect(conns).toHaveLength(sockets.length);
      const seen = conns.map((h) => `${h.local} -> ${h.remote}`).sort();
      const want = sockets.map((s) => `${s.localAddress}:${s.localPort} -> ${s.remoteAddress}:${s.remotePort}`).sort();
      expect(seen).toEqual(want);
      for (const h of conns) {
        expect(h.jsOwner!.constructor).toBe('Socket');
        expect(h.fd).toBeGreaterThan(2);
      }
      expect(sockets.filter((s) => s.role === 'client')).toHaveLength(4);
    });

    it('lists the fs request in flight (open of a FIFO nobody writes): operation, path, the user\'s callback', () => {
      expect(libuv.activeRequests).toBe(1);
      const site = siteOf('onFifoOpen', 'crash-sockets.js', 'FS-REQUEST', 'function onFifoOpen');
      expect(fsRequests).toEqual([
        expect.objectContaining({ op: 'open', path: join(made.dir, 'never-written.fifo'), callback: 'onFifoOpen', line: site.line }),
      ]);
      expect(scriptIs(fsRequests![0]!.script, 'crash-sockets.js')).toBe(true);
    });

    it('names the dgram.Socket that owns the UDP handle', () => {
      const udp = libuv.handles!.filter((h) => h.type === 'udp');
      expect(udp).toHaveLength(1);
      expect(udp[0]!.owner!.constructor).toBe('UDP');
      expect(udp[0]!.jsOwner!.constructor).toBe('Socket');
      expect(udp[0]!.fd).toBeGreaterThan(2);
    });

    it("gives the uptime the process had at the crash (libuv's loop clock against node's start time)", () => {
      const truth = (made.truth.crash as unknown as { uptimeSeconds: number }).uptimeSeconds;
      // The loop clock is cached at the start of the loop iteration the crash happened in.
      expect(uptime).toBeGreaterThan(truth - 1);
      expect(uptime).toBeLessThanOrEqual(truth + 0.01);
    });

    it('lists the pending JS timers with delay, repeat, ref and the callback\'s file and line', () => {
      const want = (made.truth.crash as unknown as { timers: TimerTruth[] }).timers;
      expect(timers).not.toBeNull();
      const lines = readFileSync(join(SCENARIOS, 'crash-sockets.js'), 'utf8').split('\n');
      const got = timers!.filter((t) => scriptIs(t.script, 'crash-sockets.js'));
      expect(got.map((t) => t.callback).sort()).toEqual(want.map((t) => t.callback).sort());
      for (const w of want) {
        const t = got.find((g) => g.callback === w.callback)!;
        expect({ kind: t.kind, delayMs: t.delayMs, repeat: t.repeat, ref: t.ref }, w.callback).toEqual({ kind: 'Timeout', delayMs: w.delayMs, repeat: w.repeat, ref: w.ref });
        const line = lines.findIndex((l) => l.includes(`function ${w.callback}()`));
        expect(t.line).toBe(line + 1);
        // Where the function starts: its `function` keyword or its parameter list.
        expect(t.column).toBeGreaterThanOrEqual(lines[line]!.indexOf('function ') + 1);
        expect(t.column).toBeLessThanOrEqual(lines[line]!.indexOf('() {}') + 1);
      }
      // The setImmediate running at the crash has fired: not pending.
      expect(timers!.some((t) => t.callback === 'timerCallback')).toBe(false);
    });

    it('--env gives the environment the process started with, secret-looking values redacted', async () => {
      if (major !== EXTRA) return;
      const run = await runCli(['report', made.corePath, '--exe', made.exe, '--env', '--json']);
      expect(run.code, run.stderr).toBe(0);
      const doc = JSON.parse(run.stdout) as ReportDocument;
      const want = made.truth.environment.map((kv) =>
        kv.startsWith('SERVICE_API_TOKEN=') || kv.startsWith('DB_PASSWORD=') ? `${kv.split('=')[0]}=<redacted>` : kv,
      );
      expect(doc.environment).toEqual(want);
      expect(doc.environment).toContain('SERVICE_REGION=eu-west-1');
      for (const secret of Object.values(SOCKETS_ENV).slice(0, 2)) expect(run.stdout).not.toContain(secret);
      const plain = await runCli(['report', made.corePath, '--exe', made.exe, '--json']);
      expect((JSON.parse(plain.stdout) as ReportDocument).environment).toBeUndefined();
    });

    it('prints the handles with owners and addresses in the human report', async () => {
      if (major !== EXTRA) return;
      const run = await runCli(['report', made.corePath, '--exe', made.exe]);
      expect(run.code, run.stderr).toBe(0);
      for (const sv of servers) expect(run.stdout).toMatch(new RegExp(`Server 0x[0-9a-f]+ \\(TCP\\)\\s+listening ${sv.address}:${sv.port}`));
      for (const s of sockets) expect(run.stdout).toContain(`${s.localAddress}:${s.localPort} -> ${s.remoteAddress}:${s.remotePort}`);
      expect(run.stdout).toMatch(/fs request\s+open \S+never-written\.fifo → onFifoOpen \(\S+crash-sockets\.js:\d+:\d+\)/);
    });
  });

  // Per version (the list): signatures, SIGABRT and SIGSEGV cores. The documents are
  // built in-process with collect() and no heap walk (the stack, thrown value and signature do
  // not need it). The "other bug" is the crash-sockets core the libuv cases make anyway (the
  // harder case, a different bug in the same script and caller, runs on EXTRA below), so each
  // version adds three small cores: b, abort, segv.
  describe.each(testedVersions())('Node %i: signatures, process.abort(), SIGSEGV', (major) => {
    const docs: Record<string, ReportDocument> = {};
    const made: Record<string, MadeCore> = {};

    beforeAll(async () => {
      made.a = await makeCore('crash-timer', major, { args: ['7'] }); // shared with stack.test.ts
      made.b = await makeCore('crash-timer', major, { args: ['3'] });
      made.other = await makeCore('crash-sockets', major, { env: SOCKETS_ENV }); // another bug; shared with the libuv cases
      made.abort = await makeCore('abort', major);
      made.segv = await makeCore('crash-segv', major);
      for (const [k, m] of Object.entries(made)) docs[k] = await lightDocOf(m);
    });

    it('gives two crashes of one bug with different data the same signature, and another bug a different one', () => {
      const { a, b, other } = docs as Record<'a' | 'b' | 'other', ReportDocument>;
      expect(a.error!.message).toBe(made.a!.truth.crash.message);
      expect(b.error!.message).toBe(made.b!.truth.crash.message);
      expect(a.error!.message).not.toBe(b.error!.message);
      expect(a.process.commandLine).not.toEqual(b.process.commandLine);
      expect(a.signature.signature).toBe(b.signature.signature);
      expect(other.error!.message).toBe(made.other!.truth.crash.message);
      expect(other.signature.signature).not.toBe(a.signature.signature);
      expect(a.signature.parts[0]).toBe('error Error');
      expect(a.signature.parts.slice(1, 3)).toEqual(['crashNow crash-timer.js', 'handleRequest crash-timer.js']);
      expect(other.signature.parts.slice(0, 2)).toEqual(['error Error', 'crashWithOpenSockets crash-sockets.js']);
    });

    it('reports a process.abort() core (SIGABRT): a stack through libc, JS frames, no thrown value', () => {
      const doc = docs.abort!;
      expect(doc.crashKind).toBe('abort');
      expect(doc.error).toBeNull();
      expect(doc.thrown.found).toBe(false);
      expect(doc.thrown.reason).toMatch(/SIGABRT/);
      if (made.abort!.route === 'crash') expect(doc.process.signal.name).toBe('SIGABRT');
      // The signal arrives in libc (no frame pointers): CFI from libc's .eh_frame gets out of it.
      expect(doc.stack.some((f) => f.unwoundBy === 'cfi')).toBe(true);
      expect(doc.stack.map((f) => f.function)).toContain('node::Abort');
      const lines = readFileSync(join(SCENARIOS, 'abort.js'), 'utf8').split('\n');
      const abortLine = lines.findIndex((l) => /^\s*process\.abort\(\);/.test(l)) + 1;
      const js = jsFrames(doc.stack);
      expect(js[0]!.function).toBe('abortNow');
      expect(scriptIs(js[0]!.script, 'abort.js')).toBe(true);
      expect(js[0]!.line).toBe(abortLine);
      expect(js.map((f) => f.function)).toContain('timerCallback');
    });

    it('reports a SIGSEGV sent with process.kill: a stack with the JS caller, no thrown value', () => {
      const doc = docs.segv!;
      expect(doc.crashKind).toBe('segfault');
      expect(doc.error).toBeNull();
      expect(doc.thrown.found).toBe(false);
      expect(doc.thrown.reason).toMatch(/SIGSEGV/);
      const js = jsFrames(doc.stack);
      const site = siteOf('segvNow', 'crash-segv.js', 'KILL-SITE', 'process.kill(');
      const segv = js.find((f) => f.function === 'segvNow')!;
      expect(segv).toBeDefined();
      expect(scriptIs(segv.script, 'crash-segv.js')).toBe(true);
      expect(segv.line).toBe(site.line);
      expect(js.map((f) => f.function)).toContain('timerCallback');
      expect(doc.stack[0]!.kind).toBe('native');
    });
  });

  describe(`Node ${EXTRA}: thrown values, human output, --group`, () => {
    const cores: Record<string, MadeCore> = {};

    beforeAll(async () => {
      cores.a = await makeCore('crash-timer', EXTRA, { args: ['7'] });
      cores.b = await makeCore('crash-timer', EXTRA, { args: ['3'] });
      cores.other = await makeCore('crash-timer', EXTRA, { args: ['3', 'other'] });
      cores.string = await makeCore('crash-value', EXTRA, { args: ['string'] });
      cores.object = await makeCore('crash-value', EXTRA, { args: ['object'] });
    });

    it('says plainly that a gcore core of a live process has no thrown value', async () => {
      const made = await makeCore('uncaught-error', primaryVersion(), { mode: 'gcore' }); // shared with info.test.ts
      const doc = await lightDocOf(made);
      expect(doc.crashKind).toBe('live-dump');
      expect(doc.error).toBeNull();
      expect(doc.thrown.found).toBe(false);
      expect(doc.thrown.reason).toMatch(/live process \(gcore/);
      expect(doc.stack.length).toBeGreaterThan(1);
    });

    it('gives a different bug in the same script, under the same caller, a different signature', async () => {
      const [a, other] = await Promise.all([lightDocOf(cores.a!), lightDocOf(cores.other!)]);
      expect(other.error!.constructor).toBe('TypeError');
      expect(other.signature.signature).not.toBe(a.signature.signature);
      expect(other.signature.parts.slice(0, 3)).toEqual(['error TypeError', 'otherBug crash-timer.js', 'handleRequest crash-timer.js']);
    });

    it('reports a thrown string as a string, not an Error', async () => {
      const doc = await lightDocOf(cores.string!);
      expect(doc.thrown.found).toBe(true);
      expect(doc.error!.type).toBe('string');
      expect(doc.error!.preview).toBe("'plain string thrown'");
      expect(doc.signature.parts[0]).toBe('error string');
    });

    it('reports a thrown plain object with its properties', async () => {
      const doc = await lightDocOf(cores.object!);
      expect(doc.error!.type).toBe('object');
      expect(doc.error!.constructor).toBe('Object');
      expect(doc.error!.code).toBe('E_PLAIN');
      expect(doc.error!.preview).toBe("{ reason: 'plain object thrown', retry: false, code: 'E_PLAIN' }");
    });

    it('--retained ranks the top types by retained size and says so; without it the report says shallow', async () => {
      const [retained, shallow] = await Promise.all([
        runCli(['report', cores.a!.corePath, '--exe', cores.a!.exe, '--retained', '--json']),
        runCli(['report', cores.a!.corePath, '--exe', cores.a!.exe]),
      ]);
      expect(retained.code, retained.stderr).toBe(0);
      const doc = JSON.parse(retained.stdout) as ReportDocument;
      expect(doc.heap.rankedBy).toBe('retained');
      const keys = doc.heap.topTypes!.map((t) => t.retainedBytes ?? t.bytes);
      expect(keys).toEqual([...keys].sort((a, b) => b - a));
      expect(shallow.stdout).toMatch(/top types\s+by shallow size, garbage included/);
      const human = await runCli(['report', cores.a!.corePath, '--exe', cores.a!.exe, '--retained']);
      expect(human.stdout).toMatch(/top types\s+live objects by retained size/);
      expect(human.stdout).toMatch(/type\s+count\s+shallow\s+retained/);
    });

    it('prints a human report with the error, its causes and the signature', async () => {
      const run = await runCli(['report', cores.a!.corePath, '--exe', cores.a!.exe]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Error: ${cores.a!.truth.crash.message}`);
      expect(run.stdout).toContain('RangeError: retry budget exhausted after 7 tries');
      expect(run.stdout).toContain('TypeError: socket 7 reset');
      expect(run.stdout).toMatch(/signature\s+[0-9a-f]{16}/);
    });

    it('--group triages several cores: one NDJSON record per core, an error record for a bad one, the groups, a failing exit code', async () => {
      const bad = join(cores.a!.dir, 'no-such-core');
      const run = await runCli(['report', cores.a!.corePath, bad, cores.b!.corePath, cores.other!.corePath, '--group', '--json']);
      const records = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      // 4 per-core records, the groups, then the CLI's one {"error"} line for the failed run.
      expect(records).toHaveLength(6);
      expect(records[1]).toEqual({ core: bad, error: expect.objectContaining({ code: 'FILE_NOT_FOUND' }) });
      expect(records[5]).toEqual({ error: expect.objectContaining({ code: 'FILE_NOT_FOUND' }) });
      expect(run.code).toBe(3); // the first failure's exit code (FILE_NOT_FOUND)
      const groups = (records[4] as { groups: Array<{ signature: string; count: number; cores: string[] }> }).groups;
      expect(groups.map((g) => g.count)).toEqual([2, 1]);
      expect(groups[0]!.cores).toEqual([cores.a!.corePath, cores.b!.corePath]);
      expect(groups[1]!.cores).toEqual([cores.other!.corePath]);
    });
  });
});
