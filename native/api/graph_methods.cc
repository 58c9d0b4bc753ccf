// Graph methods: "graph" (build the reference graph; sizes, roots, timings),
// "refs" (who refers to an object; objects with a property of a name;
// objects referring to a string of a value), "path" (shortest retaining
// paths from a GC root), "retained" (retained size, dominator and first
// path of one object, for inspect) and "leaks" (the dominators that retain
// the largest share of the heap). Knows the JSON shapes; the work is in
// ../graph.
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <unordered_map>

#include "api/graph_session.h"
#include "api/heap_session.h"
#include "graph/edge_names.h"
#include "stack/stack_walker.h"
#include "util/limits.h"
#include "util/json_writer.h"
#include "v8/properties.h"

namespace corescope::api {
namespace {

constexpr int64_t kDefaultRefs = 200;
constexpr int64_t kMaxRefs = 1 << 20;
constexpr int64_t kMaxPaths = 100;
constexpr int64_t kDefaultSuspects = 5;
constexpr size_t kStackFramesForRoots = 4096;  // deeper stacks are scanned whole

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

// WriteNode writes {address, name} of a node (address null for synthetic nodes).
void WriteNodeFields(JsonWriter& w, const graph::RefGraph& g, uint32_t node) {
  w.Key("address");
  auto a = g.AddressOfNode(node);
  if (a) w.Hex(v8::Tag(*a)); else w.Null();
  w.Field("name", graph::NodeLabel(g, node));
}

void WriteEdge(JsonWriter& w, const graph::NamedEdge& e) {
  w.Key("edge");
  if (e.kind.empty()) {
    w.Null();
    return;
  }
  w.BeginObject().Field("kind", e.kind).Field("name", e.name).EndObject();
}

void WritePath(JsonWriter& w, const graph::RefGraph& g, const std::vector<graph::PathStep>& path) {
  w.BeginArray();
  for (const auto& s : path) {
    w.BeginObject();
    WriteNodeFields(w, g, s.node);
    WriteEdge(w, s.edge);
    w.EndObject();
  }
  w.EndArray();
}

// WriteWarnings writes the graph's warnings as [{code, message}] (they are
// kept as "CODE: message" lines).
void WriteWarnings(JsonWriter& w, const graph::RefGraph& g) {
  w.Key("warnings").BeginArray();
  for (const auto& s : g.roots().warnings) {
    size_t colon = s.find(": ");
    bool coded = colon != std::string::npos && colon > 0 &&
                 s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == colon;
    w.BeginObject()
        .Field("code", coded ? s.substr(0, colon) : std::string("GRAPH"))
        .Field("message", coded ? s.substr(colon + 2) : s)
        .EndObject();
  }
  w.EndArray();
}

// Resolve turns the "address" argument into an object node, or a BAD_ADDRESS
// error that says what the address is.
Result<uint32_t> Resolve(const GraphViews& v, const Args& args) {
  auto a = args.GetAddress("address");
  if (!a) return MakeError(ErrorCode::kUsage, "an object address (0x...) is required");
  uint32_t node = v.graph->NodeOf(*a);
  if (node != graph::kNoNode) return node;
  uint64_t addr = v8::Untag(*a);
  if (!v.heap->InHeap(addr)) {
    return MakeError(ErrorCode::kBadAddress, Hex(*a) + " is not a heap object (not in any V8 page)",
                     "list objects with 'corescope objects <core>' or 'corescope instances <core> <Type>'");
  }
  if (auto start = v.index->ObjectContaining(addr)) {
    uint32_t n = v.graph->NodeOf(*start);
    return MakeError(ErrorCode::kBadAddress,
                     Hex(*a) + " is not the start of an object; it points " + std::to_string(addr - *start) +
                         " bytes into " + graph::NodeLabel(*v.graph, n) + " at " + Hex(v8::Tag(*start)),
                     "use " + Hex(v8::Tag(*start)));
  }
  return MakeError(ErrorCode::kBadAddress, Hex(*a) + " is not the start of a heap object");
}

void WriteTarget(JsonWriter& w, const graph::RefGraph& g, uint32_t node) {
  w.Key("target").BeginObject();
  WriteNodeFields(w, g, node);
  w.FieldBool("live", g.IsLive(node));
  w.FieldUint("selfSize", g.SelfSize(node));
  w.FieldUint("retainedSize", g.RetainedSize(node));
  w.EndObject();
}

void WriteReferrers(JsonWriter& w, const graph::RefGraph& g, const std::vector<graph::Referrer>& refs) {
  w.Key("referrers").BeginArray();
  for (const auto& r : refs) {
    w.BeginObject();
    WriteNodeFields(w, g, r.node);
    WriteEdge(w, r.edge);
    w.FieldBool("live", r.live);
    w.EndObject();
  }
  w.EndArray();
}

Result<std::string> GraphMethod(Session& s, const Args&, Progress& progress) {
  auto v = GetGraph(s, progress);
  if (!v) return v.error();
  const graph::RefGraph& g = *v.value()->graph;
  const graph::GraphStats& st = g.stats();
  JsonWriter w;
  w.BeginObject();
  w.FieldUint("objects", st.objects);
  w.FieldUint("liveObjects", st.live_objects);
  w.FieldUint("garbageObjects", st.garbage_objects);
  w.FieldUint("garbageBytes", st.garbage_bytes);
  w.FieldUint("liveBytes", g.RetainedSize(graph::kRootNode));
  w.FieldUint("edges", st.edges);
  w.FieldUint("weakEdges", st.weak_edges);
  w.FieldUint("ephemerons", st.ephemerons);
  w.FieldUint("droppedSlots", st.dropped_slots);
  w.FieldUint("readOnlyObjects", st.read_only_objects);
  w.FieldBool("preciseRoots", g.roots().precise);
  w.FieldUint("preciseStacks", g.roots().precise_stacks);
  w.FieldUint("threads", s.target().core().threads().size());
  w.Key("roots").BeginArray();
  for (int c = 0; c < graph::kRootCategoryCount; ++c) {
    if (g.roots().counts[c] == 0) continue;
    w.BeginObject()
        .Field("name", graph::RootCategoryName(static_cast<graph::RootCategory>(c)))
        .FieldUint("slots", g.roots().counts[c])
        .FieldUint("weak", g.roots().weak_counts[c])
        .EndObject();
  }
  w.EndArray();
  w.Key("timings").BeginObject();
  w.Key("buildSeconds").Double(st.build_seconds);
  w.Key("markSeconds").Double(st.mark_seconds);
  w.Key("dominatorSeconds").Double(st.dominator_seconds);
  // Finer steps, for the benchmark (docs/benchmarks.md).
  w.Key("rootsSeconds").Double(st.roots_seconds);
  w.Key("scanSeconds").Double(st.scan_seconds);
  w.Key("dfsSeconds").Double(st.dfs_seconds);
  w.Key("reverseSeconds").Double(st.reverse_seconds);
  w.Key("idomSeconds").Double(st.idom_seconds);
  w.Key("sizesSeconds").Double(st.sizes_seconds);
  w.EndObject();
  w.FieldUint("peakBytes", st.peak_bytes);
  w.FieldUint("finalBytes", st.final_bytes);
  WriteWarnings(w, g);
  w.EndObject();
  return w.Take();
}

// ObjectsWithProperty: every JS object with an own property named `name`
// (llnode's findrefs -n), as referrers holding their value under that name.
std::vector<graph::Referrer> ObjectsWithProperty(const GraphViews& v, const std::string& name, size_t max,
                                                 bool* truncated, Progress& progress) {
  const graph::RefGraph& g = *v.graph;
  const v8::Heap& heap = *v.heap;
  std::vector<std::vector<graph::Referrer>> per_worker(g.workers());
  // Fast-mode maps share their answer: 0 unknown, 1 has, 2 has not.
  std::vector<std::atomic<uint8_t>> by_map(heap.map_count() + 4096);
  g.WalkObjects(progress, "finding property", [&](unsigned w, uint32_t ordinal, uint64_t addr,
                                                  const v8::MapInfo* map, uint64_t) {
    if (!heap.types().IsJSObject(map->instance_type)) return;
    if (per_worker[w].size() >= max) return;
    bool cacheable = !map->is_dictionary_map && map->id < by_map.size();
    if (cacheable && by_map[map->id].load(std::memory_order_relaxed) == 2) return;
    auto prop = v8::FindProperty(heap, v8::Tag(addr), name);
    if (cacheable && !prop) {
      // Absent in the descriptors of this map: absent for every object using it.
      by_map[map->id].store(2, std::memory_order_relaxed);
      return;
    }
    if (!prop) return;
    graph::Referrer r;
    r.node = graph::kFirstObjectNode + ordinal;
    r.edge = {"property", name};
    r.live = g.IsLiveObject(ordinal);
    per_worker[w].push_back(std::move(r));
  });
  std::vector<graph::Referrer> out;
  for (auto& list : per_worker) {
    for (auto& r : list) {
      if (out.size() >= max) {
        *truncated = true;
        break;
      }
      out.push_back(std::move(r));
    }
  }
  std::sort(out.begin(), out.end(), [](const graph::Referrer& a, const graph::Referrer& b) { return a.node < b.node; });
  return out;
}

// StringsWithValue: string objects whose value is exactly `text`.
std::vector<uint32_t> StringsWithValue(const GraphViews& v, const std::string& text, Progress& progress) {
  const graph::RefGraph& g = *v.graph;
  const v8::Heap& heap = *v.heap;
  std::vector<std::vector<uint32_t>> per_worker(g.workers());
  g.WalkObjects(progress, "finding strings", [&](unsigned w, uint32_t ordinal, uint64_t addr, const v8::MapInfo* map,
                                                 uint64_t) {
    if (!heap.IsString(*map)) return;
    auto len = heap.StringLength(v8::Tag(addr));
    // UTF-16 length is at most the UTF-8 byte length, and at least a third of it.
    if (!len || *len > text.size() || *len * 3 < text.size()) return;
    auto s = heap.ReadString(v8::Tag(addr), text.size() + 4);
    if (s && !s->truncated && s->utf8 == text) per_worker[w].push_back(graph::kFirstObjectNode + ordinal);
  });
  std::vector<uint32_t> out;
  for (auto& l : per_worker) out.insert(out.end(), l.begin(), l.end());
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::string> RefsMethod(Session& s, const Args& args, Progress& progress) {
  auto vr = GetGraph(s, progress);
  if (!vr) return vr.error();
  const GraphViews& v = *vr.value();
  const graph::RefGraph& g = *v.graph;
  int64_t max = args.GetInt("max", kDefaultRefs);
  if (max <= 0 || max > kMaxRefs) return MakeError(ErrorCode::kUsage, "--max must be between 1 and 1048576");
  bool truncated = false;
  JsonWriter w;
  w.BeginObject();
  if (args.Has("property")) {
    std::string name = args.GetString("property");
    auto refs = ObjectsWithProperty(v, name, static_cast<size_t>(max), &truncated, progress);
    if (progress.Cancelled()) return MakeError(ErrorCode::kCancelled, "cancelled");
    w.Field("mode", "property").Field("property", name);
    WriteReferrers(w, g, refs);
  } else if (args.Has("string")) {
    std::string text = args.GetString("string");
    auto strings = StringsWithValue(v, text, progress);
    if (progress.Cancelled()) return MakeError(ErrorCode::kCancelled, "cancelled");
    std::vector<graph::Referrer> refs;
    for (uint32_t str : strings) {
      bool t = false;
      auto part = graph::Referrers(g, str, static_cast<size_t>(max) - refs.size(), &t);
      truncated = truncated || t;
      refs.insert(refs.end(), part.begin(), part.end());
      if (refs.size() >= static_cast<size_t>(max)) {
        truncated = true;
        break;
      }
    }
    w.Field("mode", "string").Field("string", text);
    w.Key("strings").BeginArray();
    for (uint32_t str : strings) {
      w.BeginObject();
      WriteNodeFields(w, g, str);
      w.FieldBool("live", g.IsLive(str));
      w.EndObject();
    }
    w.EndArray();
    WriteReferrers(w, g, refs);
  } else {
    auto node = Resolve(v, args);
    if (!node) return node.error();
    auto refs = graph::Referrers(g, node.value(), static_cast<size_t>(max), &truncated);
    w.Field("mode", "address");
    WriteTarget(w, g, node.value());
    WriteReferrers(w, g, refs);
  }
  w.FieldBool("truncated", truncated);
  WriteWarnings(w, g);
  w.EndObject();
  return w.Take();
}

Result<std::string> PathMethod(Session& s, const Args& args, Progress& progress) {
  auto vr = GetGraph(s, progress);
  if (!vr) return vr.error();
  const GraphViews& v = *vr.value();
  const graph::RefGraph& g = *v.graph;
  auto node = Resolve(v, args);
  if (!node) return node.error();
  int64_t max = args.GetInt("max", 1);
  if (max <= 0 || max > kMaxPaths) return MakeError(ErrorCode::kUsage, "--max must be between 1 and 100");
  auto paths = graph::RetainingPaths(g, node.value(), static_cast<size_t>(max));
  JsonWriter w;
  w.BeginObject();
  WriteTarget(w, g, node.value());
  w.FieldBool("live", g.IsLive(node.value()));
  if (g.IsLive(node.value())) {
    w.FieldUint("distance", g.Distance(node.value()));
  } else {
    w.Field("message", "the object is not reachable from any GC root: it is garbage that was not collected yet");
  }
  w.Key("paths").BeginArray();
  for (const auto& p : paths) WritePath(w, g, p);
  w.EndArray();
  WriteWarnings(w, g);
  w.EndObject();
  return w.Take();
}

// Presentable: a backing store (elements, properties, collection table)
// is reported as its owner when the owner dominates it, as paths show it.
uint32_t Presentable(const graph::RefGraph& g, uint32_t node) {
  uint32_t d = g.ImmediateDominator(node);
  if (!graph::RefGraph::IsObjectNode(d)) return node;
  auto da = g.AddressOfNode(d), na = g.AddressOfNode(node);
  if (!da || !na) return node;
  for (uint64_t off : {8, 16, 24}) {
    auto word = g.heap().memory().ReadU64(*da + off);
    if (word && *word == v8::Tag(*na)) return d;
  }
  return node;
}

Result<std::string> RetainedMethod(Session& s, const Args& args, Progress& progress) {
  auto vr = GetGraph(s, progress);
  if (!vr) return vr.error();
  const GraphViews& v = *vr.value();
  const graph::RefGraph& g = *v.graph;
  auto node = Resolve(v, args);
  if (!node) return node.error();
  uint32_t n = node.value();
  JsonWriter w;
  w.BeginObject();
  w.Key("address").Hex(v8::Tag(*g.AddressOfNode(n)));
  w.FieldBool("live", g.IsLive(n));
  w.FieldUint("selfSize", g.SelfSize(n));
  w.FieldUint("retainedSize", g.RetainedSize(n));
  w.Key("distance");
  if (g.IsLive(n)) w.Uint(g.Distance(n)); else w.Null();
  w.Key("dominator");
  uint32_t d = g.ImmediateDominator(n);
  if (graph::RefGraph::IsObjectNode(d)) d = Presentable(g, d);
  if (d == graph::kNoNode) {
    w.Null();
  } else {
    w.BeginObject();
    WriteNodeFields(w, g, d);
    w.EndObject();
  }
  w.Key("path");
  auto paths = graph::RetainingPaths(g, n, 1);
  if (paths.empty()) w.Null(); else WritePath(w, g, paths[0]);
  w.EndObject();
  return w.Take();
}

// --- leaks -------------------------------------------------------------------

struct Suspect {
  uint32_t pre = 0;       // preorder number of the accumulation point
  uint32_t node = 0;
  uint64_t retained = 0;
};

// FindSuspects walks the part of the dominator tree whose nodes retain at
// least `threshold` bytes. A node that keeps at least `threshold` bytes in
// objects that are each below the threshold (many small objects) is an
// accumulation point, as Eclipse MAT calls it; nodes that merely pass most of
// their retained size on to one big child are not.
std::vector<Suspect> FindSuspects(const graph::RefGraph& g, uint64_t threshold) {
  uint32_t k = g.reached();
  std::unordered_map<uint32_t, uint64_t> big_children_sum;  // by preorder number
  std::vector<uint32_t> big;
  for (uint32_t i = 2; i <= k; ++i) {
    if (g.RetainedByPreorder(i) < threshold) continue;
    big.push_back(i);
    big_children_sum[g.IdomByPreorder(i)] += g.RetainedByPreorder(i);
  }
  std::vector<Suspect> out;
  for (uint32_t i : big) {
    uint32_t node = g.NodeAtPreorder(i);
    if (!graph::RefGraph::IsObjectNode(node)) continue;
    uint64_t rest = g.RetainedByPreorder(i) - big_children_sum[i];
    if (rest >= threshold) out.push_back({i, node, g.RetainedByPreorder(i)});
  }
  std::sort(out.begin(), out.end(), [](const Suspect& a, const Suspect& b) { return a.retained > b.retained; });
  return out;
}

Result<std::string> LeaksMethod(Session& s, const Args& args, Progress& progress) {
  auto vr = GetGraph(s, progress);
  if (!vr) return vr.error();
  const GraphViews& v = *vr.value();
  const graph::RefGraph& g = *v.graph;
  int64_t top = args.GetInt("top", kDefaultSuspects);
  if (top <= 0 || top > 100) return MakeError(ErrorCode::kUsage, "--top must be between 1 and 100");
  double min_share = args.Has("minShare") ? std::atof(args.GetString("minShare").c_str()) : 0.02;
  if (!(min_share > 0 && min_share < 1)) min_share = 0.02;
  uint64_t total = g.RetainedSize(graph::kRootNode);
  uint64_t threshold = std::max<uint64_t>(static_cast<uint64_t>(static_cast<double>(total) * min_share), 1);
  std::vector<Suspect> suspects = FindSuspects(g, threshold);
  if (suspects.size() > static_cast<size_t>(top)) suspects.resize(static_cast<size_t>(top));

  // Type histogram of each suspect's dominator subtree: owner by preorder
  // number (a node's idom precedes it, so one forward sweep suffices).
  uint32_t k = g.reached();
  std::vector<uint8_t> owner(static_cast<size_t>(k) + 1, 0);
  for (size_t i = 0; i < suspects.size(); ++i) owner[suspects[i].pre] = static_cast<uint8_t>(i + 1);
  for (uint32_t i = 2; i <= k; ++i) {
    if (owner[i] == 0) owner[i] = owner[g.IdomByPreorder(i)];
  }
  struct TypeCount { uint64_t count = 0, bytes = 0; };
  std::vector<std::vector<std::map<uint32_t, TypeCount>>> per_worker(
      g.workers(), std::vector<std::map<uint32_t, TypeCount>>(suspects.size()));
  bool ok = g.WalkObjects(progress, "leak suspects", [&](unsigned w, uint32_t ordinal, uint64_t,
                                                         const v8::MapInfo* map, uint64_t size) {
    uint32_t p = g.PreorderNumber(graph::kFirstObjectNode + ordinal);
    if (p == 0 || owner[p] == 0) return;
    TypeCount& tc = per_worker[w][owner[p] - 1][map->id];
    tc.count++;
    tc.bytes += size;
  });
  if (!ok) return MakeError(ErrorCode::kCancelled, "cancelled");

  JsonWriter w;
  w.BeginObject();
  w.FieldUint("liveBytes", total);
  w.FieldUint("liveObjects", g.stats().live_objects);
  w.Key("minShare").Double(min_share);
  w.Key("suspects").BeginArray();
  for (size_t i = 0; i < suspects.size(); ++i) {
    // Merge per map, then per name.
    std::map<std::string, TypeCount> by_name;
    std::map<std::string, bool> is_object;
    for (unsigned wk = 0; wk < g.workers(); ++wk) {
      for (const auto& [map_id, tc] : per_worker[wk][i]) {
        const v8::MapInfo* m = v.heap->MapById(map_id);
        std::string name = "(unknown)";
        bool obj = false;
        if (m) {
          obj = v.heap->types().IsJSReceiver(m->instance_type);
          name = obj ? v.heap->ConstructorName(*m) : std::string();
          if (name.empty()) name = v.heap->types().DisplayName(m->instance_type);
        }
        TypeCount& d = by_name[name];
        d.count += tc.count;
        d.bytes += tc.bytes;
        is_object[name] = is_object[name] || obj;
      }
    }
    std::vector<std::pair<std::string, TypeCount>> types(by_name.begin(), by_name.end());
    std::sort(types.begin(), types.end(), [](const auto& a, const auto& b) {
      return a.second.bytes != b.second.bytes ? a.second.bytes > b.second.bytes : a.first < b.first;
    });
    // The dominant type: the most numerous JS object type (a user class or
    // builtin), else the type with the most bytes.
    const std::pair<std::string, TypeCount>* dominant = nullptr;
    for (const auto& t : types) {
      if (is_object[t.first] && (!dominant || t.second.count > dominant->second.count)) dominant = &t;
    }
    if (!dominant && !types.empty()) dominant = &types[0];
    uint32_t shown = Presentable(g, suspects[i].node);
    w.BeginObject();
    WriteNodeFields(w, g, shown);
    w.FieldUint("retainedSize", g.RetainedSize(shown));
    w.Key("share").Double(total ? static_cast<double>(g.RetainedSize(shown)) / static_cast<double>(total) : 0);
    w.FieldUint("selfSize", g.SelfSize(shown));
    w.Key("dominant");
    if (dominant) {
      w.BeginObject().Field("name", dominant->first).FieldUint("count", dominant->second.count)
          .FieldUint("bytes", dominant->second.bytes).EndObject();
    } else {
      w.Null();
    }
    w.Key("types").BeginArray();
    for (size_t t = 0; t < types.size() && t < 5; ++t) {
      w.BeginObject().Field("name", types[t].first).FieldUint("count", types[t].second.count)
          .FieldUint("bytes", types[t].second.bytes).EndObject();
    }
    w.EndArray();
    w.Key("path");
    auto paths = graph::RetainingPaths(g, shown, 1);
    if (paths.empty()) w.Null(); else WritePath(w, g, paths[0]);
    w.EndObject();
  }
  w.EndArray();
  WriteWarnings(w, g);
  w.EndObject();
  return w.Take();
}

// StackFrames walks every thread's stack and lists the slots of its V8
// frames, so that stale words in C++ frames do not keep garbage alive.
// Threads whose walk did not reach the end of the frame chain stay unwalked
// (scanned whole, conservatively).
std::vector<graph::ThreadFrames> StackFrames(const target::Target& t, const v8::Heap& heap) {
  stack::StackWalker walker(t, &heap);
  const auto& threads = t.core().threads();
  std::vector<graph::ThreadFrames> out(threads.size());
  for (size_t ti = 0; ti < threads.size() && ti < limits::kMaxThreads; ++ti) {
    stack::ThreadStack ts = walker.Walk(threads[ti], ti == 0, kStackFramesForRoots);
    if (ts.stop_reason != stack::kEndOfFrameChain) continue;
    out[ti].walked = true;
    for (size_t i = 0; i < ts.frames.size(); ++i) {
      const stack::Frame& f = ts.frames[i];
      if (f.kind == stack::FrameKind::kNative) continue;
      // A frame spans from its sp to its caller's sp; the outermost to fp + 16.
      uint64_t end = i + 1 < ts.frames.size() ? ts.frames[i + 1].sp : (f.fp > f.sp ? f.fp + 16 : f.sp);
      if (end > f.sp) out[ti].ranges.push_back({f.sp, end, static_cast<uint16_t>(ti)});
    }
  }
  return out;
}

}  // namespace

Result<std::vector<uint64_t>> RetainedByRow(const graph::RefGraph& g, const v8::Heap& heap, const heap::Histogram& h,
                                            Progress& progress) {
  std::vector<uint32_t> group_of_map(heap.map_count(), graph::RefGraph::kNoGroup);
  for (uint32_t row = 0; row < h.rows.size(); ++row) {
    for (uint32_t id : h.rows[row].map_ids) {
      if (id < group_of_map.size()) group_of_map[id] = row;
    }
  }
  return g.RetainedByGroup(group_of_map, static_cast<uint32_t>(h.rows.size()), progress);
}

Result<GraphViews*> GetGraph(Session& s, Progress& progress) {
  return s.Cached<GraphViews>("graph:views", [&]() -> Result<std::unique_ptr<GraphViews>> {
    auto v = std::make_unique<GraphViews>();
    const target::Target& t = s.target();
    auto base = GetHeapIndex(s, progress);
    if (!base) return base.error();
    v->pages = base.value()->pages.get();
    v->heap = base.value()->heap.get();
    v->index = base.value()->index.get();
    graph::GraphOptions options;
    options.frames = StackFrames(t, *v->heap);
    auto g = graph::RefGraph::Build(t, *v->pages, *v->heap, *v->index, options, progress);
    if (!g) return g.error();
    v->graph = std::move(g.value());
    return v;
  });
}

void RegisterGraphMethods(Registry& r) {
  r.Add("graph", GraphMethod);
  r.Add("refs", RefsMethod);
  r.Add("path", PathMethod);
  r.Add("retained", RetainedMethod);
  r.Add("leaks", LeaksMethod);
}

}  // namespace corescope::api
