// Public, JSON-stable result types of the corescope library. Every result
// object carries `schemaVersion`; fields are only ever added within a schema
// version, never renamed or removed. Addresses are "0x…" hex strings.
// Knows nothing of the CLI or of how the addon computes these.

/** SCHEMA_VERSION is the version of every result shape in this file. */
export const SCHEMA_VERSION = 1 as const;

/** Versioned is mixed into every result the library returns. */
export interface Versioned {
  schemaVersion: typeof SCHEMA_VERSION;
}

/** Address is a "0x…" lowercase hex string. */
export type Address = string;

/** Warning is a problem that did not stop the run (a clipped segment, an unreadable map). */
export interface Warning {
  code: string;
  message: string;
  count?: number;
}

/** ProgressEvent reports that `done` of `total` units of `phase` are complete (total 0 = unknown). */
export interface ProgressEvent {
  phase: string;
  done: number;
  total: number;
}

/** CallOptions apply to one call on a Core (they override the openCore defaults). */
export interface CallOptions {
  /** onProgress receives coalesced progress reports of long phases. */
  onProgress?: (event: ProgressEvent) => void;
  /** signal cancels the call; it then rejects with CorescopeError CANCELLED. */
  signal?: AbortSignal;
}

/** OpenOptions configure openCore. */
export interface OpenOptions extends CallOptions {
  /** executable is the node binary that dumped the core; found from the core if omitted. */
  executable?: string;
}

// ---- info ------------------------------------------------------------------

export interface SignalInfo {
  /** number is 0 when the core was taken from a live process (gcore). */
  number: number;
  name: string;
  code: number;
  /** address is the faulting address for SIGSEGV/SIGBUS/SIGILL/SIGFPE raised by the kernel, else null. */
  address: Address | null;
  /** senderPid is the process that sent the signal with kill/tgkill (abort() sends its own), null for a fault. */
  senderPid: number | null;
  description: string;
  /** live is true when the core was taken from a running process (gcore: no signal, or the debugger's SIGSTOP). */
  live: boolean;
}

export interface ExecutableInfo {
  /** path is the file corescope read. */
  path: string;
  /** corePath is the path the core names (NT_FILE / AT_EXECFN). */
  corePath: string;
  buildId: string;
  /** coreBuildId is the build-id recorded in the core ("" if absent). */
  coreBuildId: string;
  /** verified is true when the build-ids are equal. */
  verified: boolean;
  /**
   * matchedBy says how the executable was matched: "build-id"; "v8dbg" (the
   * core has no build-id, e.g. qemu-user cores: every v8dbg_* value in the
   * core's .data equals the file's); "user" or "path" when unverified.
   */
  matchedBy: string;
  /** foundBy says where the path came from: "NT_FILE", "AT_EXECFN", "PRPSINFO" or "--executable". */
  foundBy: string;
  /** v8dbgChecked is how many v8dbg values were compared (matchedBy "v8dbg"). */
  v8dbgChecked: number;
}

export interface ThreadInfo {
  id: number;
  name: string;
  /** crashed marks the thread that received the signal. */
  crashed: boolean;
  pc: Address;
  sp: Address;
}

export interface HeapSpaceInfo {
  /** name as v8.getHeapSpaceStatistics() spells it (old_space, new_space, ...). */
  name: string;
  pages: number;
  bytes: number;
}

/** IsolateHeapInfo is one isolate's heap (the main thread's, or a worker's). */
export interface IsolateHeapInfo {
  /** heap is the address of V8's Heap object, as 0x-hex. */
  heap: string;
  pages: number;
  bytes: number;
  /** spaces leaves out read_only_space: its pages are shared by every isolate. */
  spaces: HeapSpaceInfo[];
}

export interface HeapInfo {
  /** layout names the V8 page-header layout recognised in the core. */
  layout: string;
  /** isolates counts the V8 heaps: 1 + the worker threads alive at the crash. */
  isolates: number;
  pages: number;
  bytes: number;
  /** spaces sums every isolate's heap, plus the shared read-only space. */
  spaces: HeapSpaceInfo[];
  /** perIsolate has one entry per isolate (main thread and workers), the largest first. */
  perIsolate: IsolateHeapInfo[];
}

export interface CoreFileInfo {
  path: string;
  /** size is the apparent file size. */
  size: number;
  /** onDisk is the allocated size (cores are sparse). */
  onDisk: number;
  /** mapped is the sum of the segments' memory sizes. */
  mapped: number;
  /** dumped is the sum of the segments' file sizes. */
  dumped: number;
  segments: number;
  truncated: boolean;
  missingBytes: number;
}

/** InfoResult is what `core.info()` and `corescope info --json` return. */
export interface InfoResult extends Versioned {
  pid: number;
  ppid: number;
  arch: string;
  signal: SignalInfo;
  executable: ExecutableInfo;
  node: { version: string };
  v8: { version: string };
  commandLine: string[];
  environmentCount: number;
  threads: ThreadInfo[];
  /** heap is null when no V8 heap pages were found (a warning says why). */
  heap: HeapInfo | null;
  core: CoreFileInfo;
  metadata: { constants: number };
  warnings: Warning[];
}

/** EnvironmentResult is the crashed process's environment, as "KEY=value" strings. */
export interface EnvironmentResult extends Versioned {
  environment: string[];
  warnings: Warning[];
}

// ---- stack (issue 5) ---------------------------------------------------------

/** FrameKind labels a stack frame; JS frames' kinds start with "js". */
export type FrameKind =
  | 'js-interpreted'
  | 'js-baseline'
  | 'js-optimized'
  /** js: a JS frame whose tier is unknown (the llnode backend cannot tell). */
  | 'js'
  | 'builtin'
  | 'exit'
  | 'entry'
  | 'native'
  | 'stub';

/** ValuePreview is a tagged value and a short rendering of it. */
export interface ValuePreview {
  value: Address;
  preview: string;
}

export interface StackFrame {
  kind: FrameKind;
  /** function is the JS function name for JS frames, the native symbol otherwise (null when unknown). */
  function: string | null;
  /** script is the JS frame's Script name (a path, file:// URL or node:internal/...). */
  script: string | null;
  /** line and column are 1-based, as a JS stack trace prints them. */
  line: number | null;
  column: number | null;
  pc: Address;
  fp: Address;
  /** symbol is the native symbol with offset ("Builtins_InterpreterEntryTrampoline+0xdc"). */
  symbol?: string;
  /** module is the file the pc lies in (executable or shared library). */
  module?: string;
  /** moduleOffset is "libc.so.6+0x1234" when the module has no usable symbols. */
  moduleOffset?: string;
  /**
   * positionKind says where line/column come from: "exact" (an interpreted frame: its bytecode
   * offset through the source position table), "thrown-at" (the top frame of an uncaught throw
   * that is not interpreted: where V8's message object says the throw is), "error-stack"
   * (baseline/optimized frames: V8's own position for this frame, captured in the thrown
   * Error's stack, matched frame by frame), "function-start" (only where the function begins:
   * the best known for baseline/optimized frames without a thrown Error), "unknown".
   */
  positionKind?: 'exact' | 'thrown-at' | 'error-stack' | 'function-start' | 'unknown';
  /** frameType is V8's frame type for marker frames ("ExitFrame", "EntryFrame", ...). */
  frameType?: string;
  bytecodeOffset?: number;
  functionAddress?: Address;
  /** unwoundBy says how the frame was found: from the registers, the frame-pointer chain, the aarch64 link register (a leaf's caller), CFI or a stack scan. */
  unwoundBy: 'registers' | 'fp' | 'lr' | 'cfi' | 'scan';
  /** receiver, argc and args are present with `args: true` on JS frames. */
  receiver?: ValuePreview;
  argc?: number;
  args?: ValuePreview[];
}

export interface StackThread {
  id: number;
  name: string;
  /** crashed marks the thread that received the signal (listed first). */
  crashed: boolean;
  signal: number;
  /** stopReason says why the walk ended ("end of the frame chain", "depth limit", ...). */
  stopReason: string;
  frames: StackFrame[];
}

export interface StackOptions extends CallOptions {
  /** args adds the receiver and arguments of JS frames. */
  args?: boolean;
  /** threads: all threads (default) or only the crashed one. */
  threads?: 'all' | 'crashed';
  /** maxFrames limits frames per thread (default 256). */
  maxFrames?: number;
}

/** StackResult is what `core.stack()` and `corescope stack --json` return. */
export interface StackResult extends Versioned {
  threads: StackThread[];
  warnings: Warning[];
}

// ---- report (issue 5) --------------------------------------------------------

/** ThrownErrorInfo describes the thrown value (an Error or any other value) and its causes. */
export interface ThrownErrorInfo {
  /** type: "error" (a JSError), "object", "string", "number", "boolean", "undefined", "null", "symbol", "bigint", "function", "unknown". */
  type: string;
  address: Address;
  preview: string;
  constructor?: string;
  name?: string;
  message?: string;
  stack?: string;
  /** stackSource: "formatted" (V8's own string) or "call-sites" (rebuilt from V8's captured frames). */
  stackSource?: 'formatted' | 'call-sites';
  code?: string;
  cause?: ThrownErrorInfo;
  causeCycle?: boolean;
  causeTruncated?: boolean;
}

export interface ThrownInfo {
  found: boolean;
  value?: Address;
  /** foundBy says where the value was read. */
  foundBy?: string;
  /** confirmed: two independent sources (Runtime_Throw's argument, the JSMessageObject) agree. */
  confirmed?: boolean;
  messageObject?: Address;
  thrownAt?: { script: string; line: number; column: number };
  /** reason says, when nothing was thrown, how the core was made instead. */
  reason?: string;
}

export interface LibuvHandleInfo {
  address: Address;
  type: string;
  active: boolean;
  ref: boolean;
  closing: boolean;
  fd: number | null;
  /** owner: the JS object of node's wrap for this handle ("TCP", "Pipe", "Signal"...). */
  owner?: { address: Address; constructor: string };
  /** jsOwner: the object owning that wrap (net.Server, net.Socket...), via its owner_symbol. */
  jsOwner?: { address: Address; constructor: string };
  /** listening: a server's listen socket. */
  listening?: boolean;
  /** portInferred: the server listened on port 0; its port is an accepted socket's local port. */
  portInferred?: boolean;
  /** local / remote: "host:port" as node's JS side cached them (absent when not cached). */
  local?: string;
  remote?: string;
}

export interface LibuvInfo {
  available: boolean;
  reason?: string;
  loop?: Address;
  activeHandles?: number;
  activeRequests?: number;
  uptimeSeconds?: number | null;
  activeByType?: Record<string, number>;
  handles?: LibuvHandleInfo[];
  handlesTruncated?: boolean;
  addresses?: string;
}

export interface ReportOptions extends CallOptions {
  /** heap: walk the heap for totals, top types and external memory (default true). */
  heap?: boolean;
  /**
   * retained ranks the top types by retained size over live objects (builds the reference
   * graph). Also done without asking when this session already built the graph.
   */
  retained?: boolean;
  /** args adds receivers and arguments to the crashing thread's JS frames. */
  args?: boolean;
  /** causeDepth limits how deep the `cause` chain is followed (default 8). */
  causeDepth?: number;
}

/** CrashReport is what `core.report()` returns: the native half of `corescope report`. */
export interface CrashReport extends Versioned {
  /** crashKind: "uncaught-exception", "abort", "segfault", "signal", "live-dump". */
  crashKind: string;
  thrown: ThrownInfo;
  error: ThrownErrorInfo | null;
  /** thread is the crashing thread's stack. */
  thread: StackThread;
  libuv: LibuvInfo;
  heap: HeapSummary;
  /** timers: pending setTimeout/setInterval/setImmediate objects; null without the heap walk. */
  timers: JsTimerInfo[] | null;
  /** fsRequests: fs calls in flight (their FSReqCallback still holds a uv_fs_t); null without the heap walk. */
  fsRequests: FsRequestInfo[] | null;
  warnings: Warning[];
}

/** FsRequestInfo: one fs call in flight: its operation, path and the user's callback. */
export interface FsRequestInfo {
  address: Address;
  /** op: libuv's name of the call: "open", "read", "stat", ... */
  op: string;
  path: string | null;
  callback: string | null;
  script: string | null;
  line: number | null;
  column: number | null;
}

/** JsTimerInfo: a pending Timeout (setTimeout/setInterval) or Immediate found in the heap. */
export interface JsTimerInfo {
  address: Address;
  kind: 'Timeout' | 'Immediate';
  delayMs: number | null;
  repeat: boolean;
  /** ref: false after timer.unref() (does not keep the loop alive). */
  ref: boolean;
  /** callback: the function's name, script and where it starts. */
  callback: string;
  script: string | null;
  line: number | null;
  column: number | null;
}

/**
 * HeapSummary: object totals, the top types (named as `objects` names them) and ArrayBuffer
 * backing stores. With the reference graph (asked for, or already built in this session) the
 * top types are live objects ranked by retained size, else every object present by shallow size.
 */
export interface HeapSummary {
  available: boolean;
  reason?: string;
  objects?: number;
  bytes?: number;
  /** rankedBy: what topTypes is sorted by; live: whether only live objects are counted in it. */
  rankedBy?: 'retained' | 'shallow';
  live?: boolean;
  liveObjects?: number;
  liveBytes?: number;
  /** retainedUnavailable: why the graph could not be used (then rankedBy is "shallow"). */
  retainedUnavailable?: string;
  /** bytes: shallow size; retainedBytes (rankedBy "retained"): null for rows named object by object. */
  topTypes?: Array<{ name: string; count: number; bytes: number; retainedBytes?: number | null }>;
  /** external: byte lengths of every JSArrayBuffer present in the heap (their backing stores live outside it). */
  external?: { arrayBuffers: number; arrayBufferBytes: number };
}

// ---- inspect ---------------------------------------------------------------

/**
 * InspectValue is one value as `inspect` shows it: a primitive with its value,
 * or a heap object by address with its name and a one-line preview. With
 * `depth` > 0, nested objects carry their full description under `object`.
 */
export interface InspectValue {
  type:
    | 'smi'
    | 'number'
    | 'string'
    | 'oddball'
    | 'hole'
    | 'symbol'
    | 'bigint'
    | 'object'
    | 'array'
    | 'function'
    | 'accessor'
    | 'internal'
    | 'weak'
    | 'raw'
    | 'unreadable';
  /** value of a primitive: the number, the string (maybe truncated), true/false, null (null also for NaN/±Infinity). */
  value?: number | string | boolean | null;
  /** text spells numbers JSON cannot hold: "NaN", "Infinity", "-0". */
  text?: string;
  /** address of a heap value (tagged, as V8 stores it). */
  address?: Address;
  /** name: the constructor name of an object, the function name, the oddball's name ("undefined"). */
  name?: string;
  /** typeName is the V8 instance type of internal objects (FIXED_ARRAY_TYPE, ...). */
  typeName?: string;
  /** preview is a one-line rendering: `Point {x: 1, y: 2}`, `Array(3) [1, 2, 3]`, `function inner`. */
  preview?: string;
  /** length of a string (UTF-16 units) or of an array. */
  length?: number;
  /** truncated: a string value was cut (at --max-string); `length` is the full length. */
  truncated?: boolean;
  /** complete is false when part of a string's characters are not in the core. */
  complete?: boolean;
  /** description of a symbol. */
  description?: string;
  /** unboxed: a double field stored as a raw float64 rather than a HeapNumber. */
  unboxed?: boolean;
  getter?: InspectValue;
  setter?: InspectValue;
  /** seen: the object was already described in this result (a cycle or a shared object). */
  seen?: boolean;
  /** expansionLimit: too many objects were expanded in this result; this one is not. */
  expansionLimit?: boolean;
  /** object is the nested description when depth allows. */
  object?: InspectObject;
}

/** InspectProperty is one own named property. */
export interface InspectProperty {
  name: string;
  value: InspectValue;
  /** storage: inside the object, in its PropertyArray, in its NameDictionary, or kept in the map's descriptors (methods, accessors). */
  storage: 'in-object' | 'out-of-object' | 'dictionary' | 'descriptor-constant';
  accessor?: boolean;
  symbol?: boolean;
  /** private: a #private class member (or another private symbol with a description). */
  private?: boolean;
  /** attributes: READ_ONLY 1, DONT_ENUM 2, DONT_DELETE 4 (absent = 0). */
  attributes?: number;
}

export interface InspectElements {
  /** kind is V8's ElementsKind: PACKED_SMI_ELEMENTS, HOLEY_DOUBLE_ELEMENTS, DICTIONARY_ELEMENTS, UINT8_ELEMENTS... */
  kind: string;
  length: number;
  capacity: number;
  /** present counts the elements that are not holes. */
  present: number;
  holey: boolean;
  backing?: Address;
  truncated?: boolean;
  items: Array<{ index: number; value: InspectValue }>;
}

export interface InspectContextVariable {
  name: string;
  value: InspectValue;
  /** scope type of the context holding it: function, block, catch, script, module... */
  scope: string;
  /** depth: 0 for the function's own context, 1 for the one around it, ... */
  depth: number;
}

export interface InspectFunction {
  name: string;
  kind?: 'function' | 'class';
  shared: Address;
  /** script is the file or module the function was defined in (null for builtins without a script). */
  script: string | null;
  scriptObject?: Address;
  /** position is the source offset of the definition (the `function` token, else the parameters). */
  position?: number;
  start?: number;
  end?: number;
  /** line and column (1-based, like a stack trace) of `position`. */
  line?: number;
  column?: number;
  context?: InspectContextVariable[];
  scopes?: Array<{ context: Address; type: string; scope: string; variables: number; truncated?: boolean }>;
}

export interface InspectBytes {
  readable: boolean;
  hex?: string;
  count?: number;
  truncated?: boolean;
}

/** InspectObject is the full description of one heap object. */
export interface InspectObject {
  address: Address;
  /** name: the constructor name as DevTools shows it (InspectTarget, Object, Array), the function name, or the instance type. */
  name: string;
  /** type is V8's instance type name (JS_OBJECT_TYPE, ...). */
  type: string;
  map: Address;
  /** size in bytes, null when the type's size is unknown. */
  size: number | null;
  kind:
    | 'string'
    | 'number'
    | 'oddball'
    | 'hole'
    | 'symbol'
    | 'bigint'
    | 'function'
    | 'bound-function'
    | 'array'
    | 'date'
    | 'error'
    | 'promise'
    | 'collection'
    | 'arraybuffer'
    | 'typedarray'
    | 'dataview'
    | 'regexp'
    | 'boxed'
    | 'proxy'
    | 'arguments'
    | 'object'
    | 'context'
    | 'shared-function-info'
    | 'script'
    | 'scope-info'
    | 'internal'
    | 'unreadable';
  /** prototype: this object is a prototype (its map is a prototype map). */
  prototype?: boolean;
  dictionaryMode?: boolean;
  properties?: InspectProperty[];
  /** propertyCount counts all own properties (properties may stop at --max-properties). */
  propertyCount?: number;
  propertiesTruncated?: boolean;
  propertiesBacking?: Address;
  elements?: InspectElements;
  string?: {
    value?: string;
    length?: number;
    truncated?: boolean;
    complete?: boolean;
    representation: 'sequential' | 'cons' | 'sliced' | 'thin' | 'external' | 'unknown';
    encoding: 'one-byte' | 'two-byte';
    internalized: boolean;
    first?: Address;
    second?: Address;
    parent?: Address;
    offset?: number;
    actual?: Address;
    resource?: Address;
    data?: Address;
  };
  number?: number | null;
  text?: string;
  oddball?: string;
  symbol?: { description: string; private: boolean };
  bigint?: string;
  date?: { iso: string | null; value: number | null };
  entries?: {
    kind: 'Map' | 'Set' | 'WeakMap' | 'WeakSet';
    size: number;
    table: Address;
    truncated: boolean;
    items: Array<{ key: InspectValue; value?: InspectValue }>;
  };
  function?: InspectFunction;
  error?: {
    name: string;
    message?: string;
    /** stack: the formatted stack string, or (stackFormatted false) frames named from the captured functions. */
    stack: string | null;
    stackFormatted?: boolean;
    cause?: InspectValue;
  };
  promise?: { state: 'pending' | 'fulfilled' | 'rejected' | 'unknown'; hasHandler: boolean; result?: InspectValue };
  arrayBuffer?: {
    byteLength: number;
    maxByteLength: number;
    backingStore: Address;
    detached: boolean;
    shared: boolean;
    resizable: boolean;
    bytes?: InspectBytes;
  };
  typedArray?: {
    arrayType?: string;
    elementsKind?: string;
    length: number;
    byteOffset: number;
    byteLength: number;
    buffer?: Address;
    data: Address;
    onHeap: boolean;
    backingStore?: Address;
    bytes?: InspectBytes;
  };
  primitive?: InspectValue;
  boundFunction?: { target?: InspectValue; boundThis?: InspectValue; boundArguments?: InspectValue[] };
  regexp?: { source?: string; flags?: string };
  proxy?: { target?: InspectValue; handler?: InspectValue };
  slots?: { length: number; truncated: boolean; items: InspectValue[] };
  scopeInfo?: { scope: string; contextLocals: number; names: string[]; start?: number; end?: number };
  script?: { name: string; sourceLength?: number; source?: Address };
  warnings: Warning[];
}

/** InspectResult is what `core.inspect(address)` and `corescope inspect --json` return. */
export interface InspectResult extends InspectObject, Versioned {
  /** retention: retained size, dominator and first retaining path (added by the CLI's inspect from Core.retained). */
  retention?: RetainedResult;
}

/** InspectOptions bound how much of an object `inspect` shows. */
export interface InspectOptions extends CallOptions {
  /** depth expands nested objects this many levels (default 0: nested objects by address, name and preview). */
  depth?: number;
  /** maxString cuts string values at this many UTF-8 bytes (default 1000); `length` stays the full length. */
  maxString?: number;
  /** maxProperties, maxElements, maxEntries bound each list (defaults 200, 100, 100). */
  maxProperties?: number;
  maxElements?: number;
  maxEntries?: number;
}

/** ExportSnapshotOptions: options of Core.exportSnapshot. */
export interface ExportSnapshotOptions extends CallOptions {
  /** all keeps garbage (objects no root reaches) in the snapshot; default: live objects only. */
  all?: boolean;
  /** redact replaces every string's contents by "(redacted string)". */
  redact?: boolean;
}

/** ExportSnapshotResult describes a written .heapsnapshot. */
export interface ExportSnapshotResult extends Versioned {
  path: string;
  /** nodes counts the snapshot's nodes: the root, "(GC roots)", the root categories and the objects. */
  nodes: number;
  edges: number;
  strings: number;
  /** bytes is the file's size. */
  bytes: number;
  /** garbageSkipped counts the unreachable objects left out. */
  garbageSkipped: number;
  liveOnly: boolean;
  redacted: boolean;
  writeSeconds: number;
  warnings: string[];
}

// --- reference graph: refs, path, leaks, retained (issue 4) ------------------

/** GraphNode names one node of the reference graph: a heap object, or a root category ("(Global handles)", address null). */
export interface GraphNode {
  address: Address | null;
  name: string;
}

/** GraphEdge names how one node holds another, as a heap snapshot does. */
export interface GraphEdge {
  /** kind: "property", "element", "context" (a closure variable), "internal", "weak", "root", "shortcut" or "hidden". */
  kind: string;
  /** name: the property name, element index, variable name, field name or root slot. */
  name: string;
}

/** GraphTarget is the object a refs/path query is about. */
export interface GraphTarget extends GraphNode {
  /** live: a GC root reaches it (false: garbage the process had not collected yet). */
  live: boolean;
  selfSize: number;
  retainedSize: number;
}

/** Referrer is one object (or root category) that refers to the target, and how. */
export interface Referrer extends GraphNode {
  edge: GraphEdge | null;
  /** live is false for a referrer that is itself garbage. */
  live: boolean;
}

/** RefsOptions: options of Core.refs; `property` and `string` replace the address (llnode's findrefs -n / -s). */
export interface RefsOptions extends CallOptions {
  max?: number;
}

/** RefsResult lists who refers to an object, to a string of a value, or which objects have a property. */
export interface RefsResult extends Versioned {
  mode: 'address' | 'property' | 'string';
  target?: GraphTarget;
  property?: string;
  string?: string;
  /** strings: the string objects with the value (mode "string"). */
  strings?: Array<GraphNode & { live: boolean }>;
  referrers: Referrer[];
  truncated: boolean;
  warnings: Warning[];
}

/** PathStep is one step of a retaining path; `edge` says how the previous step holds this one (null on the first step, the root category). */
export interface PathStep extends GraphNode {
  edge: GraphEdge | null;
}

/** PathOptions: options of Core.path. */
export interface PathOptions extends CallOptions {
  /** max paths to return (1-100, default 1). */
  max?: number;
}

/** PathResult holds the shortest retaining paths from a GC root to the target, root first, the target last. */
export interface PathResult extends Versioned {
  target: GraphTarget;
  live: boolean;
  /** distance: strong references from the nearest GC root (live objects only). */
  distance?: number;
  /** message explains an empty result (the object is garbage). */
  message?: string;
  paths: PathStep[][];
  warnings: Warning[];
}

/** RetainedResult: the retained size, immediate dominator and first retaining path of one object (shown by inspect). */
export interface RetainedResult extends Versioned {
  address: Address;
  live: boolean;
  selfSize: number;
  retainedSize: number;
  distance: number | null;
  dominator: GraphNode | null;
  path: PathStep[] | null;
}

/** TypeShare counts objects of one type (constructor or V8 type name). */
export interface TypeShare {
  name: string;
  count: number;
  bytes: number;
}

/** LeakSuspect is a dominator that retains a large share of the live heap in many smaller objects. */
export interface LeakSuspect extends GraphNode {
  retainedSize: number;
  /** share of the live heap it retains, 0..1. */
  share: number;
  selfSize: number;
  /** dominant: the most numerous JS object type it retains (else the type with the most bytes). */
  dominant: TypeShare | null;
  /** types: the types it retains with the most bytes (up to 5). */
  types: TypeShare[];
  /** path: a shortest retaining path from a GC root to it. */
  path: PathStep[] | null;
}

/** LeaksOptions: options of Core.leaks. */
export interface LeaksOptions extends CallOptions {
  /** top: at most this many suspects (default 5). */
  top?: number;
  /** minShare: the smallest share of the live heap a suspect must retain (default 0.02). */
  minShare?: number;
}

/** LeaksResult lists leak suspects, largest first, as Eclipse MAT's leak-suspects report does. */
export interface LeaksResult extends Versioned {
  liveBytes: number;
  liveObjects: number;
  minShare: number;
  suspects: LeakSuspect[];
  warnings: Warning[];
}

/** GraphStatsResult describes the reference graph: liveness, edges, roots and build timings. */
export interface GraphStatsResult extends Versioned {
  objects: number;
  liveObjects: number;
  garbageObjects: number;
  garbageBytes: number;
  liveBytes: number;
  edges: number;
  weakEdges: number;
  ephemerons: number;
  droppedSlots: number;
  readOnlyObjects: number;
  /** preciseRoots: every isolate's roots were found from V8's own structures (false: approximate fallback). */
  preciseRoots: boolean;
  /** preciseStacks: threads whose stack was scanned by V8 frames only (the others whole, conservatively); of `threads`. */
  preciseStacks: number;
  threads: number;
  roots: Array<{ name: string; slots: number; weak: number }>;
  timings: { buildSeconds: number; markSeconds: number; dominatorSeconds: number };
  peakBytes: number;
  finalBytes: number;
  warnings: Warning[];
}

/** ObjectsGroupBy: how `objects` groups: DevTools' constructor names, V8 instance types, or constructor + own property names. */
export type ObjectsGroupBy = 'constructor' | 'instance-type' | 'shape';

export interface ObjectsOptions extends CallOptions {
  by?: ObjectsGroupBy;
  /** includeGarbage counts objects no GC root reaches (present in the core, not yet swept). */
  includeGarbage?: boolean;
  /** retained adds retainedSize per type (sum over instances no other instance of the type dominates). */
  retained?: boolean;
}

/** ObjectsType is one row of the histogram. */
export interface ObjectsType {
  name: string;
  count: number;
  shallowSize: number;
  retainedSize?: number;
  /** kind is the node type V8's heap snapshot gives these objects ("object", "closure", "string", "hidden", ...). */
  kind?: string;
  /** internal: V8-internal objects (not JS values): "(system) X", code, arrays, shapes, contexts. */
  internal?: boolean;
}

/** ObjectsResult is the heap histogram (`corescope objects --json`). */
export interface ObjectsResult extends Versioned {
  by: ObjectsGroupBy;
  live: boolean;
  types: ObjectsType[];
  totals: { objects: number; shallowSize: number; garbageObjects: number; pages: number };
  /** resyncBytes: heap bytes skipped because an object size was unknown (0 on supported versions). */
  resyncBytes: number;
  warnings: Warning[];
}

export interface InstancesOptions extends CallOptions {
  by?: ObjectsGroupBy;
  limit?: number;
  includeGarbage?: boolean;
}

/** InstancesResult lists objects of one type (`corescope instances --json`). */
export interface InstancesResult extends Versioned {
  name: string;
  total: number;
  instances: Array<{ address: string; name: string; size: number; preview: string }>;
  truncated: boolean;
  warnings: Warning[];
}
