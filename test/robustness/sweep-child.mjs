// Child process of the corruption sweep (corruption.test.ts). Runs variants
// of one core through the public API (dist/, built by tsc) and reports one
// JSON line per variant on stdout, so that the parent can tell a crash of
// the addon (this process dies) or a hang (no line in time) from a result.
//
//   node sweep-child.mjs <plan.json> <first variant> <end variant> <core copy>
//
// plan.json: { dist, pristine, executables: {real, reduced}, address,
// variants: [...] }; variants [first, end) run on <core copy>. A variant is { kind: 'truncate', at, exe } or { kind:
// 'flip', region, bytes: [[offset, xor], ...], exe }, where exe names the
// executable to open the core with. The core file is modified in place before a variant
// and restored after it: flips write the old bytes back; truncations run in
// descending order and the file is copied back from `pristine` after the last
// one. After a crash the parent restores the file before restarting us.
import { closeSync, copyFileSync, openSync, readFileSync, readSync, truncateSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const first = Number(process.argv[3]);
const end = Number(process.argv[4]);
const corePath = process.argv[5];
const api = await import(pathToFileURL(plan.dist).href);

// The operations run on every variant: the four commands of the issue
// (info, objects, stack, path) and inspect, all cheap on a small core; plus
// report, which re-walks the stacks, on every `plan.reportEvery`-th variant.
// [name, native method that supports() checks, call]. `address` comes from the
// pristine core.
const OPS = [
  ['info', 'info', (core) => core.info()],
  ['objects', 'objects', (core) => core.objects({ top: 10 })],
  ['stack', 'stack', (core) => core.stack()],
  ['path', 'path', (core) => core.path(plan.address, { max: 2 })],
  ['inspect', 'inspect', (core) => core.inspect(plan.address)],
  ['report', 'report', (core) => core.report()],
];
const NEEDS_ADDRESS = new Set(['inspect', 'path']);

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

// classify turns a rejection into its documented code, or UNCLEAN:<what>.
function classify(err) {
  if (err instanceof api.CorescopeError && api.isErrorCode(err.code)) return err.code;
  const name = err?.constructor?.name ?? typeof err;
  return `UNCLEAN:${name}:${String(err?.message ?? err).slice(0, 200)}`;
}

async function runVariant(i, v) {
  const out = {};
  let core;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const done = () => {
    const cpu = process.cpuUsage(cpu0);
    return { ops: out, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
  };
  try {
    core = await api.openCore(corePath, { executable: plan.executables[v.exe] });
    out.open = 'ok';
  } catch (err) {
    out.open = classify(err);
    return done();
  }
  try {
    for (const [name, method, fn] of OPS) {
      if (!core.supports(method)) continue;
      if (name === 'report' && i % plan.reportEvery !== 0) continue;
      if (NEEDS_ADDRESS.has(name) && !plan.address) continue;
      try {
        const r = await fn(core);
        out[name] = r && typeof r === 'object' ? 'ok' : `UNCLEAN:result:${typeof r}`;
      } catch (err) {
        out[name] = classify(err);
      }
    }
  } finally {
    await core.close();
  }
  return done();
}

const fd = openSync(corePath, 'r+');
const restoreAll = () => copyFileSync(plan.pristine, corePath);
for (let i = first; i < end; i++) {
  const v = plan.variants[i];
  emit({ i, start: true });
  let saved = [];
  if (v.kind === 'truncate') {
    truncateSync(corePath, v.at);
  } else {
    saved = v.bytes.map(([off, xor]) => {
      const b = Buffer.alloc(1);
      readSync(fd, b, 0, 1, off);
      writeSync(fd, Buffer.from([b[0] ^ xor]), 0, 1, off);
      return [off, b];
    });
  }
  const r = await runVariant(i, v);
  if (v.kind === 'truncate') {
    if (i + 1 === end || plan.variants[i + 1].kind !== 'truncate') restoreAll();
  } else {
    for (const [off, b] of saved.reverse()) writeSync(fd, b, 0, 1, off);
  }
  emit({ i, ...r });
}
closeSync(fd);
