// The thrown value and its description. See thrown_value.h.
#include "stack/thrown_value.h"

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "v8/closures.h"
#include "v8/properties.h"
#include "util/limits.h"

namespace corescope::stack {
namespace {

constexpr int kSigTrap = 5, kSigAbrt = 6, kSigBus = 7, kSigSegv = 11, kSigKill = 9, kSigStop = 19;
constexpr uint64_t kMessageScanBytes = 64 * 1024;
constexpr uint64_t kMaxStackChars = limits::kMaxErrorStackChars;
constexpr size_t kMaxCallSites = limits::kMaxCallSites;
constexpr int kMaxNameLookups = static_cast<int>(limits::kMaxNameLookups);

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

std::string FormatNumber(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[40];
  if (d == std::floor(d) && std::fabs(d) < 1e21) {
    std::snprintf(buf, sizeof buf, "%.0f", d);
  } else {
    std::snprintf(buf, sizeof buf, "%.17g", d);
    // Prefer the shortest form that round-trips.
    for (int p = 1; p <= 17; ++p) {
      char t[40];
      std::snprintf(t, sizeof t, "%.*g", p, d);
      if (std::strtod(t, nullptr) == d) {
        std::snprintf(buf, sizeof buf, "%s", t);
        break;
      }
    }
  }
  return buf;
}

const v8::MapInfo* MapIfType(const v8::Heap& heap, uint64_t obj, uint16_t type) {
  if (!v8::IsStrong(obj) || type == 0xffff) return nullptr;
  const v8::MapInfo* m = heap.MapOf(obj);
  return m && m->instance_type == type ? m : nullptr;
}

std::optional<std::string> StringOf(const v8::Heap& heap, uint64_t value, uint64_t max_bytes = 4096) {
  if (!v8::IsStrong(value)) return std::nullopt;
  auto s = heap.ReadString(value, max_bytes);
  if (!s) return std::nullopt;
  return s->utf8 + (s->truncated ? "…" : "");
}

// OwnString returns the own data property `name` of obj as a string.
std::optional<std::string> OwnString(const v8::Heap& heap, uint64_t obj, std::string_view name,
                                     uint64_t max_bytes = 4096) {
  auto p = v8::FindProperty(heap, obj, name);
  if (!p || p->is_accessor || p->raw_double || !p->readable) return std::nullopt;
  return StringOf(heap, p->value, max_bytes);
}

// ThrowFrameCandidate finds the value the native frames of Isolate::Throw
// and Isolate::CreateMessageOrAbort hold most often (through handles count
// double), preferring JS objects over other JS values.
std::optional<uint64_t> ThrowFrameCandidate(const v8::Heap& heap, const memory::AddressSpace& mem,
                                            const ThreadStack& crashed) {
  uint64_t lo = 0, hi = 0;
  for (const Frame& f : crashed.frames) {
    const std::string& s = f.location.symbol;
    bool throw_frame = s.find("Isolate::CreateMessageOrAbort") != std::string::npos ||
                       s.find("Isolate::Throw") != std::string::npos;
    if (!throw_frame) {
      if (lo) break;
      continue;
    }
    if (!lo) lo = f.sp;
    hi = f.fp ? f.fp + 16 : f.sp + 512;
  }
  if (!lo || hi <= lo || hi - lo > kMessageScanBytes) return std::nullopt;
  const v8::InstanceTypes& types = heap.types();
  std::map<uint64_t, int> score;
  auto consider = [&](uint64_t v, int weight) {
    if (!v8::IsStrong(v)) return;
    const v8::MapInfo* m = heap.MapOf(v);
    if (!m) return;
    uint16_t t = m->instance_type;
    bool js_value = types.IsJSReceiver(t) || heap.IsString(*m) || t == types.heap_number || t == types.symbol ||
                    t == types.bigint;
    if (!js_value) return;
    // JS objects first: they are what C++ code throws.
    score[v] += weight + (types.IsJSReceiver(t) ? 1000 : 0);
  };
  for (uint64_t a = lo; a + 8 <= hi; a += 8) {
    auto w = mem.ReadU64(a);
    if (!w || *w < 4096) continue;
    consider(*w, 1);
    if ((*w & 7) == 0) {
      if (auto slot = mem.ReadU64(*w)) consider(*slot, 2);
    }
  }
  std::optional<uint64_t> best;
  int best_score = 0;
  for (const auto& [v, sc] : score) {
    if (sc > best_score) {
      best = v;
      best_score = sc;
    }
  }
  // A lone direct word is too weak a hint.
  if (best_score < 2 || (best_score >= 1000 && best_score < 1002)) return std::nullopt;
  return best;
}

}  // namespace

// ---------------------------------------------------------------------------
// Finding the value

ThrownValue FindThrownValue(const target::Target& t, const v8::Heap* heap, const SourceMapper* mapper,
                            const ThreadStack& crashed) {
  ThrownValue tv;
  const memory::AddressSpace& mem = t.memory();
  bool abort_on_throw = false;
  bool fatal_error = false;
  for (const Frame& f : crashed.frames) {
    const std::string& s = f.location.symbol;
    if (s.find("Isolate::CreateMessageOrAbort") != std::string::npos || s.find("Isolate::Throw") != std::string::npos) {
      abort_on_throw = true;
    }
    if (s.find("FatalError") != std::string::npos || s.find("V8_Fatal") != std::string::npos ||
        s.find("FatalProcessOutOfMemory") != std::string::npos || s.find("OnFatalError") != std::string::npos) {
      fatal_error = true;
    }
  }

  if (heap) {
    // (1) The argument of Runtime_Throw/ReThrow: the first word above the
    // exit frame that CEntry built for the runtime call (argv on stack).
    std::optional<uint64_t> from_runtime;
    std::string runtime_name;
    for (size_t i = 1; i < crashed.frames.size(); ++i) {
      const Frame& f = crashed.frames[i];
      if (f.kind != FrameKind::kExit) continue;
      const std::string& callee = crashed.frames[i - 1].location.symbol;
      if (EndsWith(callee, "Runtime_Throw") || EndsWith(callee, "Runtime_ReThrow") ||
          EndsWith(callee, "Runtime_ReThrowWithMessage")) {
        if (auto v = mem.ReadU64(f.fp + 16)) {
          from_runtime = *v;
          runtime_name = callee.substr(callee.rfind(':') == std::string::npos ? 0 : callee.rfind(':') + 1);
        }
      }
      break;  // only the innermost exit frame is the throw
    }
    // (2) The `exception` handle of Isolate::Throw / CreateMessageOrAbort:
    // their frames hold it directly or as a Handle (a pointer to a slot in
    // a handle block). Every thrown value passes through here, including
    // errors V8 or node create in C++ (TypeError from a property load...).
    std::optional<uint64_t> from_handles = ThrowFrameCandidate(*heap, mem, crashed);
    if (from_runtime) {
      tv.found = true;
      tv.value = *from_runtime;
      tv.found_by = "the argument of " + runtime_name + " (above the CEntry exit frame)";
      tv.confirmed = from_handles && *from_handles == *from_runtime;
    } else if (from_handles) {
      tv.found = true;
      tv.value = *from_handles;
      tv.found_by = "the exception handle in the Isolate::Throw frames";
    }
    // Where it was thrown: the innermost JS frame's position.
    for (const Frame& f : crashed.frames) {
      if (!IsJsKind(f.kind)) continue;
      if (f.line && f.position_kind == "exact") {
        tv.script_name = f.script_name;
        tv.line = f.line;
        tv.column = f.column;
      }
      break;
    }
  }

  int sig = crashed.signal;
  if (!sig && t.core().signal()) sig = t.core().signal()->signo;
  if (tv.found || (sig == kSigTrap && abort_on_throw)) {
    tv.crash_kind = "uncaught-exception";
    if (!tv.found) tv.why_none = "V8 aborted on an uncaught exception, but the thrown value could not be recovered from the stack";
    return tv;
  }
  int si_code = t.core().signal() ? t.core().signal()->code : 0;
  bool sent = si_code <= 0;  // SI_USER (kill), SI_TKILL (tgkill/raise), SI_QUEUE...
  if (sig == 0 || sig == kSigStop) {
    // gcore attaches with ptrace, which stops the process (SIGSTOP).
    tv.crash_kind = "live-dump";
    tv.why_none = "the core was taken from a live process (gcore or similar: no fatal signal); nothing was being thrown";
  } else if (sig == kSigAbrt) {
    tv.crash_kind = "abort";
    tv.why_none = fatal_error ? "the process aborted (SIGABRT) on a fatal V8/node error; no exception was being thrown"
                              : "the process aborted (SIGABRT: abort(), e.g. process.abort() or a failed native assertion); no exception was being thrown";
  } else if (sig == kSigSegv || sig == kSigBus) {
    tv.crash_kind = "segfault";
    char buf[160];
    if (sent) {
      std::snprintf(buf, sizeof buf, "the process received %s sent by kill/raise (not a memory fault); no exception was being thrown",
                    sig == kSigSegv ? "SIGSEGV" : "SIGBUS");
    } else {
      std::snprintf(buf, sizeof buf, "the process died of %s (a memory fault at 0x%" PRIx64 "); no exception was being thrown",
                    sig == kSigSegv ? "SIGSEGV" : "SIGBUS", t.core().signal() ? t.core().signal()->addr : 0);
    }
    tv.why_none = buf;
  } else {
    tv.crash_kind = "signal";
    tv.why_none = "the process died of signal " + std::to_string(sig) +
                  (sig == kSigKill ? " (SIGKILL)" : sig == kSigTrap ? " (SIGTRAP)" : "") +
                  "; no exception was being thrown";
  }
  return tv;
}

// ---------------------------------------------------------------------------
// Describing values

namespace {
constexpr size_t kPreviewProperties = 4;
std::string Preview(const v8::Heap& heap, uint64_t value, size_t max_chars, int depth);

// PreviewObjectLiteral renders a plain object's first own properties:
// "{ id: 7, name: 'x', … }".
std::string PreviewObjectLiteral(const v8::Heap& heap, uint64_t obj, size_t max_chars, int depth) {
  auto props = v8::ReadNamedProperties(heap, obj, kPreviewProperties + 8);
  if (!props) return "{…} @" + Hex(obj);
  std::string out = "{";
  size_t shown = 0, skipped = 0;
  for (const v8::NamedProperty& p : props->items) {
    if (p.is_symbol || p.is_private_symbol) continue;
    if (shown == kPreviewProperties) {
      ++skipped;
      continue;
    }
    std::string v;
    if (p.is_accessor) v = "[Getter/Setter]";
    else if (p.raw_double) v = FormatNumber(p.double_value);
    else if (!p.readable) v = "?";
    else v = Preview(heap, p.value, max_chars / 2, depth + 1);
    out += (shown ? ", " : " ") + p.name + ": " + v;
    ++shown;
  }
  if (skipped || props->truncated || props->total > props->items.size()) out += shown ? ", …" : " …";
  return out + (shown || skipped ? " }" : "}");
}
}  // namespace

std::string PreviewValue(const v8::Heap& heap, uint64_t value, size_t max_chars) {
  return Preview(heap, value, max_chars, 0);
}

namespace {
std::string Preview(const v8::Heap& heap, uint64_t value, size_t max_chars, int depth) {
  if (v8::IsSmi(value)) return std::to_string(v8::SmiValue(value));
  if (!v8::IsStrong(value)) return "<weak or invalid " + Hex(value) + ">";
  v8::OddballKind ok = heap.Oddball(value);
  if (ok != v8::OddballKind::kNotOddball) return v8::OddballKindName(ok);
  const v8::MapInfo* m = heap.MapOf(value);
  if (!m) return "<unreadable " + Hex(value) + ">";
  const v8::InstanceTypes& types = heap.types();
  if (heap.IsString(*m)) {
    auto s = heap.ReadString(value, max_chars);
    if (!s) return "<string " + Hex(value) + ">";
    std::string out = "'";
    for (char c : s->utf8) {
      if (c == '\n') out += "\\n";
      else if (c == '\'') out += "\\'";
      else out += c;
    }
    return out + (s->truncated || s->utf8.size() >= max_chars ? "…'" : "'");
  }
  if (m->instance_type == types.heap_number) {
    auto d = heap.HeapNumberValue(value);
    return d ? FormatNumber(*d) : "<number>";
  }
  if (m->instance_type == types.symbol) {
    auto d = heap.SymbolDescription(value);
    return "Symbol(" + d.value_or("") + ")";
  }
  if (m->instance_type == types.bigint) return "<bigint " + Hex(value) + ">";
  if (heap.IsJSFunction(*m)) {
    auto info = heap.DescribeFunction(value);
    std::string name = info && !info->name.empty() ? info->name : "(anonymous)";
    return "[Function: " + name + "]";
  }
  if (m->instance_type == types.js_array) {
    auto len = heap.JSArrayLength(value);
    return "Array(" + (len ? FormatNumber(*len) : std::string("?")) + ") @" + Hex(value);
  }
  if (types.IsJSObject(m->instance_type)) {
    std::string ctor = heap.ConstructorName(*m);
    if (ctor == "Object" && m->instance_type == types.js_object && depth == 0) {
      return PreviewObjectLiteral(heap, value, max_chars, depth);
    }
    if (ctor.empty()) ctor = types.DisplayName(m->instance_type);
    return ctor + " @" + Hex(value);
  }
  return types.DisplayName(m->instance_type) + " @" + Hex(value);
}
}  // namespace

namespace {

// InheritedName looks up `name` on obj and its prototypes (V8's error.name).
std::optional<std::string> InheritedName(const v8::Heap& heap, uint64_t obj) {
  uint64_t cur = obj;
  for (int i = 0; i < kMaxNameLookups && v8::IsStrong(cur); ++i) {
    const v8::MapInfo* m = heap.MapOf(cur);
    if (!m || !heap.types().IsJSObject(m->instance_type)) break;
    if (auto s = OwnString(heap, cur, "name", 256)) return s;
    cur = m->prototype;
  }
  return std::nullopt;
}

// CallSite: one frame V8 captured when the error was created.
using CallSite = CapturedFrame;

// CallSiteFrom names one captured frame from its function, code object and
// code offset (a bytecode offset when the code is bytecode).
std::optional<CallSite> CallSiteFrom(const v8::Heap& heap, const SourceMapper* mapper, uint64_t fn, uint64_t code,
                                     std::optional<uint64_t> offset_word) {
  // Node 22+ may keep a BytecodeWrapper (its BytecodeArray at +8) instead.
  if (code && mapper && !mapper->IsBytecodeArray(code)) {
    auto inner = heap.ReadField(code, 8);
    code = inner && mapper->IsBytecodeArray(*inner) ? *inner : 0;
  }
  auto desc = heap.DescribeFunction(fn);
  if (!desc) return std::nullopt;
  CallSite cs;
  cs.function = desc->name;
  cs.script = desc->script_name;
  if (mapper && desc->script) {
    std::optional<int32_t> pos;
    if (offset_word && v8::IsSmi(*offset_word)) {
      int64_t off = v8::SmiValue(*offset_word);
      if (code && off >= 0) pos = mapper->ScriptOffsetForBytecode(code, static_cast<int32_t>(off));
    }
    cs.exact = pos.has_value();
    if (!pos && desc->start_position >= 0) pos = desc->start_position;
    if (!pos) {
      if (auto fp = v8::SharedPositions(heap, desc->shared)) pos = fp->token >= 0 ? fp->token : fp->start;
    }
    if (pos) {
      if (auto lc = mapper->LineColumnFor(desc->script, *pos)) {
        cs.line = lc->line;
        cs.column = lc->column;
      }
    }
  }
  return cs;
}

bool IsFunction(const v8::Heap& heap, uint64_t v) {
  const v8::MapInfo* m = v8::IsStrong(v) ? heap.MapOf(v) : nullptr;
  return m && heap.IsJSFunction(*m);
}

// DecodeCallSite reads a CallSiteInfo struct (Node 18-24). Its field order
// changed (V8 13 moved code_object first), but in every version the code
// offset Smi is at +32 and the function at +16 or +24.
std::optional<CallSite> DecodeCallSite(const v8::Heap& heap, const SourceMapper* mapper, uint64_t info) {
  if (!heap.MapOf(info)) return std::nullopt;
  uint64_t fn = 0, code = 0;
  for (int64_t off : {16, 24}) {
    auto w = heap.ReadField(info, off);
    if (w && IsFunction(heap, *w)) fn = *w;
  }
  if (!fn) return std::nullopt;
  for (int64_t off : {8, 24}) {
    auto w = heap.ReadField(info, off);
    if (w && v8::IsStrong(*w) && !IsFunction(heap, *w) && heap.Oddball(*w) == v8::OddballKind::kNotOddball) code = *w;
  }
  return CallSiteFrom(heap, mapper, fn, code, heap.ReadField(info, 32));
}

// StackFromValue interprets what V8 keeps under error_stack_symbol: the
// formatted string, a FixedArray of CallSiteInfo, or an ErrorStackData
// struct (V8 12+) holding either. Returns (text, source).
std::optional<std::pair<std::string, std::string>> StackFromValue(const v8::Heap& heap, const SourceMapper* mapper,
                                                                  uint64_t v, const std::string& header, int depth,
                                                                  std::vector<CapturedFrame>* sites) {
  if (depth > 2 || !v8::IsStrong(v)) return std::nullopt;
  const v8::MapInfo* m = heap.MapOf(v);
  if (!m) return std::nullopt;
  if (heap.IsString(*m)) {
    auto s = StringOf(heap, v, kMaxStackChars);
    if (s) return std::make_pair(*s, std::string("formatted"));
    return std::nullopt;
  }
  const v8::InstanceTypes& types = heap.types();
  if (m->instance_type == types.fixed_array) {
    auto len = heap.ReadField(v, 8);
    if (!len || !v8::IsSmi(*len) || v8::SmiValue(*len) < 0) return std::nullopt;
    uint64_t len_n = static_cast<uint64_t>(v8::SmiValue(*len));
    auto at = [&](uint64_t i) { return heap.ReadWord(v8::Untag(v) + 16 + 8 * i); };
    // V8 14 (Node 26) flattens frames into 6-tuples (code, receiver,
    // function, offset, parameters, flags); earlier versions keep one
    // CallSiteInfo per element.
    auto third = len_n >= 6 ? at(2) : std::nullopt;
    bool tuples = len_n % 6 == 0 && third && IsFunction(heap, *third);
    uint64_t stride = tuples ? 6 : 1;
    uint64_t n = std::min<uint64_t>(len_n / stride, kMaxCallSites);
    std::string text = header;
    size_t decoded = 0;
    for (uint64_t i = 0; i < n; ++i) {
      std::optional<CallSite> cs;
      if (tuples) {
        auto code = at(i * 6), fn = at(i * 6 + 2);
        if (!code || !fn || !IsFunction(heap, *fn)) continue;
        cs = CallSiteFrom(heap, mapper, *fn, v8::IsStrong(*code) ? *code : 0, at(i * 6 + 3));
      } else {
        auto e = at(i);
        if (!e) break;
        cs = DecodeCallSite(heap, mapper, *e);
      }
      if (!cs) continue;
      ++decoded;
      if (sites) sites->push_back(*cs);
      text += "\n    at ";
      std::string where = cs->script.empty() ? "<anonymous>" : cs->script;
      if (cs->line) where += ":" + std::to_string(cs->line) + ":" + std::to_string(cs->column);
      if (cs->function.empty()) text += where;
      else text += cs->function + " (" + where + ")";
    }
    if (decoded == 0) return std::nullopt;
    return std::make_pair(text, std::string("call-sites"));
  }
  // ErrorStackData: {call_site_infos_or_formatted_stack, limit_or_stack_frame_infos}.
  if (!types.IsJSReceiver(m->instance_type)) {
    auto first = heap.ReadField(v, 8);
    if (first) return StackFromValue(heap, mapper, *first, header, depth + 1, sites);
  }
  return std::nullopt;
}

void FillErrorFields(const v8::Heap& heap, const SourceMapper* mapper, uint64_t obj, ErrorDescription& d) {
  d.message = OwnString(heap, obj, "message", 16 * 1024);
  if (auto p = v8::FindProperty(heap, obj, "code"); p && !p->is_accessor && p->readable) {
    if (p->raw_double) d.code = FormatNumber(p->double_value);
    else if (auto s = StringOf(heap, p->value, 1024)) d.code = *s;
    else d.code = PreviewValue(heap, p->value);
  }
  auto name = InheritedName(heap, obj);
  d.name = name ? *name : d.constructor;
  std::string header = d.name + (d.message && !d.message->empty() ? ": " + *d.message : "");
  if (auto s = OwnString(heap, obj, "stack", kMaxStackChars)) {
    d.stack = *s;
    d.stack_source = "formatted";
    return;
  }
  auto props = v8::ReadNamedProperties(heap, obj, 64);
  if (!props) return;
  for (const v8::NamedProperty& p : props->items) {
    if (!p.is_private_symbol || p.is_accessor || p.raw_double) continue;
    std::vector<CapturedFrame> sites;
    if (auto st = StackFromValue(heap, mapper, p.value, header, 0, &sites)) {
      // Other private symbols hold strings too (V8 14 keeps the message
      // under one): a formatted stack starts with the header or has frames.
      if (st->second == "formatted" && st->first.rfind(header, 0) != 0 &&
          st->first.find("\n    at ") == std::string::npos) {
        continue;
      }
      d.stack = st->first;
      d.stack_source = st->second;
      d.captured = std::move(sites);
      return;
    }
  }
}

}  // namespace

int RefineFromCapturedStack(ThreadStack& ts, const ErrorDescription& d) {
  std::vector<Frame*> named;  // JS frames and builtins with JS linkage, as V8 captures them
  for (Frame& f : ts.frames) {
    if (f.function && (IsJsKind(f.kind) || f.kind == FrameKind::kBuiltin)) named.push_back(&f);
  }
  if (named.empty() || d.captured.empty()) return 0;
  int refined = 0;
  for (size_t i = 0; i < named.size() && i < d.captured.size(); ++i) {
    Frame& f = *named[i];
    const CapturedFrame& c = d.captured[i];
    if (f.function_name != c.function || f.script_name != c.script) break;
    if (f.position_kind == "exact" || f.position_kind == "thrown-at" || !c.line || !c.exact) continue;
    f.line = c.line;
    f.column = c.column;
    f.position_kind = "error-stack";
    ++refined;
  }
  return refined;
}

namespace {

std::unique_ptr<ErrorDescription> Describe(const v8::Heap& heap, const SourceMapper* mapper, uint64_t value,
                                           int depth_left, std::set<uint64_t>& seen) {
  auto d = std::make_unique<ErrorDescription>();
  d->value = value;
  d->preview = PreviewValue(heap, value);
  if (v8::IsSmi(value)) {
    d->type = "number";
    return d;
  }
  v8::OddballKind ok = heap.Oddball(value);
  if (ok != v8::OddballKind::kNotOddball) {
    d->type = ok == v8::OddballKind::kTrue || ok == v8::OddballKind::kFalse ? "boolean" : v8::OddballKindName(ok);
    return d;
  }
  const v8::MapInfo* m = v8::IsStrong(value) ? heap.MapOf(value) : nullptr;
  if (!m) {
    d->type = "unknown";
    return d;
  }
  const v8::InstanceTypes& types = heap.types();
  if (heap.IsString(*m)) d->type = "string";
  else if (m->instance_type == types.heap_number) d->type = "number";
  else if (m->instance_type == types.symbol) d->type = "symbol";
  else if (m->instance_type == types.bigint) d->type = "bigint";
  else if (heap.IsJSFunction(*m)) d->type = "function";
  else if (types.IsJSObject(m->instance_type)) d->type = m->instance_type == types.js_error ? "error" : "object";
  else d->type = "unknown";
  if (d->type != "error" && d->type != "object") return d;

  d->constructor = heap.ConstructorName(*m);
  if (d->constructor.empty()) d->constructor = types.DisplayName(m->instance_type);
  seen.insert(value);
  FillErrorFields(heap, mapper, value, *d);
  if (d->type == "object") {
    // A plain object: keep name/stack only when it carries them itself.
    if (!OwnString(heap, value, "name", 256)) d->name.clear();
  }
  auto cause = v8::FindProperty(heap, value, "cause");
  if (cause && !cause->is_accessor && cause->readable && !cause->raw_double) {
    if (seen.count(cause->value)) {
      d->cause_cycle = true;
    } else if (depth_left <= 0) {
      d->cause_truncated = true;
    } else {
      d->cause = Describe(heap, mapper, cause->value, depth_left - 1, seen);
    }
  }
  return d;
}

}  // namespace

std::unique_ptr<ErrorDescription> DescribeThrown(const v8::Heap& heap, const SourceMapper* mapper, uint64_t value,
                                                 int max_depth) {
  std::set<uint64_t> seen;
  return Describe(heap, mapper, value, max_depth, seen);
}

}  // namespace corescope::stack
