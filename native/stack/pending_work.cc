// Pending JS timers and fs requests. See pending_work.h.
#include "stack/pending_work.h"

#include <unordered_set>

#include "v8/closures.h"
#include "v8/properties.h"

namespace corescope::stack {
namespace {

// NumberValue: a property holding a number (Smi, HeapNumber, or an unboxed double field).
std::optional<double> NumberValue(const v8::Heap& heap, const v8::NamedProperty& p) {
  if (p.is_accessor || !p.readable) return std::nullopt;
  if (p.raw_double) return p.double_value;
  if (v8::IsSmi(p.value)) return static_cast<double>(v8::SmiValue(p.value));
  if (!v8::IsStrong(p.value)) return std::nullopt;
  const v8::MapInfo* m = heap.MapOf(p.value);
  if (!m || m->instance_type != heap.types().heap_number) return std::nullopt;
  return heap.HeapNumberValue(p.value);
}

// FunctionPlace fills name, script and line:column of where a function starts.
void FunctionPlace(const v8::Heap& heap, const SourceMapper* mapper, uint64_t fn, std::string* name, std::string* script,
                   int* line, int* column) {
  const v8::MapInfo* fm = v8::IsStrong(fn) ? heap.MapOf(fn) : nullptr;
  if (!fm || !heap.IsJSFunction(*fm)) return;
  auto f = heap.DescribeFunction(fn);
  if (!f) return;
  *name = f->name.empty() ? "(anonymous)" : f->name;
  *script = f->script_name;
  int32_t start = f->start_position;
  if (start < 0) {
    if (auto pos = v8::SharedPositions(heap, f->shared)) start = pos->token >= 0 ? pos->token : pos->start;
  }
  if (!f->script || start < 0) return;
  if (auto lc = mapper ? mapper->LineColumnFor(f->script, start) : std::nullopt) {
    *line = lc->line, *column = lc->column;
  } else if (auto loc = v8::LocateInScript(heap, f->script, start)) {  // line ends never computed
    *line = static_cast<int>(loc->line), *column = static_cast<int>(loc->column);
  }
}

// UserCallback: node wraps fs callbacks (makeCallback: an anonymous arrow
// closing over `cb`); the user's function is that context variable.
uint64_t UserCallback(const v8::Heap& heap, uint64_t fn) {
  auto f = heap.DescribeFunction(fn);
  if (!f || !f->name.empty() || !f->context) return fn;
  v8::ClosureContext ctx = v8::ReadContextChain(heap, f->context, 1, 16);
  for (const auto& scope : ctx.scopes) {
    for (const auto& v : scope.variables) {
      if ((v.name == "cb" || v.name == "callback") && v.readable && !v.is_double) {
        const v8::MapInfo* m = v8::IsStrong(v.value) ? heap.MapOf(v.value) : nullptr;
        if (m && heap.IsJSFunction(*m)) return v.value;
      }
    }
  }
  return fn;
}

const char* FsTypeName(int32_t t) {
  static const char* kNames[] = {"custom", "open", "close", "read", "write", "sendfile", "stat", "lstat", "fstat",
                                 "ftruncate", "utime", "futime", "access", "chmod", "fchmod", "fsync", "fdatasync",
                                 "unlink", "rmdir", "mkdir", "mkdtemp", "rename", "scandir", "link", "symlink",
                                 "readlink", "chown", "fchown", "realpath", "copyfile", "lchown", "opendir", "readdir",
                                 "closedir", "statfs", "mkstemp", "lutime"};
  return t >= 0 && t < static_cast<int32_t>(sizeof kNames / sizeof *kNames) ? kNames[t] : "unknown";
}

// uv_fs_t (uv.h, x86_64): UV_REQ_FIELDS data 0, type 8, reserved[6]; then
// fs_type 64, loop 72, cb 80, result 88, ptr 96, path 104.
constexpr uint64_t kReqType = 8, kFsType = 64, kFsLoop = 72, kFsPath = 104;
constexpr uint32_t kUvFs = 6;                 // uv_req_type UV_FS
constexpr uint64_t kReqWrapScan = 512;        // bytes of the C++ ReqWrap searched for its uv_fs_t
// Where embedder slots may start: after map, properties, elements (+24), or
// one word later (a cpp-heap wrappable field, Node 24+).
constexpr uint64_t kEmbedderSlots[] = {24, 32};

// FindUvFs finds the uv_fs_t inside node's C++ ReqWrap at `wrap`: the
// request whose data points back into the wrap, of type UV_FS, on `loop`.
std::optional<uint64_t> FindUvFs(const memory::AddressSpace& mem, uint64_t wrap, uint64_t loop) {
  for (uint64_t off = 0; off + kFsPath + 8 <= kReqWrapScan; off += 8) {
    uint64_t req = wrap + off;
    auto data = mem.ReadU64(req);
    if (!data || *data < wrap || *data >= wrap + kReqWrapScan) continue;
    auto type = mem.ReadU32(req + kReqType);
    auto l = mem.ReadU64(req + kFsLoop);
    if (type && *type == kUvFs && l && *l == loop) return req;
  }
  return std::nullopt;
}

}  // namespace

std::vector<FsRequest> FindFsRequests(const v8::Heap& heap, const heap::HeapIndex& index, const SourceMapper* mapper,
                                      uint64_t loop, size_t max) {
  std::vector<FsRequest> out;
  std::unordered_set<uint32_t> maps;
  for (uint32_t id = 0; id < index.map_stats().size(); ++id) {
    const v8::MapInfo* m = heap.MapById(id);
    if (index.map_stats()[id].count && m && heap.types().IsJSObject(m->instance_type) &&
        heap.ConstructorName(*m) == "FSReqCallback") {
      maps.insert(id);
    }
  }
  if (maps.empty() || !loop) return out;
  const memory::AddressSpace& mem = heap.memory();
  index.ForEachObject([&](uint32_t, uint64_t addr) {
    const v8::MapInfo* m = heap.MapOf(v8::Tag(addr));
    if (!m || !maps.count(m->id)) return true;
    // BaseObject::kSlot (1): the C++ object, cleared when the request is done.
    // Embedder slots follow the JSObject header, which V8 12.x+ (Node 24)
    // grew by one word; the uv_fs_t found inside confirms the slot.
    std::optional<uint64_t> req;
    for (uint64_t first : kEmbedderSlots) {
      auto wrap = mem.ReadU64(addr + first + 8);
      if (!wrap || !*wrap || (*wrap & 7)) continue;
      if ((req = FindUvFs(mem, *wrap, loop))) break;
    }
    if (!req) return true;
    FsRequest r;
    r.address = v8::Tag(addr);
    if (auto t = mem.ReadValue<int32_t>(*req + kFsType)) r.op = FsTypeName(*t);
    if (auto p = mem.ReadU64(*req + kFsPath); p && *p) {
      char buf[256];
      size_t n = 0;
      for (; n + 1 < sizeof buf; ++n) {
        auto c = mem.ReadValue<char>(*p + n);
        if (!c || !*c) break;
        buf[n] = *c;
      }
      r.path.assign(buf, n);
    }
    if (auto cb = v8::FindProperty(heap, v8::Tag(addr), "oncomplete"); cb && !cb->is_accessor && v8::IsStrong(cb->value)) {
      FunctionPlace(heap, mapper, UserCallback(heap, cb->value), &r.callback, &r.script, &r.line, &r.column);
    }
    out.push_back(std::move(r));
    return out.size() < max;
  });
  return out;
}

void WriteFsRequests(JsonWriter& w, const std::vector<FsRequest>& reqs) {
  w.BeginArray();
  for (const FsRequest& r : reqs) {
    w.BeginObject().FieldHex("address", r.address).Field("op", r.op);
    w.Key("path");
    if (r.path.empty()) w.Null(); else w.String(r.path);
    w.Key("callback");
    if (r.callback.empty()) w.Null(); else w.String(r.callback);
    w.Key("script");
    if (r.script.empty()) w.Null(); else w.String(r.script);
    w.Key("line");
    if (r.line) w.Int(r.line); else w.Null();
    w.Key("column");
    if (r.column) w.Int(r.column); else w.Null();
    w.EndObject();
  }
  w.EndArray();
}

JsTimers FindJsTimers(const v8::Heap& heap, const heap::HeapIndex& index, const SourceMapper* mapper,
                      const std::function<bool(uint64_t)>& live, size_t max) {
  JsTimers out;
  // The maps whose objects are Timeouts or Immediates (named by constructor, as `objects` does).
  std::unordered_set<uint32_t> maps;
  for (uint32_t id = 0; id < index.map_stats().size(); ++id) {
    const v8::MapInfo* m = heap.MapById(id);
    if (!index.map_stats()[id].count || !m || !heap.types().IsJSObject(m->instance_type)) continue;
    std::string ctor = heap.ConstructorName(*m);
    if (ctor == "Timeout" || ctor == "Immediate") maps.insert(id);
  }
  if (maps.empty()) return out;
  index.ForEachObject([&](uint32_t, uint64_t addr) {
    uint64_t obj = v8::Tag(addr);
    const v8::MapInfo* m = heap.MapOf(obj);
    if (!m || !maps.count(m->id)) return true;
    if (live && !live(addr)) return true;
    auto props = v8::ReadNamedProperties(heap, obj, 32);
    if (!props) return true;
    JsTimer t;
    t.address = obj;
    t.kind = heap.ConstructorName(*m);
    bool destroyed = false;
    uint64_t callback = 0;
    for (const v8::NamedProperty& p : props->items) {
      if (p.name == "_destroyed") destroyed = heap.Oddball(p.value) == v8::OddballKind::kTrue;
      else if (p.name == "_idleTimeout") t.delay_ms = NumberValue(heap, p);
      else if (p.name == "_repeat") t.repeat = NumberValue(heap, p).has_value();
      else if (p.name == "Symbol(refed)") t.ref = heap.Oddball(p.value) != v8::OddballKind::kFalse;
      else if ((p.name == "_onTimeout" || p.name == "_onImmediate") && !p.is_accessor && v8::IsStrong(p.value)) callback = p.value;
    }
    // clearTimeout and a fired one-shot timer set _destroyed; cleared timers also get _idleTimeout -1.
    if (destroyed || (t.kind == "Timeout" && (!t.delay_ms || *t.delay_ms < 0)) || !callback) return true;
    if (const v8::MapInfo* fm = heap.MapOf(callback); fm && heap.IsJSFunction(*fm)) {
      if (auto f = heap.DescribeFunction(callback)) {
        t.callback = f->name.empty() ? "(anonymous)" : f->name;
        t.script = f->script_name;
        int32_t start = f->start_position;
        if (start < 0) {
          if (auto pos = v8::SharedPositions(heap, f->shared)) start = pos->token >= 0 ? pos->token : pos->start;
        }
        if (f->script && start >= 0) {
          if (auto lc = mapper ? mapper->LineColumnFor(f->script, start) : std::nullopt) {
            t.line = lc->line, t.column = lc->column;
          } else if (auto loc = v8::LocateInScript(heap, f->script, start)) {  // line ends never computed
            t.line = static_cast<int>(loc->line), t.column = static_cast<int>(loc->column);
          }
        }
      }
    }
    if (out.timers.size() >= max) {
      out.truncated = true;
      return false;
    }
    out.timers.push_back(std::move(t));
    return true;
  });
  return out;
}

void WriteJsTimers(JsonWriter& w, const JsTimers& t) {
  w.BeginArray();
  for (const JsTimer& j : t.timers) {
    w.BeginObject().FieldHex("address", j.address).Field("kind", j.kind);
    w.Key("delayMs");
    if (j.delay_ms) w.Double(*j.delay_ms); else w.Null();
    w.FieldBool("repeat", j.repeat).FieldBool("ref", j.ref);
    w.Field("callback", j.callback);
    w.Key("script");
    if (j.script.empty()) w.Null(); else w.String(j.script);
    w.Key("line");
    if (j.line) w.Int(j.line); else w.Null();
    w.Key("column");
    if (j.column) w.Int(j.column); else w.Null();
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace corescope::stack
