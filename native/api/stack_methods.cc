// Stack methods: "stack" (every thread's frames, JS frames with
// function/script/line:column, optional receiver and arguments) and "report"
// (the crash triage pieces only the native side can compute: the thrown
// value with its cause chain, the crashing JS stack, libuv handles). The
// TypeScript report command adds process info, heap totals and the crash
// signature from other methods. Knows the JSON shapes; the work is in ../stack.
#include <algorithm>
#include <cinttypes>
#include <functional>
#include <optional>
#include <unordered_map>
#include <map>
#include <cstdio>

#include "api/graph_session.h"
#include "api/heap_session.h"
#include "api/methods.h"
#include "heap/heap_index.h"
#include "heap/naming.h"
#include "heap/page_table.h"
#include "heap/type_histogram.h"
#include "stack/pending_work.h"
#include "stack/libuv.h"
#include "stack/stack_walker.h"
#include "stack/thrown_value.h"
#include "util/json_writer.h"
#include "v8/objects.h"
#include "v8/properties.h"

namespace corescope::api {
namespace {

constexpr int64_t kDefaultMaxFrames = 256;

// StackHeap: the session's shared heap (api/heap_session.h), or why there
// is none (the stack is still walked; JS frames are then unnamed).
struct StackHeap {
  HeapViews* views = nullptr;
  std::string problem;
};

StackHeap GetStackHeap(Session& s, Progress& progress) {
  auto r = GetHeapViews(s, progress);
  if (!r) return {nullptr, r.error().message};
  return {r.value(), ""};
}

void WriteLocation(JsonWriter& w, const stack::Frame& f) {
  const stack::Location& loc = f.location;
  if (!loc.symbol.empty()) w.Field("symbol", stack::Symbolizer::Describe(loc));
  if (loc.module) {
    w.Field("module", loc.module->path);
    if (loc.symbol.empty()) w.Field("moduleOffset", stack::Symbolizer::Describe(loc));
  }
}

void WriteFrame(JsonWriter& w, const stack::Frame& f, const v8::Heap* heap, bool args) {
  w.BeginObject();
  w.Field("kind", stack::FrameKindName(f.kind));
  bool js_like = stack::IsJsKind(f.kind) || f.function;
  w.Key("function");
  if (js_like) w.String(f.function_name.empty() ? "(anonymous)" : f.function_name);
  else if (!f.location.symbol.empty()) w.String(f.location.symbol);
  else w.Null();
  w.Key("script");
  if (js_like && !f.script_name.empty()) w.String(f.script_name); else w.Null();
  w.Key("line");
  if (f.line) w.Int(f.line); else w.Null();
  w.Key("column");
  if (f.column) w.Int(f.column); else w.Null();
  w.FieldHex("pc", f.pc);
  w.FieldHex("fp", f.fp);
  WriteLocation(w, f);
  if (js_like) w.Field("positionKind", f.position_kind);
  if (!f.v8_frame_type.empty()) w.Field("frameType", f.v8_frame_type);
  if (f.bytecode_offset >= 0) w.FieldInt("bytecodeOffset", f.bytecode_offset);
  if (f.function) w.FieldHex("functionAddress", f.function);
  w.Field("unwoundBy", f.unwound_by);
  if (args && f.has_args && heap) {
    w.Key("receiver").BeginObject();
    w.FieldHex("value", f.receiver).Field("preview", stack::PreviewValue(*heap, f.receiver)).EndObject();
    w.FieldUint("argc", f.argc);
    w.Key("args").BeginArray();
    for (uint64_t a : f.args) {
      w.BeginObject().FieldHex("value", a).Field("preview", stack::PreviewValue(*heap, a)).EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

void WriteThread(JsonWriter& w, const stack::ThreadStack& ts, const v8::Heap* heap, bool args) {
  w.BeginObject();
  w.FieldInt("id", ts.tid);
  w.Field("name", ts.name);
  w.FieldBool("crashed", ts.crashed);
  w.FieldInt("signal", ts.signal);
  w.Field("stopReason", ts.stop_reason);
  w.Key("frames").BeginArray();
  for (const stack::Frame& f : ts.frames) WriteFrame(w, f, heap, args);
  w.EndArray();
  w.EndObject();
}

void WriteWarnings(JsonWriter& w, const std::vector<std::string>& warnings) {
  w.Key("warnings").BeginArray();
  for (const std::string& s : warnings) {
    w.BeginObject().Field("code", "STACK").Field("message", s).EndObject();
  }
  w.EndArray();
}

// RefineCrashedFrames: baseline and optimized frames of the crashing thread
// only know where their function starts; when an Error is being thrown,
// V8's own positions are better: where it says the throw is (the top JS
// frame, position_kind "thrown-at") and the frames it captured when the
// Error was created ("error-stack"). See stack::RefineFromCapturedStack.
void RefineCrashedFrames(stack::ThreadStack& ts, const stack::ThrownValue& tv, const stack::ErrorDescription* d) {
  if (!tv.found) return;
  for (stack::Frame& f : ts.frames) {
    if (!f.function || !(stack::IsJsKind(f.kind) || f.kind == stack::FrameKind::kBuiltin)) continue;
    if (f.position_kind != "exact" && f.position_kind != "error-stack" && tv.line && f.script &&
        f.script_name == tv.script_name) {
      f.line = tv.line;
      f.column = tv.column;
      f.position_kind = "thrown-at";
    }
    break;  // the top JS frame only
  }
  if (d) stack::RefineFromCapturedStack(ts, *d);
}

Result<std::string> Stack(Session& s, const Args& args, Progress& progress) {
  StackHeap sh = GetStackHeap(s, progress);
  const v8::Heap* heap = sh.views ? sh.views->heap.get() : nullptr;
  stack::StackWalker walker(s.target(), heap);
  int64_t max_frames = args.GetInt("maxFrames", kDefaultMaxFrames);
  if (max_frames <= 0) return MakeError(ErrorCode::kUsage, "maxFrames must be positive");
  bool with_args = args.GetBool("args");
  bool crashed_only = args.GetString("threads") == "crashed";
  std::vector<stack::ThreadStack> threads;
  if (crashed_only && !s.target().core().threads().empty()) {
    threads.push_back(walker.Walk(s.target().core().threads()[0], true, static_cast<size_t>(max_frames)));
  } else {
    threads = walker.WalkAll(static_cast<size_t>(max_frames));
  }
  if (heap && !threads.empty() && threads[0].crashed) {
    stack::ThrownValue tv = stack::FindThrownValue(s.target(), heap, walker.source_mapper(), threads[0]);
    auto d = tv.found ? stack::DescribeThrown(*heap, walker.source_mapper(), tv.value, 0) : nullptr;
    RefineCrashedFrames(threads[0], tv, d.get());
  }
  JsonWriter w;
  w.BeginObject();
  w.FieldInt("schemaVersion", 1);
  w.Key("threads").BeginArray();
  for (const stack::ThreadStack& ts : threads) WriteThread(w, ts, heap, with_args);
  w.EndArray();
  std::vector<std::string> warnings = walker.symbolizer().warnings();
  if (!sh.problem.empty()) warnings.push_back("no V8 heap views (" + sh.problem + "); JS frames are not named");
  WriteWarnings(w, warnings);
  w.EndObject();
  return w.Take();
}

void WriteError(JsonWriter& w, const stack::ErrorDescription& d) {
  w.BeginObject();
  w.Field("type", d.type);
  w.FieldHex("address", d.value);
  w.Field("preview", d.preview);
  if (!d.constructor.empty()) w.Field("constructor", d.constructor);
  if (!d.name.empty()) w.Field("name", d.name);
  if (d.message) w.Field("message", *d.message);
  if (d.stack) {
    w.Field("stack", *d.stack);
    w.Field("stackSource", d.stack_source);
  }
  if (d.code) w.Field("code", *d.code);
  if (d.cause) {
    w.Key("cause");
    WriteError(w, *d.cause);
  }
  if (d.cause_cycle) w.FieldBool("causeCycle", true);
  if (d.cause_truncated) w.FieldBool("causeTruncated", true);
  w.EndObject();
}


constexpr size_t kTopTypes = 10;
constexpr size_t kMaxTimers = 1000;

// WriteHeapSummary writes object totals, the top types and the ArrayBuffer
// backing stores (external memory) from the heap index. Types are named as
// `objects` names them (heap/naming.h, closures as one "(closure)" row).
// With the reference graph (already built in this session, or `retained`
// asked for) the rows are live objects ranked by retained size; without it,
// every object present (garbage too) ranked by shallow size: `rankedBy` and
// `live` say which.
void WriteHeapSummary(JsonWriter& w, Session& s, const StackHeap& sh, bool want_retained, Progress& progress) {
  w.BeginObject();
  if (!sh.views) {
    w.FieldBool("available", false).Field("reason", sh.problem.empty() ? "no V8 heap" : sh.problem);
    w.EndObject();
    return;
  }
  auto indexed = GetHeapIndex(s, progress);
  if (!indexed) {
    w.FieldBool("available", false).Field("reason", indexed.error().message);
    w.EndObject();
    return;
  }
  HeapViews* views = indexed.value();
  const v8::Heap& heap = *views->heap;
  const heap::HeapIndex& index = *views->index;
  const graph::RefGraph* graph = nullptr;
  std::string graph_problem;
  if (want_retained || s.Has("graph:views")) {
    auto g = GetGraph(s, progress);
    if (g) graph = g.value()->graph.get();
    else graph_problem = g.error().message;  // fall back to shallow sizes, and say why
  }
  heap::HistogramOptions opts;
  opts.by = heap::GroupBy::kConstructor;
  opts.closure_detail = false;
  heap::Namer namer(heap, views->pages.get());
  std::function<bool(uint64_t)> counted;
  if (graph) counted = [graph](uint64_t addr) { return graph->IsLive(graph->NodeOf(addr)); };
  const std::unordered_map<uint64_t, heap::ClosureStats> no_closures;
  heap::Histogram h = heap::BuildHistogram(heap, graph ? graph->live_map_stats() : index.map_stats(), no_closures, namer,
                                           opts, index.per_object_names(), counted);
  std::vector<std::optional<uint64_t>> retained(h.rows.size());
  if (graph) {
    auto rs = RetainedByRow(*graph, heap, h, progress);
    if (rs) {
      for (size_t i = 0; i < h.rows.size() && i < rs.value().size(); ++i) {
        if (!h.rows[i].map_ids.empty()) retained[i] = rs.value()[i];
      }
    } else {
      graph_problem = rs.error().message;
      graph = nullptr;
    }
  }
  // Rows named object by object have no retained size; they rank by their
  // shallow size, a lower bound of it.
  std::vector<size_t> order(h.rows.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto key = [&](size_t i) { return graph ? retained[i].value_or(h.rows[i].shallow_size) : h.rows[i].shallow_size; };
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (key(a) != key(b)) return key(a) > key(b);
    return h.rows[a].name < h.rows[b].name;
  });
  w.FieldBool("available", true);
  w.FieldUint("objects", index.object_count());
  w.FieldUint("bytes", index.stats().object_bytes);
  w.Field("rankedBy", graph ? "retained" : "shallow");
  w.FieldBool("live", graph != nullptr);
  if (graph) w.FieldUint("liveObjects", h.objects).FieldUint("liveBytes", h.shallow_size);
  if (!graph_problem.empty()) w.Field("retainedUnavailable", graph_problem);
  w.Key("topTypes").BeginArray();
  for (size_t k = 0; k < order.size() && k < kTopTypes; ++k) {
    const heap::HistogramRow& row = h.rows[order[k]];
    w.BeginObject().Field("name", row.name).FieldUint("count", row.count).FieldUint("bytes", row.shallow_size);
    if (graph) {
      w.Key("retainedBytes");
      if (retained[order[k]]) w.Uint(*retained[order[k]]); else w.Null();
    }
    w.EndObject();
  }
  w.EndArray();
  std::vector<uint32_t> buffer_maps;
  for (uint32_t id = 0; id < index.map_stats().size(); ++id) {
    const v8::MapInfo* m = heap.MapById(id);
    if (index.map_stats()[id].count && m && m->instance_type == heap.types().js_array_buffer) buffer_maps.push_back(id);
  }
  // External memory: the byte lengths of every JSArrayBuffer present.
  uint64_t buffers = 0, external = 0;
  if (!buffer_maps.empty()) {
    index.ForEachObject([&](uint32_t, uint64_t addr) {
      const v8::MapInfo* m = heap.MapOf(v8::Tag(addr));
      if (!m || m->instance_type != heap.types().js_array_buffer) return !progress.Cancelled();
      if (auto ab = v8::ReadArrayBuffer(heap, v8::Tag(addr)); ab && !ab->detached) {
        ++buffers;
        external += ab->byte_length;
      }
      return !progress.Cancelled();
    });
  }
  w.Key("external").BeginObject().FieldUint("arrayBuffers", buffers).FieldUint("arrayBufferBytes", external).EndObject();
  w.EndObject();
}

Result<std::string> Report(Session& s, const Args& args, Progress& progress) {
  StackHeap sh = GetStackHeap(s, progress);
  const v8::Heap* heap = sh.views ? sh.views->heap.get() : nullptr;
  const target::Target& t = s.target();
  stack::StackWalker walker(t, heap);
  if (t.core().threads().empty()) return MakeError(ErrorCode::kCoreCorrupt, "the core has no threads (no NT_PRSTATUS)");
  int64_t max_frames = args.GetInt("maxFrames", kDefaultMaxFrames);
  if (max_frames <= 0) return MakeError(ErrorCode::kUsage, "maxFrames must be positive");
  stack::ThreadStack crashed = walker.Walk(t.core().threads()[0], true, static_cast<size_t>(max_frames));
  stack::ThrownValue tv = stack::FindThrownValue(t, heap, walker.source_mapper(), crashed);

  JsonWriter w;
  w.BeginObject();
  w.FieldInt("schemaVersion", 1);
  w.Field("crashKind", tv.crash_kind);
  w.Key("thrown").BeginObject();
  w.FieldBool("found", tv.found);
  if (tv.found) {
    w.FieldHex("value", tv.value);
    w.Field("foundBy", tv.found_by);
    w.FieldBool("confirmed", tv.confirmed);
    if (tv.message_object) w.FieldHex("messageObject", tv.message_object);
    if (tv.line) {
      w.Key("thrownAt").BeginObject();
      w.Field("script", tv.script_name).FieldInt("line", tv.line).FieldInt("column", tv.column);
      w.EndObject();
    }
  } else {
    w.Field("reason", tv.why_none);
  }
  w.EndObject();
  w.Key("error");
  std::unique_ptr<stack::ErrorDescription> d;
  if (tv.found && heap) {
    d = stack::DescribeThrown(*heap, walker.source_mapper(), tv.value, static_cast<int>(args.GetInt("causeDepth", 8)));
    WriteError(w, *d);
  } else {
    w.Null();
  }
  RefineCrashedFrames(crashed, tv, d.get());
  w.Key("thread");
  WriteThread(w, crashed, heap, args.GetBool("args"));
  w.Key("libuv");
  stack::WriteLibuv(w, t, heap);
  w.Key("heap");
  if (args.GetBool("heap", true)) {
    WriteHeapSummary(w, s, sh, args.GetBool("retained"), progress);
  } else {
    w.BeginObject().FieldBool("available", false).Field("reason", "not asked for").EndObject();
  }
  // The JS timers (node runs them all on one libuv timer): from the heap
  // index the summary built; live ones only when the graph exists.
  w.Key("timers");
  if (args.GetBool("heap", true) && sh.views && s.Has("heap:views") && sh.views->index) {
    const graph::RefGraph* graph = nullptr;
    if (s.Has("graph:views")) {
      if (auto g = GetGraph(s, progress)) graph = g.value()->graph.get();
    }
    std::function<bool(uint64_t)> live;
    if (graph) live = [graph](uint64_t addr) { return graph->IsLive(graph->NodeOf(addr)); };
    stack::WriteJsTimers(w, stack::FindJsTimers(*sh.views->heap, *sh.views->index, walker.source_mapper(), live, kMaxTimers));
    w.Key("fsRequests");
    uint64_t loop = stack::ReadDefaultLoop(t, heap).loop;
    stack::WriteFsRequests(w, stack::FindFsRequests(*sh.views->heap, *sh.views->index, walker.source_mapper(), loop, kMaxTimers));
  } else {
    w.Null();
    w.Key("fsRequests").Null();
  }
  std::vector<std::string> warnings = walker.symbolizer().warnings();
  if (!sh.problem.empty()) warnings.push_back("no V8 heap views (" + sh.problem + ")");
  WriteWarnings(w, warnings);
  w.EndObject();
  return w.Take();
}

}  // namespace

void RegisterStackMethods(Registry& r) {
  r.Add("stack", Stack);
  r.Add("report", Report);
}

}  // namespace corescope::api
