// Scenario: known populations for the exactness tests of `objects` and
// `instances` (test/e2e/objects.test.ts). Every object created here stays
// reachable from `keep` until the crash, so a heap walk (which also sees
// unswept garbage) and V8's heap snapshot (which collects garbage first) must
// agree on them. With the argument `--snapshot-last` the scenario writes
// <CORESCOPE_OUT>/heap.heapsnapshot itself as the very last step, after
// crashPoint has recorded truth.json (which allocates objects and arrays),
// and then throws at once: the snapshot's own garbage collection removes
// everything dead, and almost nothing is allocated after it. (The usual
// CORESCOPE_SNAPSHOT=1 path snapshots before truth.json is built, so the
// walk then also sees that garbage: Object and Array counts differ.)
//
// Truth (counts): what was created, per user class, plus the builtins the
// scenario made (Date/Map/Set/Array are also made by node itself, so tests
// compare those with the snapshot rather than with these numbers).
import { join } from 'node:path';
import v8 from 'node:v8';

import { crashPoint } from './lib.js';

const scale = Number(process.env.SCENARIO_SCALE ?? 1);
const N_THING = 5000 * scale;
const N_CHILD = 1234 * scale;
const N_DICT = 300;
const N_CLOSURE = 1000;
const N_MAP = 200;
const N_SET = 150;
const N_ARRAY = 700;
const N_LITERAL = 3000;

class LeakyThing {
  constructor(id) {
    this.id = id;
    this.when = new Date(1700000000000 + id);
    this.payload = `payload-${id}-${'x'.repeat(id % 7)}`;
  }
}

// A subclass: its instances are named LeakyChild. Note: LeakyChild.prototype
// inherits from LeakyThing.prototype, whose own `constructor` is LeakyThing,
// so V8's GetConstructorName (and the heap snapshot) name that one prototype
// object "LeakyThing" too (see namedLeakyThing below).
class LeakyChild extends LeakyThing {
  constructor(id) {
    super(id);
    this.extra = id * 2;
  }
}

// Many adds and deletes push instances into dictionary mode (a NameDictionary
// holds their properties); their map keeps the constructor.
class DictThing {
  constructor(id) {
    this.id = id;
    for (let k = 0; k < 40; k++) this[`p${k}`] = k;
    for (let k = 0; k < 40; k += 2) delete this[`p${k}`];
  }
}

function makeCounter(start) {
  let n = start;
  return function counterClosure() {
    n += 1;
    return n;
  };
}

const keep = {
  things: [],
  children: [],
  dicts: [],
  closures: [],
  maps: [],
  sets: [],
  arrays: [],
  literals: [],
};
for (let i = 0; i < N_THING; i++) keep.things.push(new LeakyThing(i));
for (let i = 0; i < N_CHILD; i++) keep.children.push(new LeakyChild(i));
for (let i = 0; i < N_DICT; i++) keep.dicts.push(new DictThing(i));
for (let i = 0; i < N_CLOSURE; i++) keep.closures.push(makeCounter(i));
for (let i = 0; i < N_MAP; i++) keep.maps.push(new Map([[i, `v${i}`]]));
for (let i = 0; i < N_SET; i++) keep.sets.push(new Set([i, i + 1]));
for (let i = 0; i < N_ARRAY; i++) keep.arrays.push([i, i + 1, i + 2]);
for (let i = 0; i < N_LITERAL; i++) keep.literals.push({ literalId: i, label: `lit${i}` });
globalThis.__corescopeKeep = keep;

function crashNow() {
  throw new Error(`population: ${keep.things.length} things`);
}

const snapshotLast = process.argv.includes('--snapshot-last');

function snapshotThenCrash() {
  if (snapshotLast) v8.writeHeapSnapshot(join(process.env.CORESCOPE_OUT, 'heap.heapsnapshot'));
  crashNow();
}

setTimeout(function timerCallback() {
  crashPoint(
    'population',
    {
      LeakyThing: N_THING,
      // The snapshot name "LeakyThing" also covers LeakyChild.prototype (above).
      namedLeakyThing: N_THING + 1,
      LeakyChild: N_CHILD,
      DictThing: N_DICT,
      counterClosure: N_CLOSURE,
      // Dates held by LeakyThing and LeakyChild instances.
      scenarioDates: N_THING + N_CHILD,
      scenarioMaps: N_MAP,
      scenarioSets: N_SET,
      // +1 for each array in `keep` (8) holding the populations.
      scenarioArrays: N_ARRAY + 8,
      literals: N_LITERAL,
    },
    snapshotThenCrash,
    { kind: 'uncaught', function: 'crashNow', message: `population: ${N_THING} things` },
  );
}, 10);
