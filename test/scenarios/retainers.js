// Scenario: known reference structures for the graph tests
// (test/e2e/graph.test.ts, leaks.test.ts): paths, referrers, retained sizes
// and leak suspects.
//
//  * globalThis.leakCache (a Map) -> 'things' -> Array -> N_LEAKY LeakyThing,
//    each holding one string of its own ('L<id>'), so a LeakyThing retains
//    exactly itself and its string, and the array retains all of them: the
//    planted leak.
//  * makeHolder() returns a closure whose context variable `heldByClosure`
//    is the only reference to a ClosureHeld.
//  * One RefTarget is referred to by exactly three objects: RefHolderA.slot,
//    RefHolderB.other and element 2 of a plain array.
//  * registry.entries.special -> Special: a path through nested literals.
//  * A WeakMap whose key is kept alive holds the only reference to a
//    WeakValue (an ephemeron: live because its key is live); another entry's
//    key is dropped, so that WeakValue is garbage.
//  * A WeakRef is the only reference to a WeakTarget (garbage).
//
// Truth (counts): what was created, per class.
import { crashPoint } from './lib.js';

const N_LEAKY = Number(process.env.SCENARIO_LEAKY ?? 20000);

class LeakyThing {
  constructor(id) {
    this.id = id;
    // Short enough (< 13 chars) to be a flat string, not a cons string.
    this.label = 'L' + id;
  }
}
class ClosureHeld {
  constructor() {
    this.note = 'closure';
  }
}
class RefTarget {
  constructor() {
    this.kind = 'target';
  }
}
class RefHolderA {
  constructor(t) {
    this.slot = t;
  }
}
class RefHolderB {
  constructor(t) {
    this.first = 1;
    this.other = t;
  }
}
class Special {
  constructor() {
    this.special = true;
  }
}
class WeakKey {}
class WeakValue {
  constructor(live) {
    this.live = live;
  }
}
class WeakTarget {}

// Built in a function so that nothing but the Map keeps the array (a
// module-level binding would also hold it from the module's context).
function plantLeak() {
  const things = [];
  for (let i = 0; i < N_LEAKY; i++) things.push(new LeakyThing(i));
  globalThis.leakCache = new Map();
  globalThis.leakCache.set('things', things);
}
plantLeak();

function makeHolder() {
  const heldByClosure = new ClosureHeld();
  return function holder() {
    return heldByClosure;
  };
}
globalThis.holderFn = makeHolder();

function plantRefs() {
  const target = new RefTarget();
  globalThis.refHolders = [new RefHolderA(target), new RefHolderB(target), ['x', 'y', target]];
}
plantRefs();

globalThis.registry = { entries: { special: new Special() } };

function plantWeak() {
  const liveKey = new WeakKey();
  globalThis.weakKeyHolder = { key: liveKey };
  globalThis.weakMap = new WeakMap();
  globalThis.weakMap.set(liveKey, new WeakValue(true));
  globalThis.weakMap.set(new WeakKey(), new WeakValue(false));
  globalThis.weakRef = new WeakRef(new WeakTarget());
}
plantWeak();

function crashNow() {
  throw new Error(`retainers: ${N_LEAKY} things`);
}

setTimeout(function timerCallback() {
  crashPoint(
    'retainers',
    {
      LeakyThing: N_LEAKY,
      ClosureHeld: 1,
      RefTarget: 1,
      Special: 1,
      liveWeakValue: 1,
      deadWeakValue: 1,
      WeakTarget: 1,
    },
    crashNow,
    { kind: 'uncaught', function: 'crashNow', message: `retainers: ${N_LEAKY} things` },
  );
}, 10);
