// The population scenario's truth (test/scenarios/population.js) checked
// against an objects result: its user classes exactly, the Dates and Maps it
// made as a lower bound (other code makes some too).
import { expect } from 'vitest';

import type { ObjectsResult } from '../../src/api/types.js';

/** countOf returns the count of the row named `name` (0 when absent). */
export function countOf(r: ObjectsResult, name: string): number {
  return r.types.find((t) => t.name === name)?.count ?? 0;
}

/** expectUserClasses checks the scenario's classes and closures exactly. */
export function expectUserClasses(r: ObjectsResult, counts: Record<string, number>): void {
  expect(countOf(r, 'LeakyThing')).toBe(counts.namedLeakyThing);
  expect(countOf(r, 'LeakyChild')).toBe(counts.LeakyChild);
  expect(countOf(r, 'DictThing')).toBe(counts.DictThing);
  expect(countOf(r, '(closure) counterClosure')).toBe(counts.counterClosure);
}

/** expectPopulation: the user classes exactly, and at least the scenario's Dates and Maps. */
export function expectPopulation(r: ObjectsResult, counts: Record<string, number>): void {
  expectUserClasses(r, counts);
  expect(countOf(r, 'Date')).toBeGreaterThanOrEqual(counts.scenarioDates!);
  expect(countOf(r, 'Map')).toBeGreaterThanOrEqual(counts.scenarioMaps!);
}
