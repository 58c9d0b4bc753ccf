// Scenario: unswept garbage in old space, for the liveness tests
// (test/e2e/liveness.test.ts). N_LIVE LiveThings stay reachable. The heap
// snapshot (CORESCOPE_SNAPSHOT=1) is written first: V8 collects garbage
// before writing it, so its counts are the live truth. Only then are
// N_DEAD DeadThings made, kept across about 80 MB of young-generation churn
// (so scavenges promote them to old space, where only a full GC would free
// them), dropped, and the process crashes right away: the core holds them
// as garbage that no root reaches.
//
// Truth (counts): LiveThing = N_LIVE (live), DeadThing = N_DEAD (present,
// not live).
import { join } from 'node:path';
import v8 from 'node:v8';

import { crashPoint } from './lib.js';

const N_LIVE = Number(process.env.SCENARIO_LIVE ?? 5000);
const N_DEAD = Number(process.env.SCENARIO_DEAD ?? 20000);

class LiveThing {
  constructor(id) {
    this.id = id;
    this.tag = 'live-' + id;
  }
}
class DeadThing {
  constructor(id) {
    this.id = id;
    this.tag = 'dead-' + id;
  }
}

globalThis.liveThings = [];
for (let i = 0; i < N_LIVE; i++) globalThis.liveThings.push(new LiveThing(i));

// The snapshot first (it runs a full GC), then the garbage.
if (process.env.CORESCOPE_SNAPSHOT === '1') {
  v8.writeHeapSnapshot(join(process.env.CORESCOPE_OUT, 'heap.heapsnapshot'));
  delete process.env.CORESCOPE_SNAPSHOT;  // crashPoint must not write (and GC) again
}

function makeGarbage() {
  let dead = [];
  for (let i = 0; i < N_DEAD; i++) dead.push(new DeadThing(i));
  // ~80 MB of short-lived objects: two scavenges promote `dead` and its
  // elements to old space.
  let sink = 0;
  for (let round = 0; round < 80; round++) {
    const churn = [];
    for (let i = 0; i < 10000; i++) churn.push({ i, s: 'c' + i });
    sink += churn.length;
  }
  dead = null;
  return sink;
}
makeGarbage();

function crashNow() {
  throw new Error('garbage: crash');
}

// No timer: a timer tick could run a GC; crash in the same turn.
crashPoint(
  'garbage',
  { LiveThing: N_LIVE, DeadThing: N_DEAD },
  crashNow,
  { kind: 'uncaught', function: 'crashNow', message: 'garbage: crash' },
);
