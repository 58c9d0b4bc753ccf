// The progress line: only on a TTY, never with --json/--no-progress,
// throttled, erased before results.
import { describe, expect, it } from 'vitest';

import { createProgress, progressEnabled, progressLine } from '../../src/cli/progress.js';

function stream(isTTY: boolean, columns = 80) {
  let text = '';
  return { isTTY, columns, write: (s: string) => (text += s), text: () => text };
}

describe('progress', () => {
  it('is enabled only for a TTY stderr without --json or --no-progress', () => {
    expect(progressEnabled(stream(true), {})).toBe(true);
    expect(progressEnabled(stream(false), {})).toBe(false);
    expect(progressEnabled(stream(true), { json: true })).toBe(false);
    expect(progressEnabled(stream(true), { progress: false })).toBe(false);
  });

  it('gives no callback at all when disabled', () => {
    const s = stream(false);
    const p = createProgress(s, false);
    expect(p.onProgress).toBeUndefined();
    p.stop();
    expect(s.text()).toBe('');
  });

  it('draws a bar for known totals and erases it on stop', () => {
    const s = stream(true);
    let t = 0;
    const p = createProgress(s, true, () => t);
    p.onProgress!({ phase: 'walking heap', done: 5, total: 10 });
    expect(s.text()).toContain('50% walking heap 5/10');
    p.stop();
    expect(s.text().endsWith('\r\x1b[K')).toBe(true);
    t += 1000;
  });

  it('redraws at most every 80 ms, but always shows completion', () => {
    const s = stream(true);
    let t = 0;
    const p = createProgress(s, true, () => t);
    for (let i = 1; i <= 100; i++) p.onProgress!({ phase: 'x', done: i, total: 100 });
    expect(s.text().split('\r\x1b[K').filter(Boolean)).toHaveLength(2);
    expect(s.text()).toContain('100% x 100/100');
  });

  it('fits the terminal width', () => {
    const s = stream(true, 20);
    const p = createProgress(s, true, () => 0);
    p.onProgress!({ phase: 'a very long phase name that does not fit', done: 0, total: 0 });
    expect(s.text().replace('\r\x1b[K', '').length).toBeLessThanOrEqual(19);
  });

  it('uses a spinner with a count when the total is unknown', () => {
    expect(progressLine({ phase: 'reading notes', done: 12000, total: 0 }, 1)).toBe('/ reading notes 12,000');
  });
});
