// Scenario: the main thread starts worker_threads (SCENARIO_WORKERS, default
// 2), each with its own isolate and heap holding a known array; once every
// worker has reported its own v8.getHeapSpaceStatistics(), the main thread
// throws an uncaught Error while the workers are still alive (blocked in
// Atomics.wait), so the core holds 1 + N V8 heaps.
import { Worker } from 'node:worker_threads';

import { crashPoint } from './lib.js';

const N = Number(process.env.SCENARIO_WORKERS ?? 2);

const workerSource = `
  const { parentPort, workerData } = require('node:worker_threads');
  const v8 = require('node:v8');
  const kept = [];
  for (let i = 0; i < workerData.objects; i++) kept.push({ worker: workerData.index, i });
  parentPort.postMessage({ index: workerData.index, threadId: require('node:worker_threads').threadId,
    kept: kept.length, heapSpaces: v8.getHeapSpaceStatistics() });
  // Stay alive (and keep 'kept') until the process dies.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
`;

const workers = [];
const reports = [];
for (let index = 0; index < N; index++) {
  const w = new Worker(workerSource, { eval: true, workerData: { index, objects: 10000 * (index + 1) } });
  w.on('message', (m) => {
    reports.push(m);
    if (reports.length === N) ready();
  });
  w.on('error', (e) => {
    console.error(e);
    process.exit(3);
  });
  workers.push(w);
}

function crashNow() {
  throw new Error(`scenario: uncaught error with ${workers.length} workers alive`);
}

function ready() {
  reports.sort((a, b) => a.index - b.index);
  // Let the main thread's timers run once more so the workers sit in Atomics.wait.
  setTimeout(function timerCallback() {
    crashPoint('workers', { workers: N, isolates: N + 1 }, crashNow, {
      kind: 'uncaught',
      function: 'crashNow',
      workers: reports,
    });
  }, 50);
}
