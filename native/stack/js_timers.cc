// JS timers. See js_timers.h.
#include "stack/js_timers.h"

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

}  // namespace

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
