// The library wrapper over the addon, against a fake binding: schemaVersion,
// argument passing, serialisation, cancellation, close, error conversion.
import { describe, expect, it } from 'vitest';

import { Core } from '../../src/api/core.js';
import { CorescopeError } from '../../src/api/errors.js';
import { openCoreWith } from '../../src/api/open-core.js';
import type { ProgressEvent, Versioned } from '../../src/api/types.js';
import { FakeBinding } from '../support/fake-binding.js';

/** TestCore exposes the protected generic call, as a later method would use it. */
class TestCore extends Core {
  echo(args: Record<string, string | number | boolean | undefined>) {
    return this.call<Versioned & { args: Record<string, string> }>('echo', args);
  }
}

async function open(binding: FakeBinding, opts: { signal?: AbortSignal; onProgress?: (e: ProgressEvent) => void } = {}) {
  const handle = await binding.open('core.1', undefined);
  return new TestCore(binding, handle, 'core.1', opts);
}

describe('Core', () => {
  it('stamps schemaVersion 1 first on every result', async () => {
    const b = new FakeBinding({ info: () => JSON.stringify({ pid: 42, schemaVersion: 99 }) });
    const core = await open(b);
    const info = await core.info();
    expect(Object.keys(info)[0]).toBe('schemaVersion');
    expect(info.schemaVersion).toBe(1);
    expect(info.pid).toBe(42);
  });

  it('passes arguments as strings and leaves out undefined ones', async () => {
    const b = new FakeBinding({ echo: (args) => JSON.stringify({ args }) });
    const core = await open(b);
    const r = await core.echo({ top: 20, type: 'Foo', deep: true, none: undefined });
    expect(r.args).toEqual({ top: '20', type: 'Foo', deep: 'true' });
  });

  it('runs concurrent calls one at a time, in order', async () => {
    let n = 0;
    const b = new FakeBinding({
      echo: async () => {
        await new Promise((r) => setTimeout(r, 5));
        return JSON.stringify({ n: n++ });
      },
    });
    const core = await open(b);
    const results = await Promise.all([core.echo({}), core.echo({}), core.echo({})]);
    expect(results.map((r) => (r as unknown as { n: number }).n)).toEqual([0, 1, 2]);
    expect(b.maxRunning).toBe(1);
  });

  it('converts a native rejection into a CorescopeError with the caller in its stack', async () => {
    const b = new FakeBinding({ info: () => Promise.reject(Object.assign(new Error('no such type Foo'), { code: 'NOT_FOUND', hint: 'see objects' })) });
    const core = await open(b);
    async function someUserFunction() {
      return core.info();
    }
    const err = (await someUserFunction().catch((e) => e)) as CorescopeError;
    expect(err).toBeInstanceOf(CorescopeError);
    expect(err.code).toBe('NOT_FOUND');
    expect(err.exitCode).toBe(13);
    expect(err.hint).toBe('see objects');
    expect(err.stack).toContain('someUserFunction');
  });

  it('rejects invalid JSON from the addon as INTERNAL', async () => {
    const b = new FakeBinding({ info: () => '{"pid": ' });
    const err = (await (await open(b)).info().catch((e) => e)) as CorescopeError;
    expect(err.code).toBe('INTERNAL');
  });

  it('forwards progress and ignores a throwing progress callback', async () => {
    const events: ProgressEvent[] = [];
    const b = new FakeBinding({
      info: (_a, progress) => {
        progress?.('walk', 1, 2);
        progress?.('walk', 2, 2);
        return '{}';
      },
    });
    const core = await open(b, {
      onProgress: (e) => {
        events.push(e);
        throw new Error('careless callback');
      },
    });
    await core.info();
    expect(events).toEqual([
      { phase: 'walk', done: 1, total: 2 },
      { phase: 'walk', done: 2, total: 2 },
    ]);
  });

  it('cancels a running call when its AbortSignal aborts, with CANCELLED', async () => {
    const b = new FakeBinding({});
    const held = b.hold('{}');
    (b as unknown as { answers: Record<string, unknown> }).answers.info = held.answer;
    const core = await open(b);
    const ac = new AbortController();
    const p = core.info({ signal: ac.signal });
    await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    const err = (await p.catch((e) => e)) as CorescopeError;
    expect(err.code).toBe('CANCELLED');
    expect(err.exitCode).toBe(14);
    expect(b.cancelled).toBe(1);
  });

  it('rejects at once, without calling the addon, when the signal is already aborted', async () => {
    const b = new FakeBinding({ info: () => '{}' });
    const core = await open(b);
    const err = (await core.info({ signal: AbortSignal.abort() }).catch((e) => e)) as CorescopeError;
    expect(err.code).toBe('CANCELLED');
    expect(b.calls).toEqual([]);
  });

  it('openCore resolves to a Core through the binding', async () => {
    const core = await openCoreWith(new FakeBinding({ info: () => '{"pid":7}' }), 'core.1');
    expect(core).toBeInstanceOf(Core);
    expect((await core.info()).pid).toBe(7);
  });

  it('openCore honours an already-aborted signal', async () => {
    const err = (await openCoreWith(new FakeBinding({}), 'core.1', { signal: AbortSignal.abort() }).catch((e) => e)) as CorescopeError;
    expect(err.code).toBe('CANCELLED');
  });

  it('close() frees the handle once, after running work, and later calls reject USAGE', async () => {
    const b = new FakeBinding({ info: () => '{}' });
    const core = await open(b);
    await Promise.all([core.close(), core.close()]);
    expect(b.closed).toBe(1);
    expect(core.closed).toBe(true);
    const err = (await core.info().catch((e) => e)) as CorescopeError;
    expect(err.code).toBe('USAGE');
  });

  it('reports which native methods exist', async () => {
    const core = await open(new FakeBinding({ info: () => '{}' }));
    expect(core.supports('info')).toBe(true);
    expect(core.supports('objects')).toBe(false);
  });
});
