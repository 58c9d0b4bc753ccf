// Scenario for the llnode table (test/backends/llnode-table.test.ts, README
// "llnode backend"): 50 instances of `class Widget` in an array, 7 more held
// only by a Map, each with an `.owner` property, and an uncaught throw from
// thrower() <- outer() inside a timer. Small, so llnode's heap scans are quick.
import { crashPoint } from './lib.js';

class Widget {
  constructor(id, owner) {
    this.id = id;
    this.owner = owner;
    this.label = 'w' + id;
  }
}

const inArray = [];
for (let i = 0; i < 50; i++) inArray.push(new Widget(i, 'held-in-array'));

const inMap = new Map();
for (let i = 0; i < 7; i++) inMap.set('k' + i, new Widget(100 + i, 'held-in-map'));

function thrower(n) {
  throw new Error('llnode-table: thrower ' + n);
}

function outer() {
  return thrower(42) + inArray.length + inMap.size;
}

setTimeout(function tick() {
  crashPoint(
    'llnode-table',
    { Widget: inArray.length + inMap.size, WidgetInArray: inArray.length, WidgetInMap: inMap.size },
    outer,
    { kind: 'uncaught', function: 'thrower', message: 'llnode-table: thrower 42' },
  );
}, 10);
