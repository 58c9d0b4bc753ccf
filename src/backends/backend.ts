// Backend: the operations corescope can answer through more than one engine
// — the native addon (the default, ./native.ts) or lldb with the llnode
// plugin (./llnode/) — with the same typed results (src/api/types.ts). A
// command's collect(core, opts) runs unchanged on either, since a Backend
// has the same method names and signatures as Core. Knows src/api only.

import { CorescopeError } from '../api/errors.js';
import type { CallOptions, StackOptions, StackResult, Versioned } from '../api/types.js';

/** BackendName names an engine for `--backend`. */
export type BackendName = 'native' | 'llnode';
export const BACKEND_NAMES: readonly BackendName[] = ['native', 'llnode'];

/** Result is any versioned result object (the shapes are in src/api/types.ts). */
export type Result = Versioned & object;

/**
 * Backend is one opened core behind an engine. Methods an engine cannot
 * answer reject with BACKEND_UNAVAILABLE naming the engine that can.
 * objects/instances/inspect/refs take the arguments Core's methods take.
 */
export interface Backend {
  readonly name: BackendName;
  /** file is the core file as given. */
  readonly file: string;
  objects(opts?: object): Promise<Result>;
  instances(...args: unknown[]): Promise<Result>;
  inspect(...args: unknown[]): Promise<Result>;
  refs(...args: unknown[]): Promise<Result>;
  /** refsByProperty / refsByString: llnode's `findrefs -n` / `findrefs -s`. */
  refsByProperty(name: string, opts?: object): Promise<Result>;
  refsByString(text: string, opts?: object): Promise<Result>;
  stack(opts?: StackOptions): Promise<StackResult>;
  /** supports reports whether this backend answers `method`. */
  supports(method: string): boolean;
  close(): Promise<void>;
}

/** BACKEND_METHODS are the operations both engines implement. */
export const BACKEND_METHODS = ['objects', 'instances', 'inspect', 'refs', 'stack'] as const;

/** unsupported is the error of a method an engine does not answer. */
export function unsupported(backend: BackendName, method: string): CorescopeError {
  return new CorescopeError('BACKEND_UNAVAILABLE', `${method} is not available with --backend ${backend}`, {
    hint:
      backend === 'native'
        ? 'this build of the native addon does not implement it yet; rebuild with `npm run build:native`'
        : `the llnode backend answers ${BACKEND_METHODS.join(', ')}; drop --backend llnode for ${method}`,
  });
}

/** parseBackendName validates a `--backend` value. */
export function parseBackendName(s: string): BackendName {
  if ((BACKEND_NAMES as readonly string[]).includes(s)) return s as BackendName;
  throw new CorescopeError('USAGE', `unknown backend "${s}"`, { hint: `use --backend ${BACKEND_NAMES.join(' or ')}` });
}

/** OpenBackendOptions are openCore's options plus the engine. */
export interface OpenBackendOptions extends CallOptions {
  executable?: string;
}
