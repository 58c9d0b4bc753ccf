#!/usr/bin/env node
// `npm run bench`: corescope's speed and memory on a large core, as ratios
// to baselines measured in the same run (the machine may be shared: the
// load average is reported with the numbers). Writes docs/benchmarks.md and
// prints the table. Never part of `npm test`.
//
//   (a) the floor: `cat core > /dev/null`, page cache warm;
//   (b) `corescope objects` end to end (CLI, --json to /dev/null): with
//       --include-garbage (the heap walk alone) and by default (live objects,
//       which needs the reference graph);
//   (c) peak private memory of each run (see peakPrivate below);
//   (d) the reference graph alone — roots, edges, liveness, dominators,
//       retained sizes — through the library's core.graph(), with its own
//       phase timings, and bytes of private memory per object;
//   (e) `corescope export` against V8's own v8.writeHeapSnapshot() of the
//       same heap (a second, smaller core whose scenario writes the snapshot
//       just before it crashes and records how long that took);
//   (f) llnode's `v8 findjsobjects` in lldb, when installed, with a timeout.
//
// The reference core (Node 20, ≈1 GiB of live heap: 5 M instances of a
// class holding a Date and a string, ≈20 M heap objects) and the export core
// (1 M instances) are made once and cached under .cache/bench/.
//
//   node scripts/bench.mjs [--runs N] [--node <major>] [--count N]
//                          [--export-count N] [--llnode-timeout S] [--no-llnode] [--no-write]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { fetchNode, resolveVersion } from './fetch-node.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : def;
};
const runs = Math.max(1, Number(opt('--runs', 3)));
const major = opt('--node', '20');
const count = Number(opt('--count', 5_000_000));
const exportCount = Number(opt('--export-count', 1_000_000));
const llnodeTimeout = Number(opt('--llnode-timeout', 600));
const withLlnode = !args.includes('--no-llnode');
const write = !args.includes('--no-write');

const version = resolveVersion(major);
const nodeExe = fetchNode(major);
const cli = join(root, 'bin', 'corescope.js');
const MiB = 2 ** 20;

// The scenario: `count` LeakyChild objects, each with a Date and a string,
// kept alive in one array, then an uncaught error inside a timer. With
// BENCH_SNAPSHOT=1 it first writes V8's own heap snapshot of that heap and
// records how long it took (snapshot.json next to the core).
const scenario = (n) => `
class LeakyThing { constructor(id) { this.id = id; this.when = new Date(1700000000000 + id); this.payload = 'p' + id; } }
class LeakyChild extends LeakyThing {}
const keep = [];
for (let i = 0; i < ${n}; i++) keep.push(new LeakyChild(i));
globalThis.keep = keep;
if (process.env.BENCH_SNAPSHOT === '1') {
  const fs = require('node:fs');
  const t0 = process.hrtime.bigint();
  const file = require('node:v8').writeHeapSnapshot('v8.heapsnapshot');
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  fs.writeFileSync('snapshot.json', JSON.stringify({ seconds, bytes: fs.statSync(file).size }));
  fs.rmSync(file);
}
setTimeout(function crashNow() { throw new Error('bench: ' + keep.length); }, 10);
`;

// makeCore makes (once) the core of the scenario with n instances.
function makeCore(n, snapshot) {
  const dir = join(root, '.cache', 'bench', `node${version}-${n}${snapshot ? '-snapshot' : ''}`);
  const corePath = join(dir, 'core');
  if (existsSync(corePath) && (!snapshot || existsSync(join(dir, 'snapshot.json')))) return { dir, corePath };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'scenario.cjs'), scenario(n));  // CommonJS: the cache sits inside an ESM package
  process.stderr.write(`bench: making a core (Node ${version}, ${n.toLocaleString()} instances${snapshot ? ', with a V8 heap snapshot' : ''})...\n`);
  const r = spawnSync('/bin/sh', ['-c', `ulimit -c unlimited; exec "${nodeExe}" --max-old-space-size=4096 --abort-on-uncaught-exception scenario.cjs`], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, BENCH_SNAPSHOT: snapshot ? '1' : '0' },
  });
  if (!existsSync(corePath)) {
    // core_pattern may add a suffix (core.<pid>).
    const alt = spawnSync('/bin/sh', ['-c', 'ls core.* 2>/dev/null | head -1'], { cwd: dir }).stdout.toString().trim();
    if (alt) renameSync(join(dir, alt), corePath);
  }
  if (!existsSync(corePath)) {
    throw new Error(`no core was written in ${dir} (status ${r.status}, signal ${r.signal}); check ulimit -c and /proc/sys/kernel/core_pattern`);
  }
  return { dir, corePath };
}

// run starts a command and samples its memory from /proc/<pid>/status every
// 5 ms. peakPrivate is the largest RssAnon seen: resident private anonymous
// pages (malloc, mmap'd arrays, node's own heap). The core is mmapped from
// its file and never written, so its pages count in RssFile, not here. A
// sample every 5 ms can miss a peak shorter than that; VmHWM (the kernel's
// exact high-water mark) includes the mapped core, so it is kept as a check.
function run(cmd, argv, { timeout = 0, env, sampleMemory = true } = {}) {
  return new Promise((resolvePromise, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
    let peakPrivate = 0;
    let hwm = 0;
    const sample = () => {
      try {
        const s = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? 0) * 1024;
        peakPrivate = Math.max(peakPrivate, kb('RssAnon'));
        hwm = Math.max(hwm, kb('VmHWM'));
      } catch {
        // exited between samples
      }
    };
    const timer = sampleMemory ? setInterval(sample, 5) : null;
    let timedOut = false;
    const killer = timeout > 0 ? setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeout * 1000) : null;
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { if (out.length < 64 * MiB) out += d; });
    child.stderr.on('data', (d) => { if (err.length < MiB) err += d; });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (timer) clearInterval(timer);
      if (killer) clearTimeout(killer);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      resolvePromise({ code, seconds, peakPrivate, hwm, out, err, timedOut });
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// measure runs a command `runs` times for its wall time, then once more
// sampling its memory: on 2 CPUs the sampler's reads of /proc every 5 ms
// take CPU from a 2-thread heap walk (not from single-threaded `cat`), so
// the timed runs are not sampled. seconds is the median of the timed runs,
// peakPrivate the sampled run's; `check` validates every run's output.
async function measure(label, cmd, argv, check, opts) {
  const all = [];
  for (let i = 0; i <= runs; i++) {
    const r = await run(cmd, argv, { ...opts, sampleMemory: i === runs });
    if (r.code !== 0) throw new Error(`${label} failed (exit ${r.code}): ${r.err.slice(-400)}`);
    if (check) check(r);
    all.push(r);
  }
  const timed = all.slice(0, runs);
  const m = {
    seconds: median(timed.map((r) => r.seconds)),
    min: Math.min(...timed.map((r) => r.seconds)),
    max: Math.max(...timed.map((r) => r.seconds)),
    peakPrivate: all[runs].peakPrivate,
    last: all[runs],
  };
  process.stderr.write(`bench: ${label}: median ${m.seconds.toFixed(3)} s (${m.min.toFixed(2)}–${m.max.toFixed(2)}), peak private ${mib(m.peakPrivate)}\n`);
  return m;
}

function llnodePlugin() {
  return [
    process.env.CORESCOPE_LLNODE_PLUGIN,
    join(root, '.cache', 'llnode', 'node_modules', 'llnode', 'llnode.so'),
    join(root, '.cache', 'llnode', 'llnode.so'),
    '/usr/local/lib/llnode.so',
    '/usr/lib/llnode.so',
  ].filter(Boolean).find((p) => existsSync(p));
}

function lldbPath() {
  const r = spawnSync('/bin/sh', ['-c', 'command -v lldb || command -v lldb-19 || command -v lldb-16 || command -v lldb-14']);
  return r.status === 0 ? r.stdout.toString().trim().split('\n')[0] : null;
}

function mib(b) {
  return `${(b / MiB).toFixed(1)} MiB`;
}
const load = () => loadavg().map((x) => x.toFixed(2)).join(', ');

// The graph through the library: exactly roots + edges + liveness +
// dominators (and the heap walk the graph needs), no histogram.
// With "reuse", it first runs objects --include-garbage in the same session:
// the graph then reuses the session's heap walk (native/api/heap_session.h).
const graphScript = `
const { openCore } = await import(${JSON.stringify(join(root, 'dist', 'index.js'))});
const core = await openCore(process.argv[1], { executable: process.argv[2] });
let objectsSeconds = 0;
if (process.argv[3] === 'reuse') {
  const t = performance.now();
  await core.objects({ includeGarbage: true });
  objectsSeconds = (performance.now() - t) / 1000;
}
const t0 = performance.now();
const g = await core.graph();
const graphSeconds = (performance.now() - t0) / 1000;
await core.close();
process.stdout.write(JSON.stringify({ ...g, graphSeconds, objectsSeconds }));
`;

async function main() {
  if (!existsSync(join(root, 'build', 'Release', 'corescope.node'))) throw new Error('build the addon first (npm run build:native)');
  if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) throw new Error('build the TypeScript first (npm run build:ts)');
  const loadBefore = load();
  const big = makeCore(count, false);
  const small = makeCore(exportCount, true);
  const corePath = big.corePath;
  const coreBytes = statSync(corePath).size;

  // (a) Warm the page cache, then the floor: one sequential read of the file.
  await run('/bin/sh', ['-c', `cat "${corePath}" > /dev/null`]);
  const cat = await measure('cat core > /dev/null', '/bin/sh', ['-c', `cat "${corePath}" > /dev/null`]);

  // Node's own startup, which every corescope time includes.
  const nodeStart = await measure('node -e 0', process.execPath, ['-e', '0']);
  // Node startup + opening the core, no heap work: what every CLI call pays.
  const info = await measure('corescope info', process.execPath, [cli, 'info', corePath, '--executable', nodeExe, '--json']);

  // (b, c) objects: the heap walk alone, then live objects (graph).
  const base = ['objects', corePath, '--executable', nodeExe, '--json'];
  let objectsAll = 0;
  const walk = await measure('corescope objects --include-garbage', process.execPath, [cli, ...base, '--include-garbage'], (r) => {
    const j = JSON.parse(r.out);
    objectsAll = j.totals.objects;
    const child = j.types.find((t) => t.name === 'LeakyChild')?.count ?? 0;
    if (child !== count) throw new Error(`LeakyChild counted ${child}, expected ${count}`);
    if (j.resyncBytes !== 0) throw new Error(`resyncBytes ${j.resyncBytes}`);
  });
  const live = await measure('corescope objects (live)', process.execPath, [cli, ...base], (r) => {
    const j = JSON.parse(r.out);
    const child = j.types.find((t) => t.name === 'LeakyChild')?.count ?? 0;
    if (child !== count) throw new Error(`live LeakyChild counted ${child}, expected ${count}`);
  });

  // (d) the reference graph alone.
  let graph;
  const graphRun = await measure('core.graph()', process.execPath, ['--input-type=module', '-e', graphScript, corePath, nodeExe], (r) => {
    graph = JSON.parse(r.out);
    if (graph.objects !== objectsAll) throw new Error(`graph has ${graph.objects} objects, the walk ${objectsAll}`);
  });
  const graphBytesPerObject = (graphRun.peakPrivate - info.peakPrivate) / graph.objects;
  const graphCallSeconds = graph.graphSeconds;

  // One session running objects --include-garbage, then the graph: the graph
  // call reuses the walk instead of walking the heap again.
  let reuse;
  await measure('objects --include-garbage then core.graph() in one session', process.execPath,
    ['--input-type=module', '-e', graphScript, corePath, nodeExe, 'reuse'], (r) => { reuse = JSON.parse(r.out); });

  // (e) export vs V8's own snapshot of the same heap.
  const snap = JSON.parse(readFileSync(join(small.dir, 'snapshot.json'), 'utf8'));
  const out = join(tmpdir(), `corescope-bench-${process.pid}.heapsnapshot`);
  let exportBytes = 0;
  let exp;
  try {
    exp = await measure('corescope export', process.execPath, [cli, 'export', small.corePath, '--executable', nodeExe, '-o', out, '--json'], () => {
      exportBytes = statSync(out).size;
    });
  } finally {
    rmSync(out, { force: true });
  }
  await run('/bin/sh', ['-c', `cat "${small.corePath}" > /dev/null`]);
  const smallInfo = await measure('corescope info (export core)', process.execPath, [cli, 'info', small.corePath, '--executable', nodeExe, '--json']);

  // (f) llnode.
  let llnode = 'not run: lldb and llnode are not installed (scripts/install-llnode.sh)';
  const plugin = llnodePlugin();
  const lldb = lldbPath();
  if (!withLlnode) llnode = 'not run (--no-llnode)';
  else if (lldb && plugin) {
    process.stderr.write(`bench: llnode v8 findjsobjects (timeout ${llnodeTimeout} s)...\n`);
    const r = await run(lldb, [nodeExe, '-c', corePath, '--batch', '-o', `plugin load ${plugin}`, '-o', 'v8 findjsobjects'], { timeout: llnodeTimeout });
    if (r.timedOut) llnode = `timed out after ${llnodeTimeout} s (killed), peak private ${mib(r.peakPrivate)}`;
    else if (!/LeakyChild/.test(r.out)) llnode = `failed after ${r.seconds.toFixed(1)} s (exit ${r.code}; no LeakyChild row in its output)`;
    else {
      const row = /^\s*(\d+)\s+\d+\s+LeakyChild\s*$/m.exec(r.out);
      llnode = `${r.seconds.toFixed(1)} s (${(r.seconds / cat.seconds).toFixed(1)}× cat), peak private ${mib(r.peakPrivate)}` +
        (row ? `, LeakyChild count ${Number(row[1]).toLocaleString()}` : '');
    }
    process.stderr.write(`bench: llnode: ${llnode}\n`);
  }
  const loadAfter = load();

  const ratio = (s) => `${(s / cat.seconds).toFixed(2)}×`;
  const beyond = (b) => mib(Math.max(0, b - info.peakPrivate));
  const t = graph.timings;
  const rows = [
    ['(a) `cat core > /dev/null` (warm; the floor)', cat, '–', '–'],
    ['`node -e 0` (node\'s own startup, part of every corescope time)', nodeStart, mib(nodeStart.peakPrivate), '–'],
    ['`corescope info` (node startup + opening the core)', info, mib(info.peakPrivate), '–'],
    ['(b) `corescope objects --include-garbage` (heap walk: every object present)', walk, mib(walk.peakPrivate), beyond(walk.peakPrivate)],
    ['(b) `corescope objects` (live objects: walk + reference graph)', live, mib(live.peakPrivate), beyond(live.peakPrivate)],
    ['(d) `core.graph()` (walk + roots, edges, liveness, dominators)', graphRun, mib(graphRun.peakPrivate), beyond(graphRun.peakPrivate)],
  ];
  const table = [
    `| operation | wall, median of ${runs} (min–max) | × cat | peak private (RssAnon) | beyond \`info\` |`,
    '|---|---:|---:|---:|---:|',
    ...rows.map(([label, m, mem, extra]) =>
      `| ${label} | ${m.seconds.toFixed(2)} s (${m.min.toFixed(2)}–${m.max.toFixed(2)}) | ${ratio(m.seconds)} | ${mem} | ${extra} |`),
  ].join('\n');
  const phases = `roots ${t.rootsSeconds?.toFixed(2)} s, body scan ${t.scanSeconds?.toFixed(2)} s, ` +
    `liveness ${t.markSeconds.toFixed(2)} s, depth-first numbering ${t.dfsSeconds?.toFixed(2)} s, reverse edges ${t.reverseSeconds?.toFixed(2)} s, ` +
    `Semi-NCA ${t.idomSeconds?.toFixed(2)} s, retained sizes ${t.sizesSeconds?.toFixed(2)} s`;
  const walkTarget = walk.seconds <= 3 * cat.seconds;
  const walkMem = walk.peakPrivate - info.peakPrivate <= 64 * MiB;
  const graphTarget = graphRun.seconds <= 8;
  const graphMem = graphBytesPerObject <= 48;
  const yes = (b) => (b ? '**met**' : '**not met**');
  const exportLine = `${exp.seconds.toFixed(2)} s (${(exp.seconds - smallInfo.seconds).toFixed(2)} s after startup + open), ` +
    `peak private ${mib(exp.peakPrivate)}, ${mib(exportBytes)} written; V8's \`writeHeapSnapshot()\` in the crashing process: ` +
    `${snap.seconds.toFixed(2)} s, ${mib(snap.bytes)}. Ratio ${(exp.seconds / snap.seconds).toFixed(2)}× end to end, ` +
    `${((exp.seconds - smallInfo.seconds) / snap.seconds).toFixed(2)}× without node startup and opening the core`;

  const md = `# Benchmarks

Measured by \`npm run bench\` (scripts/bench.mjs) on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.

**Machine:** ${cpuModel()}, ${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM; corescope run by
node ${process.version}. Load average (1, 5, 15 min) ${loadBefore} at the start, ${loadAfter} at the end: the
machine is shared, so absolute times are noisy; ratios are against a floor measured in the same run.

**Reference core:** Node ${version}, \`--max-old-space-size=4096\`, ${count.toLocaleString()} instances of
\`class LeakyChild extends LeakyThing { id; when: Date; payload: string }\` kept alive in one array:
${objectsAll.toLocaleString()} heap objects (${graph.liveObjects.toLocaleString()} live, ${graph.edges.toLocaleString()} edges),
core file ${mib(coreBytes)}.

**How:** each command ran ${runs} times after one \`cat\` of the core (page cache warm); the time is the
median wall time of the whole process (node startup and opening the core included). Memory is the
largest \`RssAnon\` (resident private anonymous pages) seen by sampling /proc/<pid>/status every 5 ms
in one more run of each command (the timed runs are not sampled: on 2 CPUs the sampler takes CPU from
the 2-thread walk, not from \`cat\`): the mmapped core is file-backed and counts in \`RssFile\`, not here. "beyond \`info\`"
subtracts what node and an opened core need before any heap work.

${table}

**(d) graph phases** (from the last \`core.graph()\` run, wall seconds inside the addon): ${phases}.
Graph memory: ${(graphBytesPerObject).toFixed(1)} bytes of private memory per object at the peak, beyond \`info\`
(the addon's own estimate: peak ${mib(graph.peakBytes)}, kept after the build ${mib(graph.finalBytes)}).

**Session reuse:** in one session, \`objects --include-garbage\` (${reuse.objectsSeconds.toFixed(2)} s) then
\`graph()\`: ${reuse.graphSeconds.toFixed(2)} s for the graph call, against ${graphCallSeconds.toFixed(2)} s for \`graph()\` in a
fresh session: a difference of ${(graphCallSeconds - reuse.graphSeconds).toFixed(2)} s, which is the walk saved when the session
shares its heap walk between methods (native/api/heap_session.h), and noise when it does not.

**(e) export vs V8** (a second core, ${exportCount.toLocaleString()} instances, made by the same scenario, which
first wrote \`v8.writeHeapSnapshot()\` of the same heap and timed it): \`corescope export\` (live objects) ${exportLine}.

**(f) llnode** \`v8 findjsobjects\` on the reference core: ${llnode}.

**Targets:**
* heap walk (\`objects --include-garbage\`) ≤ 3× \`cat\`: ${yes(walkTarget)} (${ratio(walk.seconds)});
  ≤ 64 MiB private memory beyond startup: ${yes(walkMem)} (${beyond(walk.peakPrivate)}).
* graph + liveness + dominators (\`core.graph()\`, end to end) ≤ 8 s: ${yes(graphTarget)} (${graphRun.seconds.toFixed(2)} s);
  ≤ 48 bytes of private memory per object: ${yes(graphMem)} (${graphBytesPerObject.toFixed(1)} B).
* The default \`objects\` counts live objects, so it builds the graph: it is bound by the graph's
  target, not by the walk's.

Notes:
* The heap walk visits every V8 page in parallel (one thread per CPU). Each 256 KiB page is read with
  one \`pread\` into a per-thread buffer that stays in cache (the copy \`cat\` also makes) rather than
  through the mapping: no page fault per 4 KiB, no TLB misses. It keeps per-map counts plus a
  1-bit-per-word object-start index (~17 MiB per GiB of heap, on huge pages).
* The floor moves with the host: on this shared machine \`cat\` of the same core has taken from 0.09 s
  to 0.26 s in different runs, and \`node -e 0\` moves with it; compare ratios within one run only.
* The graph scans every object's body in parallel over pages, resolves each pointer to an object
  number through a hash of 256 KiB chunks and the walk's own object-start bitmap (no per-edge hash
  map), builds compressed rows in one pass per page, then marks, numbers depth-first with an explicit
  stack and computes dominators with iterative Semi-NCA over flat arrays. Its big arrays are mapped
  with transparent huge pages and reuse each other's memory: first-touch page faults, not the
  algorithms, were most of the time on a virtual machine.
* Within one session the graph reuses the heap walk of \`objects --include-garbage\` / \`inspect\`.
`;
  process.stdout.write(`${table}\n\ngraph phases: ${phases}\ngraph bytes/object: ${graphBytesPerObject.toFixed(1)}\nsession reuse: objects ${reuse.objectsSeconds.toFixed(2)} s then graph ${reuse.graphSeconds.toFixed(2)} s vs fresh graph ${graphCallSeconds.toFixed(2)} s\nexport: ${exportLine}\nllnode: ${llnode}\nload: ${loadBefore} -> ${loadAfter}\n`);
  if (write) {
    mkdirSync(join(root, 'docs'), { recursive: true });
    writeFileSync(join(root, 'docs', 'benchmarks.md'), md);
    process.stderr.write('bench: wrote docs/benchmarks.md\n');
  }
}

function cpuModel() {
  return cpus()[0]?.model?.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
}

main().catch((err) => {
  process.stderr.write(`bench: ${err.message}\n`);
  process.exitCode = 1;
});
