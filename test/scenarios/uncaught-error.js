// Scenario: a known population (LeakyThing objects each holding a Date, a Map,
// closures), then an uncaught Error with a cause, thrown from a named
// function inside a timer. Under --abort-on-uncaught-exception node dies of
// SIGTRAP (V8's OS::Abort executes int3).
import { crashPoint } from './lib.js';

const N = Number(process.env.SCENARIO_N ?? 20000);

class LeakyThing {
  constructor(id) {
    this.id = id;
    this.when = new Date(1700000000000 + id);
    this.payload = `payload-${id}`;
  }
}

const things = [];
for (let i = 0; i < N; i++) things.push(new LeakyThing(i));

const byKey = new Map();
for (let i = 0; i < 2000; i++) byKey.set(`key-${i}`, { index: i });

const closures = [];
for (let i = 0; i < 1000; i++) closures.push(function leakyClosure() { return i; });

function crashNow() {
  const cause = new TypeError(`holding ${things.length} things`);
  throw new Error('scenario: uncaught error', { cause });
}

setTimeout(function timerCallback() {
  crashPoint(
    'uncaught-error',
    { LeakyThing: things.length, Date: things.length, MapEntries: byKey.size, leakyClosure: closures.length },
    crashNow,
    { kind: 'uncaught', function: 'crashNow', message: 'scenario: uncaught error' },
  );
}, 10);
