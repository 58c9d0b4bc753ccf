// Shared by the scenario scripts: record the truth a test compares corescope
// against, then reach the crash point. Runs under every tested Node version
// (18+), so it uses only long-standing APIs.
//
// Environment: CORESCOPE_OUT=<dir> (required) receives truth.json;
// CORESCOPE_SNAPSHOT=1 also writes <dir>/heap.heapsnapshot first;
// CORESCOPE_READY=<file> (the gcore route) writes that file at the crash point
// and keeps the process alive instead of crashing.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import v8 from 'node:v8';

// The environment as the kernel handed it over, before anything changes it.
const initialEnvironment = Object.entries(process.env).map(([k, v]) => `${k}=${v}`);

function threads() {
  const out = [];
  for (const tid of readdirSync('/proc/self/task')) {
    let name = '';
    try {
      name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
    } catch {
      // The thread exited meanwhile.
    }
    out.push({ id: Number(tid), name });
  }
  return out.sort((a, b) => a.id - b.id);
}

/**
 * crashPoint records truth.json (and the heap snapshot if asked), then calls
 * crash() — or, on the gcore route, signals readiness and stays alive.
 */
export function crashPoint(scenario, counts, crash, crashInfo) {
  const out = process.env.CORESCOPE_OUT;
  if (!out) throw new Error('CORESCOPE_OUT is not set');
  if (process.env.CORESCOPE_SNAPSHOT === '1') v8.writeHeapSnapshot(join(out, 'heap.heapsnapshot'));
  const truth = {
    scenario,
    pid: process.pid,
    ppid: process.ppid,
    version: process.version,
    v8: process.versions.v8,
    execPath: process.execPath,
    execArgv: process.execArgv,
    argv: process.argv,
    commandLine: [process.execPath, ...process.execArgv, ...process.argv.slice(1)],
    environment: initialEnvironment,
    threads: threads(),
    counts,
    heapSpaces: v8.getHeapSpaceStatistics(),
    crash: crashInfo,
  };
  writeFileSync(join(out, 'truth.json'), JSON.stringify(truth, null, 2));
  if (process.env.CORESCOPE_READY) {
    writeFileSync(process.env.CORESCOPE_READY, String(process.pid));
    setInterval(() => {}, 1 << 30);
    return;
  }
  crash();
}
