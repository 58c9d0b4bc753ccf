// src/analyses/diff.ts on synthetic histograms whose growth is known by
// construction: alignment by name, deltas, "grows every step", ordering,
// --fail-on-growth parsing and checking, and reading `objects` results.
import { describe, expect, it } from 'vitest';

import { checkGrowth, diffHistograms, parseGrowthLimit, toHistogram, type HistogramRow } from '../../src/analyses/diff.js';
import { CorescopeError } from '../../src/api/errors.js';

/** steps builds n histograms where type i has base + step × perStep[i] objects of size bytes each. */
function steps(n: number, spec: Record<string, { base: number; perStep: number; bytes: number }>): HistogramRow[][] {
  return Array.from({ length: n }, (_, s) =>
    Object.entries(spec).map(([name, t]) => ({ name, count: t.base + s * t.perStep, size: (t.base + s * t.perStep) * t.bytes })),
  );
}

describe('diffHistograms', () => {
  const K = 1234;
  const d = diffHistograms(
    steps(3, {
      LeakyEntry: { base: K, perStep: K, bytes: 40 },
      StableThing: { base: 500, perStep: 0, bytes: 16 },
      Shrinking: { base: 900, perStep: -300, bytes: 24 },
    }),
  );
  const byName = Object.fromEntries(d.types.map((t) => [t.name, t]));

  it('lists counts and sizes per core in the order given', () => {
    expect(byName.LeakyEntry!.counts).toEqual([K, 2 * K, 3 * K]);
    expect(byName.LeakyEntry!.sizes).toEqual([40 * K, 80 * K, 120 * K]);
    expect(byName.StableThing!.counts).toEqual([500, 500, 500]);
  });

  it('computes the growth from the first core to the last', () => {
    expect(byName.LeakyEntry!.delta).toBe(2 * K);
    expect(byName.LeakyEntry!.sizeDelta).toBe(80 * K);
    expect(byName.StableThing!.delta).toBe(0);
    expect(byName.Shrinking!.delta).toBe(-600);
  });

  it('flags only the types that grew at every step', () => {
    expect(byName.LeakyEntry!.growsEveryStep).toBe(true);
    expect(byName.StableThing!.growsEveryStep).toBe(false);
    expect(byName.Shrinking!.growsEveryStep).toBe(false);
  });

  it('does not flag growth that paused in the middle', () => {
    const r = diffHistograms([[{ name: 'A', count: 1, size: 8 }], [{ name: 'A', count: 5, size: 40 }], [{ name: 'A', count: 5, size: 40 }], [{ name: 'A', count: 9, size: 72 }]]);
    expect(r.types[0]!.delta).toBe(8);
    expect(r.types[0]!.growsEveryStep).toBe(false);
  });

  it('sorts by growth, biggest first', () => {
    expect(d.types.map((t) => t.name)).toEqual(['LeakyEntry', 'StableThing', 'Shrinking']);
  });

  it('counts a type missing from a core as 0 and sums duplicate names', () => {
    const r = diffHistograms([
      [{ name: 'Old', count: 3, size: 30 }],
      [
        { name: 'New', count: 2, size: 20 },
        { name: 'New', count: 5, size: 50 },
      ],
    ]);
    const by = Object.fromEntries(r.types.map((t) => [t.name, t]));
    expect(by.New!.counts).toEqual([0, 7]);
    expect(by.New!.growsEveryStep).toBe(true);
    expect(by.Old!.counts).toEqual([3, 0]);
    expect(by.Old!.delta).toBe(-3);
  });
});

describe('--fail-on-growth', () => {
  const d = diffHistograms(steps(2, { LeakyEntry: { base: 10, perStep: 1234, bytes: 8 }, Quiet: { base: 1, perStep: 0, bytes: 8 } }));

  it('parses <type>=<n>, the last "=" separating', () => {
    expect(parseGrowthLimit('LeakyEntry=100')).toEqual({ name: 'LeakyEntry', max: 100 });
    expect(parseGrowthLimit('a=b=3')).toEqual({ name: 'a=b', max: 3 });
  });

  it('rejects anything else with USAGE', () => {
    for (const bad of ['LeakyEntry', '=3', 'X=', 'X=-1', 'X=1.5']) {
      expect(() => parseGrowthLimit(bad)).toThrowError(CorescopeError);
      try {
        parseGrowthLimit(bad);
      } catch (e) {
        expect((e as CorescopeError).code).toBe('USAGE');
      }
    }
  });

  it('reports exactly the limits exceeded', () => {
    expect(checkGrowth(d, [{ name: 'LeakyEntry', max: 1233 }])).toEqual([{ name: 'LeakyEntry', max: 1233, delta: 1234 }]);
    expect(checkGrowth(d, [{ name: 'LeakyEntry', max: 1234 }])).toEqual([]);
    expect(checkGrowth(d, [{ name: 'Quiet', max: 0 }, { name: 'Absent', max: 0 }])).toEqual([]);
  });
});

describe('toHistogram', () => {
  it('reads types/rows with size, bytes or shallowSize', () => {
    expect(toHistogram({ types: [{ name: 'A', count: 2, size: 16 }] })).toEqual([{ name: 'A', count: 2, size: 16 }]);
    expect(toHistogram({ rows: [{ name: 'B', count: 3, bytes: 24 }] })).toEqual([{ name: 'B', count: 3, size: 24 }]);
    expect(toHistogram({ types: [{ name: 'C', count: 1, shallowSize: 8 }] })).toEqual([{ name: 'C', count: 1, size: 8 }]);
    expect(toHistogram({})).toEqual([]);
  });
});
