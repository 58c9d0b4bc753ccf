// Core: one opened core dump, the handle every analysis goes through. Each
// public method is a thin typed wrapper over `this.call('<method>', args)`,
// which runs the named native method (native/api/methods.h) off the JS
// thread, forwards progress, honours AbortSignals, serialises calls on the
// handle, converts native errors and stamps `schemaVersion` on the result.
// Knows nothing of the CLI (../cli) or of how the addon is loaded (../native.ts).
//
// Adding a method (e.g. issue 3's `objects`) is one type in ./types.ts plus:
//
//   /** objects returns the heap histogram by type. */
//   objects(opts: ObjectsOptions = {}): Promise<ObjectsResult> {
//     return this.call('objects', { top: opts.top, type: opts.type }, opts);
//   }

import type { NativeBinding, NativeHandle } from '../native.js';
import { CorescopeError, callSite, fromNative } from './errors.js';
import {
  SCHEMA_VERSION,
  type CallOptions,
  type EnvironmentResult,
  type InfoResult,
  type InspectOptions,
  type InspectResult,
  type ProgressEvent,
  type Versioned,
  type StackOptions,
  type StackResult,
  type ReportOptions,
  type CrashReport,
  type ExportSnapshotOptions,
  type ExportSnapshotResult,
  type GraphStatsResult,
  type LeaksOptions,
  type LeaksResult,
  type PathOptions,
  type PathResult,
  type RefsOptions,
  type ObjectsOptions,
  type ObjectsResult,
  type InstancesOptions,
  type InstancesResult,
  type RefsResult,
  type RetainedResult,
} from './types.js';

/** CallArgs are a native method's arguments; undefined values are left out. */
export type CallArgs = Record<string, string | number | bigint | boolean | undefined>;

/**
 * Core is an opened core dump. Get one with {@link openCore}; call
 * {@link Core.close} when done. Calls on one Core run one at a time, in order.
 *
 * @example
 * const core = await openCore('core.1234', { executable: '/usr/bin/node' });
 * try {
 *   const info = await core.info();
 *   console.log(info.node.version, info.signal.name);
 * } finally {
 *   await core.close();
 * }
 */
export class Core {
  /** file is the core file as given to openCore. */
  readonly file: string;
  readonly #binding: NativeBinding;
  readonly #handle: NativeHandle;
  readonly #defaults: CallOptions;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;
  #closing?: Promise<void>;

  /** @internal Use openCore(). */
  constructor(binding: NativeBinding, handle: NativeHandle, path: string, defaults: CallOptions = {}) {
    this.#binding = binding;
    this.#handle = handle;
    this.file = path;
    this.#defaults = defaults;
  }

  /** info describes the process, executable, versions, threads, heap spaces and the core file. */
  info(options?: CallOptions): Promise<InfoResult> {
    return this.call('info', {}, options);
  }

  /** environment returns the crashed process's environment as "KEY=value" strings (may hold secrets). */
  environment(options?: CallOptions): Promise<EnvironmentResult> {
    return this.call('environment', {}, options);
  }

  /**
   * inspect describes the heap object at `address` ("0x…", tagged or not):
   * name, type, size, properties, elements, string contents, Date, Map/Set
   * entries, Error message/stack, Promise state, buffer bytes, and for
   * functions the definition line:column and closed-over variables.
   * `address` may also be "global:<name>": the value of a global variable
   * (a property of globalThis). Rejects with BAD_ADDRESS when the address is
   * not the start of a heap object, NOT_FOUND for an unknown global.
   *
   * @example
   * const obj = await core.inspect('0x3a1f0c2d8e41', { depth: 1 });
   * for (const p of obj.properties ?? []) console.log(p.name, p.value.preview ?? p.value.value);
   */
  inspect(address: string, opts: InspectOptions = {}): Promise<InspectResult> {
    const { depth, maxString, maxProperties, maxElements, maxEntries } = opts;
    return this.call('inspect', { address, depth, maxString, maxProperties, maxElements, maxEntries }, opts);
  }

  /** stack returns every thread's frames, the crashing thread first, with JS functions, scripts and lines. */
  stack(opts: StackOptions = {}): Promise<StackResult> {
    return this.call('stack', { args: opts.args, threads: opts.threads, maxFrames: opts.maxFrames }, opts);
  }

  /** report returns the thrown value (with its cause chain), the crashing thread's stack, libuv handles and heap totals. */
  report(opts: ReportOptions = {}): Promise<CrashReport> {
    return this.call('report', { args: opts.args, causeDepth: opts.causeDepth, heap: opts.heap, retained: opts.retained }, opts);
  }

  /**
   * exportSnapshot writes a Chrome DevTools .heapsnapshot of the heap to
   * `path` (live objects only unless `all`; string contents replaced with
   * `redact`) and resolves to its sizes. Open it in DevTools' Memory tab or memlab.
   */
  exportSnapshot(path: string, opts: ExportSnapshotOptions = {}): Promise<ExportSnapshotResult> {
    return this.call('exportSnapshot', { path, all: opts.all, redact: opts.redact }, opts);
  }

  /**
   * refs lists every object that refers to the object at `address`, with the
   * edge (property name, element index, closure variable, internal field).
   * Backing stores are folded into their owner, as a heap snapshot shows them.
   *
   * @example
   * const { referrers } = await core.refs('0x3a1f0c2d8e41');
   * for (const r of referrers) console.log(r.name, r.address, r.edge?.kind, r.edge?.name);
   */
  refs(address: string, opts: RefsOptions = {}): Promise<RefsResult> {
    return this.call('refs', { address, max: opts.max }, opts);
  }

  /**
   * objects groups the heap's objects by type (DevTools' names: constructor,
   * "(string)", "(closure) fn", "(system) X"...) with counts and shallow
   * sizes; live objects only unless `includeGarbage`; `retained` adds each
   * type's retained size. Rows come sorted by shallow size.
   * @example
   * const { types } = await core.objects();
   * console.log(types.find((t) => t.name === 'LeakyThing')?.count);
   */
  objects(opts: ObjectsOptions = {}): Promise<ObjectsResult> {
    return this.call('objects', { by: opts.by, includeGarbage: opts.includeGarbage, retained: opts.retained }, opts);
  }

  /** instances lists the objects of one type (a name as `objects` prints it), each with a one-line preview. */
  instances(name: string, opts: InstancesOptions = {}): Promise<InstancesResult> {
    return this.call('instances', { name, by: opts.by, limit: opts.limit, includeGarbage: opts.includeGarbage }, opts);
  }

  /** refsByProperty lists the objects that have an own property named `name` (llnode's findrefs -n). */
  refsByProperty(name: string, opts: RefsOptions = {}): Promise<RefsResult> {
    return this.call('refs', { property: name, max: opts.max }, opts);
  }

  /** refsByString lists the objects that refer to a string whose value is `text` (llnode's findrefs -s). */
  refsByString(text: string, opts: RefsOptions = {}): Promise<RefsResult> {
    return this.call('refs', { string: text, max: opts.max }, opts);
  }

  /**
   * path returns the shortest retaining paths from a GC root to the
   * object at `address`, root first, each step with the edge that holds it
   * (CLI: `corescope path`). An object no root reaches (garbage) has no path
   * and `live: false`.
   *
   * @example
   * const { paths } = await core.path('0x3a1f0c2d8e41', { max: 3 });
   * console.log(paths[0].map((s) => s.edge ? `${s.edge.name} → ${s.name}` : s.name).join(' → '));
   */
  path(address: string, opts: PathOptions = {}): Promise<PathResult> {
    return this.call('path', { address, max: opts.max }, opts);
  }

  /** retained returns the retained size, immediate dominator and first retaining path of one object. */
  retained(address: string, opts: CallOptions = {}): Promise<RetainedResult> {
    return this.call('retained', { address }, opts);
  }

  /**
   * leaks returns leak suspects as Eclipse MAT does: the dominators that
   * retain the largest share of the live heap in many smaller objects, each
   * with its retained size, share, dominant type and a path from a GC root.
   */
  leaks(opts: LeaksOptions = {}): Promise<LeaksResult> {
    return this.call('leaks', { top: opts.top, minShare: opts.minShare }, opts);
  }

  /** graph builds the reference graph (roots, edges, liveness, dominators) and describes it. */
  graph(opts: CallOptions = {}): Promise<GraphStatsResult> {
    return this.call('graph', {}, opts);
  }

  /** supports reports whether the loaded addon implements a native method (e.g. "objects"). */
  supports(method: string): boolean {
    return this.#binding.methods().includes(method);
  }

  /** closed is true once close() was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * close cancels a running call, waits for queued calls to settle and frees
   * the native handle. Later calls reject with USAGE. Never rejects; calling
   * it twice is harmless.
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    try {
      this.#binding.cancel(this.#handle);
    } catch {
      // Nothing running: nothing to cancel.
    }
    this.#closing = this.#queue.then(() => {
      try {
        this.#binding.close(this.#handle);
      } catch {
        // Already closed by the addon; nothing left to free.
      }
    });
    return this.#closing;
  }

  /**
   * call runs a native method and resolves to its parsed JSON result with
   * `schemaVersion`. It rejects with a CorescopeError: the native code
   * (NOT_FOUND, BAD_ADDRESS, ...), CANCELLED when `signal` aborts, USAGE
   * after close(). The rejection's stack is the caller's.
   */
  protected call<T extends Versioned>(method: string, args: CallArgs = {}, options: CallOptions = {}): Promise<T> {
    const site = callSite();
    if (this.#closed) {
      return Promise.reject(
        fromNative(new CorescopeError('USAGE', `${method}: the core ${this.file} is closed`), site),
      );
    }
    const run = this.#queue.then(() => this.#run<T>(method, args, { ...this.#defaults, ...options }, site));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #run<T extends Versioned>(method: string, args: CallArgs, options: CallOptions, site: { stack?: string }): Promise<T> {
    const { signal } = options;
    if (this.#closed) throw fromNative(new CorescopeError('USAGE', `${method}: the core ${this.file} is closed`), site);
    if (signal?.aborted) throw fromNative(cancelled(method), site);
    const onAbort = () => {
      try {
        this.#binding.cancel(this.#handle);
      } catch {
        // The call already finished.
      }
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    let text: string;
    try {
      text = await this.#binding.call(this.#handle, method, toNativeArgs(args), progressForwarder(options.onProgress));
    } catch (err) {
      throw fromNative(err, site);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    return withSchemaVersion<T>(method, text, site);
  }
}

/** toNativeArgs turns typed arguments into the flat string map the addon takes. */
export function toNativeArgs(args: CallArgs): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(args)) {
    if (v !== undefined) out[k] = String(v);
  }
  return out;
}

/** progressForwarder adapts a ProgressEvent callback to the addon's (phase, done, total); a throwing callback is ignored. */
export function progressForwarder(
  onProgress: ((e: ProgressEvent) => void) | undefined,
): ((phase: string, done: number, total: number) => void) | undefined {
  if (!onProgress) return undefined;
  return (phase, done, total) => {
    try {
      onProgress({ phase, done, total });
    } catch {
      // A progress callback must not break the call.
    }
  };
}

/** cancelled builds the CANCELLED error of a method. */
export function cancelled(what: string): CorescopeError {
  return new CorescopeError('CANCELLED', `${what}: cancelled`);
}

function withSchemaVersion<T extends Versioned>(method: string, text: string, site: { stack?: string }): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw fromNative(
      new CorescopeError('INTERNAL', `${method}: the addon returned invalid JSON (${(err as Error).message})`, {
        hint: 'this is a bug in corescope; rerun with --debug and report it',
      }),
      site,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw fromNative(new CorescopeError('INTERNAL', `${method}: the addon returned ${JSON.stringify(parsed)?.slice(0, 40)}, not an object`), site);
  }
  // schemaVersion goes first in the JSON and always states this library's version.
  const out = { schemaVersion: SCHEMA_VERSION, ...(parsed as object) } as T;
  out.schemaVersion = SCHEMA_VERSION;
  return out;
}
