// The native backend: the addon's Core, seen as a Backend. Core already has
// the Backend's methods (objects, instances, inspect, refs, stack) with the
// same signatures; this adapter only names the engine and turns a method the
// loaded addon lacks into BACKEND_UNAVAILABLE. Knows src/api only.

import type { Core } from '../api/core.js';
import { openCore } from '../api/open-core.js';
import type { OpenOptions, StackOptions, StackResult } from '../api/types.js';
import { unsupported, type Backend, type Result } from './backend.js';

type Method = (...args: unknown[]) => Promise<Result>;

/** NativeBackend wraps an opened Core. */
export class NativeBackend implements Backend {
  readonly name = 'native' as const;
  readonly core: Core;

  constructor(core: Core) {
    this.core = core;
  }

  get file(): string {
    return this.core.file;
  }

  supports(method: string): boolean {
    return typeof (this.core as unknown as Record<string, unknown>)[method] === 'function' && this.core.supports(method);
  }

  /** call runs Core[method]; `binding` is the addon method behind it (refsByProperty is the addon's refs). */
  #call(method: string, args: unknown[], binding = method): Promise<Result> {
    const fn = (this.core as unknown as Record<string, Method | undefined>)[method];
    if (typeof fn !== 'function' || !this.core.supports(binding)) return Promise.reject(unsupported('native', method));
    return fn.apply(this.core, args);
  }

  objects(opts?: object): Promise<Result> {
    return this.#call('objects', [opts]);
  }

  instances(...args: unknown[]): Promise<Result> {
    return this.#call('instances', args);
  }

  inspect(...args: unknown[]): Promise<Result> {
    return this.#call('inspect', args);
  }

  refs(...args: unknown[]): Promise<Result> {
    return this.#call('refs', args);
  }

  refsByProperty(name: string, opts?: object): Promise<Result> {
    return this.#call('refsByProperty', [name, opts], 'refs');
  }

  refsByString(text: string, opts?: object): Promise<Result> {
    return this.#call('refsByString', [text, opts], 'refs');
  }

  stack(opts?: StackOptions): Promise<StackResult> {
    return this.core.stack(opts);
  }

  close(): Promise<void> {
    return this.core.close();
  }
}

/** openNativeBackend opens a core with the addon. */
export async function openNativeBackend(path: string, options: OpenOptions = {}): Promise<NativeBackend> {
  return new NativeBackend(await openCore(path, options));
}
